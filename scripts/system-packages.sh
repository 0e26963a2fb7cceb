#!/usr/bin/env bash
# The Debian packages the test suite drives for real: Chromium for the browser tests,
# LibreOffice (Writer and Calc) to render exported documents and convert imported ones,
# and the Liberation fonts, metric-compatible with Times New Roman, so documents lay out
# as they print. Missing ones are installed with apt-get when this runs as root;
# otherwise it stops at once and prints the command to run.
#
# Usage: scripts/system-packages.sh [package ...]   (default: the list below)
set -euo pipefail

packages=("$@")
if [ ${#packages[@]} -eq 0 ]; then
  packages=(chromium libreoffice-writer libreoffice-calc fonts-liberation)
fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Это не Debian/Ubuntu: установите сами ${packages[*]} (нужны тестам) и запустите снова." >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Тестам нужны системные пакеты: ${missing[*]}." >&2
  echo "Установите их и запустите снова:" >&2
  echo "  sudo apt-get update && sudo $command" >&2
  exit 1
fi

echo "Устанавливаю системные пакеты для тестов: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for package in "${missing[@]}"; do
  installed "$package" || { echo "Не удалось установить $package" >&2; exit 1; }
done
