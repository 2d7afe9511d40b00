#!/usr/bin/env bash
# A real one-node Slurm cluster on localhost (Debian's slurmctld, slurmd and munge), with every
# config, key, socket, spool and log in one directory; for tests and the demo. Needs root.
#   tools/local-slurm.sh up [DIR]     start (DIR default /tmp/cf-local-slurm); prints
#                                     "export SLURM_CONF=DIR/slurm.conf" for the clients
#   tools/local-slurm.sh down [DIR]   cancel all jobs, stop the daemons, delete DIR
#   tools/local-slurm.sh status [DIR]
# The node offers CF_SLURM_CPUS CPUs (default: max(4, cores); more than the cores is allowed,
# tasks then share them) and no GPUs. Ports are picked free at start. `up` exits 77 when no
# cluster can be made here (not root, Slurm or munge not installed): tests then skip.
set -euo pipefail
cmd=${1:-}
DIR=$(realpath -m -- "${2:-/tmp/cf-local-slurm}")
CONF="$DIR/slurm.conf"
export SLURM_CONF=$CONF

pids() { local f; for f in "$DIR"/slurmd.pid "$DIR"/slurmctld.pid "$DIR"/munged.pid; do [ -s "$f" ] && cat "$f"; done; true; }
stop_pid() {  # SIGTERM, then SIGKILL after 15 s
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

down() {
  [ -d "$DIR" ] || return 0
  if [ -f "$CONF" ] && [ -s "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null; then
    timeout 10 scancel --quiet --user=root 2>/dev/null || true
    sleep 0.5
  fi
  local f
  for f in slurmd slurmctld munged; do
    [ -s "$DIR/$f.pid" ] && stop_pid "$(cat "$DIR/$f.pid")"
  done
  # Job steps of proctrack/pgid that outlived slurmd (a killed test): by their session.
  rm -rf -- "$DIR"
}

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
  done
}

up() {
  [ "$(id -u)" = 0 ] || { echo "local-slurm: needs root (slurmd runs jobs as their user)" >&2; exit 77; }
  local b
  for b in munged slurmctld slurmd sbatch; do
    command -v "$b" > /dev/null || [ -x "/usr/sbin/$b" ] ||
      { echo "local-slurm: $b not found: apt-get install slurm-wlm munge" >&2; exit 77; }
  done
  if [ -s "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null; then
    echo "local-slurm: already running in $DIR" >&2
    echo "export SLURM_CONF=$(printf '%q' "$CONF")"
    return 0
  fi
  rm -rf -- "$DIR"
  mkdir -p -m 0755 -- "$DIR" "$DIR/state" "$DIR/spool" "$DIR/munge"  # socket dir: others need x
  # munge: private key, socket and files; as root it insists on a 0400 root-owned key and dirs
  # not writable by group/others.
  dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
  chmod 0400 "$DIR/munge/munge.key"
  PATH=$PATH:/usr/sbin munged --socket="$DIR/munge/munge.socket" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/munged.pid" --seed-file="$DIR/munge/munge.seed" --log-file="$DIR/munged.log"

  local host cpus mem
  host=$(hostname -s)
  cpus=${CF_SLURM_CPUS:-$(($(nproc) > 4 ? $(nproc) : 4))}
  mem=$(( $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) * 9 / 10 ))
  cat > "$CONF" <<EOF
# Written by tools/local-slurm.sh: a one-node test cluster on localhost.
ClusterName=cflocal
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket,cred_expire=10
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
MpiDefault=pmix
ReturnToService=2
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=1,bf_interval=1
DependencyParameters=kill_invalid_depend
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.txt
AccountingStorageType=accounting_storage/none
MinJobAge=3600
KillWait=5
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  PATH=$PATH:/usr/sbin slurmctld -f "$CONF"
  PATH=$PATH:/usr/sbin slurmd -f "$CONF" -N "$host"
  local i
  for i in $(seq 1 200); do
    sinfo -h -o '%t' 2>/dev/null | grep -qx idle && break
    sleep 0.1
  done
  if ! sinfo -h -o '%t' 2>/dev/null | grep -qx idle; then
    echo "local-slurm: the node did not become idle; logs in $DIR:" >&2
    tail -n 20 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
    down
    exit 1
  fi
  echo "local-slurm: up in $DIR ($cpus CPUs on $host)" >&2
  echo "export SLURM_CONF=$(printf '%q' "$CONF")"
}

case $cmd in
  up) up ;;
  down) down ;;
  status) [ -f "$CONF" ] && sinfo && squeue -r -t all ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
