//! The command line: a thin shell over the library. Only this module knows
//! about flags; it parses them, calls library functions, prints, and turns
//! the outcome into an exit code (0 all good, 1 some inputs were bad, 2 usage
//! error or a file that could not be opened).

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Recurrent networks at work: doodle recognition, sketch-rnn drawing,
/// photo captioning, and a look inside the LSTM. Without a command, opens
/// the desktop app.
#[derive(Debug, Parser)]
#[command(name = "rnn-studio", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {}

/// Runs one subcommand.
pub fn run(command: Command) -> ExitCode {
    match command {}
}
