#!/usr/bin/env python3
"""A random forest on scikit-learn's bundled digits (8×8 images of handwritten digits, 1,797 of
them: no download), tuned by tune for two objectives that pull against each other:

- `accuracy`: the validation accuracy (MAXIMIZE), on a fixed stratified 30% hold-out;
- `model_kb`: the size of the fitted model, pickled, in KB (MINIMIZE): what it costs to ship.

More and deeper trees buy accuracy with size, so there is no single best trial but a Pareto front.
It also reports `worst_recall`, the recall of the digit it recognizes worst, which tuning.yml makes
a safety metric (a model that is accurate on average but misses one digit is not acceptable), and
`n_nodes` and `fit_seconds` for information.

Every result is deterministic given the flags (fixed split and random_state, one core), except
fit_seconds. Run by hand: python3 train.py --n_estimators=50 --max_depth=10
"""
import argparse
import pickle
import time

from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, recall_score
from sklearn.model_selection import train_test_split

parser = argparse.ArgumentParser()
parser.add_argument("--n_estimators", type=int, default=20, help="number of trees")
parser.add_argument("--max_depth", type=int, default=8, help="deepest a tree may grow")
parser.add_argument("--min_samples_leaf", type=int, default=2, help="fewest training samples in a leaf")
parser.add_argument("--max_features", type=float, default=0.125, help="fraction of the 64 pixels each split looks at")
parser.add_argument("--criterion", default="gini", choices=["gini", "entropy"])
args = parser.parse_args()

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)

model = RandomForestClassifier(
    n_estimators=args.n_estimators,
    max_depth=args.max_depth,
    min_samples_leaf=args.min_samples_leaf,
    max_features=args.max_features,
    criterion=args.criterion,
    random_state=0,
    n_jobs=1,
)
start = time.perf_counter()
model.fit(X_train, y_train)
fit_seconds = time.perf_counter() - start

predicted = model.predict(X_val)
accuracy = accuracy_score(y_val, predicted)
worst_recall = min(recall_score(y_val, predicted, average=None))
model_kb = len(pickle.dumps(model, protocol=4)) / 1024
n_nodes = sum(tree.tree_.node_count for tree in model.estimators_)

# One `name=value` per line on stdout: tune reads each as a metric.
print(f"accuracy={accuracy:.4f}")
print(f"model_kb={model_kb:.1f}")
print(f"worst_recall={worst_recall:.4f}")
print(f"n_nodes={n_nodes}")
print(f"fit_seconds={fit_seconds:.3f}")
