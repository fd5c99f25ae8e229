#!/usr/bin/env bash
# Brings up a one-node Slurm cluster on this machine (for the Slurm tests in CI):
# installs Debian's slurm-wlm and munge if missing, creates a munge key, writes a
# one-node /etc/slurm/slurm.conf, starts munged, slurmctld and slurmd directly (no
# systemd), waits for the node to be idle and checks srun, sbatch and squeue.
# Idempotent: when the cluster is already up with the same configuration it only checks it.
# Stop it with .ci/slurm-down.sh. Logs: /var/log/slurm/ and /var/log/munge/.
set -euo pipefail

WAIT_S=${SLURM_UP_WAIT_S:-60}
CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
LOG_DIR=/var/log/slurm
RUN_DIR=/run/slurm
MUNGE_RUN=/run/munge
STARTED=0   # 1 once this run starts a daemon

say() { echo "slurm-up: $*"; }
fail() {
  echo "slurm-up: ERROR: $*" >&2
  for f in "$LOG_DIR/slurmctld.log" "$LOG_DIR/slurmd.log" /var/log/munge/munged.log; do
    if [ -f "$f" ]; then echo "----- tail $f" >&2; tail -n 25 "$f" >&2; fi
  done
  exit 1
}

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
if [ -n "$SUDO" ]; then
  # Everything below needs root; re-run ourselves as root.
  exec $SUDO bash "$0" "$@"
fi

# --- 1. packages -------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 \
   || ! command -v srun >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  say "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends slurm-wlm munge >/tmp/slurm-up-apt.log 2>&1 \
    || { apt-get update -q >>/tmp/slurm-up-apt.log 2>&1 \
         && apt-get install -y -q --no-install-recommends slurm-wlm munge >>/tmp/slurm-up-apt.log 2>&1; } \
    || { tail -n 30 /tmp/slurm-up-apt.log >&2; fail "apt-get could not install slurm-wlm and munge"; }
fi

# --- 2. munge ----------------------------------------------------------------------------
mkdir -p /etc/munge /var/lib/munge /var/log/munge "$MUNGE_RUN"
MUNGE_USER=munge
getent passwd munge >/dev/null || MUNGE_USER=root
chown "$MUNGE_USER:" /etc/munge /var/lib/munge /var/log/munge "$MUNGE_RUN"
chmod 700 /etc/munge /var/log/munge
chmod 711 /var/lib/munge
chmod 755 "$MUNGE_RUN"
if [ ! -s /etc/munge/munge.key ]; then
  say "creating /etc/munge/munge.key"
  if command -v mungekey >/dev/null 2>&1; then
    mungekey --create --keyfile=/etc/munge/munge.key --force
  else
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  fi
fi
chown "$MUNGE_USER:" /etc/munge/munge.key
chmod 400 /etc/munge/munge.key

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
if ! munge_ok; then
  say "starting munged"
  STARTED=1
  rm -f "$MUNGE_RUN/munge.socket.2" "$MUNGE_RUN/munge.socket.2.lock"
  if [ "$MUNGE_USER" = munge ] && command -v runuser >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged || true
  fi
  munge_ok || /usr/sbin/munged --force || true   # fallback: as root
  for _ in $(seq 1 20); do munge_ok && break; sleep 0.25; done
  munge_ok || fail "munged does not answer (munge -n | unmunge)"
fi

# --- 3. slurm.conf -----------------------------------------------------------------------
HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
# Leave a margin (10%, at least 256 MB) so slurmd never finds less memory than configured.
MARGIN=$(( MEM_MB / 10 )); [ "$MARGIN" -ge 256 ] || MARGIN=256
REAL_MEM=$(( MEM_MB - MARGIN )); [ "$REAL_MEM" -ge 1 ] || REAL_MEM=1

mkdir -p "$CONF_DIR" "$LOG_DIR" "$RUN_DIR" /var/spool/slurmctld /var/spool/slurmd
NEW_CONF=$(mktemp)
cat >"$NEW_CONF" <<EOF
# One-node Slurm for tune's CI, written by .ci/slurm-up.sh.
# Addresses are 127.0.0.1 so that nothing depends on the host name resolving.
ClusterName=tune
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
SwitchType=switch/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$RUN_DIR/slurmctld.pid
SlurmdPidFile=$RUN_DIR/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Timeouts: short, so that cancelled and timed-out jobs end quickly in tests.
SlurmctldTimeout=30
SlurmdTimeout=30
MessageTimeout=10
InactiveLimit=0
KillWait=5
OverTimeLimit=0
Waittime=0
MinJobAge=300
# Jobs in partition 'urgent' preempt (cancel) jobs in 'debug' on the same node, so that tests
# can preempt a trial for real.
PreemptType=preempt/partition_prio
PreemptMode=CANCEL
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$REAL_MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=urgent Nodes=$HOST MaxTime=INFINITE State=UP PriorityTier=2
EOF

CONF_CHANGED=0
if ! cmp -s "$NEW_CONF" "$CONF"; then
  CONF_CHANGED=1
  install -m 644 "$NEW_CONF" "$CONF"
  say "wrote $CONF (node $HOST, CPUs=$CPUS, RealMemory=$REAL_MEM MB)"
fi
rm -f "$NEW_CONF"

# --- 4. daemons --------------------------------------------------------------------------
# A pid file's process is alive if it exists and is not a zombie (PID 1 in a container
# may not reap orphaned daemons, so kill -0 alone is not enough).
pid_alive() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}
if [ "$CONF_CHANGED" = 1 ]; then
  # A new configuration: restart whatever runs with the old one.
  for d in slurmd slurmctld; do
    if pid_alive "$RUN_DIR/$d.pid"; then
      say "stopping $d (configuration changed)"
      kill "$(cat "$RUN_DIR/$d.pid")" 2>/dev/null || true
      for _ in $(seq 1 40); do pid_alive "$RUN_DIR/$d.pid" || break; sleep 0.25; done
    fi
  done
fi
if ! pid_alive "$RUN_DIR/slurmctld.pid"; then
  say "starting slurmctld"
  STARTED=1
  /usr/sbin/slurmctld || fail "slurmctld did not start"
fi
if ! pid_alive "$RUN_DIR/slurmd.pid"; then
  say "starting slurmd"
  STARTED=1
  /usr/sbin/slurmd || fail "slurmd did not start"
fi

# --- 5. wait for the node ----------------------------------------------------------------
deadline=$(( $(date +%s) + WAIT_S ))
state=""
while :; do
  state=$(sinfo -h -n "$HOST" -o '%T' 2>/dev/null | head -n 1 || true)
  case "$state" in
    idle|mixed|allocated|completing) break ;;
    down*|drain*|fail*)
      # e.g. after an unclean stop; ReturnToService=2 usually does this by itself.
      scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || {
    sinfo -N -l >&2 2>&1 || true
    scontrol show node "$HOST" >&2 2>&1 || true
    fail "node $HOST is not idle after ${WAIT_S}s (state: ${state:-none})"
  }
  sleep 0.5
done
say "node $HOST is $state"

# --- 6. smoke test -----------------------------------------------------------------------
out=$(timeout 60 srun --quiet -N1 -n1 hostname 2>&1) || fail "srun -N1 -n1 hostname failed: $out"
[ "$out" = "$(hostname)" ] || [ "$out" = "$HOST" ] || fail "srun hostname printed '$out'"
jid=$(timeout 30 sbatch --parsable --job-name slurm-up-check --output=/dev/null --wrap 'sleep 1' 2>&1) \
  || fail "sbatch failed: $jid"
jid=${jid%%;*}
squeue -h -j "$jid" -o '%i' 2>/dev/null | grep -qx "$jid" || fail "squeue does not list batch job $jid"
# After a (re)start the batch job must run and complete (bounded wait); when everything
# was already up, queueing it is enough (keeps a re-run fast).
jstate=""
[ "$STARTED" = 1 ] || jstate=SKIP
for _ in $(seq 1 60); do
  [ "$jstate" != SKIP ] || break
  jstate=$(scontrol show job "$jid" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  case "$jstate" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
  sleep 0.5
done
if [ "$jstate" = SKIP ]; then scancel "$jid" 2>/dev/null || true; fi
[ "$jstate" = COMPLETED ] || [ "$jstate" = SKIP ] || { scancel "$jid" 2>/dev/null || true; fail "batch job $jid ended as '${jstate:-unknown}', not COMPLETED"; }
say "ok: srun, sbatch and squeue work (partition debug, node $HOST)"
