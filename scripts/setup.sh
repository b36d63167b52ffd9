#!/usr/bin/env bash
# Installs what netchange's tests and examples need on a bare Debian/Ubuntu machine:
# npm packages, ansible-core (from the distribution) and a check that terraform is present.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v ansible-playbook >/dev/null 2>&1; then
  echo "setup: installing ansible-core from the distribution's packages"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ansible-core >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ansible-core >/dev/null
  fi
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
