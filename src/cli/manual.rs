//! `rnn-studio manual --out DIR`: the man pages (`rnn-studio.1` and one per
//! subcommand, `rnn-studio-classify.1` …) and the bash, zsh and fish
//! completions, generated from the same clap definition the program parses
//! with, so they never disagree with it. Packagers (the .deb) run it at build.

use super::Cli;
use anyhow::Context;
use clap::CommandFactory;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `rnn-studio manual`.
#[derive(Debug, Clone, clap::Args)]
pub struct ManualArgs {
    /// Folder to write into: `man/` and `completions/` are made in it.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `manual`.
pub fn run(args: &ManualArgs) -> anyhow::Result<ExitCode> {
    let written = write_all(&args.out)?;
    for path in written {
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes every man page and completion file under `out`; returns their paths.
pub fn write_all(out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let man = out.join("man");
    let completions = out.join("completions");
    for dir in [&man, &completions] {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut written = Vec::new();
    let cmd = Cli::command();
    write_man(&cmd, "rnn-studio", &man, &mut written)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("rnn-studio-{}", sub.get_name());
        let sub = sub.clone().name(name.clone());
        write_man(&sub, &name, &man, &mut written)?;
    }
    for (shell, file) in [
        (clap_complete::Shell::Bash, "rnn-studio"),
        (clap_complete::Shell::Zsh, "_rnn-studio"),
        (clap_complete::Shell::Fish, "rnn-studio.fish"),
    ] {
        let mut bytes = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "rnn-studio", &mut bytes);
        let path = completions.join(file);
        crate::safe_io::write_atomic(&path, &bytes)
            .with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn write_man(
    cmd: &clap::Command,
    name: &str,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut bytes)
        .with_context(|| format!("rendering the man page of {name}"))?;
    let path = dir.join(format!("{name}.1"));
    crate::safe_io::write_atomic(&path, &bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    written.push(path);
    Ok(())
}
