#!/usr/bin/env bash
# Floods a `towncenter serve` on loopback and measures what it withstands (scripts/flood_probe.py): the
# center runs under `prlimit --nofile=1024` on a temporary data directory with the demo station enrolled;
# 1,000 idle sockets from one address, then 16 concurrent 31 MiB unsigned POSTs, then 16 badly signed ones
# for the enrolled station, while another client fetches the catalog. Prints the other client's latency,
# the time to refuse and the center's peak RSS; exits non-zero if the center stops. About a minute.
# Usage: scripts/flood-probe.sh [IDLE_SOCKETS] [BODIES] [BODY_MIB]
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
server=
cleanup() {
    [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
for product in towncenter kiosk; do
    swift build --product $product >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; echo "flood-probe: building $product failed" >&2; exit 1; }
done
bin=$(swift build --show-bin-path)
station=XH03 # the demo station, whose kiosk.yaml names the DEMO center key (private: mode 600)
cp -r kiosk-config "$work/config"
chmod 600 "$work"/config/demo-center/*.key
"$bin/towncenter" init --data "$work/center" --catalog "$work/config/catalog" --demo-keys >/dev/null
prlimit --nofile=1024:1024 -- "$bin/towncenter" serve --data "$work/center" --port 0 --desk-port 0 >"$work/center.log" 2>&1 &
server=$! # prlimit runs the center in its own process
for _ in $(seq 300); do # up to a minute on a busy machine
    port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/center.log")
    [[ -n $port ]] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.2
done
[[ -n $port ]] || { echo "flood-probe: the center did not start" >&2; cat "$work/center.log" >&2; exit 1; }
token=$("$bin/towncenter" station enroll --data "$work/center" --station "$station" --json | sed -n 's/.*"token" : "\(.*\)".*/\1/p')
"$bin/kiosk" init --config "$work/config" --data "$work/kiosk" >/dev/null
"$bin/kiosk" enroll --config "$work/config" --center "http://127.0.0.1:$port" --token "$token" --data "$work/kiosk" >/dev/null
echo "flood-probe: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); center under prlimit --nofile=1024"
/usr/bin/python3 scripts/flood_probe.py "$port" "$server" "$station" "$@"
