#!/usr/bin/env bash
# Builds target/debian/rnn-studio_<version>_<arch>.deb: the release binary, the
# shipped weights, the menu entry, icons, man pages and shell completions.
# Needs cargo-deb (installed from crates.io on first use).
#
# usage: scripts/build-deb.sh
#        sudo apt install ./target/debian/rnn-studio_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-deb >/dev/null || cargo install --locked cargo-deb
cargo build --release --locked
rm -rf target/deb-assets
./target/release/rnn-studio manual --out target/deb-assets >/dev/null
# The release profile keeps line tables for backtraces while developing; the
# package ships the program without them (200 MB → about 20 MB).
strip -o target/deb-assets/rnn-studio target/release/rnn-studio
cargo deb --no-build --locked "$@"
ls -l target/debian/*.deb
