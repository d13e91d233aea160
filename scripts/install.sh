#!/usr/bin/env bash
# Installs rnn-studio for the current user (or system-wide with PREFIX=/usr/local
# as root): the binary, the shipped weights, the desktop entry and the icons,
# so the app can be started from the desktop menu by double-click.
#
# usage: scripts/install.sh            # into ~/.local
#        PREFIX=/usr/local scripts/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-$HOME/.local}
cargo build --release --locked
install -Dm755 target/release/rnn-studio "$PREFIX/bin/rnn-studio"
mkdir -p "$PREFIX/share/rnn-studio"
cp -r weights "$PREFIX/share/rnn-studio/"
install -Dm644 assets/rnn-studio.desktop "$PREFIX/share/applications/rnn-studio.desktop"
for s in 48 128; do
  install -Dm644 "assets/rnn-studio-$s.png" "$PREFIX/share/icons/hicolor/${s}x${s}/apps/rnn-studio.png"
done
install -Dm644 assets/rnn-studio.png "$PREFIX/share/icons/hicolor/256x256/apps/rnn-studio.png"
install -Dm644 assets/rnn-studio.svg "$PREFIX/share/icons/hicolor/scalable/apps/rnn-studio.svg"
# The man pages, English and Portuguese (`man rnn-studio` follows $LANG).
man_tmp=$(mktemp -d)
trap 'rm -rf "$man_tmp"' EXIT
./target/release/rnn-studio manual --out "$man_tmp" >/dev/null
for page in "$man_tmp"/man/*.1; do
  install -Dm644 "$page" "$PREFIX/share/man/man1/$(basename "$page")"
done
for page in "$man_tmp"/man/pt_BR/man1/*.1; do
  install -Dm644 "$page" "$PREFIX/share/man/pt_BR/man1/$(basename "$page")"
done
command -v update-desktop-database >/dev/null && update-desktop-database -q "$PREFIX/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$PREFIX/share/icons/hicolor" || true
echo "installed: $PREFIX/bin/rnn-studio (make sure $PREFIX/bin is on your PATH)"
