# Sourced by the scripts that need a live town center on loopback (schemathesis.sh, flood-probe.sh).
# `start_demo_center NAME [PREFIX...]` builds towncenter and kiosk, creates a center with the DEMO keys in a
# temporary folder, serves it on 127.0.0.1 at a free port (under PREFIX, e.g. `prlimit --nofile=1024:1024 --`),
# and enrols the demo station with the real `kiosk enroll`. It sets work (the folder), bin, server (the
# pid), port, url and station; the folder and the server go when the script exits.
work=$(mktemp -d)
server=
cleanup() {
    [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

start_demo_center() {
    local name=$1
    shift
    for product in towncenter kiosk; do
        swift build --product $product >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; echo "$name: building $product failed" >&2; exit 1; }
    done
    bin=$(swift build --show-bin-path)
    station=XH03 # the demo station, whose kiosk.yaml names the DEMO center key
    "$bin/towncenter" init --data "$work/center" --catalog kiosk-config/catalog --demo-keys >/dev/null
    "$@" "$bin/towncenter" serve --data "$work/center" --port 0 --desk-port 0 >"$work/center.log" 2>&1 &
    server=$!
    port=
    for _ in $(seq 300); do # up to a minute on a busy machine
        port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/center.log")
        [[ -n $port ]] && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.2
    done
    [[ -n $port ]] || { echo "$name: the center did not start" >&2; cat "$work/center.log" >&2; exit 1; }
    url=http://127.0.0.1:$port
    local token
    token=$("$bin/towncenter" station enroll --data "$work/center" --station "$station" --json | sed -n 's/.*"token" : "\(.*\)".*/\1/p')
    "$bin/kiosk" init --config kiosk-config --data "$work/kiosk" >/dev/null
    "$bin/kiosk" enroll --config kiosk-config --center "$url" --token "$token" --data "$work/kiosk" >/dev/null
}
