//! `rnn-studio`: with no arguments opens the desktop app, otherwise runs a
//! command-line subcommand.

use rnn_studio::app::display_loss::{EXIT_DISPLAY_LOST, Ended};
use std::process::ExitCode;

fn main() -> ExitCode {
    rnn_studio::startup::keep_freed_memory();
    // The language first, so that `--help` and parse errors speak it.
    let lang = rnn_studio::cli::lang_from_args(std::env::args_os());
    rnn_studio::i18n::set(lang.unwrap_or_else(rnn_studio::i18n::Lang::from_env));
    let cli = rnn_studio::cli::parse();
    match cli.command {
        Some(command) => rnn_studio::cli::run(command),
        None => {
            let options = rnn_studio::app::AppOptions {
                lang,
                ..Default::default()
            };
            match rnn_studio::app::run(options) {
                Ok(Ended::Closed) => ExitCode::SUCCESS,
                Ok(Ended::DisplayLost(how)) => {
                    eprintln!("{}", rnn_studio::t!("display-lost", how = how));
                    ExitCode::from(EXIT_DISPLAY_LOST)
                }
                Err(e) => {
                    eprintln!("{}", rnn_studio::t!("window-failed", error = e.to_string()));
                    ExitCode::from(2)
                }
            }
        }
    }
}
