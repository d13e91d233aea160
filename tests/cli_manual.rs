//! `rnn-studio manual`: the man pages and shell completions the .deb ships
//! are generated from the parser itself, so they name every subcommand and
//! flag the program accepts.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rnn-studio");

#[test]
fn man_pages_and_completions_cover_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["manual", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let main = std::fs::read_to_string(tmp.path().join("man/rnn-studio.1")).unwrap();
    assert!(
        main.starts_with(".ie") || main.contains(".TH"),
        "roff: {}",
        &main[..80.min(main.len())]
    );
    for sub in [
        "classify",
        "caption",
        "draw",
        "inspect",
        "lab",
        "train-sketch",
        "eval-caption",
        "bench",
    ] {
        // roff writes a hyphen as `\-`.
        let roff = sub.replace('-', "\\-");
        assert!(main.contains(&roff), "rnn-studio.1 lists {sub}");
        let page = tmp.path().join(format!("man/rnn-studio-{sub}.1"));
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        assert!(
            text.contains(&format!("rnn\\-studio\\-{roff}")),
            "{} names its command",
            page.display()
        );
    }
    // The hidden packaging command gets no page of its own.
    assert!(!tmp.path().join("man/rnn-studio-manual.1").exists());
    let page = std::fs::read_to_string(tmp.path().join("man/rnn-studio-classify.1")).unwrap();
    assert!(page.contains("top"), "classify's flags are documented");
    let bash = std::fs::read_to_string(tmp.path().join("completions/rnn-studio")).unwrap();
    assert!(
        bash.contains("classify") && bash.contains("--beam"),
        "bash completes subcommands and flags"
    );
    let zsh = std::fs::read_to_string(tmp.path().join("completions/_rnn-studio")).unwrap();
    assert!(zsh.starts_with("#compdef rnn-studio"));
    let fish = std::fs::read_to_string(tmp.path().join("completions/rnn-studio.fish")).unwrap();
    assert!(fish.contains("complete -c rnn-studio"));

    // The same pages in Portuguese, where man looks for them under pt_BR.
    let pt = tmp.path().join("man/pt_BR/man1");
    let main = std::fs::read_to_string(pt.join("rnn-studio.1")).unwrap();
    assert!(
        main.contains(".SH NOME") && main.contains(".SH SINOPSE"),
        "{main}"
    );
    assert!(
        main.contains("Redes recorrentes"),
        "the description is Portuguese"
    );
    let classify = std::fs::read_to_string(pt.join("rnn-studio-classify.1")).unwrap();
    assert!(classify.contains("rabiscos") && classify.contains("palpites"));
    assert!(!pt.join("rnn-studio-manual.1").exists());
    // The English page is untouched by the translation.
    let en = std::fs::read_to_string(tmp.path().join("man/rnn-studio-classify.1")).unwrap();
    assert!(en.contains(".SH NAME") && en.contains("Name doodles"));
}
