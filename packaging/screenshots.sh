#!/usr/bin/env bash
# Screenshots of the viewer for the README and for looking at the GUI without a desktop.
#
# Starts a private Xvfb display, runs cosmoclip-gui on each FILE with --screenshot (the window
# grabs itself once the image is loaded and rendered, then quits) and writes OUTDIR/viewer.png for
# the first file and OUTDIR/viewer-<name>.png for the others. The window's own grab is used rather
# than `xwd -root`, so the picture is exactly the window wherever an X server without a window
# manager puts it. QSettings go to a throw-away folder: your recent files and window layout are
# neither used nor changed.
#
# Usage: packaging/screenshots.sh [-o OUTDIR] [-s WIDTHxHEIGHT] BINARY FILE [FILE...]
#   BINARY  path of cosmoclip-gui (e.g. build/app/cosmoclip-gui)
#   OUTDIR  default: resources/screenshots beside this script's folder
# Needs: Xvfb (package xvfb). Exit status: 0 when every file loaded and was saved.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
outdir="$here/../resources/screenshots"
size="1280x800"
while getopts "o:s:h" opt; do
  case "$opt" in
    o) outdir="$OPTARG" ;;
    s) size="$OPTARG" ;;
    h) sed -n '2,16p' "$0"; exit 0 ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -lt 2 ]; then
  echo "usage: $0 [-o OUTDIR] [-s WIDTHxHEIGHT] BINARY FILE [FILE...]" >&2
  exit 2
fi
binary="$1"; shift
[ -x "$binary" ] || { echo "$0: $binary is not an executable" >&2; exit 2; }
[[ "$size" =~ ^[0-9]+x[0-9]+$ ]] || { echo "$0: size must look like 1280x800" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "$0: Xvfb not found (apt-get install xvfb)" >&2; exit 2; }
mkdir -p "$outdir"

# A free display number: no socket and no lock file.
display=""
for n in $(seq 90 140); do
  if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "$0: no free X display number in :90-:140" >&2; exit 1; }

width="${size%x*}"; height="${size#*x}"
scratch="$(mktemp -d)"
Xvfb "$display" -screen 0 "$((width + 64))x$((height + 64))x24" -nolisten tcp >"$scratch/xvfb.log" 2>&1 &
xvfb_pid=$!
cleanup() { kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT
for _ in $(seq 50); do
  [ -e "/tmp/.X11-unix/X${display#:}" ] && break
  sleep 0.1
done
[ -e "/tmp/.X11-unix/X${display#:}" ] || { echo "$0: Xvfb did not start:" >&2; cat "$scratch/xvfb.log" >&2; exit 1; }

status=0
first=1
for file in "$@"; do
  if [ "$first" = 1 ]; then
    out="$outdir/viewer.png"
    first=0
  else
    name="$(basename "$file")"
    out="$outdir/viewer-${name%%.*}.png"
  fi
  if DISPLAY="$display" XDG_CONFIG_HOME="$scratch/config" XDG_RUNTIME_DIR="$scratch" QT_QPA_PLATFORM=xcb \
      timeout 180 "$binary" --size "$size" --screenshot "$out" "$file" >/dev/null; then
    echo "$out ($(du -k "$out" | cut -f1) KB) <- $file"
  else
    echo "$0: $file did not load (exit $?); the window with its error is in $out" >&2
    status=1
  fi
done
exit "$status"
