#!/usr/bin/env bash
# End-to-end smoke test of the real app, as a user would drive it:
# start it under an X server, draw a doodle with xdotool, open a photo by
# typing its path, and check the app's own status output and a screenshot.
#
# usage: xvfb-run -a -s "-screen 0 1280x800x24" tests/e2e.sh [BINARY] [SCREENSHOT.png]
set -euo pipefail
BIN=${1:-target/release/rnn-studio}
SHOT=${2:-/tmp/rnn-studio-e2e.png}
PHOTO="$(cd "$(dirname "$0")" && pwd)/fixtures/photos/chelsea_small.jpg"
WORK=$(mktemp -d)
export RNN_STUDIO_STATUS_FILE="$WORK/status.json"
export XDG_STATE_HOME="$WORK/state"
# The settings (the language) of this run only, never the user's.
export XDG_CONFIG_HOME="$WORK/config"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$WORK/run}"; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"

"$BIN" >"$WORK/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null || true; rm -rf "$WORK"' EXIT

WID=""
for _ in $(seq 100); do
  WID=$(xdotool search --name '^rnn-studio$' 2>/dev/null | head -1 || true)
  [ -n "$WID" ] && break
  sleep 0.1
done
[ -n "$WID" ] || { echo "FAIL: no window"; cat "$WORK/app.log"; exit 1; }
sleep 1.5

status() { cat "$RNN_STUDIO_STATUS_FILE" 2>/dev/null || echo '{}'; }
field() { status | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))"; }

# Draw a zig-zag stroke and a second one across the canvas.
xdotool mousemove --window "$WID" 150 200 mousedown 1
for x in $(seq 160 20 460); do y=$(( 200 + (x / 20 % 2) * 60 )); xdotool mousemove --window "$WID" $x $y; sleep 0.02; done
xdotool mouseup 1
xdotool mousemove --window "$WID" 300 120 mousedown 1
for y in $(seq 130 20 500); do xdotool mousemove --window "$WID" 300 $y; sleep 0.02; done
xdotool mouseup 1
sleep 0.5
[ "$(field strokes)" = "2" ] || { echo "FAIL: expected 2 strokes, status: $(status)"; exit 1; }
echo "ok: drew 2 strokes ($(field points) points)"
for _ in $(seq 50); do [ "$(field guess)" != "None" ] && break; sleep 0.1; done
[ "$(field guess)" != "None" ] || { echo "FAIL: no guess, status: $(status)"; exit 1; }
echo "ok: the recognizer guessed $(field guess) (unsure: $(field unsure))"

# With Inspect open (the heaviest frames), the typed-path prompt keeps up
# with fast typing: 235 characters at 5 ms a key, none dropped.
xdotool windowfocus --sync "$WID" 2>/dev/null || true
xdotool mousemove --window "$WID" 600 43 click 1; sleep 0.5          # Inside the LSTM
xdotool mousemove --window "$WID" 325 43 click 1; sleep 0.3          # Open…
LONG="/tmp/no/such/folder/$(printf 'abcdefghij%.0s' $(seq 20))/drawing.ndjson"
xdotool type --delay 5 "$LONG"; xdotool key Return
for _ in $(seq 30); do status | grep -qF "$LONG" && break; sleep 0.1; done
status | grep -qF "$LONG" || { echo "FAIL: typed path lost characters, status: $(status)"; exit 1; }
echo "ok: a ${#LONG}-character path typed at 5 ms a key arrived whole, with Inspect open"
xdotool mousemove --window "$WID" 600 43 click 1; sleep 0.3          # Inspect closed again

# Caption tab (Ctrl+2), type the photo's path, press Enter.
xdotool mousemove --window "$WID" 109 20 click 1; sleep 0.3; xdotool windowfocus --sync "$WID" 2>/dev/null || true
xdotool mousemove --window "$WID" 360 51 click 1; sleep 0.2
xdotool type --delay 5 "$PHOTO"; xdotool key Return
for _ in $(seq 50); do [ "$(field photo)" = "chelsea_small.jpg" ] && break; sleep 0.1; done
[ "$(field photo)" = "chelsea_small.jpg" ] || { echo "FAIL: photo not shown, status: $(status)"; exit 1; }
echo "ok: photo shown ($(field photo_size))"
for _ in $(seq 100); do [ "$(field caption)" != "None" ] && break; sleep 0.1; done
[ "$(field caption)" != "None" ] || { echo "FAIL: no caption, status: $(status)"; exit 1; }
echo "ok: caption: $(field caption)"
sleep 0.3
import -window root "$SHOT"
echo "ok: screenshot $SHOT"

# Killed with kill -9 just after a stroke, the app comes back with the
# drawing, that stroke included: the canvas is autosaved at every pen-up.
xdotool key ctrl+1; sleep 0.3
xdotool mousemove --window "$WID" 200 400 mousedown 1
for x in $(seq 210 20 400); do xdotool mousemove --window "$WID" $x 420; sleep 0.02; done
xdotool mouseup 1
for _ in $(seq 50); do [ "$(field strokes)" = "3" ] && break; sleep 0.1; done
[ "$(field strokes)" = "3" ] || { echo "FAIL: expected 3 strokes, status: $(status)"; exit 1; }
POINTS=$(field points)
sleep 0.3
kill -9 "$APP"; wait "$APP" 2>/dev/null || true
rm -f "$RNN_STUDIO_STATUS_FILE"
"$BIN" >"$WORK/app2.log" 2>&1 &
APP=$!
for _ in $(seq 100); do [ "$(field strokes)" = "3" ] && break; sleep 0.1; done
[ "$(field strokes)" = "3" ] && [ "$(field points)" = "$POINTS" ] || { echo "FAIL: drawing not restored after kill -9 (had 3 strokes, $POINTS points), status: $(status)"; cat "$WORK/app2.log"; exit 1; }
echo "ok: killed 0.3 s after a stroke, the drawing came back (3 strokes, $POINTS points)"
