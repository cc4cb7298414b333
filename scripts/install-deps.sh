#!/usr/bin/env bash
# Installs the Debian packages Bianmin builds, runs and tests with, and builds Bianmin Sans (run as
# root). `make run` and `make test` both call it; when everything is in place it prints nothing.
# The package manager's output goes to a log file, shown only when something fails.
set -euo pipefail
packages=(
  pkg-config zlib1g-dev libsqlite3-dev libqrencode-dev libcups2-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk
  libgooglepinyin0-dev cups cups-client cups-bsd cups-filters printer-driver-cups-pdf
  zbar-tools poppler-utils qrencode pango1.0-tools tmux dialog python3 python3-fonttools procps fontconfig
  libxlsxwriter-dev python3-openpyxl libespeak-ng-dev espeak-ng-data espeak-ng libasound2-dev alsa-utils sox chromium chromium-driver python3-pip python3-venv
  libsystemd-dev systemd cage foot kmscon curl openssl wrk
)
log=${TMPDIR:-/tmp}/bianmin-install-deps.log
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if ((EUID != 0)); then
    echo "install-deps: missing Debian packages: ${missing[*]}; run this as root to install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${#missing[@]} Debian package(s) (${missing[*]}); log: $log"
  : >"$log"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "install-deps: installing the packages failed; the whole log is in $log" >&2
    exit 1
  fi
  echo "install-deps: packages installed"
fi

# Selenium from PyPI for the desk's browser test (Debian's python3, beside its packages).
if ! /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
  if ((EUID != 0)); then
    echo "install-deps: Selenium is missing; run this as root to install it" >&2
    exit 1
  fi
  echo "install-deps: installing Selenium from PyPI; log: $log"
  if ! /usr/bin/python3 -m pip install --quiet --break-system-packages selenium >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "install-deps: installing Selenium failed; the whole log is in $log" >&2
    exit 1
  fi
fi

# Bianmin Sans, the documents' font, cut from Noto Sans CJK SC (see the script for why).
fonts=/usr/local/share/fonts/bianmin
cd "$(dirname "$0")/.."
if [[ ! -f $fonts/BianminSans-Bold.ttf || scripts/build-document-fonts.py -nt $fonts/BianminSans-Bold.ttf ]]; then
  echo "install-deps: building the documents' font Bianmin Sans into $fonts (about a minute)"
  /usr/bin/python3 scripts/build-document-fonts.py "$fonts" kiosk-config Sources/Documents Sources/KioskReceipts
  fc-cache -f "$fonts"
fi
