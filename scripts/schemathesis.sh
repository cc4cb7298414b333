#!/usr/bin/env bash
# Runs schemathesis against a live `towncenter serve` on 127.0.0.1 (a temporary data directory, a free port):
# once unsigned, once through scripts/schemathesis_signing.py, which signs every request as an enrolled test
# station does. Each run takes SECONDS (default 60). Fails on any 5xx, any answer that does not match
# openapi.yaml, an error the center logs, or a center that stopped. schemathesis (pinned) is installed from
# PyPI into .build-schemathesis/venv the first time. Usage: scripts/schemathesis.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds="${1:-60}"
seed="${BIANMIN_TEST_SEED:-$((RANDOM * 32768 + RANDOM))}"
venv=.build-schemathesis/venv
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance

if [[ ! -x $venv/bin/schemathesis ]]; then
    echo "schemathesis: installing schemathesis into $venv"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis==4.32.5' 'cryptography==50.0.2'
fi

source scripts/demo-center.sh
start_demo_center schemathesis # the kiosk enrols itself; the signing hook signs with its key
echo "schemathesis: center at $url, station $station enrolled; seed $seed (BIANMIN_TEST_SEED=$seed to repeat)"

failed=0
run() { # NAME, then environment assignments for the run
    # One worker: with two, CPython 3.11 (Debian 12) can fail its own parser ("AST constructor recursion depth
    # mismatch") when hypothesis reads lambda sources on two threads at once.
    local name=$1 log=$work/$1.log tally=$work/$1.json
    shift
    # Run in the temporary folder: hypothesis keeps its example database in the working directory.
    if (cd "$work" && env SCHEMATHESIS_HOOKS=schemathesis_signing PYTHONPATH="$root/scripts" BIANMIN_STATUS_TALLY="$tally" "$@" \
        timeout $((seconds + 120)) "$root/$venv/bin/schemathesis" run "$root/openapi.yaml" --url "$url" --checks "$checks" \
        --phases examples,coverage,fuzzing --max-time "$seconds" --seed "$seed" --workers 1 --request-timeout 30 \
        --suppress-health-check all --no-color) >"$log" 2>&1; then
        # The answers by status; a signed run must have been accepted on both station routes.
        if "$venv/bin/python" - "$tally" "$name" <<'PY'; then
import collections, json, sys
tally = json.load(open(sys.argv[1]))
statuses = collections.Counter()
for key, count in tally.items():
    statuses[key.rsplit(" ", 1)[1]] += count
print(f"schemathesis: {sys.argv[2]} ok, {sum(statuses.values())} requests, by status: "
      + ", ".join(f"{status} x{count}" for status, count in sorted(statuses.items())))
if sys.argv[2] == "signed":
    for route in ("POST /v1/stations/{station}/submissions 200", "GET /v1/stations/{station}/updates 200"):
        if not tally.get(route):
            sys.exit(f"schemathesis: no signed request was accepted ({route.rsplit(' ', 1)[0]}): is the hook signing?")
PY
            return
        fi
    fi
    failed=1
    echo "schemathesis: $name FAILED" >&2
    cat "$log" >&2
}
run unsigned
run signed BIANMIN_STATION="$station" BIANMIN_STATION_KEY="$work/kiosk/station-ed25519.key"

if ! kill -0 "$server" 2>/dev/null; then
    failed=1
    echo "schemathesis: the center stopped" >&2
fi
if grep -E "^[^ ]+ (error|critical) |request failed|Fatal error" "$work/center.log" >&2; then
    failed=1
    echo "schemathesis: the center logged errors (above)" >&2
fi
exit "$failed"
