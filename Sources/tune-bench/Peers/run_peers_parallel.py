#!/usr/bin/env python3
"""Peers (Optuna GPSampler, Optuna TPE, random search) with P trials in flight, on
shared/bench's synthetic problems and on problems_tune.py's.

Reuses shared/bench/run_peers.py (Recorder, run_random, _optuna_dists, _run_optuna,
run_one, summarize_rows, env_info, parse_seeds) and overhead_scaling.py (case_optuna);
what is added here:

* problems_tune.py's problems beside problems.py's synthetic ones. Stems (one output
  file each, one budget each): branin, hartmann6 (N=50), hartmann6_n100 (N=100),
  rosenbrock4, ackley5, mixed, mixed_linlr, hartmann6_skewed, trainlike, embedded20 (N=100).
  (problems_tune.py's conditional cond_mlp is not run here: run_peers_conditional.py declares its tree.)
* the two parameter kinds of problems_tune.py, as a user of Optuna / a random search would
  declare them: a DOUBLE with "scale": "reverse_log" gets the plain linear range
  [low, high]; a "discrete" parameter with "values" becomes a categorical of those numbers
  (Optuna: CategoricalDistribution(values) of the numbers; random: uniform over the list).
  Both are done by rewriting the problem's specs (`peer_view`) so run_peers.py's
  run_random and _optuna_dists take them unchanged.
* --parallel P: P trials in flight. Ask trials 1..P with nothing told; then repeatedly the
  OLDEST in-flight trial completes (evaluated, told) and ONE new trial is asked while the
  other P-1 are still RUNNING (un-told), until N trials were asked; then the rest complete
  in order. Optuna's samplers see the running trials with their optuna-5.0 defaults
  (GPSampler: its qLogEI with fantasies over running trials; TPESampler: constant_liar,
  default True in optuna 5.0); nothing is configured. Values are in trial (ask) order,
  which here is also completion order. P=1 runs run_peers._run_optuna itself (the existing
  sequential protocol); `--selftest` checks that the parallel loop at P=1 gives the same
  values. Optimizer seconds per trial = its ask() + its tell() (+ study setup on trial 1).
  Random search does not depend on P: it is run at P=1 only and its P=1 runs are copied
  into the P>1 files (for shared/bench's problems, seeds 0-9 of shared/bench/results'
  random runs, which run_random reproduces exactly).
* --overhead: GPSampler suggestion time (ask+tell) with n random observations told:
  hartmann6 n=100,300,1000 (overhead_scaling.case_optuna) and embedded20 n=200; 4 reps,
  each case in its own process, cut at 180 s -> results/overhead_P1.json.

Outputs: results/<stem>_P<P>.json with run_peers' per-problem schema (problem, optimum,
summary from summarize_rows, runs as run_one returns them) plus "parallel", "environment"
and "notes". Raw per-run files go to results/raw/<stem>_P<P>/ while running (resumable:
existing raw files and runs already in the aggregated file are skipped).

    export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    PY=.build-peers/bin/python; R=Sources/tune-bench/Peers/run_peers_parallel.py
    nice -n 10 $PY $R --parallel 1 --problems new --peers optuna_gp,optuna_tpe,random
    nice -n 10 $PY $R --parallel 4 --problems all --peers optuna_gp,optuna_tpe
    nice -n 10 $PY $R --overhead
    nice -n 10 $PY $R --parallel 8 --problems all --peers optuna_gp,optuna_tpe
    $PY $R --aggregate --clean-raw
"""

import argparse
import glob
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.environ.get("TUNE_PEERS_BENCH", "/work/shared/bench")
sys.dont_write_bytecode = True  # shared/bench is read-only
for _p in (HERE, BENCH):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import run_peers as RP  # noqa: E402
from problems import PROBLEMS as SHARED  # noqa: E402
from problems_tune import PROBLEMS as NEW  # noqa: E402

RESULTS = os.path.join(HERE, "results")
RAW = os.path.join(RESULTS, "raw")
SHARED_RESULTS = os.path.join(BENCH, "results")
PEERS = ["optuna_gp", "optuna_tpe", "random"]
SIZE_LIMIT = 400_000

# stem -> (problem name, budget)
SHARED_STEMS = {
    "branin": ("branin", 50),
    "hartmann6": ("hartmann6", 50),
    "hartmann6_n100": ("hartmann6", 100),
    "rosenbrock4": ("rosenbrock4", 50),
    "ackley5": ("ackley5", 50),
    "mixed": ("mixed", 50),
}
# Conditional problems (cond_mlp) are not flat spaces: run_peers_conditional.py runs them, with the
# tree declared natively for each peer, and writes their results/<stem>_P1.json itself.
NEW_STEMS = {name: (name, p["budgets"][0]) for name, p in NEW.items() if not p.get("conditional")}
STEMS = {**SHARED_STEMS, **NEW_STEMS}


def problem_of(name):
    return NEW[name] if name in NEW else SHARED[name]


def peer_view(problem):
    """The problem as Optuna / random search users declare it (see module doc)."""
    params = []
    for s in problem["params"]:
        s = dict(s)
        if s["type"] == "discrete":
            s = {"name": s["name"], "type": "categorical", "choices": list(s["values"])}
        elif s["type"] == "double" and s.get("scale") == "reverse_log":
            s.pop("scale")
            s["log"] = False  # plain linear [low, high]
        params.append(s)
    return {**problem, "params": params}


# --------------------------------------------------------------------------
# warnings / optuna log capture (counted per run, reported at file level)
# --------------------------------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.counts = {}

    def emit(self, record):
        self.add("optuna log: " + record.getMessage())

    def add(self, msg):
        key = re.sub(r"\d+", "#", msg.strip().splitlines()[0] if msg.strip() else msg)[:240]
        self.counts[key] = self.counts.get(key, 0) + 1


def _setup_optuna_logging():
    import optuna

    optuna.logging.disable_default_handler()
    optuna.logging.set_verbosity(optuna.logging.WARNING)


# --------------------------------------------------------------------------
# the P-in-flight loop
# --------------------------------------------------------------------------


def _run_optuna_parallel(problem, budget, seed, rec, sampler, P):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists = RP._optuna_dists(problem)
    t0 = time.perf_counter()
    study = optuna.create_study(direction="minimize", sampler=sampler)
    setup = time.perf_counter() - t0
    per_trial = [0.0] * budget
    inflight = []  # FIFO of (index, trial, params)
    asked = 0

    def ask():
        nonlocal asked
        t0 = time.perf_counter()
        trial = study.ask(dists)
        p = dict(trial.params)
        per_trial[asked] += time.perf_counter() - t0
        inflight.append((asked, trial, p))
        asked += 1

    def complete_oldest():
        i, trial, p = inflight.pop(0)
        rec.start()
        v = rec(p)
        t0 = time.perf_counter()
        study.tell(trial, v)
        per_trial[i] += time.perf_counter() - t0

    while asked < min(P, budget):
        ask()
    while asked < budget:
        complete_oldest()
        ask()
    while inflight:
        complete_oldest()
    per_trial[0] += setup
    return per_trial


def make_runner(peer, P):
    """A RUNNERS-compatible callable for run_peers.run_one."""

    def runner(problem, budget, seed, rec):
        import optuna

        if peer == "random":
            return RP.run_random(problem, budget, seed, rec)
        sampler = optuna.samplers.GPSampler(seed=seed) if peer == "optuna_gp" else optuna.samplers.TPESampler(seed=seed)
        if P == 1:
            return RP._run_optuna(problem, budget, seed, rec, sampler)  # the existing sequential protocol
        return _run_optuna_parallel(problem, budget, seed, rec, sampler, P)

    return runner


def run_one_p(problem, peer, budget, seed, P):
    return run_captured(peer_view(problem), peer, budget, seed, P, make_runner(peer, P), ("optuna",))


def run_captured(problem, peer, budget, seed, P, inner, loggers):
    """run_peers.run_one with RUNNERS[peer] replaced by `inner` for the run: what the named
    loggers log and the warnings the run raises are counted into the run's "warnings"."""
    cap = _Capture()
    handlers = [logging.getLogger(name) for name in loggers]
    for lg in handlers:
        lg.addHandler(cap)

    def runner(problem, budget, seed, rec):
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            out = inner(problem, budget, seed, rec)
        for w in ws:
            cap.add(f"{w.category.__name__}: {w.message}")
        return out

    saved = RP.RUNNERS.get(peer)
    RP.RUNNERS[peer] = runner
    try:
        r = RP.run_one(problem, peer, budget, seed)
    finally:
        if saved is None:
            RP.RUNNERS.pop(peer, None)
        else:
            RP.RUNNERS[peer] = saved
        for lg in handlers:
            lg.removeHandler(cap)
    r["parallel"] = P
    if cap.counts:
        r["warnings"] = cap.counts
    return r


# --------------------------------------------------------------------------
# runs and aggregation
# --------------------------------------------------------------------------


def raw_dir(stem, P):
    return os.path.join(RAW, f"{stem}_P{P}")


def agg_path(stem, P):
    return os.path.join(RESULTS, f"{stem}_P{P}.json")


def warm_imports():
    import numpy  # noqa: F401
    import optuna  # noqa: F401
    import scipy.optimize  # noqa: F401
    import torch  # noqa: F401
    import optuna.samplers._gp.sampler  # noqa: F401

    _setup_optuna_logging()


def cmd_run(args):
    stems = select_stems(args.problems)
    peers = args.peers.split(",")
    P = args.parallel
    seeds = RP.parse_seeds(args.seeds)
    deadline = parse_deadline(args.stop_at)
    warm_imports()
    for stem in stems:
        name, budget = STEMS[stem]
        if P == 1 and stem in SHARED_STEMS:
            print(f"skip {stem} P=1: shared/bench/results/{name}.json has it", flush=True)
            continue
        done = set()
        if os.path.exists(agg_path(stem, P)):
            done = {(r["peer"], r["seed"]) for r in json.load(open(agg_path(stem, P)))["runs"] if not r.get("copied_from")}
        ran = False
        for seed in seeds:
            for peer in peers:
                if peer == "random" and P != 1:
                    continue  # copied from P=1 at aggregation
                path = os.path.join(raw_dir(stem, P), f"{peer}_s{seed}.json")
                if os.path.exists(path) or (peer, seed) in done:
                    continue
                if deadline and time.time() > deadline:
                    print(f"time box reached; not launching {stem} P={P} {peer} seed={seed}", flush=True)
                    aggregate(stem, P)
                    return
                os.makedirs(os.path.dirname(path), exist_ok=True)
                try:
                    r = run_one_p(problem_of(name), peer, budget, seed, P)
                except Exception as e:
                    print(f"FAILED {stem} P={P} {peer} seed={seed}: {type(e).__name__}: {e}", flush=True)
                    continue
                with open(path + ".tmp", "w") as fh:
                    json.dump(r, fh)
                os.replace(path + ".tmp", path)
                ran = True
                print(
                    f"{time.strftime('%H:%M:%S')} {stem} P={P} {peer} seed={seed} best={r['best_value']:.6g} "
                    f"opt_s={r['opt_seconds_total']:.2f} wall={r['wall_seconds']:.2f}"
                    + (f" warnings={sum(r['warnings'].values())}" if r.get("warnings") else ""),
                    flush=True,
                )
        if ran or not os.path.exists(agg_path(stem, P)):
            aggregate(stem, P)


def _random_runs_for(stem, name, budget):
    """Random search at P=1: our P=1 file (new problems) or shared/bench's (seeds 0-9)."""
    if stem in SHARED_STEMS:
        src = os.path.join(SHARED_RESULTS, f"{name}.json")
        runs = [r for r in json.load(open(src))["runs"] if r["peer"] == "random" and r["budget"] == budget and r["seed"] < 10]
        label = f"shared/bench/results/{name}.json"
    else:
        src = agg_path(stem, 1)
        runs = []
        if os.path.exists(src):
            runs = [r for r in json.load(open(src))["runs"] if r["peer"] == "random"]
        for f in glob.glob(os.path.join(raw_dir(stem, 1), "random_s*.json")):
            r = json.load(open(f))
            runs = [x for x in runs if x["seed"] != r["seed"]] + [r]
        label = f"{stem}_P1.json"
    out = []
    for r in runs:
        r = dict(r)
        r["copied_from"] = label
        out.append(r)
    return out


def aggregate(stem, P):
    name, budget = STEMS[stem]
    prob = problem_of(name)
    merged = {}
    path = agg_path(stem, P)
    if os.path.exists(path):
        for r in json.load(open(path))["runs"]:
            if not r.get("copied_from"):
                merged[(r["peer"], r["seed"])] = r
    for f in sorted(glob.glob(os.path.join(raw_dir(stem, P), "*.json"))):
        r = json.load(open(f))
        merged[(r["peer"], r["seed"])] = r
    runs = list(merged.values())
    if P != 1:
        runs += _random_runs_for(stem, name, budget)
    if not runs:
        return None
    order = RP.ALL_PEERS
    runs.sort(key=lambda r: (order.index(r["peer"]) if r["peer"] in order else 99, r["seed"]))
    warn = {}
    for r in runs:
        for k, v in (r.get("warnings") or {}).items():
            warn.setdefault(r["peer"], {}).setdefault(k, 0)
            warn[r["peer"]][k] += v
    env = RP.env_info()
    env = {k: v for k, v in env.items() if v is not None}
    env["threads"] = (
        "OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1, one runner process at a time under nice -n 10, "
        "while another engineer built Swift on the same 2-core machine (timings are noisier than shared/bench's)"
    )
    notes = [
        f"P={P} trials in flight: ask 1..P untold; then the oldest in-flight trial is evaluated and told and ONE new "
        "trial is asked while the other P-1 are RUNNING, until N asked; then the rest complete in order. "
        "Values/best_so_far are in trial (ask) order. opt seconds per trial = its ask()+tell() (+study setup on trial 1).",
        "Optuna samplers with library defaults (seed only): GPSampler handles RUNNING trials itself (qLogEI with "
        "fantasies in optuna 5.0), TPESampler's constant_liar is True by default in optuna 5.0.",
    ]
    if P > 1:
        notes.append(
            f"Both Optuna samplers count only COMPLETE trials toward their 10 startup trials, so at P={P} trials "
            f"1..{9 + P} are drawn by their random startup sampler (trial k is asked after k-P completions)."
        )
    if stem in SHARED_STEMS:
        notes.append(
            f"P=1 for this problem is not rerun: see shared/bench/results/{name}.json (made with torch 2.15.0; "
            f"this venv has torch {env.get('torch')})."
        )
    if P == 1:
        notes[0] = "P=1: run_peers.py's sequential ask/tell protocol (run_peers._run_optuna / run_random)."
    else:
        notes.append(
            "random: does not depend on P; run at P=1 only and copied here (runs with 'copied_from'): "
            + (f"seeds 0-9 of shared/bench/results/{name}.json (run_peers.run_random, same seeds => same draws)"
               if stem in SHARED_STEMS else f"{stem}_P1.json")
            + "."
        )
    if any(s["type"] == "discrete" or s.get("scale") == "reverse_log" for s in prob["params"]):
        notes.append(
            "reverse_log DOUBLEs are given to Optuna/random as the plain linear [low, high]; discrete params as "
            "CategoricalDistribution(values) of the numbers (random: uniform over the list)."
        )
    doc = {
        "problem": name,
        "stem": stem,
        "parallel": P,
        "goal": "minimize",
        "optimum": prob["optimum"],
        "argmin": prob["argmin"],
        "params": prob["params"],
        "peers": {p: RP.PEER_DESCRIPTIONS[p] for p in sorted({r["peer"] for r in runs})},
        "environment": env,
        "notes": notes,
        "warnings": warn,
        "summary": RP.summarize_rows(runs, prob["optimum"]),
        "runs": runs,
    }
    write_results(doc, path)
    return doc


def write_results(doc, path):
    """Writes a results file atomically, under SIZE_LIMIT: the runs' per-trial optimizer seconds
    go first, then their best_params, each only if the file is still too big (with a note)."""
    runs = doc["runs"]
    text = json.dumps(doc)
    for field in ("opt_seconds_per_trial", "best_params"):
        if len(text) <= SIZE_LIMIT:
            break
        for r in runs:
            r.pop(field, None)
        text = json.dumps(doc)
    dropped = [f for f in ("opt_seconds_per_trial", "best_params") if any(f not in r for r in runs)]
    if dropped:
        doc["notes"].append(f"{' and '.join(dropped)} dropped from runs to keep the file under {SIZE_LIMIT // 1000} KB.")
        text = json.dumps(doc)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as fh:
        fh.write(text)
    os.replace(path + ".tmp", path)
    print(f"wrote {os.path.relpath(path)} ({len(text) // 1000} KB, {len(runs)} runs)", flush=True)


def cmd_aggregate(args):
    for stem in STEMS:
        for P in (1, 4, 8):
            if glob.glob(os.path.join(raw_dir(stem, P), "*.json")) or os.path.exists(agg_path(stem, P)):
                aggregate(stem, P)
    if args.clean_raw and os.path.isdir(RAW):
        shutil.rmtree(RAW)
        print("removed results/raw/")


# --------------------------------------------------------------------------
# overhead
# --------------------------------------------------------------------------

OVERHEAD_CASES = [("hartmann6", 100), ("hartmann6", 300), ("hartmann6", 1000), ("embedded20", 200)]


def overhead_child(args):
    warnings.filterwarnings("ignore")
    warm_imports()
    if args.case == "hartmann6":
        import overhead_scaling

        overhead_scaling.case_optuna("optuna_gp", args.n, args.reps, args.seed)
        return
    import numpy as np
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    prob = NEW["embedded20"]
    dists = RP._optuna_dists(prob)
    names = list(dists)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.GPSampler(seed=args.seed))
    rng = np.random.default_rng(args.seed)
    X = rng.uniform(0.0, 1.0, size=(args.n, len(names)))
    trials = []
    for i in range(args.n):
        p = {k: float(X[i, j]) for j, k in enumerate(names)}
        trials.append(optuna.trial.create_trial(params=p, distributions=dists, value=prob["func"](p)))
    study.add_trials(trials)
    for r in range(args.reps):
        t0 = time.perf_counter()
        trial = study.ask(dists)
        t1 = time.perf_counter()
        v = prob["func"](trial.params)
        t2 = time.perf_counter()
        study.tell(trial, v)
        t3 = time.perf_counter()
        print(json.dumps({"rep": r, "seconds": (t1 - t0) + (t3 - t2)}), flush=True)


def cmd_overhead(args):
    out_path = os.path.join(RESULTS, "overhead_P1.json")
    doc = {"cases": []}
    if os.path.exists(out_path):
        doc = json.load(open(out_path))
    env = {k: v for k, v in RP.env_info().items() if v is not None}
    env["threads"] = "OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1, nice -n 10, Swift builds running beside"
    doc.update(
        parallel=1,
        environment=env,
        note=(
            f"optuna GPSampler(seed=0) defaults; n random observations (uniform in the unit box, seed 0) injected with "
            f"study.add_trials, then {args.reps} x (ask + tell) timed, each case in a fresh process (imports done before "
            f"timing); cold = 1st rep, warm = median of the others; a case is cut at {args.case_timeout:.0f} s. "
            "hartmann6 cases run shared/bench overhead_scaling.case_optuna; embedded20 (20 dims, 6 active) the same "
            "procedure here."
        ),
    )
    done = {(c["problem"], c["n"]) for c in doc["cases"]}
    for prob, n in OVERHEAD_CASES:
        if (prob, n) in done:
            continue
        case = {"sampler": "optuna_gp", "problem": prob, "n": n, "suggest_seconds": [], "note": ""}
        cmd = [sys.executable, os.path.abspath(__file__), "--overhead-child", "--case", prob, "--n", str(n), "--reps", str(args.reps)]
        t0 = time.time()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            outs, _ = proc.communicate(timeout=args.case_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            outs, _ = proc.communicate()
            case["note"] = f"hit the {args.case_timeout:.0f} s case limit"
        for line in outs.splitlines():
            try:
                case["suggest_seconds"].append(json.loads(line)["seconds"])
            except Exception:
                pass
        secs = case["suggest_seconds"]
        case["cold_seconds"] = secs[0] if secs else None
        case["warm_median_seconds"] = RP._quantiles(secs[1:])[0] if len(secs) > 1 else None
        case["reps_done"] = len(secs)
        case["case_wall_seconds"] = round(time.time() - t0, 2)
        doc["cases"].append(case)
        print(json.dumps(case), flush=True)
        with open(out_path, "w") as fh:
            json.dump(doc, fh, indent=1)


# --------------------------------------------------------------------------


def select_stems(spec):
    if spec == "all":
        return list(STEMS)
    if spec == "new":
        return list(NEW_STEMS)
    if spec == "shared":
        return list(SHARED_STEMS)
    out = spec.split(",")
    for s in out:
        if s not in STEMS:
            raise SystemExit(f"unknown stem {s}; known: {', '.join(STEMS)}")
    return out


def parse_deadline(s):
    if not s:
        return None
    if ":" in s:  # HH:MM local time today
        h, m = s.split(":")
        t = time.localtime()
        return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, int(h), int(m), 0, 0, 0, -1))
    return float(s)


def cmd_selftest(args):
    """The parallel loop at P=1 must reproduce run_peers._run_optuna exactly."""
    import optuna

    warm_imports()
    for stem in ("mixed", "trainlike", "hartmann6_skewed"):
        name, _ = STEMS[stem]
        prob = peer_view(problem_of(name))
        for kind in ("optuna_tpe", "optuna_gp"):
            vals = []
            for fn in ("seq", "par"):
                rec = RP.Recorder(prob)
                s = optuna.samplers.GPSampler(seed=3) if kind == "optuna_gp" else optuna.samplers.TPESampler(seed=3)
                if fn == "seq":
                    RP._run_optuna(prob, 15, 3, rec, s)
                else:
                    _run_optuna_parallel(prob, 15, 3, rec, s, 1)
                vals.append(rec.values)
            print(stem, kind, "P=1 loop == _run_optuna:", vals[0] == vals[1], flush=True)
            assert vals[0] == vals[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parallel", type=int, help="P trials in flight (runs the peers)")
    ap.add_argument("--problems", default="all", help="all | new | shared | comma list of stems")
    ap.add_argument("--peers", default="optuna_gp,optuna_tpe,random")
    ap.add_argument("--seeds", default="0-9")
    ap.add_argument("--stop-at", default=None, help="HH:MM (local) or epoch seconds: launch no run after it")
    ap.add_argument("--overhead", action="store_true")
    ap.add_argument("--aggregate", action="store_true", help="rewrite results/<stem>_P<P>.json from raw + existing")
    ap.add_argument("--clean-raw", action="store_true", help="with --aggregate: delete results/raw/ afterwards")
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--reps", type=int, default=4)
    ap.add_argument("--case-timeout", type=float, default=180.0)
    ap.add_argument("--overhead-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.overhead_child:
        overhead_child(args)
    elif args.selftest:
        cmd_selftest(args)
    elif args.overhead:
        cmd_overhead(args)
    elif args.aggregate:
        cmd_aggregate(args)
    elif args.parallel:
        cmd_run(args)
    else:
        ap.error("give --parallel P, --overhead, --aggregate or --selftest")


if __name__ == "__main__":
    main()
