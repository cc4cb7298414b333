#!/usr/bin/env bash
# Floods a `towncenter serve` on loopback and measures what it withstands (scripts/flood_probe.py): the
# center runs under `prlimit --nofile=1024` on a temporary data directory with the demo station enrolled;
# 1,000 idle sockets from one address, then 16 concurrent 31 MiB unsigned POSTs, then 16 badly signed ones
# for the enrolled station, while another client fetches the catalog. Prints the other client's latency,
# the time to refuse and the center's peak RSS; exits non-zero if the center stops. About a minute.
# Usage: scripts/flood-probe.sh [IDLE_SOCKETS] [BODIES] [BODY_MIB]
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/demo-center.sh
start_demo_center flood-probe prlimit --nofile=1024:1024 -- # prlimit runs the center in its own process
echo "flood-probe: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); center under prlimit --nofile=1024"
/usr/bin/python3 scripts/flood_probe.py "$port" "$server" "$station" "$@"
