//! `rnn-studio`: with no arguments opens the desktop app, otherwise runs a
//! command-line subcommand.

use clap::Parser;
use rnn_studio::app::display_loss::{EXIT_DISPLAY_LOST, Ended};
use std::process::ExitCode;

fn main() -> ExitCode {
    rnn_studio::startup::keep_freed_memory();
    let cli = rnn_studio::cli::Cli::parse();
    match cli.command {
        Some(command) => rnn_studio::cli::run(command),
        None => match rnn_studio::app::run() {
            Ok(Ended::Closed) => ExitCode::SUCCESS,
            Ok(Ended::DisplayLost(how)) => {
                eprintln!(
                    "rnn-studio: lost the connection to the display; the drawing was saved and comes back at the next start (windowing library: {how})"
                );
                ExitCode::from(EXIT_DISPLAY_LOST)
            }
            Err(e) => {
                eprintln!("rnn-studio: cannot open the window: {e}");
                ExitCode::from(2)
            }
        },
    }
}
