#!/bin/sh
# The stand-in trial of make_release_jobs.sh and ReleaseJournalTests: one reading, acc=<trial id>.25
# (a later trial is better). Trial $HANG_TRIAL sleeps until ./go exists; trial $FAIL_TRIAL fails
# until ./fixed exists (both files in the folder the job runs in).
if [ "$TUNE_TRIAL_ID" = "${HANG_TRIAL:-0}" ] && [ ! -f go ]; then sleep 300; fi
if [ "$TUNE_TRIAL_ID" = "${FAIL_TRIAL:-0}" ] && [ ! -f fixed ]; then echo "no ./fixed yet" >&2; exit 3; fi
echo "epoch=1 acc=$TUNE_TRIAL_ID.25"
