#!/usr/bin/env bash
# Install the system packages the tests need from Debian's packages: Chromium (browser tests) and PostgreSQL
# (the store and upload tests run on SQLite and on a private PostgreSQL server that the tests start on
# loopback; see tests/databases.py). Nothing else is downloaded.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]}. Install them with apt-get as root; the tests that need them will fail." >&2
  exit 0
fi
echo "Installing from Debian packages: ${missing[*]}..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
