#!/usr/bin/env bash
# Renders the application icon (resources/icons/org.cosmoclip.CosmoCLIP.svg) to the PNG sizes of the
# freedesktop hicolor theme and to a Windows .ico. The outputs are committed, so that building needs
# no SVG renderer and macOS/Windows builds get the same pictures; run this after changing the SVG.
#
# Usage: packaging/render-icons.sh
# Needs: rsvg-convert (librsvg2-bin); ImageMagick's convert for the .ico.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
icons="$here/../resources/icons"
id="org.cosmoclip.CosmoCLIP"
svg="$icons/$id.svg"
command -v rsvg-convert >/dev/null || { echo "$0: rsvg-convert not found (apt-get install librsvg2-bin)" >&2; exit 2; }

sizes=(16 24 32 48 64 128 256)
for s in "${sizes[@]}"; do
  dir="$icons/hicolor/${s}x${s}/apps"
  mkdir -p "$dir"
  rsvg-convert -w "$s" -h "$s" "$svg" -o "$dir/$id.png"
done

if command -v convert >/dev/null; then
  pngs=()
  for s in 16 24 32 48 64 256; do pngs+=("$icons/hicolor/${s}x${s}/apps/$id.png"); done
  convert "${pngs[@]}" "$icons/$id.ico"
else
  echo "$0: ImageMagick's convert not found: $id.ico not rewritten" >&2
fi
echo "rendered ${#sizes[@]} PNG sizes into $icons/hicolor"
