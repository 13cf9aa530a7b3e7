#!/usr/bin/env bash
# The main job on a fresh machine: install, build the extension for Chrome and Firefox, start the local
# hub on its embedded SQLite database, and print how to load the extension and connect it.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8787}
DB=${DB:-data/hub.sqlite}
npm ci --no-audit --no-fund
npm run build
mkdir -p data
token_file=data/contributor-token.txt
if [ ! -s "$token_file" ] || [ ! -f "$DB" ]; then
  npm run -s hub -- add-contributor "$(whoami)" --db "$DB" | tail -n 1 > "$token_file"
fi
cat <<MSG

Gleaner is built.
  Chrome/Chromium: open chrome://extensions, turn on Developer mode, "Load unpacked" and choose
                   $(pwd)/.output/chrome-mv3
  Firefox:         open about:debugging#/runtime/this-firefox, "Load Temporary Add-on…" and choose
                   $(pwd)/.output/firefox-mv2/manifest.json
Then open Gleaner's options (right-click the toolbar button → Options) and enter:
  Hub URL: http://127.0.0.1:$PORT
  Token:   $(cat "$token_file")
Open a forum thread, click the Gleaner button, and curate.

MSG
exec npm run -s hub -- serve --port "$PORT" --db "$DB"
