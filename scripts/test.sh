#!/usr/bin/env bash
# Runs the whole test suite. Tests that need a CUPS server start their own private cupsd.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
