#!/usr/bin/env python3
"""Writes a small synthetic "sonar" data set for the vendored PyTorch trainer.

The trainer (data_utils.py, unchanged) always reads './sonar.all-data' from its
current working directory (upstream's Dockerfile downloads it there with curl).
Format (UCI "Connectionist Bench (Sonar, Mines vs. Rocks)"): no header, 60
comma-separated features in [0, 1], then the label 'R' (rock) or 'M' (mine).

The label depends on a few bands of the 60 features plus noise, so the data is
learnable and the accuracy moves with the hyperparameters. Deterministic (seeded).

Usage: python3 make_data.py [OUT_DIR]
OUT_DIR defaults to the folder of this script (where the trainer is run from),
because the trainer reads ./sonar.all-data from its working directory.
Only the standard library and numpy are used.
"""
import os
import sys

import numpy as np

ROWS = 120  # the real data set has 208; fewer rows keep a 250-epoch trial short


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else here)
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1988)
    bands = np.linspace(0, 1, 60)
    lines = []
    for _ in range(ROWS):
        mine = rng.random() < 0.53
        # a smooth "spectrum" whose energy sits at lower bands for mines
        centre = rng.normal(0.35 if mine else 0.6, 0.12)
        spectrum = 0.6 * np.exp(-((bands - centre) ** 2) / 0.02) + rng.normal(0.1, 0.05, 60)
        x = np.clip(spectrum, 0.0, 1.0)
        lines.append(','.join('%.4f' % v for v in x) + (',M' if mine else ',R'))
    path = os.path.join(out, 'sonar.all-data')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('wrote %s (%d rows)' % (path, ROWS))


if __name__ == '__main__':
    main()
