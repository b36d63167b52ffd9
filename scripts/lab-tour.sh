#!/usr/bin/env bash
# The lab tour (npm run lab; needs root and FRR): four real FRR routers come up, a pull request adds
# a loopback on r1, netchange plans it (the real device diff from r1's running configuration),
# applies it with frr-reload.py and verifies OSPF on every router; a hand edit on r2 is caught by
# netchange drift, shown as the GitHub issue it keeps (local stand-in) and in the morning digest;
# then the lab goes down.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || {
  echo "lab: the tour needs root (network namespaces, FRR daemons); try: sudo npm run lab" >&2
  exit 1
}
# why: a dist/ older than the sources would show yesterday's netchange; build when anything is newer.
if [ ! -f dist/cli/main.js ] || [ -n "$(find src templates schemas package.json -newer dist/cli/main.js -print -quit)" ]; then
  npm run --silent build
fi
netchange() { node "$PWD/dist/cli/main.js" "$@"; }
export LAB_PREFIX="${LAB_PREFIX:-nclab-tour-$$}"
lab="$PWD/scripts/lab.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/netchange-lab-XXXXXX")
cleanup() {
  "$lab" down || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== scripts/lab.sh up   (LAB_PREFIX=$LAB_PREFIX)"
"$lab" up
"$lab" status
echo

cp -R examples/lab-network/. "$work"
# why: apply runs only inside the change's window, so the tour moves it to the next hour.
start=$(date -u -d '-5 min' +%Y-%m-%dT%H:%M:%SZ)
end=$(date -u -d '+55 min' +%Y-%m-%dT%H:%M:%SZ)
sed -i "s/start: \"[^\"]*\"/start: \"$start\"/; s/end: \"[^\"]*\"/end: \"$end\"/" "$work"/changes/chg-0301-loopback.yaml
git_() { git -C "$work" -c user.name=tour -c user.email=tour@netchange.invalid -c commit.gpgsign=false "$@"; }
git_ init -q --initial-branch=main
git_ add -A
git_ commit -q -m "the lab network"
echo "== the pull request of CHG-2026-0301: r1's intended state gains a loopback"
cp -R "$work/pull-requests/chg-0301-loopback/." "$work"
git_ diff
git_ commit -q -a -m "CHG-2026-0301: add loopback 10.255.1.1/32 on r1"
echo

echo "== netchange validate"
netchange validate --repo "$work" "$work/changes/chg-0301-loopback.yaml" --approvals "$work/approvals.yaml"
echo
echo "== netchange plan: the device diff, from r1's running configuration"
netchange plan --repo "$work" "$work/changes/chg-0301-loopback.yaml"
echo
echo "== netchange apply: frr-reload.py on r1, then OSPF verified on every router"
netchange apply --repo "$work" "$work/changes/chg-0301-loopback.yaml" --approvals "$work/approvals.yaml"
echo
echo "== r3 learned the new loopback over OSPF"
vtysh -N "$LAB_PREFIX-r3" -c 'show ip route 10.255.1.1/32'
echo
echo "== 2 AM: someone sets a cost on r2 by hand, outside netchange"
vtysh -N "$LAB_PREFIX-r2" -c 'conf t' -c 'interface eth-r3' -c 'ip ospf cost 77'
echo "== netchange drift: every router against the intended state on main (exit 1: drift found)"
netchange drift --repo "$work" || [ $? = 1 ]
echo
echo "== the drift issue both teams see on GitHub (netchange drift --github, against the local GitHub stand-in)"
npx --no-install tsx scripts/lab-tour-issue.ts "$work"
echo
echo "== 8 AM: netchange digest, changes made outside netchange listed right after failures"
netchange digest --repo "$work" --since 2h --no-fetch
echo
echo "== scripts/lab.sh down"
