#!/usr/bin/env python3
"""Peers on a CONDITIONAL search space: problems_tune.py's `cond_mlp` (N = 60, minimize, optimum 0),
each peer with the tree declared natively, the way its users declare it:

* random         uniform random search over the tree (numpy default_rng(seed)): optimizer and
                 num_layers uniform, then only the active children; LOG params log-uniform
                 (LOG integers log-uniform on [low - 0.5, high + 0.5], rounded: run_peers.run_random's rule).
* optuna_tpe     TPESampler(seed=seed), define-by-run: ask(); suggest_categorical("optimizer"), then
                 only that branch's suggest_float(...); suggest_int("num_layers"), suggest_int("units1"),
                 units2 / units3 only when num_layers says so; suggest_float("dropout"); tell.
                 (In optuna 5.0 the default for one objective is multivariate TPE over the
                 intersection search space; the children outside it get univariate TPE.)
* optuna_tpe_mv  TPESampler(multivariate=True, group=True, seed=seed), same define-by-run: Optuna's
                 documented setting for conditional spaces (group: a multivariate TPE per
                 sub-space of parameters that always appear together).
* optuna_gp      GPSampler(seed=seed), same define-by-run: the GP covers the intersection search
                 space (optimizer, num_layers, units1, dropout); the conditional children are drawn
                 by its independent sampler (RandomSampler), which is what a user gets.
* hyperopt_tpe   fmin(algo=tpe.suggest) defaults (20 startup trials), rstate=default_rng(seed), a nested
                 hp.choice space: hp.choice("optimizer", [{sgd_lr, momentum}, {adam_lr, beta1},
                 {rmsprop_lr}]), hp.choice("num_layers", [{}, {units2}, {units2, units3}]) and units1,
                 dropout at the top. hyperopt labels are unique, so units2 is two labels ("units2_of_2",
                 "units2_of_3"), one per branch, as hyperopt's own examples do ("svm_C", ...). LOG
                 integers are qloguniform(q=1), rounded and clipped (as run_peers.run_hyperopt_tpe).
* smac_hpo       SMAC3 HyperparameterOptimizationFacade (random forest; SMAC's facade for
                 hyperparameter optimization, documented for categorical and conditional spaces;
                 BlackBoxFacade is its GP facade for low-dimensional continuous black boxes) over a
                 ConfigurationSpace with EqualsCondition(child, optimizer, "sgd"|"adam"|"rmsprop"),
                 InCondition(units2, num_layers, [2, 3]), EqualsCondition(units3, num_layers, 3);
                 deterministic=True, 10-config Sobol initial design (as shared/bench's smac_hpo),
                 ask/tell.

Every point a peer proposes is checked before it is evaluated: exactly the ACTIVE parameters of
problems_tune.py's spec (`active_names`), no inactive ones, each in its range, integers integral
(`check_point`; a violation fails the run). `--selftest` draws 200 points from each declaration
and checks them the same way.

Protocol: P = 1 (one trial at a time), run_peers.py's: optimizer seconds per trial = ask() + the
define-by-run suggest calls + tell() for Optuna, ask() + tell() for SMAC and random, the gap
between objective calls for hyperopt (it owns the loop), study/facade setup added to trial 1.
Imports are done before timing. The script re-executes itself with PYTHONHASHSEED=0: SMAC's
suggestions depend on Python's string-hash seed; with it fixed, a seed gives the same values in every
pass, for every peer (checked: two passes, all 120 runs identical).

Output: results/cond_mlp_P1.json in run_peers_parallel.py's schema (problem, stem, parallel,
goal, optimum, argmin, params, peers, environment, notes, warnings, summary = run_peers.summarize_rows,
runs = run_peers.run_one's dicts). Raw per-run files go to results/raw/cond_mlp_P1/ while running
(resumable: existing raw files and runs already in the aggregated file are skipped); --clean-raw
deletes results/raw/cond_mlp_P1 (and results/raw when it is then empty) after aggregating.

Regenerate (from the repository root; about 8 min on the 2-core machine, most of it SMAC and GPSampler):

    export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    .build-peers/bin/pip install hyperopt smac       # hyperopt 0.3.0, smac 2.4.1 (ConfigSpace 1.2.2)
    PY=.build-peers/bin/python; R=Sources/tune-bench/Peers/run_peers_conditional.py
    $PY $R --selftest
    nice -n 10 $PY $R --seeds 0-19 --clean-raw
"""

import os
import sys

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED") != "0":
    # SMAC's suggestions depend on Python's string-hash seed (same seed, another process => another
    # run); with it fixed, every peer here gives the same values for the same seed.
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.environ.get("TUNE_PEERS_BENCH", "/work/shared/bench")
sys.dont_write_bytecode = True  # shared/bench is read-only
for _p in (HERE, BENCH):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import run_peers as RP  # noqa: E402
import run_peers_parallel as RPP  # noqa: E402
from problems_tune import PROBLEMS as NEW, active_names  # noqa: E402

STEM = "cond_mlp"
P = 1
PROBLEM = NEW[STEM]
BUDGET = PROBLEM["budgets"][0]
RESULTS = os.path.join(HERE, "results")
RAW = os.path.join(RESULTS, "raw")
RAW_DIR = os.path.join(RAW, f"{STEM}_P{P}")
AGG = os.path.join(RESULTS, f"{STEM}_P{P}.json")
PEERS = ["random", "optuna_tpe", "optuna_tpe_mv", "optuna_gp", "hyperopt_tpe", "smac_hpo"]
ORDER = ["random", "optuna_tpe", "optuna_tpe_mv", "optuna_gp", "skopt_gp", "hyperopt_tpe", "bayes_opt", "smac_hpo"]

DESCRIPTIONS = {
    "random": "uniform random search over the tree (numpy default_rng(seed)): optimizer, num_layers uniform, then only the "
    "active children; LOG params log-uniform (LOG integers: log-uniform on [low-0.5, high+0.5], rounded)",
    "optuna_tpe": "optuna TPESampler(seed) defaults (10 startup trials; optuna 5.0: multivariate TPE over the intersection "
    "search space, univariate TPE for the conditional children), define-by-run (children suggested only inside their branch), ask/tell",
    "optuna_tpe_mv": "optuna TPESampler(multivariate=True, group=True, seed) (Optuna's setting for conditional spaces: a "
    "multivariate TPE per group of co-occurring parameters), define-by-run, ask/tell",
    "optuna_gp": "optuna GPSampler(seed) defaults (10 startup trials), define-by-run: GP over the intersection search space "
    "(optimizer, num_layers, units1, dropout), the conditional children drawn by its independent RandomSampler, ask/tell",
    "hyperopt_tpe": "hyperopt fmin(algo=tpe.suggest) defaults (20 startup trials), nested hp.choice space "
    "(optimizer branches; num_layers branches with units2 labelled per branch: units2_of_2, units2_of_3)",
    "smac_hpo": "SMAC3 HyperparameterOptimizationFacade (random forest), ConfigurationSpace with EqualsCondition/InCondition, "
    "10-config Sobol initial design, deterministic, ask/tell",
}

LN = math.log


# --------------------------------------------------------------------------
# the objective, checked
# --------------------------------------------------------------------------


class BadPoint(Exception):
    pass


def check_point(p):
    """p must hold exactly the active parameters of cond_mlp's spec, each in range."""
    specs = {s["name"]: s for s in PROBLEM["params"]}
    want = active_names(PROBLEM, p)
    if sorted(p) != sorted(want):
        raise BadPoint(f"params {sorted(p)} but active {sorted(want)}")
    for n, v in p.items():
        s = specs[n]
        if s["type"] == "categorical":
            if v not in s["choices"]:
                raise BadPoint(f"{n}={v!r} not in {s['choices']}")
            continue
        x = float(v)
        if s["type"] == "integer" and x != round(x):
            raise BadPoint(f"{n}={v!r} not integral")
        tol = 1e-9 * max(1.0, abs(s["high"]))
        if not (s["low"] - tol <= x <= s["high"] + tol):
            raise BadPoint(f"{n}={v!r} outside [{s['low']}, {s['high']}]")


def checked_problem():
    def func(p):
        check_point(p)
        return PROBLEM["func"](p)

    return {**PROBLEM, "func": func}


def _clip_int(v, lo, hi):
    return int(min(hi, max(lo, int(round(float(v))))))


# --------------------------------------------------------------------------
# the declarations, one per peer
# --------------------------------------------------------------------------


def optuna_define(trial):
    """What an Optuna user writes (define-by-run): children only inside their branch."""
    p = {}
    opt = p["optimizer"] = trial.suggest_categorical("optimizer", ["sgd", "adam", "rmsprop"])
    if opt == "sgd":
        p["sgd_lr"] = trial.suggest_float("sgd_lr", 1e-4, 1.0, log=True)
        p["momentum"] = trial.suggest_float("momentum", 0.0, 0.99)
    elif opt == "adam":
        p["adam_lr"] = trial.suggest_float("adam_lr", 1e-5, 1e-1, log=True)
        p["beta1"] = trial.suggest_float("beta1", 0.5, 0.999)
    else:
        p["rmsprop_lr"] = trial.suggest_float("rmsprop_lr", 1e-5, 1e-1, log=True)
    layers = p["num_layers"] = trial.suggest_int("num_layers", 1, 3)
    p["units1"] = trial.suggest_int("units1", 8, 1024, log=True)
    if layers >= 2:
        p["units2"] = trial.suggest_int("units2", 8, 1024, log=True)
    if layers == 3:
        p["units3"] = trial.suggest_int("units3", 8, 1024, log=True)
    p["dropout"] = trial.suggest_float("dropout", 0.0, 0.6)
    return p


def hyperopt_space():
    from hyperopt import hp

    def units(label):
        return hp.qloguniform(label, LN(8), LN(1024), 1)

    return {
        "opt": hp.choice(
            "optimizer",
            [
                {"optimizer": "sgd", "sgd_lr": hp.loguniform("sgd_lr", LN(1e-4), LN(1.0)), "momentum": hp.uniform("momentum", 0.0, 0.99)},
                {"optimizer": "adam", "adam_lr": hp.loguniform("adam_lr", LN(1e-5), LN(1e-1)), "beta1": hp.uniform("beta1", 0.5, 0.999)},
                {"optimizer": "rmsprop", "rmsprop_lr": hp.loguniform("rmsprop_lr", LN(1e-5), LN(1e-1))},
            ],
        ),
        "depth": hp.choice(
            "num_layers",
            [
                {"num_layers": 1},
                {"num_layers": 2, "units2": units("units2_of_2")},
                {"num_layers": 3, "units2": units("units2_of_3"), "units3": units("units3")},
            ],
        ),
        "units1": units("units1"),
        "dropout": hp.uniform("dropout", 0.0, 0.6),
    }


def hyperopt_flatten(s):
    p = {**s["opt"], **s["depth"], "units1": s["units1"], "dropout": float(s["dropout"])}
    for n in ("units1", "units2", "units3"):
        if n in p:
            p[n] = _clip_int(p[n], 8, 1024)
    p["num_layers"] = int(p["num_layers"])
    for n in ("sgd_lr", "momentum", "adam_lr", "beta1", "rmsprop_lr"):
        if n in p:
            p[n] = float(p[n])
    return p


def smac_space(seed):
    from ConfigSpace import Categorical, ConfigurationSpace, EqualsCondition, Float, InCondition, Integer

    cs = ConfigurationSpace(seed=seed)
    optimizer = Categorical("optimizer", ["sgd", "adam", "rmsprop"])
    sgd_lr = Float("sgd_lr", (1e-4, 1.0), log=True)
    momentum = Float("momentum", (0.0, 0.99))
    adam_lr = Float("adam_lr", (1e-5, 1e-1), log=True)
    beta1 = Float("beta1", (0.5, 0.999))
    rmsprop_lr = Float("rmsprop_lr", (1e-5, 1e-1), log=True)
    num_layers = Integer("num_layers", (1, 3))
    units1 = Integer("units1", (8, 1024), log=True)
    units2 = Integer("units2", (8, 1024), log=True)
    units3 = Integer("units3", (8, 1024), log=True)
    dropout = Float("dropout", (0.0, 0.6))
    cs.add([optimizer, sgd_lr, momentum, adam_lr, beta1, rmsprop_lr, num_layers, units1, units2, units3, dropout])
    cs.add(
        [
            EqualsCondition(sgd_lr, optimizer, "sgd"),
            EqualsCondition(momentum, optimizer, "sgd"),
            EqualsCondition(adam_lr, optimizer, "adam"),
            EqualsCondition(beta1, optimizer, "adam"),
            EqualsCondition(rmsprop_lr, optimizer, "rmsprop"),
            InCondition(units2, num_layers, [2, 3]),
            EqualsCondition(units3, num_layers, 3),
        ]
    )
    return cs


def smac_point(config):
    p = {}
    for k, v in dict(config).items():
        p[k] = v if isinstance(v, str) else (int(v) if k in ("num_layers", "units1", "units2", "units3") else float(v))
    return p


def random_point(rng):
    """Uniform over the tree, children only when active (parents come first in the spec)."""
    from problems_tune import is_active

    p = {}
    for s in PROBLEM["params"]:
        if not is_active(s, p):
            continue
        n = s["name"]
        if s["type"] == "categorical":
            p[n] = s["choices"][int(rng.integers(len(s["choices"])))]
        elif s["type"] == "double":
            if s["log"]:
                p[n] = float(math.exp(rng.uniform(math.log(s["low"]), math.log(s["high"]))))
            else:
                p[n] = float(rng.uniform(s["low"], s["high"]))
        else:
            if s["log"]:
                v = math.exp(rng.uniform(math.log(s["low"] - 0.5), math.log(s["high"] + 0.5)))
                p[n] = _clip_int(v, s["low"], s["high"])
            else:
                p[n] = int(rng.integers(s["low"], s["high"] + 1))
    return p


# --------------------------------------------------------------------------
# runners (run_peers.RUNNERS-compatible: (problem, budget, seed, rec) -> per-trial optimizer seconds)
# --------------------------------------------------------------------------


def run_random(problem, budget, seed, rec):
    import numpy as np

    rng = np.random.default_rng(seed)
    per_trial = []
    for _ in range(budget):
        t0 = time.perf_counter()
        p = random_point(rng)
        per_trial.append(time.perf_counter() - t0)
        rec.start()
        rec(p)
    return per_trial


def _run_optuna_dbr(problem, budget, seed, rec, sampler):
    import optuna

    t0 = time.perf_counter()
    study = optuna.create_study(direction="minimize", sampler=sampler)
    setup = time.perf_counter() - t0
    per_trial = []
    for _ in range(budget):
        t0 = time.perf_counter()
        trial = study.ask()
        p = optuna_define(trial)
        t1 = time.perf_counter()
        rec.start()
        v = rec(p)
        t2 = time.perf_counter()
        study.tell(trial, v)
        t3 = time.perf_counter()
        per_trial.append((t1 - t0) + (t3 - t2))
    per_trial[0] += setup
    return per_trial


def run_optuna_tpe(problem, budget, seed, rec):
    import optuna

    return _run_optuna_dbr(problem, budget, seed, rec, optuna.samplers.TPESampler(seed=seed))


def run_optuna_tpe_mv(problem, budget, seed, rec):
    import optuna

    return _run_optuna_dbr(problem, budget, seed, rec, optuna.samplers.TPESampler(multivariate=True, group=True, seed=seed))


def run_optuna_gp(problem, budget, seed, rec):
    import optuna

    return _run_optuna_dbr(problem, budget, seed, rec, optuna.samplers.GPSampler(seed=seed))


def run_hyperopt_tpe(problem, budget, seed, rec):
    import numpy as np
    from hyperopt import STATUS_OK, Trials, fmin, tpe

    def f(s):
        return {"loss": rec(hyperopt_flatten(s)), "status": STATUS_OK}

    rec.start()
    fmin(f, hyperopt_space(), algo=tpe.suggest, max_evals=budget, trials=Trials(), rstate=np.random.default_rng(seed), show_progressbar=False)
    return RP._gap_per_trial(rec, rec.finish())


def run_smac_hpo(problem, budget, seed, rec):
    from smac import HyperparameterOptimizationFacade, Scenario
    from smac.runhistory.dataclasses import TrialValue

    logging.getLogger("smac").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    cs = smac_space(seed)
    outdir = tempfile.mkdtemp(prefix="smac_")
    scen = Scenario(cs, deterministic=True, n_trials=budget, seed=seed, output_directory=outdir)
    smac = HyperparameterOptimizationFacade(
        scen, lambda config, seed=0: 0.0, overwrite=True, logging_level=40,
        initial_design=HyperparameterOptimizationFacade.get_initial_design(scen, n_configs=RP.N_INITIAL),
    )
    setup = time.perf_counter() - t0
    per_trial = []
    try:
        for _ in range(budget):
            t0 = time.perf_counter()
            info = smac.ask()
            p = smac_point(info.config)
            t1 = time.perf_counter()
            rec.start()
            v = rec(p)
            t2 = time.perf_counter()
            smac.tell(info, TrialValue(cost=v))
            t3 = time.perf_counter()
            per_trial.append((t1 - t0) + (t3 - t2))
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    per_trial[0] += setup
    return per_trial


RUNNERS = {
    "random": run_random,
    "optuna_tpe": run_optuna_tpe,
    "optuna_tpe_mv": run_optuna_tpe_mv,
    "optuna_gp": run_optuna_gp,
    "hyperopt_tpe": run_hyperopt_tpe,
    "smac_hpo": run_smac_hpo,
}


# --------------------------------------------------------------------------
# runs and aggregation
# --------------------------------------------------------------------------


def warm_imports(peers):
    import numpy  # noqa: F401
    import optuna

    optuna.logging.disable_default_handler()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if "optuna_gp" in peers:
        import scipy.optimize  # noqa: F401
        import torch  # noqa: F401
        import optuna.samplers._gp.sampler  # noqa: F401
    if "hyperopt_tpe" in peers:
        import hyperopt  # noqa: F401

        logging.getLogger("hyperopt").setLevel(logging.WARNING)
    if "smac_hpo" in peers:
        import ConfigSpace  # noqa: F401
        import smac  # noqa: F401

        logging.getLogger("smac").setLevel(logging.ERROR)


def run_one(peer, seed):
    return RPP.run_captured(checked_problem(), peer, BUDGET, seed, P, RUNNERS[peer], ("optuna", "hyperopt", "smac"))


def cmd_run(args):
    peers = args.peers.split(",")
    for p in peers:
        if p not in RUNNERS:
            raise SystemExit(f"unknown peer {p}; known: {', '.join(RUNNERS)}")
    seeds = RP.parse_seeds(args.seeds)
    deadline = RPP.parse_deadline(args.stop_at)
    warm_imports(peers)
    done = set()
    if os.path.exists(AGG):
        done = {(r["peer"], r["seed"]) for r in json.load(open(AGG))["runs"]}
    t_start = time.time()
    for seed in seeds:
        for peer in peers:
            path = os.path.join(RAW_DIR, f"{peer}_s{seed}.json")
            if os.path.exists(path) or (peer, seed) in done:
                continue
            if deadline and time.time() > deadline:
                print(f"time box reached; not launching {peer} seed={seed}", flush=True)
                aggregate()
                return
            os.makedirs(RAW_DIR, exist_ok=True)
            try:
                r = run_one(peer, seed)
            except Exception as e:
                print(f"FAILED {STEM} {peer} seed={seed}: {type(e).__name__}: {e}", flush=True)
                continue
            with open(path + ".tmp", "w") as fh:
                json.dump(r, fh)
            os.replace(path + ".tmp", path)
            print(
                f"{time.strftime('%H:%M:%S')} {STEM} {peer} seed={seed} best={r['best_value']:.6g} "
                f"opt_s={r['opt_seconds_total']:.2f} wall={r['wall_seconds']:.2f}"
                + (f" warnings={sum(r['warnings'].values())}" if r.get("warnings") else ""),
                flush=True,
            )
    print(f"runs done in {time.time() - t_start:.0f} s", flush=True)
    aggregate()
    if args.clean_raw:
        clean_raw()


def clean_raw():
    if os.path.isdir(RAW_DIR):
        shutil.rmtree(RAW_DIR)
        print(f"removed {os.path.relpath(RAW_DIR)}", flush=True)
    if os.path.isdir(RAW) and not os.listdir(RAW):
        os.rmdir(RAW)
        print(f"removed {os.path.relpath(RAW)}", flush=True)


def versions():
    from importlib import metadata

    out = {}
    for dist in ["optuna", "hyperopt", "smac", "ConfigSpace", "scikit-learn", "torch", "numpy", "scipy"]:
        try:
            out[dist] = metadata.version(dist)
        except Exception:
            pass
    return out


def aggregate():
    merged = {}
    if os.path.exists(AGG):
        for r in json.load(open(AGG))["runs"]:
            merged[(r["peer"], r["seed"])] = r
    for f in sorted(glob.glob(os.path.join(RAW_DIR, "*.json"))):
        r = json.load(open(f))
        merged[(r["peer"], r["seed"])] = r
    runs = list(merged.values())
    if not runs:
        print("no runs to aggregate", flush=True)
        return None
    runs.sort(key=lambda r: (ORDER.index(r["peer"]) if r["peer"] in ORDER else 99, r["seed"]))
    warn = {}
    for r in runs:
        for k, v in (r.get("warnings") or {}).items():
            warn.setdefault(r["peer"], {}).setdefault(k, 0)
            warn[r["peer"]][k] += v
    env = {k: v for k, v in RP.env_info().items() if v is not None}
    env.update({k: v for k, v in versions().items() if k not in env})
    env["threads"] = (
        "OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1, one runner process (all peers in turn, seed by seed) "
        "under nice -n 10 on the 2-core machine; other work may share the machine (see load_average), so the seconds "
        "are noisier than shared/bench's"
    )
    env["load_average"] = "1/5/15-min load average when this file was written: " + "/".join(f"{x:.1f}" for x in os.getloadavg())
    wall = {}
    for r in runs:
        wall[r["peer"]] = wall.get(r["peer"], 0.0) + r["wall_seconds"]
    ver = versions()
    notes = [
        "P=1: run_peers.py's sequential protocol. opt seconds per trial = ask() + the define-by-run suggest calls + tell() "
        "(Optuna), ask() + tell() (SMAC, random), the gap between objective calls (hyperopt owns the loop); setup on trial 1.",
        "Conditional space: a parameter is ACTIVE only under its 'condition' in params (problems_tune.py); an inactive "
        "one is absent from the point. Every proposed point was checked to hold exactly the active parameters, in range "
        "(run_peers_conditional.check_point), so every peer declared the tree, not a flat box.",
        f"optuna_tpe / optuna_tpe_mv / optuna_gp (optuna {ver.get('optuna')}): define-by-run, children suggested only inside "
        "their branch (run_peers_conditional.optuna_define). optuna_tpe is TPESampler(seed) with defaults, which in optuna 5.0 "
        "means multivariate TPE over the intersection search space (optimizer, num_layers, units1, dropout) and univariate "
        "TPE for the children; optuna_tpe_mv adds group=True (a multivariate TPE per group of co-occurring parameters), "
        "Optuna's documented setting for conditional spaces; optuna_gp's GP covers the intersection search space and its "
        "independent RandomSampler draws the children (the 'independent sampling' log warnings counted under warnings).",
        f"hyperopt_tpe (hyperopt {ver.get('hyperopt')}): fmin(tpe.suggest) defaults (20 startup trials), nested hp.choice: "
        "hp.choice('optimizer', [{sgd_lr loguniform, momentum uniform}, {adam_lr loguniform, beta1 uniform}, {rmsprop_lr "
        "loguniform}]), hp.choice('num_layers', [{}, {units2_of_2}, {units2_of_3, units3}]), units1, dropout; LOG integers "
        "qloguniform(q=1) rounded and clipped. hyperopt labels must be unique, so units2 is one label per branch.",
        f"smac_hpo (smac {ver.get('smac')}, ConfigSpace {ver.get('ConfigSpace')}): HyperparameterOptimizationFacade (random "
        "forest; SMAC's facade for hyperparameter optimization, documented for categorical and conditional spaces; its "
        "BlackBoxFacade is the GP one for low-dimensional continuous black boxes); EqualsCondition on the optimizer's "
        "children, InCondition(units2, num_layers, [2, 3]), EqualsCondition(units3, num_layers, 3); deterministic=True; "
        "initial design 10 Sobol configs (as shared/bench's smac_hpo; the facade's default would be 15 at N=60). smac 2.4 "
        "uses its scikit-learn random forest (no pyrfr/swig needed).",
        "Runs made with PYTHONHASHSEED=0 (the script sets it): SMAC's suggestions depend on Python's string-hash seed; "
        "with it fixed every run here is reproducible from its seed.",
        "random: uniform over the tree (optimizer and num_layers uniform, children only when active), numpy "
        "default_rng(seed); not run_peers.run_random (which has no conditions).",
        "Total wall seconds per peer over all its runs: "
        + ", ".join(f"{p} {wall[p]:.0f}" for p in sorted(wall, key=lambda p: ORDER.index(p) if p in ORDER else 99))
        + ".",
    ]
    doc = {
        "problem": STEM,
        "stem": STEM,
        "parallel": P,
        "goal": "minimize",
        "optimum": PROBLEM["optimum"],
        "argmin": PROBLEM["argmin"],
        "params": PROBLEM["params"],
        "peers": {p: DESCRIPTIONS[p] for p in sorted({r["peer"] for r in runs}, key=lambda p: ORDER.index(p) if p in ORDER else 99)},
        "environment": env,
        "notes": notes,
        "warnings": warn,
        "summary": RP.summarize_rows(runs, PROBLEM["optimum"]),
        "runs": runs,
    }
    RPP.write_results(doc, AGG)
    return doc


def cmd_report(args):
    """Median simple regret at N and N/2 over seeds, total wall per peer (a markdown table)."""
    doc = json.load(open(AGG))
    opt = doc["optimum"]
    by = {}
    for r in doc["runs"]:
        by.setdefault(r["peer"], []).append(r)
    print("| peer | seeds | median regret @60 [IQR] | median regret @30 | opt s/trial (mean) | total wall s |")
    print("|---|---|---|---|---|---|")
    for peer in sorted(by, key=lambda p: ORDER.index(p) if p in ORDER else 99):
        rs = by[peer]
        m, q1, q3 = RP._quantiles([r["best_so_far"][-1] - opt for r in rs])
        h = RP._quantiles([r["best_so_far"][r["budget"] // 2 - 1] - opt for r in rs])[0]
        o = sum(r["opt_seconds_total"] for r in rs) / sum(r["budget"] for r in rs)
        w = sum(r["wall_seconds"] for r in rs)
        print(f"| {peer} | {len(rs)} | {RP.fmt(m)} [{RP.fmt(q1)}, {RP.fmt(q3)}] | {RP.fmt(h)} | {RP.fmt(o, 3)} | {w:.1f} |")


# --------------------------------------------------------------------------
# self-test: every declaration yields exactly the active parameters, in range
# --------------------------------------------------------------------------


def cmd_selftest(args):
    import numpy as np
    import optuna

    warm_imports(PEERS)
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    n = 200
    f = PROBLEM["func"]
    # the function: argmin, reference values, KeyError on a missing active param, extras ignored
    assert f(PROBLEM["argmin"]) == 0.0
    check_point(PROBLEM["argmin"])
    assert f({"optimizer": "adam", "adam_lr": 1e-2, "beta1": 0.8, "num_layers": 3, "units1": 64, "units2": 512, "units3": 16, "dropout": 0.5}) == 1.3600000000000003
    p3 = {"optimizer": "rmsprop", "rmsprop_lr": 3e-5, "num_layers": 1, "units1": 1000, "dropout": 0.05}
    assert f(p3) == 1.3189143922231645 and f({**p3, "sgd_lr": 0.5, "units2": 8}) == f(p3)
    for bad in ({"optimizer": "sgd", "sgd_lr": 0.1, "num_layers": 1, "units1": 8, "dropout": 0.1},
                {"optimizer": "sgd", "sgd_lr": 0.1, "momentum": 0.5, "num_layers": 2, "units1": 8, "dropout": 0.1}):
        try:
            f(bad)
            raise AssertionError("no KeyError")
        except KeyError:
            pass
    try:
        check_point({**p3, "sgd_lr": 0.5})
        raise AssertionError("check_point took an inactive parameter")
    except BadPoint:
        pass
    print("function: argmin 0, references, KeyError, extras ignored: ok", flush=True)

    def tally(points, label):
        branches = {}
        for p in points:
            check_point(p)
            k = (p["optimizer"], p["num_layers"])
            branches[k] = branches.get(k, 0) + 1
        assert len(branches) == 9, branches
        print(f"{label}: {len(points)} points, all 9 (optimizer, num_layers) branches, exactly the active params: ok", flush=True)

    rng = np.random.default_rng(0)
    tally([random_point(rng) for _ in range(n)], "random")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    pts = []
    for _ in range(n):
        t = study.ask()
        pts.append(optuna_define(t))
        study.tell(t, 0.0)
    tally(pts, "optuna define-by-run")
    from hyperopt import pyll

    space = hyperopt_space()
    hr = np.random.default_rng(0)
    tally([hyperopt_flatten(pyll.stochastic.sample(space, rng=hr)) for _ in range(n)], "hyperopt nested hp.choice")
    cs = smac_space(0)
    tally([smac_point(c) for c in cs.sample_configuration(n)], "ConfigSpace with conditions")
    # a short real run of each peer through the checked objective
    for peer in PEERS:
        rec = RP.Recorder(checked_problem())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            RUNNERS[peer](rec.problem, 25, 0, rec)
        print(f"{peer}: 25 checked trials, best {min(rec.values):.4g}", flush=True)
    print("selftest ok", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--seeds", default="0-19")
    ap.add_argument("--stop-at", default=None, help="HH:MM (local) or epoch seconds: launch no run after it")
    ap.add_argument("--clean-raw", action="store_true", help="delete results/raw/cond_mlp_P1 after aggregating")
    ap.add_argument("--aggregate", action="store_true", help="only rewrite results/cond_mlp_P1.json from raw + existing")
    ap.add_argument("--report", action="store_true", help="print the regret/wall table from results/cond_mlp_P1.json")
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        cmd_selftest(args)
    elif args.report:
        cmd_report(args)
    elif args.aggregate:
        aggregate()
        if args.clean_raw:
            clean_raw()
    else:
        cmd_run(args)


if __name__ == "__main__":
    main()
