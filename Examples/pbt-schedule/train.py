#!/usr/bin/env python3
"""A small real training run for tune's Population-Based Training (PBT) example: NumPy, CPU, one core.

The task: scikit-learn's bundled digits (8×8 images of handwritten digits, 1,797 of them: no
download), split 70/30 (stratified, fixed). Half of the TRAINING labels are replaced by a random
digit (so about 45% of them are wrong, a badly annotated data set); the validation labels are
clean. The model: a one-hidden-layer MLP (64 → 64 ReLU → 10 softmax) trained by mini-batch SGD
with momentum (0.9) and weight decay (1e-3), batch 32.

Why a learning-rate SCHEDULE matters here: with noisy labels the mini-batch gradient is noisy. A
large learning rate learns fast but then drifts around a noise floor (and its accuracy sinks as it
goes on); a small one is steady but too slow for the budget. "Large first, then decay" beats
every constant learning rate at the same budget: check_schedule.py measures it, over seeds.

The metric: `val_acc`, the accuracy on the clean validation set (MAXIMIZE), printed once per epoch
as `epoch=N val_acc=V` (flushed), which tune reads as the objective at step N.

The PBT protocol (tune runs each member as a sequence of intervals, one process each):
- --epochs is the CUMULATIVE number of epochs the member must have done at the end of this run.
- $TUNE_CHECKPOINT_DIR holds a copy of the checkpoint the member continues from (its own previous
  interval's, or a better member's when it exploits); it is empty for the first interval. This
  script loads it (weights, momentum buffers, epochs done, the learning rates used so far),
  trains epochs done+1 … --epochs with the hyperparameters given NOW, and writes the checkpoint
  back after every epoch (temporary file + rename, so a killed run never leaves half a file).
- If the checkpoint already reached --epochs it prints its reading and exits 0.
- Without $TUNE_CHECKPOINT_DIR (run by hand) it trains from scratch.
- --job-dir=... (Cloud ML's) is accepted and ignored; a bad flag exits 2 with a message.

Deterministic given its seed: the data split and the label noise are fixed; the seed ($TUNE_SEED if
set, else --seed, default 0) picks the initial weights and the order of the mini-batches (epoch k
shuffles with (seed, k)). Each epoch takes about 15 ms of compute; a process is dominated by
starting Python and NumPy (a few tenths of a second).

Run by hand: python3 Examples/pbt-schedule/train.py --lr=0.05 --epochs=30
The functions (load_data, init_state, train_epoch, evaluate) are imported by check_schedule.py and
ray_pbt.py, so all three train exactly the same model.
"""
import argparse
import io
import os
import sys

import numpy as np

LABEL_NOISE = 0.5        # fraction of training labels replaced by a random digit
HIDDEN = 64
WEIGHT_DECAY = 1e-3
CHECKPOINT_FILE = "checkpoint.npz"
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def load_data():
    """(X_train, y_train, X_val, y_val): the same for every seed.

    Reads the digits file that scikit-learn ships (what sklearn.datasets.load_digits reads)
    without importing scikit-learn, whose import alone takes 1-2 s: a PBT member is a process
    per interval. The split is stratified, 70/30, with a fixed generator.
    """
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        sys.exit("train.py needs scikit-learn installed, for its bundled digits data set")
    path = os.path.join(os.path.dirname(spec.origin), "datasets", "data", "digits.csv.gz")
    data = np.loadtxt(path, delimiter=",")
    X, y = data[:, :-1] / 16.0, data[:, -1].astype(int)
    rng = np.random.default_rng(0)
    val = np.zeros(len(y), dtype=bool)
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(y == digit))
        val[members[:round(0.3 * len(members))]] = True
    X_train, y_train, X_val, y_val = X[~val], y[~val].copy(), X[val], y[val]
    noisy = rng.random(len(y_train)) < LABEL_NOISE
    y_train[noisy] = rng.integers(0, 10, noisy.sum())
    return X_train, y_train, X_val, y_val


def init_state(seed, n_in=64, hidden=HIDDEN, n_out=10):
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(0, np.sqrt(2.0 / n_in), (n_in, hidden)),
        "b1": np.zeros(hidden),
        "W2": rng.normal(0, np.sqrt(1.0 / hidden), (hidden, n_out)),
        "b2": np.zeros(n_out),
    }
    return {
        "epoch": 0,
        "params": params,
        "velocity": {k: np.zeros_like(v) for k, v in params.items()},
        "lr_history": [],    # the learning rate of every epoch done, in order
    }


def _forward(p, X):
    h = np.maximum(X @ p["W1"] + p["b1"], 0)
    z = h @ p["W2"] + p["b2"]
    z = z - z.max(axis=1, keepdims=True)
    prob = np.exp(z)
    prob /= prob.sum(axis=1, keepdims=True)
    return h, prob


def evaluate(state, X, y):
    """The accuracy on (X, y); 0.0 if the weights diverged."""
    with np.errstate(all="ignore"):
        _, prob = _forward(state["params"], X)
        if not np.all(np.isfinite(prob)):
            return 0.0
        return float(np.mean(prob.argmax(axis=1) == y))


def train_epoch(state, X, y, lr, momentum=0.9, batch_size=32, seed=0, weight_decay=WEIGHT_DECAY):
    """One epoch of mini-batch SGD with momentum, in place; returns the state."""
    p, v = state["params"], state["velocity"]
    epoch = state["epoch"] + 1
    order = np.random.default_rng([seed, epoch]).permutation(len(y))
    with np.errstate(all="ignore"):    # a diverging learning rate overflows: evaluate says 0.0
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx], y[idx]
            h, prob = _forward(p, xb)
            g = prob
            g[np.arange(len(yb)), yb] -= 1
            g /= len(yb)
            dh = (g @ p["W2"].T) * (h > 0)
            grads = {"W1": xb.T @ dh, "b1": dh.sum(0), "W2": h.T @ g, "b2": g.sum(0)}
            for k in PARAM_NAMES:
                v[k] = momentum * v[k] - lr * (grads[k] + weight_decay * p[k])
                p[k] += v[k]
    state["epoch"] = epoch
    state["lr_history"].append(float(lr))
    return state


def save_checkpoint(state, folder):
    arrays = {f"param_{k}": state["params"][k] for k in PARAM_NAMES}
    arrays.update({f"velocity_{k}": state["velocity"][k] for k in PARAM_NAMES})
    buffer = io.BytesIO()
    np.savez(buffer, epoch=state["epoch"], lr_history=np.array(state["lr_history"], dtype=float), **arrays)
    path = os.path.join(folder, CHECKPOINT_FILE)
    with open(path + ".tmp", "wb") as f:
        f.write(buffer.getvalue())
    os.replace(path + ".tmp", path)


def load_checkpoint(folder):
    """The state saved in folder, or None if there is none."""
    path = os.path.join(folder, CHECKPOINT_FILE)
    if not os.path.exists(path):
        return None
    with np.load(path) as saved:
        return {
            "epoch": int(saved["epoch"]),
            "params": {k: saved[f"param_{k}"].copy() for k in PARAM_NAMES},
            "velocity": {k: saved[f"velocity_{k}"].copy() for k in PARAM_NAMES},
            "lr_history": [float(x) for x in saved["lr_history"]],
        }


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lr", type=float, default=0.05, help="learning rate for the epochs this run trains")
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=30, help="cumulative epochs done at the end of this run")
    parser.add_argument("--seed", type=int, default=0, help="initial weights and batch order ($TUNE_SEED wins)")
    parser.add_argument("--job-dir", "--job_dir", dest="job_dir", default=None, help="accepted and ignored")
    args = parser.parse_args(argv)
    if not (args.lr > 0 and np.isfinite(args.lr)):
        parser.error(f"--lr must be a positive number, not {args.lr}")
    if not 0 <= args.momentum < 1:
        parser.error(f"--momentum must be in [0, 1), not {args.momentum}")
    if args.batch_size < 1:
        parser.error(f"--batch_size must be at least 1, not {args.batch_size}")
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, not {args.epochs}")
    seed = os.environ.get("TUNE_SEED")
    if seed:
        try:
            args.seed = int(seed)
        except ValueError:
            parser.error(f"$TUNE_SEED must be an integer, not {seed!r}")
    return args


def main(argv):
    args = parse_args(argv)
    X_train, y_train, X_val, y_val = load_data()
    folder = os.environ.get("TUNE_CHECKPOINT_DIR") or None
    state = load_checkpoint(folder) if folder else None
    if state is None:
        state = init_state(args.seed)
    else:
        print(f"resuming from the checkpoint at epoch {state['epoch']}", file=sys.stderr)
        if state["epoch"] >= args.epochs:
            # Nothing left to train: the checkpoint's reading is this run's only one.
            print(f"epoch={state['epoch']} val_acc={evaluate(state, X_val, y_val):.4f}", flush=True)
            return 0
    while state["epoch"] < args.epochs:
        train_epoch(state, X_train, y_train, args.lr, args.momentum, args.batch_size, args.seed)
        if folder:
            save_checkpoint(state, folder)
        print(f"epoch={state['epoch']} val_acc={evaluate(state, X_val, y_val):.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
