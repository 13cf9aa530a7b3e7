#!/usr/bin/env bash
# Every test, from a fresh clone: install, typecheck, build both browsers (and the test build),
# lint the Firefox build, then unit and end-to-end tests. The corpus must sit at ../shared/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
[ -d ../shared/corpus ] || { echo "The test corpus is missing: expected ../shared/corpus beside this repository." >&2; exit 1; }
bash scripts/ensure-browsers.sh
bash scripts/ensure-postgres.sh --install-only
npm ci --no-audit --no-fund
npm run typecheck
npm run build
npm run build:e2e
npm run lint:firefox
mkdir -p test-results
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
status=$?
set -e
node scripts/summary.mjs test-results/vitest.json || status=1
echo "All tests finished in $(( $(date +%s) - start )) s."
exit $status
