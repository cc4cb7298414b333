#!/usr/bin/env bash
# Runs the whole test suite, then the fuzz targets and schemathesis briefly. Tests that need a CUPS server start their own private cupsd.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
# The responsiveness test measures whether the kiosk's screen keeps up while its own effects block
# threads; other suites blocking the cooperative pool at the same time would starve it too, so it runs
# alone, in a process of its own.
swift test --skip-build --skip ResponsivenessTests
swift test --skip-build --filter ResponsivenessTests
scripts/fuzz.sh 15 # libFuzzer targets, 15 s each (docs/fuzzing.md)
scripts/schemathesis.sh 60 # schemathesis against a live center, unsigned and signed, 60 s each (docs/fuzzing.md)
