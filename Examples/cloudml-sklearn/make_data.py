#!/usr/bin/env python3
"""Writes small synthetic Covertype CSVs for the vendored scikit-learn trainer.

The trainer (train.py, unchanged) reads the files named by its
--training_dataset_path and --validation_dataset_path flags with pandas.
Format (the BigQuery export of the UCI Covertype data used by Google's
covertype labs): a header line, then 10 numeric columns, the two categorical
columns Wilderness_Area and Soil_Type (strings) and the label Cover_Type (0-6).
train.py takes columns 0-9 as numeric and 10-11 as categorical by position.

Cover_Type depends on Elevation, the distances and Wilderness_Area plus noise,
so the data is learnable and the accuracy moves with alpha / max_iter.
Every category of the validation file also occurs in the training file
(the trainer's OneHotEncoder rejects unknown categories). Deterministic (seeded).

Usage: python3 make_data.py [OUT_DIR]   (default: data/ next to this script)
Writes OUT_DIR/training.csv and OUT_DIR/validation.csv.
Only the standard library and numpy are used.
"""
import os
import sys

import numpy as np

COLUMNS = ['Elevation', 'Aspect', 'Slope', 'Horizontal_Distance_To_Hydrology',
           'Vertical_Distance_To_Hydrology', 'Horizontal_Distance_To_Roadways', 'Hillshade_9am',
           'Hillshade_Noon', 'Hillshade_3pm', 'Horizontal_Distance_To_Fire_Points',
           'Wilderness_Area', 'Soil_Type', 'Cover_Type']
AREAS = ['Rawah', 'Neota', 'Commanche', 'Cache']
SOILS = ['C2702', 'C2703', 'C2704', 'C2705', 'C2706', 'C2717', 'C3501', 'C3502', 'C4201',
         'C4703', 'C4704', 'C4744', 'C4758', 'C5101', 'C6101', 'C6102', 'C6731', 'C7101',
         'C7102', 'C7103', 'C7201', 'C7202', 'C7700', 'C7701', 'C7702', 'C7709', 'C7710',
         'C7745', 'C7746', 'C7755', 'C7756', 'C7757', 'C7790', 'C8703', 'C8707', 'C8708',
         'C8771', 'C8772', 'C8776']


def make_rows(rng, n):
    rows = []
    for i in range(n):
        area = AREAS[i % len(AREAS)] if i < len(AREAS) else AREAS[int(rng.integers(len(AREAS)))]
        soil = SOILS[i % len(SOILS)] if i < len(SOILS) else SOILS[int(rng.integers(len(SOILS)))]
        elevation = int(rng.normal(2950, 280))
        aspect = int(rng.integers(0, 360))
        slope = int(rng.integers(0, 45))
        h_hydro = int(abs(rng.normal(270, 210)))
        v_hydro = int(rng.normal(45, 58))
        h_road = int(abs(rng.normal(2350, 1560)))
        shade9, shade12, shade3 = (int(rng.integers(100, 255)) for _ in range(3))
        h_fire = int(abs(rng.normal(1980, 1320)))
        # 7 cover types, mostly decided by elevation bands, shifted by area and distances
        z = ((elevation - 2950) / 280.0 + 0.3 * AREAS.index(area) - 0.6
             + 0.25 * (h_road - 2350) / 1560.0 - 0.2 * (h_hydro - 270) / 210.0
             + rng.normal(0, 0.2))
        cover = int(np.clip(np.floor(z * 1.3 + 3.5), 0, 6))
        rows.append([elevation, aspect, slope, h_hydro, v_hydro, h_road, shade9, shade12, shade3,
                     h_fire, area, soil, cover])
    return rows


def write(path, rows):
    with open(path, 'w') as f:
        f.write(','.join(COLUMNS) + '\n')
        for r in rows:
            f.write(','.join(str(v) for v in r) + '\n')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'data'))
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(581012)
    write(os.path.join(out, 'training.csv'), make_rows(rng, 2000))
    # validation rows only use categories that the training rows already contain
    write(os.path.join(out, 'validation.csv'), make_rows(rng, 500))
    print('wrote %s/training.csv (2000 rows) and validation.csv (500 rows)' % out)


if __name__ == '__main__':
    main()
