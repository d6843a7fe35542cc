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

# The demo catalog: real sky images from Debian's stellarium-data and kstars-data, labelled and
# captioned, embedded with the built-in model. Both steps are incremental: a second run only checks.
prepare_demo_catalog() {
  local demo="$build/demo" cli="$build/app/cosmoclip"
  log "demo catalog in $demo"
  "$cli" demo build --out "$demo" --json > "$build/demo.json"
  mapfile -t roots < <(/usr/bin/python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["roots"]))' "$build/demo.json")
  log "indexing ${#roots[@]} image folders/files with the built-in model (only new or changed images are embedded)"
  "$cli" index --db "$demo/catalog.sqlite" "${roots[@]}"
}

cli_tour() {
  local cli="$build/app/cosmoclip" db="$build/demo/catalog.sqlite" nebulae=/usr/share/stellarium/nebulae/default
  log "no display: a command-line tour of the demo catalog"
  echo
  echo "== Zero-shot labels for a few images (cosmoclip classify) =="
  "$cli" classify --labels "spiral galaxy,globular cluster,planetary nebula,emission nebula,open cluster,planet,moon" --top 3 \
    "$nebulae/m31.png" "$nebulae/m13.png" "$nebulae/m42.png" /usr/share/kstars/textures/saturn.png
  echo
  echo "== Text search: \"a ringed planet\" (cosmoclip search) =="
  "$cli" search --db "$db" --text "a ringed planet" -k 5
  echo
  echo "== Text search: \"planetary nebula\" =="
  "$cli" search --db "$db" --text "planetary nebula" -k 5
  echo
  log "open it in the desktop app: $build/app/cosmoclip-gui --catalog $db"
}

run_main_job() {
  prepare_demo_catalog
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build/app/cosmoclip-gui" ]; then
    log "opening the desktop app on the demo catalog"
    exec "$build/app/cosmoclip-gui" --catalog "$build/demo/catalog.sqlite"
  fi
  cli_tour
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
