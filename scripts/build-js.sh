#!/usr/bin/env bash
# Bundle each entry static/js/entries/<name>.js with the modules it imports into static/build/<name>.js (or into the
# folder given): one minified IIFE per bundle, so a saved map can inline it and open from file://, where module
# scripts do not load. esbuild is pinned in package.json (npm ci installs it); ESBUILD names another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-static/build}"
esbuild="${ESBUILD:-node_modules/.bin/esbuild}"
if [ ! -x "$esbuild" ]; then
    echo "$esbuild is missing. Hint: run \`make setup\` (or \`npm ci --include=dev --no-audit --no-fund\`)." >&2
    exit 1
fi
rm -rf "$out"
mkdir -p "$out"
"$esbuild" static/js/entries/*.js --bundle --format=iife --minify --target=es2017 --charset=utf8 \
    --legal-comments=none --outdir="$out" --metafile="$out/meta.json" --log-level=warning
