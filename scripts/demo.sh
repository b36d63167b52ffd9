#!/usr/bin/env bash
# Runs netchange on the bundled example network, as CI would on a pull request, without GitHub:
# validate (as of a fixed instant, so the verdicts do not move with the calendar), plan two
# proposals with the real ansible-playbook and terraform, and render the pull-request comment.
set -euo pipefail
cd "$(dirname "$0")/.."
# why: a dist/ older than the sources would show yesterday's netchange; build when anything is newer.
if [ ! -f dist/cli/main.js ] || [ -n "$(find src templates schemas package.json -newer dist/cli/main.js -print -quit)" ]; then
  npm run --silent build
fi
netchange() { node "$PWD/dist/cli/main.js" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/netchange-demo-XXXXXX")
cp -R examples/plant-network/. "$work"
rm -rf "$work/state" "$work/.netchange" "$work/terraform/sdwan/.terraform"
git -C "$work" init -q --initial-branch=main
git -C "$work" -c user.name=demo -c user.email=demo@netchange.invalid -c commit.gpgsign=false add -A
git -C "$work" -c user.name=demo -c user.email=demo@netchange.invalid -c commit.gpgsign=false commit -q -m "the plant network"
at=2026-11-23T15:00:00Z
run="$work/.netchange/runs/demo"

echo "== netchange validate --at $at   (in $work)"
netchange validate --repo "$work" --at "$at" || echo "(exit $?: some example proposals are invalid on purpose)"
echo
echo "== netchange plan: Ansible check+diff and terraform plan, secrets redacted"
netchange plan --repo "$work" "$work/changes/chg-0142-vlan40-packaging.yaml" "$work/changes/chg-0147-sdwan-berlin-tunnel.yaml" --out-dir "$run"
echo
echo "== the pull-request comment netchange would post (netchange comment --dry-run)"
netchange comment --repo "$work" --from "$run" --at "$at" --dry-run
