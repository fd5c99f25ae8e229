"""tune's own search-benchmark problems, beside shared/bench/problems.py's (issue 14).

Each stresses a way real tuning configs are declared imperfectly. Defined once here; the
Swift ports in Sources/tune-bench/StressProblems.swift follow them operation for operation,
and `tune-bench search` checks the ports against reference values computed with this file.

Parameter spec keys as in problems.py, plus:
    "scale": "reverse_log"  (DOUBLE; tune's UNIT_REVERSE_LOG_SCALE. Peers without a reverse-log
                             scale, Optuna included, get the plain linear range, as a user would write it)
    type "discrete" with "values" (tune's DISCRETE; Optuna gets a CategoricalDistribution of the numbers,
                             its documented way to take a fixed list; random search draws uniformly)
"""

import math

from problems import PROBLEMS as _BASE, hartmann6 as _h6, mixed as _mixed

H6_OPT = -3.32237
H6_ARGMIN = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]

_LN_HALF = math.log(0.5)
_LN_TINY = math.log(1e-4)


def _decade(p):
    """x in [0, 1] for p in [1e-4, 1] that lives on log10: x = 1 + log10(p)/4."""
    return 1.0 + math.log10(p) / 4.0


def _one_minus(m):
    """x in [0, 1] for m in [0.5, 0.9999] that lives on log(1 - m): 0 at m = 0.5, 1 at 0.9999."""
    return (math.log(1.0 - m) - _LN_HALF) / (_LN_TINY - _LN_HALF)


# mixed_linlr: shared/bench's `mixed` with its learning rate declared on a LINEAR scale
# (the optimum lr = 1e-4 sits at 0.09 % of [1e-5, 0.1]).
def mixed_linlr(p):
    return _mixed(p)


# hartmann6_skewed: Hartmann-6 where four coordinates are declared badly:
#   a1, a2 DOUBLE [1e-4, 1] LINEAR but the function lives on log10 (x = 1 + log10(a)/4);
#   m3 DOUBLE [0.5, 0.9999] REVERSE_LOG, m4 DOUBLE [0.5, 0.9999] LINEAR, both living on log(1 - m);
#   x5, x6 LINEAR [0, 1] as declared.
# Optimum -3.32237 at a1 = 6.4e-4, a2 = 4.0e-4 (bottom 0.06 %), m3 = 0.9914 (top 1.7 %), m4 = 0.952.
def hartmann6_skewed(p):
    x = [
        _decade(float(p["a1"])),
        _decade(float(p["a2"])),
        _one_minus(float(p["m3"])),
        _one_minus(float(p["m4"])),
        float(p["x5"]),
        float(p["x6"]),
    ]
    return _h6({"x%d" % (j + 1): v for j, v in enumerate(x)})


def _skewed_argmin():
    a = lambda x: 10.0 ** (4.0 * (x - 1.0))
    m = lambda x: 1.0 - math.exp(_LN_HALF + x * (_LN_TINY - _LN_HALF))
    x = H6_ARGMIN
    return {"a1": a(x[0]), "a2": a(x[1]), "m3": m(x[2]), "m4": m(x[3]), "x5": x[4], "x6": x[5]}


# trainlike: a training-like surrogate declared the way real configs are:
#   lr LOG [1e-5, 1], weight_decay LOG [1e-7, 0.1], momentum REVERSE_LOG [0.5, 0.9999],
#   batch_size DISCRETE 16..1024 (powers of two), activation CATEGORICAL, dropout LINEAR [0, 0.7],
#   layers INTEGER [1, 6].
# Interactions: the step that matters is lr / (1 - momentum), scaled with the batch (linear
# scaling rule); momentum also matters alone (best 0.99); the best dropout grows with depth.
# Minimum 0 at lr = 5e-4, momentum = 0.99, batch 128, gelu, weight_decay 1e-4, layers 4, dropout 0.2.
_ACT = {"relu": 0.05, "gelu": 0.0, "tanh": 0.25, "sigmoid": 0.6}


def trainlike(p):
    lr = float(p["lr"])
    wd = float(p["weight_decay"])
    m = float(p["momentum"])
    batch = float(p["batch_size"])
    act = str(p["activation"])
    dropout = float(p["dropout"])
    layers = int(round(float(p["layers"])))
    step = math.log10(lr / (1.0 - m)) - math.log10(batch / 256.0) + 1.0
    mom = math.log10(1.0 - m) + 2.0
    w = math.log10(wd) + 4.0
    b = math.log2(batch / 128.0)
    d = dropout - 0.05 * layers
    k = layers - 4.0
    return 0.5 * (step * step) + 0.3 * (mom * mom) + 0.05 * (w * w) + 0.05 * (b * b) + _ACT[act] + 2.0 * (d * d) + 0.08 * (k * k)


# embedded20: Hartmann-6 on 6 of 20 LINEAR [0, 1] parameters (x3, x7, x8, x12, x15, x19);
# the other 14 do nothing. N = 100.
EMBEDDED_ACTIVE = [3, 7, 8, 12, 15, 19]


def embedded20(p):
    return _h6({"x%d" % (j + 1): float(p["x%d" % i]) for j, i in enumerate(EMBEDDED_ACTIVE)})


def _d(name, low, high, log=False, scale=None):
    s = {"name": name, "type": "double", "low": low, "high": high, "log": log}
    if scale:
        s["scale"] = scale
    return s


def _i(name, low, high, log=False):
    return {"name": name, "type": "integer", "low": low, "high": high, "log": log}


def _c(name, choices):
    return {"name": name, "type": "categorical", "choices": list(choices)}


def _disc(name, values):
    return {"name": name, "type": "discrete", "values": list(values)}


_mixed_params = [dict(s) for s in _BASE["mixed"]["params"]]
for s in _mixed_params:
    if s["name"] == "lr":
        s["log"] = False

PROBLEMS = {
    "mixed_linlr": {
        "params": _mixed_params,
        "optimum": 0.0,
        "argmin": dict(_BASE["mixed"]["argmin"]),
        "func": mixed_linlr,
        "budgets": [50],
    },
    "hartmann6_skewed": {
        "params": [
            _d("a1", 1e-4, 1.0),
            _d("a2", 1e-4, 1.0),
            _d("m3", 0.5, 0.9999, scale="reverse_log"),
            _d("m4", 0.5, 0.9999),
            _d("x5", 0.0, 1.0),
            _d("x6", 0.0, 1.0),
        ],
        "optimum": H6_OPT,
        "argmin": _skewed_argmin(),
        "func": hartmann6_skewed,
        "budgets": [50],
    },
    "trainlike": {
        "params": [
            _d("lr", 1e-5, 1.0, log=True),
            _d("weight_decay", 1e-7, 0.1, log=True),
            _d("momentum", 0.5, 0.9999, scale="reverse_log"),
            _disc("batch_size", [16, 32, 64, 128, 256, 512, 1024]),
            _c("activation", ["relu", "gelu", "tanh", "sigmoid"]),
            _d("dropout", 0.0, 0.7),
            _i("layers", 1, 6),
        ],
        "optimum": 0.0,
        "argmin": {"lr": 5e-4, "weight_decay": 1e-4, "momentum": 0.99, "batch_size": 128, "activation": "gelu", "dropout": 0.2, "layers": 4},
        "func": trainlike,
        "budgets": [50],
    },
    "embedded20": {
        "params": [_d("x%d" % i, 0.0, 1.0) for i in range(1, 21)],
        "optimum": H6_OPT,
        "argmin": {**{"x%d" % i: 0.5 for i in range(1, 21)}, **{"x%d" % i: H6_ARGMIN[j] for j, i in enumerate(EMBEDDED_ACTIVE)}},
        "func": embedded20,
        "budgets": [100],
    },
}
for _name, _p in PROBLEMS.items():
    _p["name"] = _name
    _p["kind"] = "synthetic"
    _p["seeds"] = 10
