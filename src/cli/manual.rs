//! `rnn-studio manual --out DIR`: the man pages (`rnn-studio.1` and one per
//! subcommand, `rnn-studio-classify.1` …) and the bash, zsh and fish
//! completions, generated from the same clap definition the program parses
//! with, so they never disagree with it; and the same pages in Portuguese
//! under `man/pt_BR/man1/`, from the pt-BR help messages (cli.ftl).
//! Packagers (the .deb, scripts/install.sh) run it at build.

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
    let english = {
        let _en = crate::i18n::ThreadLang::new(crate::i18n::Lang::En);
        Cli::command()
    };
    write_pages(&english, &man, &mut written, None)?;
    let portuguese = {
        let _pt = crate::i18n::ThreadLang::new(crate::i18n::Lang::PtBr);
        super::localized(Cli::command())
    };
    let pt_dir = man.join("pt_BR").join("man1");
    std::fs::create_dir_all(&pt_dir).with_context(|| format!("creating {}", pt_dir.display()))?;
    write_pages(&portuguese, &pt_dir, &mut written, Some(PT_SECTIONS))?;
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

/// clap_mangen's section headings and their Portuguese names (it writes
/// them in English only).
const PT_SECTIONS: &[(&str, &str)] = &[
    (".SH NAME", ".SH NOME"),
    (".SH SYNOPSIS", ".SH SINOPSE"),
    (".SH DESCRIPTION", ".SH DESCRIÇÃO"),
    (".SH OPTIONS", ".SH OPÇÕES"),
    (".SH SUBCOMMANDS", ".SH SUBCOMANDOS"),
    (".SH VERSION", ".SH VERSÃO"),
    (".SH EXTRA", ".SH EXTRA"),
    (".SH AUTHORS", ".SH AUTORES"),
];

/// The page of `cmd` and one per visible subcommand, into `dir`.
fn write_pages(
    cmd: &clap::Command,
    dir: &Path,
    written: &mut Vec<PathBuf>,
    sections: Option<&[(&str, &str)]>,
) -> anyhow::Result<()> {
    write_man(cmd, "rnn-studio", dir, written, sections)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("rnn-studio-{}", sub.get_name());
        let sub = sub.clone().name(name.clone());
        write_man(&sub, &name, dir, written, sections)?;
    }
    Ok(())
}

fn write_man(
    cmd: &clap::Command,
    name: &str,
    dir: &Path,
    written: &mut Vec<PathBuf>,
    sections: Option<&[(&str, &str)]>,
) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut bytes)
        .with_context(|| format!("rendering the man page of {name}"))?;
    if let Some(sections) = sections {
        let mut text = String::from_utf8(bytes).context("the man page is not UTF-8")?;
        for (en, other) in sections {
            text = text.replace(&format!("{en}\n"), &format!("{other}\n"));
        }
        bytes = text.into_bytes();
    }
    let path = dir.join(format!("{name}.1"));
    crate::safe_io::write_atomic(&path, &bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    written.push(path);
    Ok(())
}
