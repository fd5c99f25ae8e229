#!/usr/bin/env python3
"""PBT against constant-learning-rate methods on this example, through the real tune, over seeds.

For each seed s and each method, a tune job of train.py (the trainer's seed is s too, through
$TUNE_SEED, as ray_pbt.py gives every member seed s) in a temporary store; the figure is the
final val_acc of the trial tune ranks best (the first SUCCEEDED entry of `tune trials --format
json`), and the compute is the epochs the job trained:

  pbt        tuning.yml: 8 members × 30 epochs in intervals of 3 (240 epochs)
  bayes      tuning-constant.yml: 8 trials × 30 epochs, tune's Gaussian-process search (240)
  random     the same with RANDOM_SEARCH (240)
  hyperband  HYPERBAND over epochs 3/10/30 (η 3) with train.py's checkpoints, maxTrials 24
  median     RANDOM_SEARCH with the median stopping rule, maxTrials 12 (stopped trials save epochs)

    python3 Examples/pbt-schedule/bench.py --tune .build/release/tune --python .build-python/bin/python --seeds 10

Prints a row per seed and method, then the mean, sd and median per method, and how many seeds
PBT beat each other method on. Set OMP_NUM_THREADS=1 (as the figures in README.md were).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
METHODS = ["pbt", "bayes", "random", "hyperband", "median"]


def config(method, seed):
    if method == "pbt":
        text = open(os.path.join(HERE, "tuning.yml")).read()
    else:
        text = open(os.path.join(HERE, "tuning-constant.yml")).read()
        extra = {
            "bayes": "",
            "random": "    algorithm: RANDOM_SEARCH\n",
            "hyperband": "    algorithm: HYPERBAND\n    resourceParameter: epochs\n    minResource: 3\n    maxResource: 30\n    reductionFactor: 3\n",
            "median": "    algorithm: RANDOM_SEARCH\n    enableTrialEarlyStopping: true\n",
        }[method]
        text = text.replace("    maxParallelTrials: 4\n", "    maxParallelTrials: 4\n" + extra)
        if method == "hyperband":
            text = text.replace("maxTrials: 8", "maxTrials: 24")
        if method == "median":
            text = text.replace("maxTrials: 8", "maxTrials: 12")
    return re.sub(r"seed: \d+", f"seed: {seed}", text)


def epochs_trained(trials):
    """Epochs the job trained: a PBT interval its span, a Hyperband configuration its largest
    budget (later runs continue its checkpoint), a full run the step it ended at."""
    total = 0
    top = {}
    for t in trials:
        step = int((t.get("finalMetric") or {}).get("trainingStep", 0))
        if "schedule" in t:
            last = t["schedule"][-1]
            total += last["to"] - last["from"]
        elif "configuration" in t:
            top[t["configuration"]] = max(top.get(t["configuration"], 0), t.get("budget", 0))
        else:
            total += step
    return total + sum(top.values())


def run(tune, python, method, seed, folder):
    path = os.path.join(folder, f"{method}-{seed}.yml")
    with open(path, "w") as f:
        f.write(config(method, seed))
    store = os.path.join(folder, "store")
    job = f"{method}-{seed}"
    env = dict(os.environ, TUNE_SEED=str(seed))
    done = subprocess.run(
        [tune, "run", "-q", "--config", path, "--store", store, "--job", job, "--", python, os.path.join(HERE, "train.py")],
        env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{job}: tune run exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    listed = subprocess.run([tune, "trials", job, "--store", store, "--format", "json"], capture_output=True, text=True, check=True)
    trials = json.loads(listed.stdout)
    best = next(t for t in trials if t["state"] == "SUCCEEDED")
    value = float(best["finalMetric"]["objectiveValue"])
    schedule = [float(s["hyperparameters"]["lr"]) for s in best.get("schedule", [])]
    return {"method": method, "seed": seed, "val_acc": value, "epochs": epochs_trained(trials), "trials": len(trials),
            "lr": best["hyperparameters"]["lr"], "schedule": schedule}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", required=True)
    parser.add_argument("--python", default=sys.executable, help="a Python with NumPy and scikit-learn")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--json", help="write every run here")
    args = parser.parse_args()
    methods = args.methods.split(",")
    folder = tempfile.mkdtemp(prefix="tune-pbt-bench-")
    runs = []
    try:
        for seed in range(args.seeds):
            for method in methods:
                r = run(os.path.abspath(args.tune), args.python, method, seed, folder)
                runs.append(r)
                lrs = " → ".join(f"{x:.3g}" for x in r["schedule"]) if r["schedule"] else r["lr"]
                print(f"seed {seed} {method:9s} val_acc {r['val_acc']:.4f}  epochs {r['epochs']:4d}  trials {r['trials']:3d}  lr {lrs}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print()
    print(f"| method | mean val_acc | sd | median | epochs (median) | seeds PBT beat it on |")
    print("|---|---|---|---|---|---|")
    pbt = {r["seed"]: r["val_acc"] for r in runs if r["method"] == "pbt"}
    for method in methods:
        values = [r["val_acc"] for r in runs if r["method"] == method]
        epochs = [r["epochs"] for r in runs if r["method"] == method]
        wins = sum(1 for r in runs if r["method"] == method and r["seed"] in pbt and pbt[r["seed"]] > r["val_acc"])
        beat = "-" if method == "pbt" else f"{wins}/{len(values)}"
        sd = statistics.stdev(values) if len(values) > 1 else 0
        print(f"| {method} | {statistics.mean(values):.4f} | {sd:.4f} | {statistics.median(values):.4f} | {statistics.median(epochs):.0f} | {beat} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=1)


if __name__ == "__main__":
    main()
