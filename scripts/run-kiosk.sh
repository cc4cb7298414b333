#!/usr/bin/env bash
# Runs the kiosk on the demo configuration in kiosk-config/.
set -euo pipefail
cd "$(dirname "$0")/.."
kiosk=.build/debug/kiosk
$kiosk catalog check
$kiosk catalog list
