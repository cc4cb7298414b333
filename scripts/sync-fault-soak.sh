#!/bin/sh
# Longer run of the sync fault tests: 10,000 submissions drained while the town center is
# SIGKILLed and restarted, and while `kiosk forward` is SIGKILLed mid-batch (CI runs 2,000).
# Usage: scripts/sync-fault-soak.sh [COUNT]
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests
BIANMIN_SYNC_COUNT="${1:-10000}" swift test --skip-build --filter 'SyncClientTests\.(ForwarderTests|KioskCommandTests)'
