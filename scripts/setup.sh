#!/usr/bin/env bash
# Installs what netchange's tests and examples need on a bare Debian/Ubuntu machine:
# npm packages, ansible-core, faketime, frr and prometheus-alertmanager (from the distribution) and a check that terraform is present.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need: ansible-core (the real ansible-playbook), faketime (the suite runs
# once more with the clock a year ahead, so no test depends on today's date), frr (the lab's routers:
# scripts/lab.sh runs its own daemons per network namespace, apart from the system service),
# prometheus-alertmanager (the holds tests start their own Alertmanager on 127.0.0.1; the package's
# system service is not used).
missing=()
command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible-core)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
command -v vtysh >/dev/null 2>&1 || missing+=(frr)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]} from the distribution's packages"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v terraform >/dev/null 2>&1; then
  echo "setup: terraform is not on PATH; install it (https://developer.hashicorp.com/terraform/install) and run again" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # why: npm install, not npm ci: the registry mirror here lacks some of Biome's optional platform
  # packages, which npm ci reports as a lock mismatch; install follows the lock for everything else.
  npm install --no-audit --no-fund
fi
npm run --silent build
echo "setup: node $(node --version), $(ansible-playbook --version | head -1), $(terraform version | head -1)"
