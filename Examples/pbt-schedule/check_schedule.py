#!/usr/bin/env python3
"""Checks that train.py's task rewards a learning-rate SCHEDULE, which is what PBT should find.

Trains in this process, with train.py's own functions, a grid of CONSTANT learning rates over the
whole budget and a few simple step-decay schedules at the same budget, over several seeds (the
seed picks the initial weights and the mini-batch order; the data and its label noise are fixed),
and prints the mean ± sd of the final val_acc of each, then the best schedule against the best
constant: the margin, and on how many seeds the schedule wins (paired: same seed, same start).

    python3 Examples/pbt-schedule/check_schedule.py --seeds 10 --epochs 30
    python3 Examples/pbt-schedule/check_schedule.py --curves --seeds 10    # val_acc as they train

With --random_search N it then also runs, per seed, what tuning-constant.yml's search spends the
same budget on: N constant learning rates drawn log-uniform in [0.001, 0.2] (generator seeded with
the seed), each trained the full budget, and prints the best final val_acc of the N: the number to
hold PBT's best member (ray_pbt.py, tune's PBT) against, since both pick the best of a population.

One core (set OMP_NUM_THREADS=1 etc. on a shared machine); about 0.3 s per run of 30 epochs.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import evaluate, init_state, load_data, train_epoch  # noqa: E402

CONSTANTS = [0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3]


def schedules(epochs):
    """name → (epoch index from 0 → learning rate): step decays by 10 at a third / half / two thirds."""
    third, half = epochs // 3, epochs // 2
    result = {}
    for lr0 in (0.03, 0.05, 0.1, 0.2):
        result[f"{lr0:g} then {lr0 / 10:g} from epoch {third + 1}"] = lambda e, a=lr0: a if e < third else a / 10
        result[f"{lr0:g} then {lr0 / 10:g} from epoch {half + 1}"] = lambda e, a=lr0: a if e < half else a / 10
        result[f"{lr0:g}, /10 from epochs {third + 1} and {2 * third + 1}"] = (
            lambda e, a=lr0: a * 0.1 ** ((e >= third) + (e >= 2 * third)))
    return result


def final_val_acc(lr_of_epoch, seed, epochs, data):
    X_train, y_train, X_val, y_val = data
    state = init_state(seed)
    for e in range(epochs):
        train_epoch(state, X_train, y_train, lr_of_epoch(e), seed=seed)
    return evaluate(state, X_val, y_val)


def print_curves(data, seeds, epochs):
    """Mean val_acc over seeds after epochs 3, 6, …: how constants and a schedule get there."""
    X_train, y_train, X_val, y_val = data
    third = epochs // 3
    runs = {f"constant {lr:g}": (lambda e, a=lr: a) for lr in (0.003, 0.01, 0.05, 0.1)}
    runs[f"0.05, /10 from epochs {third + 1} and {2 * third + 1}"] = lambda e: 0.05 * 0.1 ** ((e >= third) + (e >= 2 * third))
    print(f"mean val_acc over seeds {seeds.start}..{seeds.stop - 1} after epochs {', '.join(str(e) for e in range(3, epochs + 1, 3))}")
    for name, schedule in runs.items():
        curves = []
        for seed in seeds:
            state, curve = init_state(seed), []
            for e in range(epochs):
                train_epoch(state, X_train, y_train, schedule(e), seed=seed)
                curve.append(evaluate(state, X_val, y_val))
            curves.append(curve)
        mean = np.mean(curves, axis=0)
        print(f"  {name:32s} " + " ".join(f"{x:.3f}" for x in mean[2::3])
              + f"   peak {mean.max():.3f} at epoch {int(mean.argmax()) + 1}", flush=True)


def main():
    parser = argparse.ArgumentParser(description="constant learning rates against step-decay schedules")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--curves", action="store_true",
                        help="only print mean val_acc every 3 epochs for a few constants and the best schedule")
    parser.add_argument("--random_search", type=int, default=0, metavar="N",
                        help="also the best of N random constant learning rates per seed")
    args = parser.parse_args()
    data = load_data()
    seeds = range(args.seeds)
    if args.curves:
        print_curves(data, seeds, args.epochs)
        return
    start = time.time()
    results = {}
    print(f"final val_acc after {args.epochs} epochs, mean ± sd over seeds 0..{args.seeds - 1}")
    for lr in CONSTANTS:
        name = f"constant {lr:g}"
        results[name] = np.array([final_val_acc(lambda e: lr, s, args.epochs, data) for s in seeds])
        print(f"  {name:40s} {results[name].mean():.4f} ± {results[name].std(ddof=1):.4f}", flush=True)
    for name, schedule in schedules(args.epochs).items():
        results[name] = np.array([final_val_acc(schedule, s, args.epochs, data) for s in seeds])
        print(f"  {name:40s} {results[name].mean():.4f} ± {results[name].std(ddof=1):.4f}", flush=True)
    best_constant = max((n for n in results if n.startswith("constant")), key=lambda n: results[n].mean())
    best_schedule = max((n for n in results if not n.startswith("constant")), key=lambda n: results[n].mean())
    diff = results[best_schedule] - results[best_constant]
    print(f"best constant: {best_constant}: {results[best_constant].mean():.4f} ± {results[best_constant].std(ddof=1):.4f}")
    print(f"best schedule: {best_schedule}: {results[best_schedule].mean():.4f} ± {results[best_schedule].std(ddof=1):.4f}")
    print(f"margin {diff.mean():+.4f} (paired sd {diff.std(ddof=1):.4f}); the schedule wins on "
          f"{(diff > 0).sum()} of {len(diff)} seeds, ties on {(diff == 0).sum()}")
    print(f"{time.time() - start:.0f} s")
    if args.random_search:
        best = []
        for s in seeds:
            lrs = np.exp(np.random.default_rng(s).uniform(np.log(0.001), np.log(0.2), args.random_search))
            finals = [final_val_acc(lambda e, lr=lr: lr, s, args.epochs, data) for lr in lrs]
            best.append(max(finals))
            print(f"  seed {s}: best of {args.random_search} random constants {max(finals):.4f} "
                  f"(lr {lrs[int(np.argmax(finals))]:.4g})", flush=True)
        print(f"random search, best of {args.random_search} constants: median {np.median(best):.4f}, "
              f"mean {np.mean(best):.4f}, sd {np.std(best, ddof=1):.4f} over {len(best)} seeds")


if __name__ == "__main__":
    main()
