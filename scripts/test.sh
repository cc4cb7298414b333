#!/usr/bin/env bash
# Runs the whole test suite, then the fuzz targets and schemathesis briefly. Tests that need a CUPS server start their own private cupsd.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
scripts/fuzz.sh 15 # libFuzzer targets, 15 s each (docs/fuzzing.md)
scripts/schemathesis.sh 60 # schemathesis against a live center, unsigned and signed, 60 s each (docs/fuzzing.md)
