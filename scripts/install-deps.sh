#!/usr/bin/env bash
# Installs the Debian 12 packages Nest builds and tests with, when any is missing.
# Usage: scripts/install-deps.sh [extra packages...]
set -euo pipefail
packages=(build-essential cmake pkg-config ccache curl libboost1.81-all-dev libcurl4-openssl-dev
          libinih-dev libgtest-dev "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}"
