#!/usr/bin/env bash
# `make run`: on one machine, what a village station and its town center need with the demo
# configuration in kiosk-config/, then the text-mode kiosk in the foreground (run as root):
#   - the printers kiosk.yaml names (printers:), made cups-pdf queues that write PDFs into
#     BIANMIN_PRINT_DIR when they do not exist; a cupsd started when none is running;
#   - a town center with the DEMO keys in BIANMIN_CENTER_DATA (keys beside it, in ...-keys): its sync
#     API on 127.0.0.1:BIANMIN_CENTER_PORT (8630, as kiosk.yaml says), its desk on BIANMIN_DESK_PORT (8631);
#   - the station initialised in BIANMIN_DATA and enrolled at that center, unless it already is;
#   - the forwarder (`kiosk forward`, a round every BIANMIN_FORWARD_INTERVAL seconds) in the background;
#   - the kiosk (`kiosk run`) in the foreground.
# The kiosk ignores Ctrl-C; it ends on SIGTERM (`kill $(cat LOG_DIR/kiosk.pid)`) or SIGHUP (closing the
# terminal), and so does this script (SIGTERM, SIGHUP, SIGINT). Then what the script started stops: the
# forwarder, the center, and the cupsd it started (a cupsd that was running stays). Running it again
# reuses the data directories. Logs in BIANMIN_LOG_DIR.
#
# Defaults (the directories beside BIANMIN_DATA):
#   BIANMIN_DATA=/var/lib/bianmin/kiosk            the station (data_dir of the demo kiosk.yaml)
#   BIANMIN_CENTER_DATA=/var/lib/bianmin/center    the town center (keys in /var/lib/bianmin/center-keys)
#   BIANMIN_PRINT_DIR=/var/lib/bianmin/print       the printed PDFs
#   BIANMIN_LOG_DIR=/var/lib/bianmin/log           center.log, forward.log, cupsd.log, kiosk.pid
#   BIANMIN_FORWARD_INTERVAL=5                     seconds between forward rounds
#   BIANMIN_CUPS_PDF_INSTANCE=bianmin              the cups-pdf instance (/etc/cups/cups-pdf-NAME.conf)
#   BIANMIN_BIN=.build/debug                       where kiosk and towncenter are
# CUPS_SERVER, when set, names the scheduler to use; it must be running then.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIANMIN_BIN:-.build/debug}
kiosk=$bin/kiosk
towncenter=$bin/towncenter
data=${BIANMIN_DATA:-/var/lib/bianmin/kiosk}
base=$(dirname "$data")
center=${BIANMIN_CENTER_DATA:-$base/center}
print_dir=${BIANMIN_PRINT_DIR:-$base/print}
log_dir=${BIANMIN_LOG_DIR:-$base/log}
center_port=${BIANMIN_CENTER_PORT:-8630}
desk_port=${BIANMIN_DESK_PORT:-8631}
interval=${BIANMIN_FORWARD_INTERVAL:-5}
instance=${BIANMIN_CUPS_PDF_INSTANCE:-bianmin}

for program in "$kiosk" "$towncenter"; do
    [[ -x $program ]] || { echo "run-kiosk: $program is missing: swift build --product ${program##*/}" >&2; exit 1; }
done

cupsd_pid= center_pid= forward_pid= kiosk_pid=

# Whether process $1 (a child) still runs: a child that exited stays a zombie until waited for.
running() {
    local state
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n $state && $state != Z ]]
}

# Stops child $1 (SIGTERM, SIGKILL after 10 s) and waits for it.
stop() {
    local pid=$1 name=$2 i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        running "$pid" || break
        sleep 0.1
    done
    if running "$pid"; then
        echo "run-kiosk: $name did not stop within 10 s: killed" >&2
        kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    echo "run-kiosk: stopped $name (pid $pid)"
}

cleanup() {
    local status=$?
    set +e
    trap - TERM HUP INT
    stop "$kiosk_pid" "the kiosk"
    stop "$forward_pid" "the forwarder"
    stop "$center_pid" "the town center"
    stop "$cupsd_pid" "cupsd"
    rm -f "$log_dir/kiosk.pid"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 130' INT

mkdir -p "$log_dir"
"$kiosk" catalog check
# "initialised station XH03 in DIR" or "station XH03 was already initialised in DIR"
station=$("$kiosk" init --data "$data" | sed -n 's/^\(initialised \)\{0,1\}station \([^ ]*\) \(in\|was\) .*/\2/p')
[[ -n $station ]] || { echo "run-kiosk: kiosk init named no station" >&2; exit 1; }

# --- Printing: a scheduler, and the queues kiosk.yaml names ---
scheduler_running() { [[ $(lpstat -r 2>/dev/null) == "scheduler is running" ]]; }
if ! scheduler_running; then
    if [[ -n ${CUPS_SERVER:-} && $CUPS_SERVER != /run/cups/cups.sock ]]; then
        echo "run-kiosk: no scheduler answers at CUPS_SERVER=$CUPS_SERVER" >&2
        exit 1
    fi
    echo "run-kiosk: starting cupsd (log: $log_dir/cupsd.log)"
    cupsd -f >"$log_dir/cupsd.log" 2>&1 </dev/null &
    cupsd_pid=$!
    for ((i = 0; i < 100; i++)); do
        scheduler_running && break
        running "$cupsd_pid" || break
        sleep 0.1
    done
    scheduler_running || { echo "run-kiosk: cupsd did not start; see $log_dir/cupsd.log" >&2; exit 1; }
fi
# `kiosk printer status` prints "receipts QUEUE: ..." and "forms QUEUE: ..." (kiosk.yaml's printers:).
queues=$("$kiosk" printer status --data "$data" 2>/dev/null | sed -n 's/^\(receipts\|forms\) \([^ :][^ :]*\): .*/\2/p' | sort -u || true)
pdf_config=/etc/cups/cups-pdf-$instance.conf
for queue in $queues; do
    device=$(lpstat -v "$queue" 2>/dev/null | sed -n 's/^device for [^:]*: //p' || true)
    if [[ -z $device ]]; then
        echo "run-kiosk: creating the printer $queue (cups-pdf: PDFs into $print_dir)"
        device=cups-pdf:/$instance
        # lpadmin warns that printer drivers are deprecated (CUPS 2.4): harmless.
        # scripts/demo-printer.ppd: A4 and the 80 mm roll (cups-pdf's own PPD lacks the roll); pdftocairo
        # makes the PostScript, so that the PDFs keep their text.
        lpadmin -p "$queue" -E -v "$device" -P scripts/demo-printer.ppd -o pdftops-renderer-default=pdftocairo 2>/dev/null
    fi
    if [[ $device == "cups-pdf:/$instance" ]]; then
        mkdir -p "$print_dir"
        # Written each time, so that the PDFs follow BIANMIN_PRINT_DIR; Label 2: a job's file is never overwritten.
        printf '# Written by bianmin scripts/run-kiosk.sh: the demo printers %s.\nOut %s\nLabel 2\nGrp lpadmin\n' \
            "$(echo $queues)" "$(cd "$print_dir" && pwd)" >"$pdf_config"
    fi
done

# --- The town center ---
created_center=0
if ! "$towncenter" keys list --data "$center" >/dev/null 2>&1; then
    "$towncenter" init --data "$center" --catalog kiosk-config/catalog --demo-keys >/dev/null
    created_center=1
fi
"$towncenter" serve --data "$center" --port "$center_port" --desk-port "$desk_port" >"$log_dir/center.log" 2>&1 </dev/null &
center_pid=$!
url= desk=
for ((i = 0; i < 600; i++)); do # up to a minute on a busy machine
    url=$(sed -n 's/^listening on \(http:.*\)$/\1/p' "$log_dir/center.log")
    desk=$(sed -n 's/^desk listening on \(http:.*\)$/\1/p' "$log_dir/center.log")
    [[ -n $url && -n $desk ]] && break
    running "$center_pid" || break
    sleep 0.1
done
if [[ -z $url || -z $desk ]]; then
    tail -20 "$log_dir/center.log" >&2
    echo "run-kiosk: the town center did not start; see $log_dir/center.log" >&2
    exit 1
fi

# --- The station's enrolment: once, and again for a new center ---
if [[ $created_center == 1 || ! -e $data/center-x25519.pub ]]; then
    token=$("$towncenter" station enroll --data "$center" --station "$station" --json | sed -n 's/.*"token" : "\(.*\)".*/\1/p')
    "$kiosk" enroll --center "$url" --token "$token" --data "$data"
else
    echo "run-kiosk: station $station is already enrolled"
fi

"$kiosk" forward --data "$data" --interval "$interval" >>"$log_dir/forward.log" 2>&1 </dev/null &
forward_pid=$!

echo "run-kiosk: town center $url (data $center), desk $desk/desk/, printed PDFs in $print_dir"
echo "run-kiosk: to stop: kill \$(cat $log_dir/kiosk.pid), or close this terminal"
if [ -z "$("$kiosk" assistant list --data "$data")" ]; then
    echo "no village assistant yet: add one with  echo PIN | $kiosk assistant add --id A01 --name NAME --data $data"
    sleep 2
fi
# In the background, so that a signal to this script is handled at once; its input is this terminal.
exec 3<&0
"$kiosk" run --data "$data" <&3 3<&- &
kiosk_pid=$!
exec 3<&-
echo "$kiosk_pid" >"$log_dir/kiosk.pid"
status=0
wait "$kiosk_pid" || status=$?
kiosk_pid=
exit "$status"
