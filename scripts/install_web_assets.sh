#!/usr/bin/env bash
# Leaflet 1.9.4 from the npm registry into placehub/web/static/vendor/leaflet (not committed, never a CDN).
# Idempotent: does nothing when the pinned version is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."
LEAFLET_VERSION=1.9.4
DEST=placehub/web/static/vendor/leaflet
STAMP="$DEST/.version"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$LEAFLET_VERSION" ] && [ -f "$DEST/leaflet.js" ]; then
  echo "Leaflet $LEAFLET_VERSION already installed in $DEST"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed to install Leaflet (apt-get install npm)" >&2
  exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "== fetching leaflet@$LEAFLET_VERSION from the npm registry"
(cd "$WORK" && npm pack --silent "leaflet@$LEAFLET_VERSION" >/dev/null)
tar -xzf "$WORK/leaflet-$LEAFLET_VERSION.tgz" -C "$WORK"
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$WORK/package/dist/leaflet.js" "$WORK/package/dist/leaflet.css" "$WORK/package/LICENSE" "$DEST/"
cp -r "$WORK/package/dist/images" "$DEST/images"
echo "$LEAFLET_VERSION" > "$STAMP"
echo "Leaflet $LEAFLET_VERSION installed in $DEST"
