#!/usr/bin/env bash
# Installs the system packages the test suite needs, only when they are missing:
#   postgresql  the second database the suite runs on (.ci/postgres.sh starts a throwaway cluster)
#   chromium    the browser of tests/browser (Playwright drives /usr/bin/chromium; it never downloads one)
#   libreoffice-writer-nogui  reads .doc/.wps files (tests/extract/test_read.py makes one with it)
#   fonts-noto-cjk  Chinese glyphs for the browser's screenshots and LibreOffice's rendering
# As root with apt (CI), a missing package is installed or the run fails. Anyone else gets a
# message naming what will be skipped; the suite itself then skips those parts.
set -euo pipefail

missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "system-deps: missing ${missing[*]} and cannot install them (needs root and apt-get);" \
         "the PostgreSQL run, the browser tests and/or the .doc tests will be skipped" >&2
    exit 0
fi
echo "system-deps: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
