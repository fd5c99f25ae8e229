#!/usr/bin/env python3
"""Writes small synthetic NYC taxi-fare CSVs for the vendored tf.estimator trainer.

The trainer (trainer/model.py, unchanged) reads the files named by its
--train_data_paths and --eval_data_paths flags (a glob pattern is allowed) with
tf.compat.v1.decode_csv and these columns, in this order, with no header:
    fare_amount, pickuplon, pickuplat, dropofflon, dropofflat, passengers, key
(the same layout as taxi-train.csv / taxi-valid.csv in the upstream folder).

fare_amount is a base fare plus a price per (Manhattan-ish) distance plus a
small per-passenger term and noise, so the regression is learnable and the
eval average_loss moves with the hyperparameters. Deterministic (seeded).

Usage: python3 make_data.py [OUT_DIR]   (default: data/ next to this script)
Writes OUT_DIR/taxi-train.csv (2000 rows) and OUT_DIR/taxi-valid.csv (500 rows).
Only the standard library and numpy are used.
"""
import os
import sys

import numpy as np


def make_rows(rng, n, first_key):
    rows = []
    for i in range(n):
        plon, plat = rng.normal(-73.975, 0.03), rng.normal(40.75, 0.03)
        dlon, dlat = plon + rng.normal(0, 0.035), plat + rng.normal(0, 0.035)
        passengers = int(rng.choice([1, 1, 1, 1, 2, 2, 3, 4, 5, 6]))
        km = 85.0 * abs(dlon - plon) + 111.0 * abs(dlat - plat)
        fare = max(2.5, 2.5 + 1.6 * km + 0.2 * (passengers - 1) + rng.normal(0, 1.0))
        rows.append('%.2f,%.6f,%.6f,%.6f,%.6f,%.1f,%d' % (fare, plon, plat, dlon, dlat,
                                                         passengers, first_key + i))
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'data'))
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2018)
    for name, n, key in (('taxi-train.csv', 2000, 0), ('taxi-valid.csv', 500, 100000)):
        with open(os.path.join(out, name), 'w') as f:
            f.write('\n'.join(make_rows(rng, n, key)) + '\n')
    print('wrote %s/taxi-train.csv (2000 rows) and taxi-valid.csv (500 rows)' % out)


if __name__ == '__main__':
    main()
