#!/usr/bin/env bash
# Screenshot the real console window under Xvfb (no GPU: Mesa llvmpipe OpenGL) at the two
# screen sizes the console must be usable at, with a deterministic synthetic picture.
#
# Usage: tools/screenshot.sh [OUT_DIR] [TRACKS]
#   OUT_DIR  where the PNGs go (default docs/screenshots)
#   TRACKS   synthetic tracks (default 600)
# Env: SEAWARDEN_BIN (default target/debug/seawarden), WAIT seconds before the shot (default 8).
# Needs: xvfb-run (xvfb), import (imagemagick).
set -euo pipefail
BIN=${SEAWARDEN_BIN:-target/debug/seawarden}
OUT=${1:-docs/screenshots}
TRACKS=${2:-600}
WAIT=${WAIT:-8}
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --bin seawarden)" >&2; exit 2; }
for size in 1920x1080 1366x768; do
  w=${size%x*}
  h=${size#*x}
  png="$OUT/console-$size.png"
  xvfb-run -a -s "-screen 0 ${w}x${h}x24" bash -c '
    set -e
    LIBGL_ALWAYS_SOFTWARE=1 "$0" console --synthetic "$1" --no-record --width "$2" --height "$3" &
    pid=$!
    sleep "$4"
    if ! kill -0 "$pid" 2>/dev/null; then echo "console exited early" >&2; exit 1; fi
    import -window root "$5"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  ' "$BIN" "$TRACKS" "$w" "$h" "$WAIT" "$png"
  echo "$png"
done
