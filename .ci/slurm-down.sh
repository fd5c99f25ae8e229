#!/usr/bin/env bash
# Stops the one-node Slurm started by .ci/slurm-up.sh: cancels all jobs (bounded wait),
# then stops slurmd, slurmctld and munged by their pid files. Safe to run when nothing runs.
set -euo pipefail

[ "$(id -u)" = 0 ] || exec sudo -n bash "$0" "$@"

RUN_DIR=/run/slurm
say() { echo "slurm-down: $*"; }

# Alive and not a zombie (PID 1 in a container may not reap orphaned daemons).
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

stop_pidfile() { # name pidfile
  local name=$1 pidfile=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && alive "$pid"; then
    say "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do alive "$pid" || break; sleep 0.25; done
    if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidfile"
}

if command -v squeue >/dev/null 2>&1 && [ -f "$RUN_DIR/slurmctld.pid" ]; then
  jobs=$(timeout 10 squeue -h -o '%i' 2>/dev/null || true)
  if [ -n "$jobs" ]; then
    say "cancelling jobs: $(echo $jobs)"
    timeout 10 scancel $jobs >/dev/null 2>&1 || true
    # KillWait is 5 s: give the steps time to end before slurmd goes.
    for _ in $(seq 1 40); do
      [ -z "$(timeout 5 squeue -h -o '%i' 2>/dev/null || true)" ] && break
      sleep 0.25
    done
  fi
fi
stop_pidfile slurmd "$RUN_DIR/slurmd.pid"
stop_pidfile slurmctld "$RUN_DIR/slurmctld.pid"
stop_pidfile munged /run/munge/munged.pid
say "stopped"
