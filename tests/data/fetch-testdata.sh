#!/usr/bin/env bash
# Fetch real FITS files from Debian packages for the FITS reader tests, and write their reference
# values (computed with astropy) to DEST/fits/reference.json.
#
#   tests/data/fetch-testdata.sh [DEST]      DEST defaults to <repo>/build/testdata
#
# Needs apt-get (with package lists: run `apt-get update` once), dpkg and /usr/bin/python3 with
# astropy. Idempotent: downloaded .debs are kept in DEST/debs and reused, files are copied only
# when they changed, reference.json is rebuilt only when an input is newer. Silent on success.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:-$here/../../build/testdata}"
debs="$dest/debs"
out="$dest/fits"
mkdir -p "$debs" "$out"
dest="$(cd "$dest" && pwd)"; debs="$dest/debs"; out="$dest/fits"

# package | path inside the package | stable name in DEST/fits
files=(
  "python3-skimage|usr/lib/python3/dist-packages/skimage/data/simple.fits|skimage-simple.fits"
  "python3-skimage|usr/lib/python3/dist-packages/skimage/data/multi.fits|skimage-multi.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/comp.fits|astropy-comp.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/scale.fits|astropy-scale.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/arange.fits|astropy-arange.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/blank.fits|astropy-blank.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/test0.fits|astropy-test0.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/fixed-1890.fits|astropy-fixed-1890.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/o4sp040b0_raw.fits|astropy-o4sp040b0_raw.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/random_groups.fits|astropy-random_groups.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/group.fits|astropy-group.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/ascii.fits|astropy-ascii.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/compressed_image.fits|astropy-compressed_image.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/compressed_float_bzero.fits|astropy-compressed_float_bzero.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/io/fits/tests/data/double_ext.fits|astropy-double_ext.fits"
  "python3-astropy|usr/lib/python3/dist-packages/astropy/wcs/tests/data/dist_lookup.fits.gz|astropy-dist_lookup.fits.gz"
  "python3-sunpy|usr/lib/python3/dist-packages/sunpy/data/test/gzip_fits_test.file|sunpy-gzip_fits_test.file"
  "python3-sunpy|usr/lib/python3/dist-packages/sunpy/data/test/gzip_test.fits.gz|sunpy-gzip_test.fits.gz"
  "python3-fitsio|usr/lib/python3/dist-packages/fitsio/test_images/test_gzip_compressed_image.fits.fz|fitsio-gzip_compressed_image.fits.fz"
  "python3-spectral-cube|usr/lib/python3/dist-packages/spectral_cube/tests/data/example_cube.fits|spectral_cube-example_cube.fits"
)

fail() { echo "fetch-testdata: $*" >&2; exit 1; }

# The cached .deb of a package, or nothing.
cached_deb() {
  local f
  for f in "$debs/${1}"_*.deb; do
    if [[ -f "$f" ]]; then echo "$f"; return; fi
  done
}

# The .deb of a package in the cache, downloading it if it is not there yet.
deb_of() {
  local pkg="$1" deb
  deb="$(cached_deb "$pkg")"
  if [[ -z "$deb" ]]; then
    # As root, apt's _apt sandbox user could not write here; download as ourselves instead.
    (cd "$debs" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" "$pkg" >/dev/null) \
      || fail "apt-get download $pkg failed (no network, or run 'apt-get update' first)"
    deb="$(cached_deb "$pkg")"
    [[ -n "$deb" ]] || fail "apt-get download $pkg left no .deb in $debs"
  fi
  echo "$deb"
}

# The folder a package's .deb is extracted to (extracted once; a marker records it).
root_of() {
  local deb="$1" root
  root="$debs/root-$(basename "$deb" .deb)"
  if [[ ! -e "$root/.extracted" ]]; then
    rm -rf "$root"
    dpkg -x "$deb" "$root" || fail "dpkg -x $deb failed"
    touch "$root/.extracted"
  fi
  echo "$root"
}

declare -A roots=()
for entry in "${files[@]}"; do
  IFS='|' read -r pkg inner name <<<"$entry"
  if [[ -z "${roots[$pkg]:-}" ]]; then
    roots[$pkg]="$(root_of "$(deb_of "$pkg")")"
  fi
  source_file="${roots[$pkg]}/$inner"
  [[ -f "$source_file" ]] || fail "$pkg no longer ships $inner"
  if ! cmp -s "$source_file" "$out/$name"; then
    cp "$source_file" "$out/$name.tmp" && mv "$out/$name.tmp" "$out/$name"
  fi
done

reference="$out/reference.json"
generator="$here/make_fits_reference.py"
if [[ ! -e "$reference" || "$generator" -nt "$reference" || -n "$(find "$out" -newer "$reference" ! -name 'reference.json*' -type f)" ]]; then
  /usr/bin/python3 "$generator" "$out" || fail "make_fits_reference.py failed (is python3-astropy installed?)"
fi
