#!/usr/bin/env python3
"""The anchor for tune's PBT: Ray Tune's PopulationBasedTraining on the same task, same settings.

Trains train.py's model with train.py's own functions (load_data, init_state, train_epoch,
evaluate, save_checkpoint, load_checkpoint) as a Ray Tune function trainable, with the settings of
tuning.yml: a population of 8, 30 epochs per member, a perturbation every 3 epochs (a result and a
checkpoint every 3 epochs: tune.report(..., checkpoint=...)), lr log-uniform in [0.001, 0.2],
quantile fraction 0.25, resample probability 0.25 (Ray's perturbation factors 1.2 / 0.8, its
default asynchronous PBT). Ray runs locally on 2 CPUs, 1 CPU per trial.

For each seed s it seeds Python's and NumPy's generators (the initial draws and PBT's choices)
and gives every member train.py's seed s (initial weights and batch order; seed 0 is what
train.py uses when tune runs it without $TUNE_SEED). Ray's trials run concurrently, so a seed's
result also depends on timing: not bit-reproducible. It prints, per seed, the best final val_acc
of the population, the final learning rate of that member and the schedule it ended up trained
with (from its checkpoint's learning-rate history), and the wall time; then the median, mean and
sd over seeds; and writes everything to a JSON file.

    python3 Examples/pbt-schedule/ray_pbt.py --seeds 10 --json /tmp/ray_pbt.json

Needs ray[tune] (pip install "ray[tune]"), NumPy and scikit-learn.
"""
import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402

POPULATION = 8
MAX_EPOCHS = 30
INTERVAL = 3
LR_MIN, LR_MAX = 0.001, 0.2


def member(config):
    """One PBT member: resumes from Ray's checkpoint if any, trains to MAX_EPOCHS with config["lr"]."""
    from ray import tune

    sys.path.insert(0, config["here"])
    import train as t

    X_train, y_train, X_val, y_val = t.load_data()
    state = None
    checkpoint = tune.get_checkpoint()
    if checkpoint:
        with checkpoint.as_directory() as folder:
            state = t.load_checkpoint(folder)
    if state is None:
        state = t.init_state(config["trainer_seed"])
    while state["epoch"] < MAX_EPOCHS:
        t.train_epoch(state, X_train, y_train, config["lr"], seed=config["trainer_seed"])
        # Ray's PBT acts only on results with a checkpoint at the interval boundaries: report those
        # (a report costs more than an epoch of this model).
        if state["epoch"] % INTERVAL == 0 or state["epoch"] == MAX_EPOCHS:
            metrics = {"epoch": state["epoch"], "val_acc": t.evaluate(state, X_val, y_val), "lr": config["lr"]}
            with tempfile.TemporaryDirectory() as folder:
                t.save_checkpoint(state, folder)
                tune.report(metrics, checkpoint=tune.Checkpoint.from_directory(folder))


def run_seed(seed, storage):
    from ray import tune
    from ray.tune.schedulers import PopulationBasedTraining

    random.seed(seed)
    np.random.seed(seed)
    scheduler = PopulationBasedTraining(
        time_attr="epoch",
        perturbation_interval=INTERVAL,
        hyperparam_mutations={"lr": tune.loguniform(LR_MIN, LR_MAX)},
        quantile_fraction=0.25,
        resample_probability=0.25,
    )
    tuner = tune.Tuner(
        tune.with_resources(member, {"cpu": 1}),
        param_space={"lr": tune.loguniform(LR_MIN, LR_MAX), "trainer_seed": seed, "here": HERE},
        tune_config=tune.TuneConfig(metric="val_acc", mode="max", scheduler=scheduler, num_samples=POPULATION,
                                    reuse_actors=True),
        run_config=tune.RunConfig(name=f"pbt-seed{seed}", storage_path=storage, verbose=0,
                                  stop={"epoch": MAX_EPOCHS}),
    )
    start = time.time()
    results = tuner.fit()
    wall = time.time() - start
    finals = []
    for result in results:
        if result.error or not result.metrics:
            continue
        finals.append((result.metrics["val_acc"], result))
    if not finals:
        raise SystemExit(f"seed {seed}: no trial finished ({len(results.errors)} errors: {results.errors[:1]})")
    best_acc, best = max(finals, key=lambda f: f[0])
    schedule = []
    if best.checkpoint:
        with best.checkpoint.as_directory() as folder:
            saved = train.load_checkpoint(folder)
        schedule = saved["lr_history"] if saved else []
    return {
        "seed": seed,
        "best_val_acc": best_acc,
        "best_final_lr": best.metrics.get("lr"),
        "best_epochs": best.metrics.get("epoch"),
        "best_lr_schedule": schedule,
        "population_final_val_acc": sorted((f[0] for f in finals), reverse=True),
        "wall_seconds": wall,
    }


def compact(schedule):
    """[0.1, 0.1, 0.1, 0.08, …] → '0.1×3, 0.08×3, …' (runs of equal learning rates)."""
    parts, i = [], 0
    while i < len(schedule):
        j = i
        while j < len(schedule) and schedule[j] == schedule[i]:
            j += 1
        parts.append(f"{schedule[i]:.3g}×{j - i}")
        i = j
    return ", ".join(parts)


def main():
    parser = argparse.ArgumentParser(description="Ray Tune PBT on train.py's task")
    parser.add_argument("--seeds", type=int, default=10, help="runs, with seeds first_seed, first_seed+1, …")
    parser.add_argument("--first_seed", type=int, default=0)
    parser.add_argument("--json", default=os.path.join(tempfile.gettempdir(), "ray_pbt_results.json"),
                        help="where to write the results")
    parser.add_argument("--storage", default=os.path.join(tempfile.gettempdir(), "ray_pbt_results"),
                        help="Ray's folder for trials and checkpoints")
    args = parser.parse_args()

    import ray

    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    print(f"ray {ray.__version__}: PBT, population {POPULATION}, {MAX_EPOCHS} epochs, perturbation every "
          f"{INTERVAL}, lr log-uniform [{LR_MIN}, {LR_MAX}], quantile 0.25, resample 0.25, 2 CPUs", flush=True)
    runs = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        run = run_seed(seed, args.storage)
        runs.append(run)
        print(f"seed {seed}: best final val_acc {run['best_val_acc']:.4f}, its lr at the end "
              f"{run['best_final_lr']:.4g}, {run['wall_seconds']:.0f} s; its schedule: "
              f"{compact(run['best_lr_schedule'])}", flush=True)
        summary = {"ray_version": ray.__version__, "population": POPULATION, "max_epochs": MAX_EPOCHS,
                   "perturbation_interval": INTERVAL, "lr_bounds": [LR_MIN, LR_MAX], "runs": runs}
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
    best = [r["best_val_acc"] for r in runs]
    sd = statistics.stdev(best) if len(best) > 1 else 0.0
    print(f"{len(best)} seeds: best final val_acc median {statistics.median(best):.4f}, "
          f"mean {statistics.mean(best):.4f}, sd {sd:.4f}; wall {statistics.mean(r['wall_seconds'] for r in runs):.0f} s "
          f"per seed; results in {args.json}")
    ray.shutdown()


if __name__ == "__main__":
    main()
