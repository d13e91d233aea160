//! `rnn-studio`: with no arguments opens the desktop app, otherwise runs a
//! command-line subcommand.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    rnn_studio::startup::keep_freed_memory();
    let cli = rnn_studio::cli::Cli::parse();
    match cli.command {
        Some(command) => rnn_studio::cli::run(command),
        None => match rnn_studio::app::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("rnn-studio: cannot open the window: {e}");
                ExitCode::from(2)
            }
        },
    }
}
