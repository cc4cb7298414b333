#!/usr/bin/env bash
# Installs the Debian packages Bianmin builds, runs and tests with (run as root).
set -euo pipefail
packages=(
  libsqlite3-dev libqrencode-dev libcups2-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk
  libgooglepinyin0-dev cups cups-client cups-bsd cups-filters printer-driver-cups-pdf
  zbar-tools poppler-utils qrencode pango1.0-tools tmux dialog python3-fonttools
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Bianmin Sans, the documents' font, cut from Noto Sans CJK SC (see the script for why).
fonts=/usr/local/share/fonts/bianmin
cd "$(dirname "$0")/.."
if [[ ! -f $fonts/BianminSans-Bold.ttf || scripts/build-document-fonts.py -nt $fonts/BianminSans-Bold.ttf ]]; then
  /usr/bin/python3 scripts/build-document-fonts.py "$fonts" kiosk-config Sources/Documents Sources/KioskReceipts
  fc-cache -f "$fonts"
fi
