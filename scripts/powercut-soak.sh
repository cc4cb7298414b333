#!/usr/bin/env bash
# A longer power-cut soak than CI runs: SIGKILLs `kiosk submit` at random moments ROUNDS times
# (default 2000), then checks integrity, receipts, duplicates and the audit chain.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
BIANMIN_POWERCUT_ROUNDS="${1:-2000}" swift test --skip-build --filter powerCutNeverLosesOrDuplicates
