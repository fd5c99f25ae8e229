"""tune's multi-objective and constrained search-benchmark problems (issue 18), defined once here.

The Swift ports in Sources/tune-bench/FrontProblems.swift follow these functions operation for
operation, and `tune-bench search` checks them against reference values computed with this file
(`python3 problems_multiobjective.py` prints them). Every parameter is DOUBLE, linear.

* zdt1, zdt2   Zitzler, Deb & Thiele (2000), d = 4, x in [0, 1]^4, both objectives minimized:
               f1 = x1, g = 1 + 9/(d-1) * sum(x2..xd), f2 = g * (1 - sqrt(f1/g)) (zdt1) or
               g * (1 - (f1/g)^2) (zdt2). f1 in [0, 1], f2 in [0, 10]. True front: g = 1,
               f2 = 1 - sqrt(f1) (zdt1), 1 - f1^2 (zdt2). Reference point (1.1, 11): it bounds the
               whole objective range, so every trial can count. HV of the true front there:
               1.1 * 11 - integral_0^1 (front) = 12.1 - 1/3 (zdt1), 12.1 - 2/3 (zdt2).
* dtlz2        Deb, Thiele, Laumanns & Zitzler (2002), M = 3 objectives, d = 6 (k = 4), x in [0, 1]^6,
               all minimized: g = sum_{i=3..6} (x_i - 0.5)^2, f1 = (1+g) cos(x1 pi/2) cos(x2 pi/2),
               f2 = (1+g) cos(x1 pi/2) sin(x2 pi/2), f3 = (1+g) sin(x1 pi/2). True front: the unit
               sphere's positive orthant (g = 0). Reference (1.1, 1.1, 1.1); HV of the true front
               there: 1.1^3 - pi/6.
* gardner      Gardner et al. (2014), "Bayesian optimization with inequality constraints",
               simulation 1: minimize f = cos(2 x1) cos(x2) + sin(x1) over [0, 6]^2 subject to
               c = cos(x1) cos(x2) - sin(x1) sin(x2) <= 0.5. In tune: objective "f" (MINIMIZE) and the
               safety metric "c" (MINIMIZE, threshold 0.5: safe when c <= 0.5); in Optuna:
               constraints_func -> [c - 0.5] (feasible when <= 0). f* and its argmin below were found
               by a dense grid and a local refinement (`python3 problems_multiobjective.py --optimum`).
               The constraint is NOT active at the optimum: f* = -2 is also the unconstrained minimum,
               so a strategy that ignores the safety metric loses nothing here; gardner2 is the one
               where it matters.
* gardner2     The "Gardner problem" as Ariafar et al. (ADMMBO, JMLR 2019) state it, after Gardner
               et al. (2014): minimize f = sin(x1) + x2 over [0, 6]^2 subject to
               c = sin(x1) sin(x2) <= -0.95. The safe region is two small islands (about 4 % of the
               box: around (3 pi/2, pi/2) and (pi/2, 3 pi/2)); the unconstrained minimum (x2 = 0,
               sin(x1) = -1) is unsafe, and f* lies on the constraint's boundary. In tune: "f"
               (MINIMIZE) and the safety metric "c" (MINIMIZE, threshold -0.95); in Optuna: c + 0.95.

The benchmark's score, lower is better, after each trial (best_so_far in the results files):
* several objectives: minus the hypervolume of the trials so far (only feasible ones count; the
  problems here have no constraints), against the reference point; `optimum` = minus the true
  front's hypervolume, so regret = HV(true front) - HV(trials) >= 0.
* gardner, gardner2: the best f among feasible trials so far; before any feasible trial, PENALTY =
  the largest f over the domain (2 at x = (pi/2, pi); 7 at (pi/2, 6)), so regret = f - f* and a
  run without a feasible trial scores the worst regret possible.
"""

import math

PI = math.pi


def zdt_g(x):
    s = 0.0
    for v in x[1:]:
        s += v
    return 1.0 + 9.0 / (len(x) - 1) * s


def zdt1(x):
    f1 = x[0]
    g = zdt_g(x)
    return [f1, g * (1.0 - math.sqrt(f1 / g))]


def zdt2(x):
    f1 = x[0]
    g = zdt_g(x)
    r = f1 / g
    return [f1, g * (1.0 - r * r)]


def dtlz2(x):
    g = 0.0
    for v in x[2:]:
        d = v - 0.5
        g += d * d
    a = x[0] * PI / 2.0
    b = x[1] * PI / 2.0
    return [(1.0 + g) * math.cos(a) * math.cos(b), (1.0 + g) * math.cos(a) * math.sin(b), (1.0 + g) * math.sin(a)]


def gardner(x):
    """[f], [c]: the objective and the constraint value (feasible when c <= GARDNER_THRESHOLD)."""
    x1, x2 = x
    f = math.cos(2.0 * x1) * math.cos(x2) + math.sin(x1)
    c = math.cos(x1) * math.cos(x2) - math.sin(x1) * math.sin(x2)
    return [f], [c]


GARDNER_THRESHOLD = 0.5
# `--optimum` (a 1201^2 grid on [0, 6]^2, then SLSQP from the best 20 feasible points) finds f* = -2 at
# (3 pi/2, 0), where c = 0: f >= -1 + -1 everywhere, so it is the global minimum, unique in the box (x2 = 0
# on the edge), and feasible. The largest f is 2, at (pi/2, pi): the penalty before a feasible trial
# (no trial scores worse).
GARDNER_OPT = -2.0
GARDNER_ARGMIN = [3.0 * PI / 2.0, 0.0]
GARDNER_PENALTY = 2.0


def gardner2(x):
    """[f], [c]: the objective and the constraint value (feasible when c <= GARDNER2_THRESHOLD)."""
    x1, x2 = x
    f = math.sin(x1) + x2
    c = math.sin(x1) * math.sin(x2)
    return [f], [c]


GARDNER2_THRESHOLD = -0.95
# `--optimum` (the same grid and refinement; 1.76 % of the grid is safe) finds f* = 0.253235897503375 at
# (4.71238897, 1.25323590): x1 = 3 pi/2 (sin = -1) and the smallest x2 with sin(x2) >= 0.95, i.e.
# f* = asin(0.95) - 1, on the constraint's boundary (c = -0.95 exactly in floating point there).
# The largest f is 7, at (pi/2, 6): the penalty.
GARDNER2_OPT = math.asin(0.95) - 1.0
GARDNER2_ARGMIN = [3.0 * PI / 2.0, math.asin(0.95)]
GARDNER2_PENALTY = 7.0


def _params(d, lo=0.0, hi=1.0):
    return [{"name": f"x{i + 1}", "type": "double", "low": lo, "high": hi, "log": False} for i in range(d)]


PROBLEMS = {
    "zdt1": {
        "name": "zdt1", "params": _params(4), "budget": 50, "directions": ["minimize", "minimize"],
        "reference": [1.1, 11.0], "true_hv": 12.1 - 1.0 / 3.0,
        "objectives": zdt1,
    },
    "zdt2": {
        "name": "zdt2", "params": _params(4), "budget": 50, "directions": ["minimize", "minimize"],
        "reference": [1.1, 11.0], "true_hv": 12.1 - 2.0 / 3.0,
        "objectives": zdt2,
    },
    "dtlz2": {
        "name": "dtlz2", "params": _params(6), "budget": 60, "directions": ["minimize", "minimize", "minimize"],
        "reference": [1.1, 1.1, 1.1], "true_hv": 1.1 ** 3 - PI / 6.0,
        "objectives": dtlz2,
    },
    "gardner": {
        "name": "gardner", "params": _params(2, 0.0, 6.0), "budget": 40, "directions": ["minimize"],
        "threshold": GARDNER_THRESHOLD, "optimum_f": GARDNER_OPT, "argmin": GARDNER_ARGMIN, "penalty": GARDNER_PENALTY,
        "constrained": gardner,
    },
    "gardner2": {
        "name": "gardner2", "params": _params(2, 0.0, 6.0), "budget": 40, "directions": ["minimize"],
        "threshold": GARDNER2_THRESHOLD, "optimum_f": GARDNER2_OPT, "argmin": GARDNER2_ARGMIN, "penalty": GARDNER2_PENALTY,
        "constrained": gardner2,
    },
}


def optimum(name):
    """The score's optimum: -HV(true front), or f* for the constrained one."""
    p = PROBLEMS[name]
    return -p["true_hv"] if "true_hv" in p else p["optimum_f"]


# --------------------------------------------------------------------------
# exact hypervolume (minimization), the same slicing as TuneCore's Hypervolume
# --------------------------------------------------------------------------


def hypervolume(points, reference):
    """Volume dominated by `points` (all objectives minimized) and bounded by `reference`;
    points not strictly better than the reference in every objective add nothing."""
    m = len(reference)
    boxes = []
    for p in points:
        v = [reference[i] - p[i] for i in range(m)]
        if all(c > 0 for c in v):
            boxes.append(v)
    return _union(boxes)


def _union(boxes):
    """Volume of the union of boxes [0, b] (positive coordinates)."""
    if not boxes:
        return 0.0
    m = len(boxes[0])
    if m == 1:
        return max(b[0] for b in boxes)
    if m == 2:
        s = sorted(boxes, key=lambda b: (-b[0], -b[1]))
        area, height = 0.0, 0.0
        for i, b in enumerate(s):
            height = max(height, b[1])
            nxt = s[i + 1][0] if i + 1 < len(s) else 0.0
            area += (b[0] - nxt) * height
        return area
    s = sorted(boxes, key=lambda b: -b[m - 1])
    vol, reaching = 0.0, []
    for i, b in enumerate(s):
        reaching.append(b[: m - 1])
        nxt = s[i + 1][m - 1] if i + 1 < len(s) else 0.0
        depth = b[m - 1] - nxt
        if depth > 0:
            vol += depth * _union(reaching)
    return vol


def dominates(a, b):
    return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))


def score_trajectory(name, outcomes):
    """The score after each trial (lower is better); outcomes[i] = (objectives, constraint values or [])."""
    p = PROBLEMS[name]
    out = []
    if "true_hv" in p:
        front, hv = [], 0.0
        for objs, _ in outcomes:
            inside = all(o < r for o, r in zip(objs, p["reference"]))
            if inside and not any(dominates(q, objs) or q == objs for q in front):
                front = [q for q in front if not dominates(objs, q)] + [list(objs)]
                hv = hypervolume(front, p["reference"])
            out.append(-hv)
        return out
    best = p["penalty"]
    for objs, cons in outcomes:
        if all(c <= p["threshold"] for c in cons) and objs[0] < best:
            best = objs[0]
        out.append(best)
    return out


# --------------------------------------------------------------------------
# reference values for the Swift ports; the constrained optimum
# --------------------------------------------------------------------------

REFERENCE_POINTS = {
    "zdt1": [[0.25, 0.1, 0.7, 0.3], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]],
    "zdt2": [[0.25, 0.1, 0.7, 0.3], [0.9, 0.0, 0.05, 0.0]],
    "dtlz2": [[0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [0.1, 0.9, 0.3, 0.7, 0.2, 0.4], [1.0, 0.0, 1.0, 0.0, 1.0, 0.0]],
    "gardner": [[1.0, 2.0], [4.5, 0.3], [3.0, 5.5]],
    "gardner2": [[1.0, 2.0], [4.7, 1.3], [1.6, 4.7]],
}


def find_optimum(name):
    import numpy as np
    from scipy.optimize import minimize

    p = PROBLEMS[name]
    func, threshold = p["constrained"], p["threshold"]
    g = np.linspace(0.0, 6.0, 1201)
    pts = [(a, b) for a in g for b in g]
    vals = [func([a, b]) for a, b in pts]
    F = np.array([v[0][0] for v in vals])
    C = np.array([v[1][0] for v in vals])
    print(f"{name}: max f over the grid {F.max()!r} at {pts[F.argmax()]}; safe share of the grid {np.mean(C <= threshold):.4f}")
    Ff = np.where(C <= threshold, F, np.inf)
    best = None
    for i in np.argsort(Ff)[:20]:
        r = minimize(lambda x: func(list(x))[0][0], list(pts[i]), method="SLSQP", bounds=[(0, 6), (0, 6)],
                     constraints=[{"type": "ineq", "fun": lambda x: threshold - func(list(x))[1][0]}],
                     options={"ftol": 1e-15, "maxiter": 1000})
        (f,), (c,) = func([float(v) for v in r.x])
        if c <= threshold and (best is None or f < best[0]):
            best = (f, [float(v) for v in r.x], c)
    print(f"{name}: constrained optimum f = {best[0]!r} at x = {best[1]!r} (c = {best[2]!r})")


if __name__ == "__main__":
    import sys

    if "--optimum" in sys.argv:
        find_optimum("gardner")
        find_optimum("gardner2")
        raise SystemExit(0)
    for name, pts in REFERENCE_POINTS.items():
        p = PROBLEMS[name]
        for x in pts:
            v = p["objectives"](x) if "objectives" in p else p["constrained"](x)
            print(name, x, repr(v))
