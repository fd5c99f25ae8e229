#!/usr/bin/env python3
"""Peers on tune's multi-objective and constrained problems (issue 18): problems_multiobjective.py's
zdt1, zdt2 (N = 50, 2 objectives, reference (1.1, 11)), dtlz2 (N = 60, 3 objectives, reference
(1.1, 1.1, 1.1)), gardner (N = 40, one objective, one constraint c <= 0.5, not active at the
optimum) and gardner2 (N = 40, one objective, c <= -0.95, active: f* on its boundary).

* random            uniform random search, numpy default_rng(seed).
* optuna_nsga2      NSGAIISampler(seed=seed) defaults: population_size 50, so at N <= 50 every
                    trial is in the first generation, which NSGA-II draws at random (its
                    RandomSampler); at N = 60 the last 10 trials are its first children.
                    gardner: the constraint set on each trial (Deb's constrained domination).
* optuna_nsga2_p10  NSGAIISampler(population_size=10, seed=seed): the same with generations of 10,
                    so it evolves within the budget (a user's setting for a small budget).
* optuna_gp         GPSampler(seed=seed) defaults (10 startup trials, then LogEHVI with several
                    objectives, LogEI with one); gardner: the constraint set on each trial
                    (Optuna's constrained LogEI: LogEI + log probability of feasibility from a
                    GP of the constraint).

Every Optuna study: create_study(directions=[minimize...], sampler), ask(distributions) /
tell(values); with a constraint, trial.set_constraint("c", c - threshold) before tell (feasible when
<= 0). That is optuna 5.0's way: the samplers' constraints_func argument, which the issue names, is
deprecated in 5.0 ("Use optuna.trial.Trial.set_constraint instead") and both samplers read
trial.constraints, which either way fills.

Score after each trial (best_so_far; lower is better; problems_multiobjective.score_trajectory):
minus the hypervolume of the trials so far against the stated reference point (exact slicing,
checked against optuna._hypervolume.compute_hypervolume in --selftest), so optimum = minus the true
front's hypervolume and regret = HV(true front) - HV(trials); gardner, gardner2: the best feasible
f so far, the largest f (2; 7) before any feasible trial, optimum -2; asin(0.95) - 1. Each run also keeps every trial's
objective vector ("objectives") and constraint values ("constraints") so `tune-bench search`
recomputes the hypervolume with TuneCore's Hypervolume and checks it matches.

Protocol: P = 1 (one trial at a time); optimizer seconds per trial = ask() + tell() (Optuna; the
study's setup is added to trial 1), drawing the point (random). Imports are done before timing.

Output: results/<problem>_P1.json in run_peers_parallel.py's schema (problem, stem, parallel, goal,
optimum, reference, params, peers, environment, notes, warnings, summary = run_peers.summarize_rows,
runs), raw per-run files under results/raw/<problem>_P1/ while running (resumable; --clean-raw
deletes them after aggregating).

Regenerate (from the repository root; see Benchmarks.md for the time each peer took):

    export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    PY=.build-peers/bin/python; R=Sources/tune-bench/Peers/run_peers_multiobjective.py
    $PY $R --selftest
    nohup nice -n 10 $PY $R --problems zdt1,zdt2,dtlz2,gardner,gardner2 --seeds 0-9 --clean-raw > peers_mo.log 2>&1 &
"""

import os
import sys

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.environ.get("TUNE_PEERS_BENCH", "/work/shared/bench")
sys.dont_write_bytecode = True  # shared/bench is read-only
for _p in (HERE, BENCH):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import run_peers as RP  # noqa: E402
import run_peers_parallel as RPP  # noqa: E402
import problems_multiobjective as MO  # noqa: E402

P = 1
RESULTS = os.path.join(HERE, "results")
RAW = os.path.join(RESULTS, "raw")
STEMS = ["zdt1", "zdt2", "dtlz2", "gardner", "gardner2"]
PEERS = ["random", "optuna_nsga2", "optuna_nsga2_p10", "optuna_gp"]

DESCRIPTIONS = {
    "random": "uniform random search, numpy default_rng(seed)",
    "optuna_nsga2": "optuna NSGAIISampler(seed) defaults (population_size 50: at N <= 50 all trials are its random first "
    "generation); the constrained problem's constraint by trial.set_constraint (constrained domination); ask/tell",
    "optuna_nsga2_p10": "optuna NSGAIISampler(population_size=10, seed); the constraint by trial.set_constraint; ask/tell",
    "optuna_gp": "optuna GPSampler(seed) defaults (10 startup trials; LogEHVI with several objectives, LogEI with one); "
    "the constrained problem's constraint by trial.set_constraint (LogEI + log probability of feasibility); ask/tell",
}


def raw_dir(stem):
    return os.path.join(RAW, f"{stem}_P{P}")


def agg_path(stem):
    return os.path.join(RESULTS, f"{stem}_P{P}.json")


def evaluate(problem, x):
    """(objectives, constraint values) at the point x (a list in parameter order)."""
    if "objectives" in problem:
        return [float(v) for v in problem["objectives"](x)], []
    f, c = problem["constrained"](x)
    return [float(v) for v in f], [float(v) for v in c]


# --------------------------------------------------------------------------
# runners: (problem, budget, seed) -> (outcomes [(objectives, constraints)], points, per-trial seconds)
# --------------------------------------------------------------------------


def run_random(problem, budget, seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    outcomes, points, per_trial = [], [], []
    for _ in range(budget):
        t0 = time.perf_counter()
        x = [float(rng.uniform(s["low"], s["high"])) for s in problem["params"]]
        per_trial.append(time.perf_counter() - t0)
        points.append(x)
        outcomes.append(evaluate(problem, x))
    return outcomes, points, per_trial


def _run_optuna(problem, budget, seed, make_sampler):
    import optuna

    constrained = "constrained" in problem
    dists = {s["name"]: optuna.distributions.FloatDistribution(s["low"], s["high"]) for s in problem["params"]}
    names = [s["name"] for s in problem["params"]]
    t0 = time.perf_counter()
    sampler = make_sampler()
    study = optuna.create_study(directions=problem["directions"], sampler=sampler)
    setup = time.perf_counter() - t0
    outcomes, points, per_trial = [], [], []
    for _ in range(budget):
        t0 = time.perf_counter()
        trial = study.ask(dists)
        x = [float(trial.params[n]) for n in names]
        t1 = time.perf_counter()
        objs, cons = evaluate(problem, x)
        t2 = time.perf_counter()
        if constrained:
            for i, c in enumerate(cons):
                trial.set_constraint("c" if i == 0 else f"c{i + 1}", c - problem["threshold"])
        study.tell(trial, objs if len(objs) > 1 else objs[0])
        t3 = time.perf_counter()
        per_trial.append((t1 - t0) + (t3 - t2))
        points.append(x)
        outcomes.append((objs, cons))
    per_trial[0] += setup
    return outcomes, points, per_trial


def run_optuna_nsga2(problem, budget, seed):
    import optuna

    return _run_optuna(problem, budget, seed, lambda: optuna.samplers.NSGAIISampler(seed=seed))


def run_optuna_nsga2_p10(problem, budget, seed):
    import optuna

    return _run_optuna(
        problem, budget, seed, lambda: optuna.samplers.NSGAIISampler(population_size=10, seed=seed))


def run_optuna_gp(problem, budget, seed):
    import optuna

    return _run_optuna(problem, budget, seed, lambda: optuna.samplers.GPSampler(seed=seed))


RUNNERS = {
    "random": run_random,
    "optuna_nsga2": run_optuna_nsga2,
    "optuna_nsga2_p10": run_optuna_nsga2_p10,
    "optuna_gp": run_optuna_gp,
}


def run_one(stem, peer, seed):
    import warnings

    problem = MO.PROBLEMS[stem]
    budget = problem["budget"]
    cap = RPP._Capture()
    import logging

    lg = logging.getLogger("optuna")
    lg.addHandler(cap)
    try:
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            outcomes, points, per_trial = RUNNERS[peer](problem, budget, seed)
            wall = time.perf_counter() - t0
        for w in ws:
            cap.add(f"{w.category.__name__}: {w.message}")
    finally:
        lg.removeHandler(cap)
    bsf = MO.score_trajectory(stem, outcomes)
    r = {
        "problem": stem,
        "peer": peer,
        "budget": budget,
        "seed": seed,
        "parallel": P,
        "best_so_far": bsf,
        "best_value": bsf[-1],
        "objectives": [o for o, _ in outcomes],
        "opt_seconds_total": float(sum(per_trial)),
        "opt_seconds_per_trial": [float(x) for x in per_trial],
        "wall_seconds": wall,
    }
    if "constrained" in problem:
        r["constraints"] = [c for _, c in outcomes]
        r["n_feasible"] = sum(all(v <= problem["threshold"] for v in c) for _, c in outcomes)
    else:
        r["hypervolume"] = -bsf[-1]
    if cap.counts:
        r["warnings"] = cap.counts
    return r


# --------------------------------------------------------------------------
# runs and aggregation
# --------------------------------------------------------------------------


def warm_imports():
    import numpy  # noqa: F401
    import optuna
    import scipy.optimize  # noqa: F401
    import torch  # noqa: F401
    import optuna.samplers._gp.sampler  # noqa: F401

    optuna.logging.disable_default_handler()
    optuna.logging.set_verbosity(optuna.logging.WARNING)


def cmd_run(args):
    stems = args.problems.split(",")
    peers = args.peers.split(",")
    for s in stems:
        if s not in MO.PROBLEMS:
            raise SystemExit(f"unknown problem {s}; known: {', '.join(MO.PROBLEMS)}")
    for p in peers:
        if p not in RUNNERS:
            raise SystemExit(f"unknown peer {p}; known: {', '.join(RUNNERS)}")
    seeds = RP.parse_seeds(args.seeds)
    warm_imports()
    for stem in stems:
        done = set()
        if os.path.exists(agg_path(stem)):
            done = {(r["peer"], r["seed"]) for r in json.load(open(agg_path(stem)))["runs"]}
        t_start = time.time()
        for seed in seeds:
            for peer in peers:
                path = os.path.join(raw_dir(stem), f"{peer}_s{seed}.json")
                if os.path.exists(path) or (peer, seed) in done:
                    continue
                os.makedirs(raw_dir(stem), exist_ok=True)
                try:
                    r = run_one(stem, peer, seed)
                except Exception as e:
                    print(f"FAILED {stem} {peer} seed={seed}: {type(e).__name__}: {e}", flush=True)
                    continue
                with open(path + ".tmp", "w") as fh:
                    json.dump(r, fh)
                os.replace(path + ".tmp", path)
                print(
                    f"{time.strftime('%H:%M:%S')} {stem} {peer} seed={seed} score={r['best_value']:.6g} "
                    f"opt_s={r['opt_seconds_total']:.2f} wall={r['wall_seconds']:.2f}"
                    + (f" warnings={sum(r['warnings'].values())}" if r.get("warnings") else ""),
                    flush=True,
                )
        print(f"{stem}: runs done in {time.time() - t_start:.0f} s", flush=True)
        aggregate(stem)
        if args.clean_raw:
            clean_raw(stem)


def clean_raw(stem):
    if os.path.isdir(raw_dir(stem)):
        shutil.rmtree(raw_dir(stem))
        print(f"removed {os.path.relpath(raw_dir(stem))}", flush=True)
    if os.path.isdir(RAW) and not os.listdir(RAW):
        os.rmdir(RAW)
        print(f"removed {os.path.relpath(RAW)}", flush=True)


def versions():
    from importlib import metadata

    out = {}
    for dist in ["optuna", "torch", "numpy", "scipy"]:
        try:
            out[dist] = metadata.version(dist)
        except Exception:
            pass
    return out


def aggregate(stem):
    problem = MO.PROBLEMS[stem]
    merged = {}
    if os.path.exists(agg_path(stem)):
        for r in json.load(open(agg_path(stem)))["runs"]:
            merged[(r["peer"], r["seed"])] = r
    for f in sorted(glob.glob(os.path.join(raw_dir(stem), "*.json"))):
        r = json.load(open(f))
        merged[(r["peer"], r["seed"])] = r
    runs = list(merged.values())
    if not runs:
        print(f"{stem}: no runs to aggregate", flush=True)
        return None
    for r in runs:
        # No single best point (a front; or the best safe value): the objectives are kept instead.
        r["best_params"] = None
    order = lambda p: PEERS.index(p) if p in PEERS else 99  # noqa: E731
    runs.sort(key=lambda r: (order(r["peer"]), r["seed"]))
    warn = {}
    for r in runs:
        for k, v in (r.get("warnings") or {}).items():
            warn.setdefault(r["peer"], {}).setdefault(k, 0)
            warn[r["peer"]][k] += v
    env = {k: v for k, v in RP.env_info().items() if v is not None}
    env.update({k: v for k, v in versions().items() if k not in env})
    env["threads"] = (
        "OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1, one runner process (problem by problem, seed by seed, the "
        "peers in turn) under nice -n 10 on the 2-core machine; other work shares the machine (see load_average)"
    )
    env["load_average"] = "1/5/15-min load average when this file was written: " + "/".join(f"{x:.1f}" for x in os.getloadavg())
    wall = {}
    for r in runs:
        wall.setdefault(r["peer"], []).append(r["wall_seconds"])
    if "true_hv" in problem:
        metric = (
            f"score (best_so_far) = -hypervolume of the trials so far against the reference point {problem['reference']} "
            f"(all objectives minimized; exact slicing, problems_multiobjective.hypervolume); optimum = -HV(true front) = "
            f"{-problem['true_hv']!r}, so regret = HV(true front) - HV(trials)."
        )
    else:
        metric = (
            f"score (best_so_far) = the best f among feasible trials so far (c <= {problem['threshold']}); "
            f"{problem['penalty']} (the largest f over the domain) before any feasible trial; optimum {problem['optimum_f']}."
        )
    notes = [
        "P=1: sequential. opt seconds per trial = ask() + tell() (Optuna; study setup on trial 1), drawing the point (random).",
        metric,
        "objectives: every trial's objective vector, in trial order" + ("; constraints: its constraint values" if "constrained" in problem else "")
        + "; best_params: null (the score is a front's hypervolume or the best safe value, not one point's).",
        "optuna_nsga2 is NSGAIISampler's defaults: population_size 50, so at N <= 50 every trial is its first generation "
        "(random); optuna_nsga2_p10 sets population_size=10.",
        "Wall seconds per run, median [min, max] by peer: "
        + ", ".join(
            f"{p} {RP._quantiles(w)[0]:.2f} [{min(w):.2f}, {max(w):.2f}]" for p, w in sorted(wall.items(), key=lambda kv: order(kv[0]))
        )
        + ".",
    ]
    doc = {
        "problem": stem,
        "stem": stem,
        "parallel": P,
        "goal": "minimize",
        "optimum": MO.optimum(stem),
        "directions": problem["directions"],
        "reference": problem.get("reference"),
        "true_hypervolume": problem.get("true_hv"),
        "threshold": problem.get("threshold"),
        "params": problem["params"],
        "peers": {p: DESCRIPTIONS[p] for p in sorted({r["peer"] for r in runs}, key=order)},
        "environment": env,
        "notes": notes,
        "warnings": warn,
        "summary": RP.summarize_rows(runs, MO.optimum(stem)),
        "runs": runs,
    }
    RPP.write_results(doc, agg_path(stem))
    return doc


def cmd_report(args):
    for stem in args.problems.split(","):
        if not os.path.exists(agg_path(stem)):
            continue
        doc = json.load(open(agg_path(stem)))
        opt = doc["optimum"]
        by = {}
        for r in doc["runs"]:
            by.setdefault(r["peer"], []).append(r)
        print(f"\n{stem} (optimum {opt:.6g})\n")
        print("| peer | seeds | score median [IQR] | regret median [IQR] | opt s/trial (mean) | wall s/run (median) |")
        print("|---|---|---|---|---|---|")
        for peer in sorted(by, key=lambda p: PEERS.index(p) if p in PEERS else 99):
            rs = by[peer]
            m, q1, q3 = RP._quantiles([r["best_so_far"][-1] for r in rs])
            rm, rq1, rq3 = RP._quantiles([r["best_so_far"][-1] - opt for r in rs])
            o = sum(r["opt_seconds_total"] for r in rs) / sum(r["budget"] for r in rs)
            w = RP._quantiles([r["wall_seconds"] for r in rs])[0]
            print(f"| {peer} | {len(rs)} | {RP.fmt(m)} [{RP.fmt(q1)}, {RP.fmt(q3)}] | {RP.fmt(rm)} [{RP.fmt(rq1)}, {RP.fmt(rq3)}] "
                  f"| {RP.fmt(o, 3)} | {w:.2f} |")


# --------------------------------------------------------------------------
# self-test
# --------------------------------------------------------------------------


def cmd_selftest(args):
    import numpy as np
    from optuna._hypervolume import compute_hypervolume

    warm_imports()
    rng = np.random.default_rng(0)
    # 1. the exact hypervolume against Optuna's (WFG), 2 and 3 objectives, with dominated points and
    #    points outside the reference box
    worst = 0.0
    for m, ref in ((2, [1.1, 11.0]), (3, [1.1, 1.1, 1.1])):
        for _ in range(50):
            n = int(rng.integers(1, 40))
            pts = rng.uniform(0.0, 1.3, size=(n, m)) * (np.array(ref) / 1.1)
            mine = MO.hypervolume(pts.tolist(), ref)
            inside = pts[(pts < np.array(ref)).all(axis=1)]
            theirs = float(compute_hypervolume(inside, np.array(ref))) if len(inside) else 0.0
            worst = max(worst, abs(mine - theirs) / max(1.0, theirs))
    assert worst < 1e-12, worst
    print(f"hypervolume vs optuna._hypervolume.compute_hypervolume on 100 random sets: max rel. diff {worst:.1e}: ok")
    # 2. the true fronts' hypervolume, from 20001 front points, against the closed forms
    t = np.linspace(0.0, 1.0, 20001)
    for stem, f2 in (("zdt1", 1 - np.sqrt(t)), ("zdt2", 1 - t * t)):
        p = MO.PROBLEMS[stem]
        pts = [MO.PROBLEMS[stem]["objectives"]([a, 0.0, 0.0, 0.0]) for a in t[::100]]
        assert all(abs(q[1] - (1 - math.sqrt(q[0]) if stem == "zdt1" else 1 - q[0] ** 2)) < 1e-12 for q in pts)
        hv = MO.hypervolume(np.stack([t, f2], axis=1).tolist(), p["reference"])
        assert abs(hv - p["true_hv"]) < 1e-3, (stem, hv, p["true_hv"])
        print(f"{stem}: HV of 20001 front points {hv:.6f}, closed form {p['true_hv']:.6f}: ok")
    p = MO.PROBLEMS["dtlz2"]
    on_front = [MO.dtlz2([a, b, 0.5, 0.5, 0.5, 0.5]) for a, b in rng.uniform(0, 1, size=(200, 2))]
    assert all(abs(sum(v * v for v in q) - 1) < 1e-12 for q in on_front)
    g = np.linspace(0, 1, 61)
    pts = [MO.dtlz2([a, b, 0.5, 0.5, 0.5, 0.5]) for a in g for b in g]
    hv = MO.hypervolume(pts, p["reference"])
    assert 0.0 < p["true_hv"] - hv < 0.02, (hv, p["true_hv"])
    print(f"dtlz2: g = 0 points lie on the unit sphere; HV of 61^2 front points {hv:.5f} <= closed form {p['true_hv']:.5f}: ok")
    (f,), (c,) = MO.gardner(MO.GARDNER_ARGMIN)
    assert f == MO.GARDNER_OPT and c <= MO.GARDNER_THRESHOLD
    (f2,), (c2,) = MO.gardner2(MO.GARDNER2_ARGMIN)
    assert f2 == MO.GARDNER2_OPT and c2 <= MO.GARDNER2_THRESHOLD
    print("gardner: f(argmin) = -2, feasible; gardner2: f(argmin) = asin(0.95) - 1, feasible: ok")
    # 3. a short real run of each peer on each problem
    for stem in STEMS:
        problem = MO.PROBLEMS[stem]
        for peer in PEERS:
            n = 15
            outcomes, _, _ = RUNNERS[peer](problem, n, 0)
            traj = MO.score_trajectory(stem, outcomes)
            assert len(traj) == n and all(b <= a for a, b in zip(traj, traj[1:]))
            print(f"{stem} {peer}: {n} trials, score {traj[-1]:.4g}: ok", flush=True)
    print("selftest ok", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--problems", default=",".join(STEMS))
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--seeds", default="0-9")
    ap.add_argument("--clean-raw", action="store_true", help="delete results/raw/<problem>_P1 after aggregating")
    ap.add_argument("--aggregate", action="store_true", help="only rewrite results/<problem>_P1.json from raw + existing")
    ap.add_argument("--report", action="store_true", help="print the score/regret table from results/<problem>_P1.json")
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        cmd_selftest(args)
    elif args.report:
        cmd_report(args)
    elif args.aggregate:
        for stem in args.problems.split(","):
            aggregate(stem)
            if args.clean_raw:
                clean_raw(stem)
    else:
        cmd_run(args)


if __name__ == "__main__":
    main()
