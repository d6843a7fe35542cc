#!/usr/bin/env bash
# One command for a fresh Debian 12 / Ubuntu machine: installs the packages CosmoCLIP needs (apt,
# idempotent, no prompts), configures and builds, then runs
#   bash packaging/setup.sh          the main job (the GUI, or a CLI tour where there is no display)
#   bash packaging/setup.sh test     the whole test suite (what CI runs)
#   bash packaging/setup.sh build    install and build only
# Environment: BUILD_DIR (default build), COSMOCLIP_JOBS (parallel build jobs), CMAKE_ARGS (extra
# configure flags, e.g. -DTorch_DIR=/opt/libtorch/share/cmake/Torch for an official CUDA LibTorch).
set -euo pipefail

mode="${1:-run}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
jobs="${COSMOCLIP_JOBS:-$(nproc 2>/dev/null || echo 2)}"
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local wanted missing=()
  wanted=$(grep -v '^\s*#' "$root/packaging/debian-packages.txt" | tr -s ' \n' ' ')
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "all $(echo "$wanted" | wc -w) Debian packages present"
    return
  fi
  log "installing ${#missing[@]} Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

check_blas() {
  # Debian's LibTorch calls libblas.so.3; without OpenBLAS that is the reference BLAS, ~50x slower.
  local blas
  blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
  case "$blas" in
    *openblas*) ;;
    *) log "warning: libblas.so.3 is $blas, not OpenBLAS: model calls will be very slow" ;;
  esac
}

configure_and_build() {
  # Relative paths in ccache keys: a fresh clone elsewhere (CI) reuses what an earlier build compiled.
  export CCACHE_BASEDIR="$root"
  log "configuring in $build"
  # shellcheck disable=SC2086
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-} >/dev/null
  log "building with $jobs jobs"
  cmake --build "$build" -j "$jobs"
}

fetch_testdata() {
  log "fetching real FITS test files from Debian packages into $build/testdata"
  bash "$root/tests/data/fetch-testdata.sh" "$build/testdata"
}

run_tests() {
  fetch_testdata
  log "running the test suite (labels unit and slow; gpu tests skip without CUDA)"
  cd "$build"
  QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$jobs" --timeout 900
}

sample_file() {
  fetch_testdata >/dev/null 2>&1 || true
  local m51="$build/testdata/fits/skimage-simple.fits"  # M51, KPNO, from python3-skimage
  [ -f "$m51" ] && { echo "$m51"; return; }
  ls "$root"/../shared/clip-reference/images/spiral_square.png 2>/dev/null | head -n 1
}

run_main_job() {
  local sample
  sample=$(sample_file)
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build/app/cosmoclip-gui" ]; then
    log "opening the desktop app on $sample"
    exec "$build/app/cosmoclip-gui" ${sample:+"$sample"}
  fi
  log "no display: a command-line tour on $sample"
  "$build/app/cosmoclip" info "$sample"
  "$build/app/cosmoclip" render "$sample" -o "$build/sample-render.png" --max-size 1024
  log "rendered with the default stretch to $build/sample-render.png"
}

install_packages
check_blas
configure_and_build
case "$mode" in
  run) run_main_job ;;
  test) run_tests ;;
  build) ;;
  *) echo "usage: bash packaging/setup.sh [run|test|build]" >&2; exit 2 ;;
esac
