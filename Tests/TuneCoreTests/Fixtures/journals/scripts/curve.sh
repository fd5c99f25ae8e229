#!/bin/sh
# The stand-in learning curve of make_release_jobs.sh and ReleaseJournalTests (as StoppingTests'):
# acc(e) = x·(1 − 0.5^e) for e = 1…epochs (default 10), one line per epoch; a larger x is better at
# every epoch. With a checkpoint in $TUNE_CHECKPOINT_DIR it goes on from the epoch after it.
x=0.5; epochs=10
for a in "$@"; do
  case $a in --x=*) x=${a#--x=};; --epochs=*) epochs=${a#--epochs=};; esac
done
e=1
if [ -f "$TUNE_CHECKPOINT_DIR/done" ]; then e=$(( $(cat "$TUNE_CHECKPOINT_DIR/done") + 1 )); fi
while [ $e -le $epochs ]; do
  sleep ${EPOCH_SECONDS:-0.03}
  echo "epoch=$e acc=$(awk "BEGIN { print $x * (1 - 0.5 ^ $e) }")"
  echo $e > "$TUNE_CHECKPOINT_DIR/done"
  e=$((e + 1))
done
