#!/usr/bin/env bash
# Installs the Debian 12 packages Nest builds and tests with, when any is missing, then the
# front-end packages (uPlot; playwright-core for the report tests) from package-lock.json.
# Usage: scripts/install-deps.sh [extra Debian packages...]
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(build-essential cmake pkg-config ccache curl libboost1.81-all-dev libcurl4-openssl-dev
          libinih-dev libcsv-dev libzmq3-dev cppzmq-dev libgtest-dev libssl-dev openssl zlib1g-dev python3-yaml "$@")
# Node.js and npm: Debian's, unless the machine already has them (e.g. from NodeSource).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}"
fi
# npm ci when node_modules is missing or older than the lockfile; the C++ build reads uPlot
# from node_modules and never goes to the network itself.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing the front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
