#!/usr/bin/env python3
"""Writes small synthetic Census (UCI "adult") files for the vendored trainer.

The trainer (trainer/util.py, unchanged) ignores --train-files: it always reads
    tempfile.gettempdir()/census_data/adult.data.csv
    tempfile.gettempdir()/census_data/adult.test.csv
and downloads them from storage.googleapis.com only when they are missing.
So this script writes <out>/census_data/adult.{data,test}.csv and the trainer
is run with TMPDIR=<out> (absolute), which makes it read these local files.

Format: no header, 15 comma-separated columns with no space after the commas
(the "cleaned" format util.py produces), labels exactly "<=50K" / ">50K".
The label depends on age, education_num, hours_per_week, capital_gain,
marital_status and occupation, so it is learnable and the accuracy moves with
the hyperparameters. Deterministic (seeded).

Usage: python3 make_data.py [OUT_DIR]   (default: data/ next to this script)
Only the standard library and numpy are used.
"""
import os
import sys

import numpy as np

WORKCLASS = ['Federal-gov', 'Local-gov', 'Never-worked', 'Private', 'Self-emp-inc',
             'Self-emp-not-inc', 'State-gov', 'Without-pay']
# index = education_num - 1, as in the UCI data
EDUCATION = ['Preschool', '1st-4th', '5th-6th', '7th-8th', '9th', '10th', '11th', '12th', 'HS-grad',
             'Some-college', 'Assoc-voc', 'Assoc-acdm', 'Bachelors', 'Masters', 'Prof-school',
             'Doctorate']
MARITAL = ['Divorced', 'Married-AF-spouse', 'Married-civ-spouse', 'Married-spouse-absent',
           'Never-married', 'Separated', 'Widowed']
OCCUPATION = ['Adm-clerical', 'Armed-Forces', 'Craft-repair', 'Exec-managerial', 'Farming-fishing',
              'Handlers-cleaners', 'Machine-op-inspct', 'Other-service', 'Priv-house-serv',
              'Prof-specialty', 'Protective-serv', 'Sales', 'Tech-support', 'Transport-moving']
RELATIONSHIP = ['Husband', 'Not-in-family', 'Other-relative', 'Own-child', 'Unmarried', 'Wife']
RACE = ['Amer-Indian-Eskimo', 'Asian-Pac-Islander', 'Black', 'Other', 'White']
GENDER = ['Female', 'Male']
COUNTRY = ['United-States', 'Mexico', 'Philippines', 'Germany', 'Canada', 'India', 'England', 'China']


def make_rows(rng, n):
    rows = []
    for _ in range(n):
        age = int(rng.integers(17, 80))
        edu_num = int(rng.integers(1, 17))
        education = EDUCATION[edu_num - 1]
        hours = int(np.clip(rng.normal(40, 12), 1, 99))
        gain = int(rng.choice([0, 0, 0, 0, 0, 0, 2174, 5178, 7688, 15024]))
        loss = int(rng.choice([0, 0, 0, 0, 0, 0, 0, 1902, 1977]))
        marital = MARITAL[int(rng.integers(len(MARITAL)))]
        occupation = OCCUPATION[int(rng.integers(len(OCCUPATION)))]
        workclass = '?' if rng.random() < 0.03 else WORKCLASS[int(rng.integers(len(WORKCLASS)))]
        relationship = RELATIONSHIP[int(rng.integers(len(RELATIONSHIP)))]
        race = RACE[int(rng.choice(len(RACE), p=[0.02, 0.05, 0.1, 0.03, 0.8]))]
        gender = GENDER[int(rng.integers(2))]
        country = COUNTRY[int(rng.choice(len(COUNTRY), p=[0.8, 0.05, 0.03, 0.03, 0.03, 0.02, 0.02, 0.02]))]
        fnlwgt = int(rng.integers(20000, 500000))
        score = (0.045 * (min(age, 60) - 38) + 0.35 * (edu_num - 10) + 0.04 * (hours - 40)
                 + (1.6 if marital == 'Married-civ-spouse' else -0.6)
                 + (0.9 if occupation in ('Exec-managerial', 'Prof-specialty', 'Tech-support') else -0.2)
                 + (2.0 if gain > 5000 else 0.0) + rng.normal(0, 0.8) - 0.9)
        label = '>50K' if score > 0 else '<=50K'
        rows.append([age, workclass, fnlwgt, education, edu_num, marital, occupation, relationship,
                     race, gender, gain, loss, hours, country, label])
    return rows


def write(path, rows):
    with open(path, 'w') as f:
        for r in rows:
            f.write(','.join(str(v) for v in r) + '\n')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'data'))
    folder = os.path.join(out, 'census_data')
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(20190101)
    write(os.path.join(folder, 'adult.data.csv'), make_rows(rng, 1600))
    write(os.path.join(folder, 'adult.test.csv'), make_rows(rng, 400))
    print('wrote %s/adult.data.csv (1600 rows) and adult.test.csv (400 rows)' % folder)
    print('run the trainer with TMPDIR=%s' % out)


if __name__ == '__main__':
    main()
