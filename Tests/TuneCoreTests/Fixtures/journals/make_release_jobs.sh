#!/usr/bin/env bash
# Regenerates the jobs a release of tune wrote, one of each kind, for the tests that every later
# release keeps loading, listing, reporting and resuming them
# (Tests/TuneCommandsTests/ReleaseJournalTests.swift).
#
#   bash make_release_jobs.sh <commit> [kind ...]     e.g.  bash make_release_jobs.sh 1378230 (format 2), 0b5f4ef (format 3),
#                                                           7518f48 (format 4), aaf6e66 (format 5)
#
# Builds tune at <commit> in a temporary git worktree (removed afterwards), runs each kind's job in
# its own folder /tmp/tune-release-jobs/<kind> (the journal records it as the job's working
# directory; the tests rewrite it to their sandbox) with the stand-in trials in scripts/, and keeps
# the job folder as releases/<short commit>/<kind>/ here, without its lock, its trials' cwd/ links
# and empty folders. Kinds (default: all that the release takes — `conditional` only for a release
# whose sources know conditional parameters, 7518f48 (format 4) and later):
#
#   finished   4 trials of random search (jobDir, perTrialWorkingDirectory), 2 at a time; SUCCEEDED
#   cancelled  maxTrials 4: trial 1 succeeds, tune gets SIGINT while trial 2 runs: trial 2 and
#              the job CANCELLED, trials 3-4 never made
#   stopped    a 7-point grid, maxTrials 5, enableTrialEarlyStopping: trial 4 (x=0.1) stopped
#              early at step 2 by the median stopping rule; SUCCEEDED
#   hyperband  HYPERBAND over epochs 1…9 (η 3, one bracket), 14 trials at rungs 0, 1 and 2
#   killed     maxTrials 3: trial 1 succeeds, tune SIGKILLed while trial 2 runs (its watchdog
#              stops the trial): the journal ends at trial 2's start, the job RUNNING (INTERRUPTED)
#   resumed    maxTrials 5: tune SIGKILLed while trial 2 ran; `tune resume` ran trial 2 again
#              (attempt 2, trials/2.attempt-1 kept) and trials 3-5, trial 4 FAILED; `tune retry`
#              ran trial 4 again (attempt 2): all 5 SUCCEEDED
#   conditional  (format 4 on) a conditional space with defaults, 5 trials of random search: a
#              CATEGORICAL optimizer (default sgd) whose child momentum (default 0.9) is active
#              only for sgd (nested conditionalParameterSpecs), an INTEGER layers 1…3 whose child
#              units3 is active only for 3 layers (the flat parentParameter form); trial 1 at the
#              defaults, an inactive parameter absent from a trial's parameters; SUCCEEDED
#
# Re-runnable: each kind's folder here is replaced. Set TUNE=<path of a tune binary> to try the
# scenarios without building; the committed fixtures must come from a build at <commit> (a debug
# build in a worktree of its own will do: releases/7518f48 came from `swift build --scratch-path
# .build-rel --product tune` in a worktree at 7518f48, then
# TUNE=<that worktree>/.build-rel/debug/tune bash make_release_jobs.sh 7518f48).
set -euo pipefail
commit=$1; shift
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
short=$(git -C "$repo" rev-parse --short=7 "$commit^{commit}")
kinds=("$@")
if [ ${#kinds[@]} -eq 0 ]; then
  kinds=(finished cancelled stopped hyperband killed resumed)
  # a release that takes conditional parameters (format 4 on) makes a conditional job too
  if git -C "$repo" grep -q conditionalParameterSpecs "$commit" -- Sources; then kinds+=(conditional); fi
fi
out="$here/releases/$short"
scripts="$here/scripts"
base=/tmp/tune-release-jobs
for kind in "${kinds[@]}"; do
  case $kind in
    finished|cancelled|stopped|hyperband|killed|resumed|conditional) ;;
    *) echo "make_release_jobs: unknown kind $kind" >&2; exit 2 ;;
  esac
done

if [ -z "${TUNE:-}" ]; then
  tree=$(mktemp -d)
  git -C "$repo" worktree add --detach "$tree" "$commit" >/dev/null
  trap 'git -C "$repo" worktree remove --force "$tree"' EXIT
  (cd "$tree" && swift build -c release --product tune >/dev/null)
  TUNE="$tree/.build/release/tune"
fi

# waits (up to 30 s) until the journal of job $1 has a line matching $2
wait_for() {
  local i
  for i in $(seq 300); do
    grep -q "$2" ".tune/$1/journal.jsonl" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "make_release_jobs: job $1 never journaled $2" >&2; return 1
}

# a fresh working folder for kind $1 with the stand-in trials in it
enter() {
  rm -rf "${base:?}/$1"; mkdir -p "$base/$1"; cd "$base/$1"
  cp "$scripts/train.sh" "$scripts/curve.sh" .
}

# keeps the job folder of kind $1 here
keep() {
  rm -rf "${out:?}/$1"; mkdir -p "$out"
  cp -R ".tune/$1" "$out/$1"
  rm -f "$out/$1/lock" "$out/$1/report.html"
  rm -rf "$out/$1"/trials/*/cwd        # links into the working folder (perTrialWorkingDirectory)
  find "$out/$1" -depth -type d -empty -delete   # git keeps no empty folder: the fixture as a clone has it
  echo "wrote $out/$1 (working directory recorded in it: $base/$1)"
  cd / && rm -rf "${base:?}/$1"
}

params_x='params:
  - parameterName: x
    type: DOUBLE
    minValue: 0
    maxValue: 1
'

finished() {
  enter finished
  printf 'goal: MAXIMIZE\nhyperparameterMetricTag: acc\nmaxTrials: 4\nmaxParallelTrials: 2\nalgorithm: RANDOM_SEARCH\nseed: 11\njobDir: gs://tune-fixtures/finished\nperTrialWorkingDirectory: true\n%s  - parameterName: layers\n    type: INTEGER\n    minValue: 1\n    maxValue: 4\n' "$params_x" > tuning.yml
  "$TUNE" run ./train.sh --config tuning.yml --job finished -q --grace-period 1
  keep finished
}

cancelled() {
  enter cancelled
  printf 'goal: MAXIMIZE\nhyperparameterMetricTag: acc\nmaxTrials: 4\nmaxParallelTrials: 1\nalgorithm: RANDOM_SEARCH\nseed: 12\n%s' "$params_x" > tuning.yml
  HANG_TRIAL=2 "$TUNE" run ./train.sh --config tuning.yml --job cancelled -q --grace-period 1 &
  local pid=$!
  wait_for cancelled '"trial_started".*"trial":2[,}]'
  sleep 0.3
  kill -INT $pid
  wait $pid || true
  keep cancelled
}

stopped() {
  enter stopped
  printf 'goal: MAXIMIZE\nhyperparameterMetricTag: acc\nmaxTrials: 5\nmaxParallelTrials: 1\nalgorithm: GRID_SEARCH\nenableTrialEarlyStopping: true\nearlyStopping: {minTrials: 3, startStep: 2}\nparams:\n  - parameterName: x\n    type: CATEGORICAL\n    categoricalValues: ["0.9", "0.8", "0.85", "0.1", "0.95", "0.2", "0.99"]\n' > tuning.yml
  "$TUNE" run ./curve.sh --config tuning.yml --job stopped -q --grace-period 1
  keep stopped
}

hyperband() {
  enter hyperband
  printf 'goal: MAXIMIZE\nhyperparameterMetricTag: acc\nmaxTrials: 14\nmaxParallelTrials: 1\nalgorithm: HYPERBAND\nresourceParameter: epochs\nminResource: 1\nmaxResource: 9\nreductionFactor: 3\nhyperbandBrackets: 1\nseed: 5\n%s' "$params_x" > tuning.yml
  EPOCH_SECONDS=0.005 "$TUNE" run ./curve.sh --config tuning.yml --job hyperband -q --grace-period 1
  keep hyperband
}

killed() {
  enter killed
  printf 'goal: MAXIMIZE\nhyperparameterMetricTag: acc\nmaxTrials: 3\nmaxParallelTrials: 1\nalgorithm: RANDOM_SEARCH\nseed: 14\n%s' "$params_x" > tuning.yml
  HANG_TRIAL=2 "$TUNE" run ./train.sh --config tuning.yml --job killed -q --grace-period 1 &
  local pid=$!
  wait_for killed '"trial_started".*"trial":2[,}]'
  sleep 0.3
  kill -9 $pid; wait $pid 2>/dev/null || true
  sleep 2                        # tune's watchdog stops the trial
  keep killed
}

resumed() {
  enter resumed
  printf 'goal: MAXIMIZE\nhyperparameterMetricTag: acc\nmaxTrials: 5\nmaxParallelTrials: 1\nalgorithm: RANDOM_SEARCH\nseed: 13\n%s' "$params_x" > tuning.yml
  export HANG_TRIAL=2 FAIL_TRIAL=4
  "$TUNE" run ./train.sh --config tuning.yml --job resumed -q --grace-period 1 &
  local pid=$!
  wait_for resumed '"trial_started".*"trial":2[,}]'
  sleep 0.3
  kill -9 $pid; wait $pid 2>/dev/null || true
  sleep 2                        # tune's watchdog stops the trial
  touch go
  "$TUNE" resume resumed -q --grace-period 1 || true   # trial 4 fails
  touch fixed
  "$TUNE" retry resumed -q --grace-period 1
  unset HANG_TRIAL FAIL_TRIAL
  keep resumed
}

conditional() {
  enter conditional
  cat > tuning.yml <<'YAML'
goal: MAXIMIZE
hyperparameterMetricTag: acc
maxTrials: 5
maxParallelTrials: 1
algorithm: RANDOM_SEARCH
seed: 19
params:
  - parameterName: optimizer
    type: CATEGORICAL
    categoricalValues: [sgd, adam]
    defaultValue: sgd
    conditionalParameterSpecs:
      - parentCategoricalValues: [sgd]
        parameterSpec: {parameterName: momentum, type: DOUBLE, minValue: 0, maxValue: 0.99, defaultValue: 0.9}
  - parameterName: layers
    type: INTEGER
    minValue: 1
    maxValue: 3
  - parameterName: units3
    type: INTEGER
    minValue: 8
    maxValue: 64
    parentParameter: layers
    parentIntValues: [3]
YAML
  "$TUNE" run ./train.sh --config tuning.yml --job conditional -q --grace-period 1
  keep conditional
}

for kind in "${kinds[@]}"; do
  (cd /; "$kind")
done
