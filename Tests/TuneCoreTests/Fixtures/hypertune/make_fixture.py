#!/usr/bin/env python3
"""Writes a cloudml-hypertune metric file with the real package (pip install cloudml-hypertune).

Usage: python3 make_fixture.py OUTPUT_PATH

The package reads CLOUD_ML_HP_METRIC_FILE and CLOUD_ML_TRIAL_ID when HyperTune() is made, and
rewrites the whole file on every report; the file left at the end is the fixture
(Tests/TuneCoreTests/Fixtures/hypertune/output.metric).
"""
import os
import sys
import time


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_fixture.py OUTPUT_PATH")
    path = os.path.abspath(sys.argv[1])
    if os.path.exists(path):
        os.remove(path)
    os.environ["CLOUD_ML_HP_METRIC_FILE"] = path
    os.environ["CLOUD_ML_TRIAL_ID"] = "7"

    import hypertune

    ht = hypertune.HyperTune()
    # With global_step.
    ht.report_hyperparameter_tuning_metric(
        hyperparameter_metric_tag="accuracy", metric_value=0.81, global_step=100)
    time.sleep(0.01)
    ht.report_hyperparameter_tuning_metric(
        hyperparameter_metric_tag="accuracy", metric_value=0.87, global_step=200,
        checkpoint_path="/tmp/ckpt-200")
    time.sleep(0.01)
    # Without global_step: the package writes "0".
    ht.report_hyperparameter_tuning_metric(
        hyperparameter_metric_tag="accuracy", metric_value=0.9)
    time.sleep(0.01)
    # No tag: the package's default tag, training/hptuning/metric.
    ht.report_hyperparameter_tuning_metric(
        hyperparameter_metric_tag=None, metric_value=0.42)
    time.sleep(0.01)
    ht.report_hyperparameter_tuning_metric(
        hyperparameter_metric_tag="", metric_value="1e-05", global_step=3)
    time.sleep(0.01)
    # A non-finite value: str(float("nan")) is "nan".
    ht.report_hyperparameter_tuning_metric(
        hyperparameter_metric_tag="loss", metric_value=float("nan"))


if __name__ == "__main__":
    main()
