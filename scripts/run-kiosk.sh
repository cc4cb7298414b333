#!/usr/bin/env bash
# Runs the text-mode kiosk on the demo configuration in kiosk-config/ (data in BIANMIN_DATA,
# default /var/lib/bianmin/kiosk, the data_dir of the demo kiosk.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
kiosk=.build/debug/kiosk
data=${BIANMIN_DATA:-/var/lib/bianmin/kiosk}
$kiosk catalog check
$kiosk init --data "$data" >/dev/null
if [ -z "$($kiosk assistant list --data "$data")" ]; then
    echo "no village assistant yet: add one with  echo PIN | $kiosk assistant add --id A01 --name NAME --data $data"
    sleep 2
fi
exec $kiosk run --data "$data"
