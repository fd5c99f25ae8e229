#!/usr/bin/env python3
"""A small training script for tune's Hyperband and early-stopping examples (standard library only).

Fits y = 3·x₁ − 2·x₂ + 0.5 + noise by mini-batch SGD with momentum, and prints the validation loss
once per epoch as `epoch=N val_loss=V`, which tune reads as the objective at step N.

The checkpoint protocol: tune gives every run of one configuration the same folder in
$TUNE_CHECKPOINT_DIR. When Hyperband promotes a configuration it runs it again with a larger
--epochs; this script then finds its checkpoint there and continues from the epoch it reached
instead of starting over. Without the variable (run by hand) it trains from scratch.
"""
import argparse
import json
import math
import os
import random
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--learning_rate", type=float, default=0.01)
parser.add_argument("--momentum", type=float, default=0.0)
parser.add_argument("--batch_size", type=int, default=16)
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("--epoch_seconds", type=float, default=0.05, help="extra time per epoch, as a real model would take")
args = parser.parse_args()

data = random.Random(0)
def sample(n):
    rows = []
    for _ in range(n):
        x1, x2 = data.uniform(-1, 1), data.uniform(-1, 1)
        rows.append((x1, x2, 3 * x1 - 2 * x2 + 0.5 + data.gauss(0, 0.1)))
    return rows
train, valid = sample(512), sample(128)

def loss(rows, w):
    return sum((w[0] * a + w[1] * b + w[2] - y) ** 2 for a, b, y in rows) / len(rows)

state = {"epoch": 0, "w": [0.0, 0.0, 0.0], "v": [0.0, 0.0, 0.0]}
checkpoint_dir = os.environ.get("TUNE_CHECKPOINT_DIR")
checkpoint = os.path.join(checkpoint_dir, "checkpoint.json") if checkpoint_dir else None
if checkpoint and os.path.exists(checkpoint):
    with open(checkpoint) as f:
        saved = json.load(f)
    if saved["epoch"] <= args.epochs:
        state = saved
        print(f"resuming from the checkpoint at epoch {state['epoch']}", file=sys.stderr)
        # Report where the checkpoint stands: if it already reached --epochs (an earlier run got
        # that far before it was stopped), this is the run's only reading.
        print(f"epoch={state['epoch']} val_loss={loss(valid, state['w']):.6f}", flush=True)

shuffle = random.Random(state["epoch"])
for epoch in range(state["epoch"] + 1, args.epochs + 1):
    shuffle.shuffle(train)
    w, v = state["w"], state["v"]
    for start in range(0, len(train), args.batch_size):
        batch = train[start:start + args.batch_size]
        grad = [0.0, 0.0, 0.0]
        for a, b, y in batch:
            error = w[0] * a + w[1] * b + w[2] - y
            grad[0] += 2 * error * a / len(batch)
            grad[1] += 2 * error * b / len(batch)
            grad[2] += 2 * error / len(batch)
        for i in range(3):
            v[i] = args.momentum * v[i] - args.learning_rate * grad[i]
            w[i] += v[i]
    value = loss(valid, w)
    if not math.isfinite(value) or value > 1e6:
        print(f"epoch={epoch} val_loss=1e6")  # diverged: report a large loss and stop
        break
    time.sleep(args.epoch_seconds)
    print(f"epoch={epoch} val_loss={value:.6f}", flush=True)
    state = {"epoch": epoch, "w": w, "v": v}
    if checkpoint:
        with open(checkpoint + ".tmp", "w") as f:
            json.dump(state, f)
        os.replace(checkpoint + ".tmp", checkpoint)
