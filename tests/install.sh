#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine; safe to run again. It says what it is doing:
# on a fresh machine pip takes about a minute and each apt-get install tens of seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=${CHROMIUM_BIN:-/usr/bin/chromium}
APT_UPDATED=${TMPDIR:-/tmp}/.budgetkg-apt-updated

say() { echo "tests/install.sh: $*"; }
timed() {  # run a step and say how long it took
  local started=$SECONDS
  "$@"
  say "  done in $((SECONDS - started)) s"
}

quietly() { "$@" >/dev/null; }

apt_install() {
  # system packages for the browser and the SPARQL-engine tests (root on CI and dev machines)
  if [ "$(id -u)" -ne 0 ]; then say "need root to apt-get install $*" >&2; return 1; fi
  if [ ! -f "$APT_UPDATED" ]; then
    say "apt-get update …"
    timed apt-get update -qq
    touch "$APT_UPDATED"
  fi
  say "apt-get install $* …"
  DEBIAN_FRONTEND=noninteractive timed quietly apt-get install -y -qq "$@"
}

say "pip install -e '.[test]' (budgetkg, pytest, playwright, schemathesis, ruff) …"
timed python -m pip install --quiet --disable-pip-version-check -e '.[test]'

if [ -x "$CHROMIUM" ]; then say "chromium: already installed"; else apt_install chromium; fi
if command -v virtuoso-t >/dev/null 2>&1; then say "virtuoso: already installed"; else apt_install virtuoso-opensource; fi
# A CJK font, or every screenshot of the pages shows empty boxes where the Chinese text is.
if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  say "CJK font: already installed ($(fc-list :lang=zh family | head -n 1 | cut -d, -f1))"
else
  apt_install fonts-wqy-microhei
fi
say "ready: python -m pytest"
