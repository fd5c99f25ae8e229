"""tune's own search-benchmark problems, beside shared/bench/problems.py's (issue 14).

Each stresses a way real tuning configs are declared imperfectly. Defined once here; the
Swift ports in Sources/tune-bench/StressProblems.swift follow them operation for operation,
and `tune-bench search` checks the ports against reference values computed with this file.

Parameter spec keys as in problems.py, plus:
    "scale": "reverse_log"  (DOUBLE; tune's UNIT_REVERSE_LOG_SCALE. Peers without a reverse-log
                             scale, Optuna included, get the plain linear range, as a user would write it)
    type "discrete" with "values" (tune's DISCRETE; Optuna gets a CategoricalDistribution of the numbers,
                             its documented way to take a fixed list; random search draws uniformly)
    "condition": {"parent": NAME, "values": [...]}
                            (a CONDITIONAL parameter: it is ACTIVE only when the parameter NAME, which comes
                             earlier in "params", is active and takes one of "values" (strings for a categorical
                             parent, ints for an integer one). An inactive parameter is ABSENT from the point
                             dict: it is neither drawn nor passed, and a function that needs it raises KeyError.
                             Parameters without "condition" are always active. `is_active(spec, point)` and
                             `active_names(problem, point)` below apply the rule. A problem with conditional
                             parameters has "conditional": True; run_peers_parallel.py (flat spaces) leaves it to
                             run_peers_conditional.py, which declares the tree natively for each peer.)
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


# cond_mlp: a training-like surrogate on a CONDITIONAL space (tree-structured, as real configs
# of an optimizer choice and a depth choice are). MINIMIZE, optimum 0, N = 60, 20 seeds.
#   optimizer CATEGORICAL {sgd, adam, rmsprop}
#     sgd_lr     DOUBLE [1e-4, 1] LOG        if optimizer == sgd
#     momentum   DOUBLE [0, 0.99] LINEAR     if optimizer == sgd
#     adam_lr    DOUBLE [1e-5, 1e-1] LOG     if optimizer == adam
#     beta1      DOUBLE [0.5, 0.999] LINEAR  if optimizer == adam
#     rmsprop_lr DOUBLE [1e-5, 1e-1] LOG     if optimizer == rmsprop
#   num_layers INTEGER [1, 3] LINEAR
#     units2     INTEGER [8, 1024] LOG       if num_layers in {2, 3}
#     units3     INTEGER [8, 1024] LOG       if num_layers == 3
#   units1 INTEGER [8, 1024] LOG, dropout DOUBLE [0, 0.6] LINEAR (always active)
# f (the optimizer's branch) + g (the depth's branch) + h (dropout, best 0.1 + 0.1 * (layers - 1)).
# Branch minima: sgd 0, adam 0.15, rmsprop 0.3; 2 layers 0, 3 layers 0.2, 1 layer 0.4.
# Minimum 0 at optimizer = sgd, sgd_lr = 10**-1.5, momentum = 0.9, num_layers = 2, units1 = 256,
# units2 = 64, dropout = 0.2. Reads only the active parameters (KeyError when one is missing),
# ignores any others.
# Reference values for the Swift port (repr), from Sources/tune-bench/Peers with
#   PYTHONPATH=/work/shared/bench python3 -c "from problems_tune import PROBLEMS; f=PROBLEMS['cond_mlp']['func']; print(repr(f(PROBLEMS['cond_mlp']['argmin'])),
#     repr(f({'optimizer':'adam','adam_lr':1e-2,'beta1':0.8,'num_layers':3,'units1':64,'units2':512,'units3':16,'dropout':0.5})),
#     repr(f({'optimizer':'rmsprop','rmsprop_lr':3e-5,'num_layers':1,'units1':1000,'dropout':0.05})))"
#   argmin                                                                                  -> 0.0
#   adam, adam_lr 1e-2, beta1 0.8, 3 layers of 64/512/16 units, dropout 0.5                -> 1.3600000000000003
#   rmsprop, rmsprop_lr 3e-5, 1 layer of 1000 units, dropout 0.05                           -> 1.3189143922231645
# (the third again with inactive extras 'sgd_lr': 0.5, 'units2': 8 -> the same 1.3189143922231645;
#  sgd without momentum, or 2 layers without units2 -> KeyError)
def cond_mlp(p):
    opt = str(p["optimizer"])
    if opt == "sgd":
        f = 0.8 * (math.log10(float(p["sgd_lr"])) + 1.5) ** 2 + 4.0 * (float(p["momentum"]) - 0.9) ** 2
    elif opt == "adam":
        f = 0.15 + 0.5 * (math.log10(float(p["adam_lr"])) + 3.0) ** 2 + 2.0 * (float(p["beta1"]) - 0.9) ** 2
    else:
        f = 0.3 + 0.5 * (math.log10(float(p["rmsprop_lr"])) + 3.5) ** 2
    layers = int(round(float(p["num_layers"])))
    u1 = math.log2(float(p["units1"]))
    if layers == 1:
        g = 0.4 + 0.1 * (u1 - 9) ** 2
    elif layers == 2:
        g = 0.05 * (u1 - 8) ** 2 + 0.05 * (math.log2(float(p["units2"])) - 6) ** 2
    else:
        g = 0.2 + 0.05 * (u1 - 8) ** 2 + 0.05 * (math.log2(float(p["units2"])) - 7) ** 2 + 0.05 * (math.log2(float(p["units3"])) - 5) ** 2
    h = (float(p["dropout"]) - (0.1 + 0.1 * (layers - 1))) ** 2
    return f + g + h


def is_active(spec, point):
    """Whether the parameter `spec` is active given the (parent) values already in `point`."""
    cond = spec.get("condition")
    if not cond:
        return True
    parent = cond["parent"]
    if parent not in point:
        return False  # the parent is itself inactive (or not drawn yet: parents come first)
    v = point[parent]
    if not isinstance(v, str):
        v = int(round(float(v)))
    return v in cond["values"]


def active_names(problem, point):
    """The names of the parameters active at `point` (a dict holding at least the parents' values)."""
    out = []
    seen = {}
    for s in problem["params"]:
        if is_active(s, seen):
            out.append(s["name"])
            if s["name"] in point:
                seen[s["name"]] = point[s["name"]]
    return out


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


def _when(spec, parent, values):
    """`spec`, active only when `parent` takes one of `values` (see the module doc)."""
    return {**spec, "condition": {"parent": parent, "values": list(values)}}


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
    "cond_mlp": {
        "params": [
            _c("optimizer", ["sgd", "adam", "rmsprop"]),
            _when(_d("sgd_lr", 1e-4, 1.0, log=True), "optimizer", ["sgd"]),
            _when(_d("momentum", 0.0, 0.99), "optimizer", ["sgd"]),
            _when(_d("adam_lr", 1e-5, 1e-1, log=True), "optimizer", ["adam"]),
            _when(_d("beta1", 0.5, 0.999), "optimizer", ["adam"]),
            _when(_d("rmsprop_lr", 1e-5, 1e-1, log=True), "optimizer", ["rmsprop"]),
            _i("num_layers", 1, 3),
            _i("units1", 8, 1024, log=True),
            _when(_i("units2", 8, 1024, log=True), "num_layers", [2, 3]),
            _when(_i("units3", 8, 1024, log=True), "num_layers", [3]),
            _d("dropout", 0.0, 0.6),
        ],
        "optimum": 0.0,
        "argmin": {"optimizer": "sgd", "sgd_lr": 10.0 ** -1.5, "momentum": 0.9, "num_layers": 2, "units1": 256, "units2": 64, "dropout": 0.2},
        "func": cond_mlp,
        "budgets": [60],
        "seeds": 20,
        "conditional": True,
    },
}
for _name, _p in PROBLEMS.items():
    _p["name"] = _name
    _p["kind"] = "synthetic"
    _p.setdefault("seeds", 10)
