#!/usr/bin/env bash
# Install the system packages the tests need from Debian's packages: Chromium (browser tests), PostgreSQL
# (the store and upload tests run on SQLite and on a private PostgreSQL server that the tests start on
# loopback; see tests/databases.py), poppler-utils (the tests read exported PDFs back with pdftotext/pdfinfo),
# Redis (the two-instance deployment of `make deploy-local` and its test share sign-in limits in a private
# redis-server) and LibreOffice Impress (opens the PowerPoint export and renders it to PNG).
# Nothing else is downloaded.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
lean=()
command -v soffice >/dev/null 2>&1 || lean+=(libreoffice-impress)
if [ ${#missing[@]} -eq 0 ] && [ ${#lean[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]} ${lean[*]}. Install them with apt-get as root; the tests that need them will fail." >&2
  exit 0
fi
echo "Installing from Debian packages: ${missing[*]} ${lean[*]}..."
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# LibreOffice's recommended packages (Java, extra fonts, GUI toolkits) are not needed to render a slide headless.
if [ ${#lean[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
fi
