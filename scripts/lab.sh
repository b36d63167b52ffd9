#!/usr/bin/env bash
# A lab of four real FRR routers (r1..r4), each in its own network namespace, wired in a ring with
# veth pairs and running OSPF area 0, with one loopback /32 per router.
#
#   scripts/lab.sh up|down|status      (needs root; idempotent)
#
# LAB_PREFIX names this lab (default nclab-<pid>): namespaces and FRR pathspaces are <prefix>-r1..r4,
# and the state dir (LAB_STATE_ROOT, default /run/netchange-lab, + /<prefix>) records the namespaces
# and daemon PIDs this script created, so `down` removes only those and parallel labs never collide.
# LAB_TIMEOUT (seconds, default 60) bounds the wait for every OSPF adjacency to become Full.
set -euo pipefail

PREFIX="${LAB_PREFIX:-nclab-$$}"
STATE_ROOT="${LAB_STATE_ROOT:-/run/netchange-lab}"
STATE="$STATE_ROOT/$PREFIX"
TIMEOUT="${LAB_TIMEOUT:-60}"
FRR_LIB=/usr/lib/frr
ROUTERS=(r1 r2 r3 r4)
# The ring: r1-r2, r2-r3, r3-r4, r4-r1; link N uses 10.0.N.0/30 (.1 on the left router, .2 on the right).
LINKS=("r1 r2" "r2 r3" "r3 r4" "r4 r1")

fail() {
  echo "lab: $*" >&2
  exit 1
}

[[ "$PREFIX" =~ ^[a-z0-9][a-z0-9-]{0,20}$ ]] || fail "LAB_PREFIX must be 1-21 of [a-z0-9-] (got '$PREFIX')"

# The namespace and FRR pathspace of a router.
instance() { echo "$PREFIX-$1"; }
router_number() { echo "${1#r}"; }

# Records a line in a state file once.
record() {
  local file="$STATE/$1" line="$2"
  touch "$file"
  grep -qxF -- "$line" "$file" || echo "$line" >>"$file"
}

# The baseline configuration of a router: the same text the lab's Ansible templates render from the
# example's host_vars, so a fresh lab is in sync with its intended state.
baseline_config() {
  local router="$1" number
  number="$(router_number "$router")"
  # why: no hostname line: vtysh prints its own host's name in every instance's running config.
  echo "frr defaults traditional"
  echo "service integrated-vtysh-config"
  echo "!"
  local index=0 left right
  for link in "${LINKS[@]}"; do
    index=$((index + 1))
    read -r left right <<<"$link"
    if [ "$left" = "$router" ]; then
      interface_config "eth-$right" "10.0.$index.1/30"
    elif [ "$right" = "$router" ]; then
      interface_config "eth-$left" "10.0.$index.2/30"
    fi
  done
  echo "interface lo"
  echo " ip address 10.255.0.$number/32"
  echo " ip ospf area 0"
  echo "exit"
  echo "!"
  echo "router ospf"
  echo " ospf router-id 10.255.0.$number"
  echo "exit"
  echo "!"
}

interface_config() {
  echo "interface $1"
  echo " ip address $2"
  echo " ip ospf area 0"
  echo " ip ospf dead-interval 4"
  echo " ip ospf hello-interval 1"
  echo " ip ospf network point-to-point"
  echo "exit"
  echo "!"
}

pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

start_daemon() {
  local router="$1" daemon="$2" name run
  name="$(instance "$router")"
  run="/var/run/frr/$name"
  if [ -f "$run/$daemon.pid" ] && pid_alive "$(cat "$run/$daemon.pid")"; then
    return
  fi
  # why: -P 0 turns off the TCP vty (vtysh uses the unix sockets under $run); -N gives each router
  # its own config dir and socket dir, so four instances share one host.
  ip netns exec "$name" "$FRR_LIB/$daemon" -d -N "$name" -P 0 -u frr -g frr -i "$run/$daemon.pid" \
    >>"$STATE/$router-$daemon.log" 2>&1
  local waited=0
  until [ -s "$run/$daemon.pid" ] && [ -S "$run/$daemon.vty" ]; do
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt 100 ] || fail "$daemon of $router did not start (see journal/syslog)"
  done
  record pids "$router $daemon $(cat "$run/$daemon.pid")"
}

# The number of Full OSPF neighbours a router reports.
full_neighbours() {
  vtysh -N "$(instance "$1")" -c 'show ip ospf neighbor' 2>/dev/null | grep -c 'Full/' || true
}

expected_neighbours() {
  local count=0 left right
  for link in "${LINKS[@]}"; do
    read -r left right <<<"$link"
    if [ "$left" = "$1" ] || [ "$right" = "$1" ]; then count=$((count + 1)); fi
  done
  echo "$count"
}

up() {
  [ "$(id -u)" = 0 ] || fail "up needs root (network namespaces and FRR daemons)"
  [ -x "$FRR_LIB/zebra" ] || fail "FRR is not installed: apt-get install frr (scripts/setup.sh does it)"
  local started=$SECONDS
  mkdir -p "$STATE"
  for router in "${ROUTERS[@]}"; do
    local name
    name="$(instance "$router")"
    if ! ip netns list | awk '{print $1}' | grep -qxF -- "$name"; then
      ip netns add "$name"
    fi
    record namespaces "$name"
    ip -n "$name" link set lo up
    # why: routers forward; without it zebra also adds "no ip forwarding" to the running config.
    ip netns exec "$name" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  done
  local index=0 left right
  for link in "${LINKS[@]}"; do
    index=$((index + 1))
    read -r left right <<<"$link"
    if ! ip -n "$(instance "$left")" link show "eth-$right" >/dev/null 2>&1; then
      ip -n "$(instance "$left")" link add "eth-$right" type veth peer name "eth-$left" netns "$(instance "$right")"
    fi
    ip -n "$(instance "$left")" link set "eth-$right" up
    ip -n "$(instance "$right")" link set "eth-$left" up
  done
  for router in "${ROUTERS[@]}"; do
    local name config_dir run
    name="$(instance "$router")"
    config_dir="/etc/frr/$name"
    run="/var/run/frr/$name"
    mkdir -p "$config_dir" "$run"
    record dirs "$config_dir"
    record dirs "$run"
    if [ ! -f "$config_dir/frr.conf" ]; then
      baseline_config "$router" >"$config_dir/frr.conf"
    fi
    echo "service integrated-vtysh-config" >"$config_dir/vtysh.conf"
    chown -R frr:frr "$config_dir" "$run"
    local fresh=0
    [ -f "$run/zebra.pid" ] && pid_alive "$(cat "$run/zebra.pid")" || fresh=1
    start_daemon "$router" zebra
    start_daemon "$router" ospfd
    start_daemon "$router" staticd
    if [ "$fresh" = 1 ]; then
      # why: the daemons start empty; vtysh -b loads the integrated frr.conf into all of them, the
      # way FRR's own init script does.
      vtysh -N "$name" -b >/dev/null
    fi
  done
  local deadline=$((SECONDS + TIMEOUT))
  while :; do
    local missing=()
    for router in "${ROUTERS[@]}"; do
      local full expected
      full="$(full_neighbours "$router")"
      expected="$(expected_neighbours "$router")"
      [ "$full" -ge "$expected" ] || missing+=("$router ($full/$expected Full)")
    done
    [ "${#missing[@]}" -gt 0 ] || break
    if [ "$SECONDS" -ge "$deadline" ]; then
      status >&2 || true
      fail "OSPF adjacencies not Full after ${TIMEOUT}s: ${missing[*]}; see the neighbours above, and 'scripts/lab.sh down' to clean up"
    fi
    sleep 0.5
  done
  echo "lab $PREFIX up in $((SECONDS - started))s: ${ROUTERS[*]} (vtysh -N $PREFIX-r1 ...), state in $STATE"
}

down() {
  [ "$(id -u)" = 0 ] || fail "down needs root"
  [ -d "$STATE" ] || {
    echo "lab $PREFIX: nothing to remove (no state in $STATE)"
    return 0
  }
  if [ -f "$STATE/pids" ]; then
    # why: only the PIDs this lab recorded, and only while they are still FRR daemons of this lab
    # (a PID can be reused after the daemon died).
    while read -r router daemon pid; do
      if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-N $(instance "$router") "; then
        kill "$pid" 2>/dev/null || true
      fi
    done <"$STATE/pids"
    local waited=0
    while read -r router daemon pid; do
      while pid_alive "$pid" && [ "$waited" -lt 50 ]; do
        sleep 0.1
        waited=$((waited + 1))
      done
      pid_alive "$pid" && kill -9 "$pid" 2>/dev/null || true
    done <"$STATE/pids"
  fi
  if [ -f "$STATE/namespaces" ]; then
    while read -r name; do
      ip netns delete "$name" 2>/dev/null || true
    done <"$STATE/namespaces"
  fi
  if [ -f "$STATE/dirs" ]; then
    while read -r dir; do
      case "$dir" in
      /etc/frr/"$PREFIX"-* | /var/run/frr/"$PREFIX"-*) rm -rf -- "$dir" ;;
      esac
    done <"$STATE/dirs"
  fi
  rm -rf -- "$STATE"
  echo "lab $PREFIX down"
}

status() {
  [ -d "$STATE" ] || fail "no lab $PREFIX (no state in $STATE); run: LAB_PREFIX=$PREFIX scripts/lab.sh up"
  for router in "${ROUTERS[@]}"; do
    echo "== $router ($(instance "$router"))"
    vtysh -N "$(instance "$router")" -c 'show ip ospf neighbor' 2>&1 | sed -n '/Neighbor ID/,$p' || true
  done
}

case "${1:-}" in
up) up ;;
down) down ;;
status) status ;;
*)
  echo "usage: LAB_PREFIX=NAME scripts/lab.sh up|down|status" >&2
  exit 2
  ;;
esac
