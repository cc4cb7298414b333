#!/usr/bin/env bash
# First boot of a village terminal, as root; safe to run again (what is done is left as it is).
#
#   deploy/first-boot.sh [options] [TOKEN]
#
#   1. the kiosk's user (bianmin-kiosk) and data directory, and `kiosk init` (the station's key and queue);
#   2. enrolment at the town center with the one-time TOKEN from `towncenter station enroll` (argument,
#      --token, or asked for on the terminal); skipped when the station is enrolled already
#      (--reenroll enrols again, e.g. at a rebuilt center);
#   3. the two printers kiosk.yaml names (printers: forms and receipts), created with lpadmin on the
#      device URIs given when they do not exist: an A4 printer for forms and service guides, an
#      80 mm receipt printer for receipts;
#   4. a check page on each: `kiosk guide print` (a service guide, on the A4 printer) and
#      `kiosk printer test` (a test receipt); then `kiosk printer status`.
#
# Options:
#   --token TOKEN          the enrolment token (or the last argument; else asked for)
#   --center URL           the town center (default: town_center.url in kiosk.yaml)
#   --a4-uri URI           device URI of the A4 printer, e.g. usb://HP/LaserJet%20P1108?serial=X,
#                          socket://10.0.0.20:9100, ipp://10.0.0.20/ipp/print (`lpinfo -v` lists them)
#   --a4-model MODEL       its driver (lpadmin -m): default `everywhere` for ipp:// and ipps:// (IPP
#                          Everywhere, driverless), else drv:///sample.drv/generpcl.ppd (CUPS's generic PCL
#                          laser driver, which most USB office lasers take; drv:///sample.drv/generic.ppd
#                          for a PostScript printer; a vendor's PPD from `lpinfo -m`)
#   --receipt-uri URI      device URI of the 80 mm receipt printer, e.g. usb://EPSON/TM-T20III?serial=X
#   --receipt-model MODEL  its driver: default drv:///sample.drv/generic.ppd (see below)
#   --config DIR           the kiosk's configuration (default /etc/bianmin/kiosk)
#   --data DIR             its data directory (default /var/lib/bianmin/kiosk, as the systemd units)
#   --user NAME            the user the kiosk runs as (default bianmin-kiosk; root: no user is made)
#   --kiosk PATH           the kiosk program (default /usr/local/bin/kiosk, else kiosk on the PATH)
#   --no-check-page        print no check pages
#
# Receipt printers. Most 80 mm USB receipt printers (Epson TM-T20/T82/T88, Xprinter XP-80, Gprinter,
# Sunmi...) speak ESC/POS only, and Debian ships no ESC/POS driver. In order of preference:
#   - the vendor's CUPS raster driver (Epson's "TM/BA Series Printer Driver for Linux", Xprinter's or
#     Zjiang's rastertozj): install it, then --receipt-model with its PPD from `lpinfo -m | grep -i tm-t`;
#     pick the 80 mm roll (72 mm printable) as the default paper size in that PPD;
#   - a receipt printer that takes PostScript or PDF, or a network one with IPP Everywhere: the generic
#     PostScript PPD drv:///sample.drv/generic.ppd (the default), or --receipt-model everywhere;
#   - a raw queue (lpadmin -m raw; deprecated in CUPS 2.4) passes the kiosk's PDF through unchanged: an
#     ESC/POS printer prints it as garbage, so the kiosk cannot use one.
# The check receipt shows at once whether the driver fits: a readable receipt with its QR code.
#
# Exit status: 0 done; 1 a step failed (the message says which); 2 wrong usage.
set -euo pipefail

config=/etc/bianmin/kiosk
data=/var/lib/bianmin/kiosk
user=bianmin-kiosk
kiosk=
token= center= a4_uri= a4_model= receipt_uri= receipt_model=drv:///sample.drv/generic.ppd
reenroll=0 check_page=1

usage() {
    sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
while (($#)); do
    case $1 in
    --token) token=${2:?}; shift ;;
    --center) center=${2:?}; shift ;;
    --a4-uri) a4_uri=${2:?}; shift ;;
    --a4-model) a4_model=${2:?}; shift ;;
    --receipt-uri) receipt_uri=${2:?}; shift ;;
    --receipt-model) receipt_model=${2:?}; shift ;;
    --config) config=${2:?}; shift ;;
    --data) data=${2:?}; shift ;;
    --user) user=${2:?}; shift ;;
    --kiosk) kiosk=${2:?}; shift ;;
    --reenroll) reenroll=1 ;;
    --no-check-page) check_page=0 ;;
    -h | --help) usage ;;
    -*) echo "first-boot: unknown option $1" >&2; usage ;;
    *) token=$1 ;;
    esac
    shift
done

step() { printf '\n== %s\n' "$*"; }
fail() { echo "first-boot: $*" >&2; exit 1; }

((EUID == 0)) || fail "run it as root"
if [[ -z $kiosk ]]; then
    if [[ -x /usr/local/bin/kiosk ]]; then kiosk=/usr/local/bin/kiosk; else kiosk=$(command -v kiosk) || fail "no kiosk program: install it (deploy/README.md) or give --kiosk"; fi
fi
[[ -f $config/kiosk.yaml ]] || fail "no $config/kiosk.yaml: copy kiosk-config/ there and edit it first (deploy/README.md)"

# The kiosk's commands, as its user.
as_kiosk() {
    if [[ $user == root ]]; then
        "$kiosk" "$@" --config "$config" --data "$data"
    else
        runuser -u "$user" -- "$kiosk" "$@" --config "$config" --data "$data"
    fi
}

step "1/4 the station"
if [[ $user != root ]] && ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --home "$data" --shell /usr/sbin/nologin "$user"
    echo "user $user created"
fi
# lpadmin is the group that may manage CUPS queues: not needed to print.
install -d -m 700 "$data"
[[ $user == root ]] || chown "$user:" "$data"
as_kiosk init

step "2/4 enrolment at the town center"
# The center's key, written by `kiosk enroll`, says the station is enrolled.
if [[ -e $data/center-x25519.pub && $reenroll == 0 ]]; then
    echo "already enrolled (--reenroll to enrol again with a new token)"
else
    if [[ -z $center ]]; then
        # town_center:\n  url: http://...
        center=$(sed -n '/^town_center:/,/^[^ #]/s/^[[:space:]]*url:[[:space:]]*\([^ #]*\).*/\1/p' "$config/kiosk.yaml" | head -1)
        [[ -n $center ]] || fail "kiosk.yaml has no town_center.url: give --center URL"
    fi
    if [[ -z $token ]]; then
        [[ -t 0 ]] || fail "no enrolment token: give it as an argument (from \`towncenter station enroll\` at the center)"
        read -r -p "enrolment token from the town center (towncenter station enroll): " token
        [[ -n $token ]] || fail "no enrolment token"
    fi
    as_kiosk enroll --center "$center" --token "$token" || fail "enrolment at $center failed (exit $?): see the message above"
fi

step "3/4 printers"
if [[ $(lpstat -r 2>/dev/null) != "scheduler is running" ]]; then
    if [[ -d /run/systemd/system ]]; then
        systemctl enable --now cups
        for _ in $(seq 50); do [[ $(lpstat -r 2>/dev/null) == "scheduler is running" ]] && break; sleep 0.1; done
    fi
    [[ $(lpstat -r 2>/dev/null) == "scheduler is running" ]] || fail "CUPS is not running (systemctl start cups)"
fi
# `kiosk printer status` prints "receipts QUEUE: ..." and "forms QUEUE: ..." (printers: in kiosk.yaml).
queue_of() { as_kiosk printer status 2>/dev/null | sed -n "s/^$1 \\([^ :][^ :]*\\): .*/\\1/p" | head -1; }
forms=$(queue_of forms || true)
receipts=$(queue_of receipts || true)
[[ -n $forms && -n $receipts ]] || fail "kiosk.yaml must name both printers (printers: forms and receipts)"

# set_up QUEUE URI MODEL DESCRIPTION [lpadmin options...]
set_up() {
    local queue=$1 uri=$2 model=$3 description=$4
    shift 4
    if lpstat -v "$queue" >/dev/null 2>&1; then
        echo "$queue exists: $(lpstat -v "$queue" | sed 's/^device for [^:]*: //') (left as it is; lpadmin -x $queue to set it up again)"
        return
    fi
    [[ -n $uri ]] || fail "no printer $queue yet: give its device URI (--${description%% *}-uri; \`lpinfo -v\` lists the connected ones)"
    if [[ -z $model ]]; then
        case $uri in ipp://* | ipps://*) model=everywhere ;; *) model=drv:///sample.drv/generpcl.ppd ;; esac
    fi
    # lpadmin warns that printer drivers are deprecated (CUPS 2.4): harmless.
    lpadmin -p "$queue" -E -v "$uri" -m "$model" -D "$description" "$@" 2>/dev/null \
        || fail "lpadmin could not create $queue on $uri with $model"
    echo "$queue created: $uri ($model)"
}
set_up "$forms" "$a4_uri" "$a4_model" "a4 printer (forms, service guides)" -o PageSize=A4
set_up "$receipts" "$receipt_uri" "$receipt_model" "receipt printer (80 mm)"

step "4/4 check pages"
if ((check_page)); then
    # A4: the service guide of the first matter the village takes; receipt: a test receipt.
    matter=$(as_kiosk catalog list | awk '$1 ~ /^[A-Z]+-[A-Z]+-[0-9]+$/ { print $1; exit }')
    [[ -n $matter ]] || fail "the catalog lists no matter"
    as_kiosk guide print "$matter" || fail "the check page did not print on $forms"
    as_kiosk printer test || fail "the check receipt did not print on $receipts"
    echo "check the two pages: a service guide on $forms, a test receipt with its QR code on $receipts"
fi
as_kiosk printer status || fail "a printer is not ready (see above)"
echo
echo "first boot done: enable the services (deploy/README.md): systemctl enable --now bianmin-forwarder bianmin-kiosk"
