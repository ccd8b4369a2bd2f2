#!/usr/bin/env bash
# Two "machines" on this host, for rehearsing a multi-machine MPI run (docs/cluster.md): each is a network, mount
# and UTS namespace (own address, hostname, /etc/hosts, /dev/shm, and its own disk at the same path), the two joined
# by a veth pair on a documentation subnet (192.0.2.0/24, TEST-NET-1: nothing outside this host is ever addressed).
# MPICH's launcher reaches them through $MSN_CLUSTER/ssh, a stand-in for ssh. Needs root (CAP_SYS_ADMIN, NET_ADMIN).
#
#   cluster.sh up                 make node-a and node-b, linked (prints the state folder)
#   cluster.sh run NODE CMD...    run CMD on NODE, in the current folder (its exit code)
#   cluster.sh ps NODE            the process ids running on NODE (none when it is down)
#   cluster.sh kill NODE          kill every process of NODE at once: the machine dies, its link with it
#   cluster.sh boot NODE          start a dead NODE again (its disk kept) and link it
#   cluster.sh cut | mend         take the link down (a cable pulled) | up again
#   cluster.sh down               remove everything up made, disks included
#
# State lives in MSN_CLUSTER (default /tmp/msn-cluster); each node sees its own disk at $MSN_CLUSTER/disk, which the
# host sees as $MSN_CLUSTER/NODE/disk. The MPI launch, from node-a:
#   cluster.sh run node-a mpiexec -f $MSN_CLUSTER/hostfile -launcher ssh -launcher-exec $MSN_CLUSTER/ssh -n 2 CMD
set -euo pipefail

STATE="${MSN_CLUSTER:-/tmp/msn-cluster}"
DISK="$STATE/disk"
NODES=(node-a node-b)

address() { [ "$1" = node-a ] && echo 192.0.2.1 || echo 192.0.2.2; }
known() { case "$1" in node-a|node-b) ;; *) echo "cluster.sh: no machine named '$1'" >&2; exit 255;; esac; }
pid_of() {
  local file="$STATE/$1/pid"
  [ -f "$file" ] || { echo "cluster.sh: $1 is not up (run: cluster.sh up)" >&2; exit 1; }
  cat "$file"
}

# Entering a mount namespace moves to its root folder: go back to where the caller was, as ssh users expect.
enter() {
  local node=$1; shift
  nsenter -t "$(pid_of "$node")" -n -m -u -- bash -c 'cd "$0" 2>/dev/null || cd /; exec "$@"' "$PWD" "$@"
}

# A node's first process holds its namespaces, mounts the node's own view, then waits.
start_node() {
  local node=$1
  rm -f "$STATE/$node/ready"
  mkdir -p "$STATE/$node/disk"
  unshare --net --mount --uts --propagation private bash -c '
    hostname "$1"; mount --bind "$2/hosts" /etc/hosts; mount --bind "$2/$1/disk" "$3"
    mount -t tmpfs -o size=1g tmpfs /dev/shm; ip link set lo up; touch "$2/$1/ready"; exec sleep infinity' \
    node "$node" "$STATE" "$DISK" </dev/null >/dev/null 2>&1 &
  echo $! > "$STATE/$node/pid"
  for _ in $(seq 100); do [ -f "$STATE/$node/ready" ] && return 0; sleep 0.05; done
  echo "cluster.sh: $node did not start" >&2
  exit 1
}

# The veth pair, one end in each node, both named eth0 there.
link() {
  local a="msnc$$a" b="msnc$$b"
  ip link add "$a" type veth peer name "$b"
  ip link set "$a" netns "$(pid_of node-a)"
  ip link set "$b" netns "$(pid_of node-b)"
  enter node-a ip link set "$a" name eth0
  enter node-b ip link set "$b" name eth0
  for node in "${NODES[@]}"; do
    enter "$node" ip addr add "$(address "$node")/24" dev eth0
    enter "$node" ip link set eth0 up
  done
}

up() {
  if ! unshare --net --mount true 2>/dev/null || ! command -v ip >/dev/null; then
    echo "cluster.sh: cannot make network and mount namespaces here (needs root and iproute2)" >&2
    exit 2
  fi
  [ -e "$STATE" ] && { echo "cluster.sh: $STATE exists: run cluster.sh down first" >&2; exit 1; }
  mkdir -p "$DISK"
  trap 'down; exit 1' INT TERM ERR   # a failed or interrupted start leaves nothing behind
  printf '127.0.0.1 localhost\n192.0.2.1 node-a\n192.0.2.2 node-b\n' > "$STATE/hosts"
  printf 'node-a:1\nnode-b:1\n' > "$STATE/hostfile"
  printf '#!/bin/sh\nMSN_CLUSTER="%s" exec "%s" launch "$@"\n' "$STATE" "$(realpath "$0")" > "$STATE/ssh"
  chmod +x "$STATE/ssh"
  for node in "${NODES[@]}"; do start_node "$node"; done
  link
  trap - INT TERM ERR
  echo "$STATE"
}

# A machine's processes: those in its network namespace.
processes_of() {
  local ns
  ns=$(readlink "/proc/$(pid_of "$1")/ns/net" 2>/dev/null) || return 0   # the machine is down
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
  done
  return 0
}

kill_node() {
  local pids
  pids=$(processes_of "$1")
  # shellcheck disable=SC2086
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  return 0
}

boot() {
  local node=$1
  [ -n "$(processes_of "$node")" ] && { echo "cluster.sh: $node is running" >&2; exit 1; }
  start_node "$node"
  # A dead node took its end of the link, and with it the other end: link again.
  link
}

# Both ends forget the addresses they failed to reach while the link was down, or they refuse for a while longer.
mend() {
  enter node-a ip link set eth0 up
  for node in "${NODES[@]}"; do enter "$node" ip neigh flush dev eth0; done
}

down() {
  for node in "${NODES[@]}"; do [ -f "$STATE/$node/pid" ] && kill_node "$node"; done
  # The veth pair and the mounts go with the namespaces' last processes.
  rm -rf "$STATE"
}

# ssh's command line as MPICH's launcher writes it (`-x HOST "cmd" args...`): the remote command is one string.
# It runs as a child, not by exec: like ssh, this process stays on the launching machine while the command runs.
launch() {
  while [ $# -gt 0 ] && [[ $1 == -* ]]; do shift; done
  local node=$1; shift
  known "$node"
  enter "$node" bash -c "$*"
}

case "${1:-}" in
  up) up ;;
  run) shift; known "$1"; node=$1; shift; enter "$node" "$@" ;;
  ps) known "$2"; processes_of "$2" ;;
  launch) shift; launch "$@" ;;
  kill) known "$2"; kill_node "$2" ;;
  boot) known "$2"; boot "$2" ;;
  cut) enter node-a ip link set eth0 down ;;
  mend) mend ;;
  down) down ;;
  *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac
