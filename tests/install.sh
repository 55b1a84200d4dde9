#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[test]'

apt_install() {
  # system packages for the browser and the SPARQL-engine tests (root on CI and dev machines)
  if [ "$(id -u)" -ne 0 ]; then echo "tests/install.sh: need root to apt-get install $*" >&2; return 1; fi
  if [ ! -f /tmp/.budgetkg-apt-updated ]; then apt-get update -qq && touch /tmp/.budgetkg-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

[ -x /usr/bin/chromium ] || apt_install chromium
command -v virtuoso-t >/dev/null 2>&1 || apt_install virtuoso-opensource
