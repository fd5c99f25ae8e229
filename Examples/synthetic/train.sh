#!/bin/sh
# A stand-in for a training script that needs nothing but a POSIX shell and awk.
# It takes its hyperparameters as --name=value flags (as tune passes them), "trains" for a few
# epochs, prints one metrics line per epoch, and saves a "model" into its trial folder.
# The synthetic accuracy peaks at lr=0.01, layers=3, activation=relu, batch_size=64.
set -eu

lr=""; layers=""; activation=""; batch_size=""; epochs=5
for arg in "$@"; do
  case "$arg" in
    --lr=*) lr=${arg#*=} ;;
    --layers=*) layers=${arg#*=} ;;
    --activation=*) activation=${arg#*=} ;;
    --batch_size=*) batch_size=${arg#*=} ;;
    --epochs=*) epochs=${arg#*=} ;;
    *) echo "train.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
for flag in lr layers activation batch_size; do
  eval "value=\${$flag}"
  [ -n "$value" ] || { echo "train.sh: --$flag is required" >&2; exit 2; }
done

awk -v lr="$lr" -v layers="$layers" -v act="$activation" -v batch="$batch_size" -v epochs="$epochs" 'BEGIN {
  penalty["relu"] = 0; penalty["tanh"] = 0.02; penalty["sigmoid"] = 0.05
  d = log(lr) / log(10) + 2
  b = log(batch / 64) / log(2)
  final = 0.98 - 0.04 * d * d - 0.01 * (layers - 3) ^ 2 - penalty[act] - 0.015 * (b < 0 ? -b : b)
  for (e = 1; e <= epochs; e++) {
    acc = final * (1 - exp(-0.8 * e))
    printf "epoch %d: loss=%.4f acc=%.4f\n", e, 1 - acc, acc
  }
}'

# Outputs land in the trial folder tune made (the current directory when run by hand).
out=${TUNE_TRIAL_DIR:-.}
printf 'lr %s\nlayers %s\nactivation %s\nbatch_size %s\n' "$lr" "$layers" "$activation" "$batch_size" > "$out/model.txt"
