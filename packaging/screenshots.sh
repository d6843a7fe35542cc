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
#        packaging/screenshots.sh [-o OUTDIR] [-s WIDTHxHEIGHT] -m MODEL BINARY [PATH...]
#   BINARY  path of cosmoclip-gui (e.g. build/app/cosmoclip-gui)
#   OUTDIR  default: resources/screenshots beside this script's folder
#   -m MODEL  the catalog screens instead: a scratch catalog of PATHs (files or folders; default:
#           30 deep-sky pictures of Debian's stellarium-data, sorted into galaxies, nebulae and
#           clusters) is indexed with MODEL (a CLIP folder or .pt) and the window is saved as
#           catalog-browse.png (grid, folders, viewer, details), catalog-labels.png (a comma query:
#           zero-shot label chips), catalog-search.png (a phrase: ranked results with scores),
#           catalog-similar.png (Find similar), catalog-models.png (the model manager) and
#           catalog-night.png (night vision); with the CLI (cosmoclip) beside BINARY, each image's
#           folder name becomes its label and finetune-wizard.png (the wizard's data page) and
#           training-dashboard.png (a 3-epoch fine-tune) are saved too.
# Needs: Xvfb (package xvfb). Exit status: 0 when every file loaded and was saved.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
outdir="$here/../resources/screenshots"
size="1280x800"
model=""
while getopts "o:s:m:h" opt; do
  case "$opt" in
    o) outdir="$OPTARG" ;;
    s) size="$OPTARG" ;;
    m) model="$OPTARG" ;;
    h) sed -n '2,24p' "$0"; exit 0 ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ] || { [ -z "$model" ] && [ $# -lt 2 ]; }; then
  echo "usage: $0 [-o OUTDIR] [-s WIDTHxHEIGHT] BINARY FILE [FILE...]" >&2
  echo "       $0 [-o OUTDIR] [-s WIDTHxHEIGHT] -m MODEL BINARY [PATH...]" >&2
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

# Runs the GUI on the private display with throw-away settings.
gui() {
  DISPLAY="$display" XDG_CONFIG_HOME="$scratch/config" XDG_RUNTIME_DIR="$scratch" QT_QPA_PLATFORM=xcb \
    timeout 300 "$binary" --size "$size" "$@"
}

if [ -n "$model" ]; then
  [ -e "$model" ] || { echo "$0: no model at $model" >&2; exit 2; }
  if [ $# -eq 0 ]; then
    stellarium=/usr/share/stellarium/nebulae/default
    [ -d "$stellarium" ] || { echo "$0: give image folders, or install stellarium-data" >&2; exit 2; }
    mkdir -p "$scratch/sky/galaxies" "$scratch/sky/nebulae" "$scratch/sky/clusters"
    for f in m31 m33 m51-vasey m63-vasey m64 m81-vasey m82-vasey m101-vasey m104 n253; do
      cp "$stellarium/$f.png" "$scratch/sky/galaxies/"; done
    for f in m1dumont m8 m16 m17 m20 m27dumont m42 m57dumont m97dumont ic434 etaCarinae; do
      cp "$stellarium/$f.png" "$scratch/sky/nebulae/"; done
    for f in m3 m5 m13 m15-vasey m22 m35 m44 m92; do
      cp "$stellarium/$f.png" "$scratch/sky/clusters/"; done
    set -- "$scratch/sky"
  fi
  catalog="$scratch/sky.sqlite"
  adds=()
  for p in "$@"; do adds+=(--add "$p"); done
  labels="spiral galaxy, planetary nebula, emission nebula, globular cluster, open cluster"
  status=0
  shoot() {  # NAME ARGS...: one window state, saved as OUTDIR/NAME.png
    local name="$1"; shift
    if gui --catalog "$catalog" --screenshot "$outdir/$name.png" "$@" >/dev/null; then
      echo "$outdir/$name.png ($(du -k "$outdir/$name.png" | cut -f1) KB)"
    else
      echo "$0: $name: the window reported a problem (exit $?); see $outdir/$name.png" >&2
      status=1
    fi
  }
  shoot catalog-browse --model "$model" "${adds[@]}" --select 2
  shoot catalog-labels --query "$labels" --select 12
  shoot catalog-search --query "a red emission nebula with dark dust lanes" --select 0
  shoot catalog-similar --select 4 --find-similar
  shoot catalog-models --dialog models
  # Fine-tuning needs labels of the user's own: on a copy of the catalog (the other screens keep
  # their zero-shot labels) the CLI beside the GUI imports each image's folder name as its label,
  # then the wizard (data page) and a 3-epoch run's dashboard are saved. Night vision comes last:
  # it is remembered in the settings.
  cli="$(dirname "$binary")/cosmoclip"
  if [ -x "$cli" ]; then
    csv="$scratch/labels.csv"
    echo "path,label" >"$csv"
    find "$@" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.fits' -o -iname '*.fit' \) | sort |
      while read -r f; do echo "$(realpath "$f"),$(basename "$(dirname "$f")")"; done >>"$csv"
    sky="$catalog"
    catalog="$scratch/train.sqlite"
    cp "$sky" "$catalog"  # the GUI has quit: its last connection checkpointed the WAL
    "$cli" annotate --db "$catalog" --csv "$csv" --json >/dev/null
    shoot finetune-wizard --model "$model" --dialog finetune
    shoot training-dashboard --finetune 3
    catalog="$sky"
  else
    echo "$0: no $cli: finetune-wizard.png and training-dashboard.png skipped" >&2
  fi
  shoot catalog-night --night --select 6
  exit "$status"
fi

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
  if gui --screenshot "$out" "$file" >/dev/null; then
    echo "$out ($(du -k "$out" | cut -f1) KB) <- $file"
  else
    echo "$0: $file did not load (exit $?); the window with its error is in $out" >&2
    status=1
  fi
done
exit "$status"
