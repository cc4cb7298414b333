#!/bin/bash
# Private CUPS scheduler for tests: scripts/cupsd-test.sh start|stop DIR
#
# start: writes its own configuration under DIR, runs `cupsd -f` listening only on the socket
#   DIR/cups.sock, waits until it answers, creates the queues below and prints `export` lines:
#     bianmin-a4       file:DIR/out/bianmin-a4.pdf
#     bianmin-receipt  file:DIR/out/bianmin-receipt.pdf
#     bianmin-nopaper  test backend that reports `media-empty-error` and fails, until the file
#                      DIR/paper-loaded exists (then it prints to nowhere)
#   The queues share a small PPD (A4 default, plus an 80 mm roll size) whose only filter step is
#   cups-filters' pdftopdf (which also makes the copies), so each output file is a real PDF,
#   overwritten by every job, that pdftotext/pdftoppm read directly.
# stop: stops that cupsd (pid in DIR/cupsd.pid) and waits until it has exited.
# Needs root (cupsd, FileDevice) and the packages cups, cups-client, cups-filters.
set -eu

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

stop() {
    [ -f "$dir/cupsd.pid" ] || return 0
    pid=$(cat "$dir/cupsd.pid")
    if kill "$pid" 2>/dev/null; then
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        # A cupsd started with SIGTERM blocked (inherited signal mask) never stops on its own.
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
        fi
    fi
    rm -f "$dir/cupsd.pid" "$dir/cups.sock"
}

write_ppd() {
    cat > "$1" <<'PPD'
*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "BIANMIN.PPD"
*Manufacturer: "Bianmin"
*Product: "(Bianmin Test PDF Printer)"
*ModelName: "Bianmin Test PDF Printer"
*ShortNickName: "Bianmin Test PDF Printer"
*NickName: "Bianmin Test PDF Printer"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: False
*DefaultColorSpace: Gray
*FileSystem: False
*Throughput: "1"
*LandscapeOrientation: Plus90
*TTRasterizer: Type42
*cupsFilter2: "application/vnd.cups-pdf application/pdf 0 -"
*cupsManualCopies: True
*OpenUI *PageSize/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageSize
*DefaultPageSize: A4
*PageSize A4/A4: "<</PageSize[595 842]>>setpagedevice"
*PageSize om_80mm-roll_80x297mm/80 mm roll: "<</PageSize[227 842]>>setpagedevice"
*CloseUI: *PageSize
*OpenUI *PageRegion: PickOne
*OrderDependency: 10 AnySetup *PageRegion
*DefaultPageRegion: A4
*PageRegion A4/A4: "<</PageSize[595 842]>>setpagedevice"
*PageRegion om_80mm-roll_80x297mm/80 mm roll: "<</PageSize[227 842]>>setpagedevice"
*CloseUI: *PageRegion
*DefaultImageableArea: A4
*ImageableArea A4/A4: "0 0 595 842"
*ImageableArea om_80mm-roll_80x297mm/80 mm roll: "0 0 227 842"
*DefaultPaperDimension: A4
*PaperDimension A4/A4: "595 842"
*PaperDimension om_80mm-roll_80x297mm/80 mm roll: "227 842"
*DefaultFont: Courier
*Font Courier: Standard "(002.004S)" Standard ROM
PPD
}

start() {
    stop
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    # The filters and backends run as user lp: it must reach the ServerBin below.
    chmod 755 "$dir"
    mkdir -p "$dir/etc/ppd" "$dir/etc/ssl" "$dir/lib/backend" "$dir/cache" "$dir/state" \
        "$dir/spool/tmp" "$dir/log" "$dir/out"
    chmod 700 "$dir/etc/ssl"
    for sub in /usr/lib/cups/*; do
        name=$(basename "$sub")
        [ "$name" = backend ] || ln -sfn "$sub" "$dir/lib/$name"
    done
    for backend in /usr/lib/cups/backend/*; do
        ln -sfn "$backend" "$dir/lib/backend/$(basename "$backend")"
    done
    cat > "$dir/lib/backend/nopaper" <<BACKEND
#!/bin/sh
# Test backend: a printer out of paper until $dir/paper-loaded exists.
if [ \$# -eq 0 ]; then
    echo 'direct nopaper "Unknown" "Bianmin out-of-paper test printer"'
    exit 0
fi
if [ -e "$dir/paper-loaded" ]; then
    echo "STATE: -media-empty-error" >&2
    if [ \$# -ge 6 ]; then cat "\$6" >/dev/null; else cat >/dev/null; fi
    exit 0
fi
echo "STATE: +media-empty-error" >&2
echo "ERROR: media empty (test backend)" >&2
exit 1
BACKEND
    chmod 755 "$dir/lib/backend/nopaper"

    cat > "$dir/cups-files.conf" <<CONF
ServerRoot $dir/etc
ServerBin $dir/lib
DataDir /usr/share/cups
CacheDir $dir/cache
StateDir $dir/state
RequestRoot $dir/spool
TempDir $dir/spool/tmp
ErrorLog $dir/log/error_log
AccessLog $dir/log/access_log
PageLog $dir/log/page_log
FileDevice Yes
Printcap $dir/etc/printcap
SystemGroup root
CONF
    cat > "$dir/cupsd.conf" <<CONF
Listen $dir/cups.sock
LogLevel info
Browsing No
WebInterface No
DefaultAuthType None
ErrorPolicy stop-printer
JobRetryInterval 1
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF

    # The scheduler outlives this script: it must not keep the caller's descriptors (a test
    # runner's pipes would never reach end-of-file), nor its session.
    for fd in /proc/$$/fd/*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
    setsid --fork cupsd -f -c "$dir/cupsd.conf" -s "$dir/cups-files.conf" \
        >"$dir/log/cupsd.out" 2>&1 </dev/null
    # cupsd has no pid file option: find it by its command line, which names this directory.
    i=0
    until pgrep -x -f "cupsd -f -c $dir/cupsd.conf -s $dir/cups-files.conf" >"$dir/cupsd.pid"; do
        i=$((i + 1))
        if [ $i -ge 50 ]; then
            echo "cupsd-test.sh: private cupsd did not start; see $dir/log" >&2
            exit 1
        fi
        sleep 0.1
    done

    export CUPS_SERVER="$dir/cups.sock"
    i=0
    # lpstat -r exits 0 even when nothing answers: look at what it says.
    until [ "$(lpstat -r 2>/dev/null)" = "scheduler is running" ]; do
        i=$((i + 1))
        if [ $i -ge 100 ] || ! kill -0 "$(cat "$dir/cupsd.pid")" 2>/dev/null; then
            echo "cupsd-test.sh: private cupsd did not start; see $dir/log" >&2
            cat "$dir/log/cupsd.out" "$dir/log/error_log" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 0.1
    done

    write_ppd "$dir/bianmin-test.ppd"
    # lpadmin warns that printer drivers are deprecated (CUPS 2.4): harmless here.
    for queue in bianmin-a4 bianmin-receipt; do
        lpadmin -p "$queue" -E -v "file://$dir/out/$queue.pdf" -P "$dir/bianmin-test.ppd" 2>/dev/null
    done
    lpadmin -p bianmin-nopaper -E -v nopaper:/ -P "$dir/bianmin-test.ppd" 2>/dev/null
    echo "export CUPS_SERVER=$dir/cups.sock"
}

case $action in
start) start ;;
stop) stop ;;
*) usage ;;
esac
