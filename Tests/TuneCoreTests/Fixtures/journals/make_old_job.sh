#!/usr/bin/env bash
# Regenerates a job folder written by an earlier release of tune, for the test that every
# release keeps loading, listing and resuming the jobs of the ones before it
# (Tests/TuneCommandsTests/OldJournalTests.swift).
#
#   bash make_old_job.sh <commit> <name>      e.g.  bash make_old_job.sh 4ac7447 release-4ac7447
#
# Builds tune at <commit> in a worktree, runs a 4-trial job whose third trial hangs, SIGKILLs tune
# while it runs (its watchdog stops the trial), and keeps the job folder as <name>/ here: a
# journal with finished trials, an interrupted one and a job that `tune resume` goes on with.
set -euo pipefail
commit=$1; name=$2
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
tree=$(mktemp -d); work=/tmp/tune-old-job
git -C "$repo" worktree add --detach "$tree" "$commit" >/dev/null
(cd "$tree" && swift build -c release >/dev/null)
rm -rf "$work"; mkdir -p "$work"; cd "$work"
cat > train.sh <<'SH'
#!/bin/sh
if [ "$TUNE_TRIAL_ID" = 3 ] && [ ! -f go ]; then sleep 300; fi
echo "epoch=1 acc=0.$TUNE_TRIAL_ID"
SH
chmod +x train.sh
printf 'goal: MAXIMIZE\nhyperparameterMetricTag: acc\nmaxTrials: 4\nmaxParallelTrials: 1\nalgorithm: RANDOM_SEARCH\nseed: 11\nparams:\n  - parameterName: x\n    type: DOUBLE\n    minValue: 0\n    maxValue: 1\n' > tuning.yml
"$tree/.build/release/tune" run ./train.sh --config tuning.yml --job old -q --grace-period 1 &
pid=$!
while ! grep -q '"trial_started".*"trial":3' .tune/old/journal.jsonl 2>/dev/null && ! grep -q '"trial":3.*"trial_started"' .tune/old/journal.jsonl 2>/dev/null; do sleep 0.1; done
kill -9 $pid; wait $pid 2>/dev/null || true
sleep 2
rm -rf "$here/$name"; cp -R .tune/old "$here/$name"; rm -f "$here/$name/lock"
git -C "$repo" worktree remove --force "$tree"
echo "wrote $here/$name (working directory recorded in it: $work)"
