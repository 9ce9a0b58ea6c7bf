#!/usr/bin/env bash
# Install the system packages the tests need (Chromium for the browser test) from Debian's packages.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing and cannot be installed here (need root and apt-get): the browser test will fail." >&2
  exit 0
fi
echo "Installing Chromium from Debian packages..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
