#!/usr/bin/env python3
"""A Keras script whose metric reaches tune only through its TensorBoard logs.

It prints nothing (verbose=0): the TensorBoard callback writes epoch_accuracy and epoch_loss into
$TUNE_TRIAL_DIR/logs/train and $TUNE_TRIAL_DIR/logs/validation, and tune reads those event files
as Cloud ML does (tuning.yml asks for validation/epoch_accuracy). The data is made here, so it
runs offline.

    pip install keras tensorflow
    tune python3 train.py --config tuning.yml
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--learning_rate", type=float, default=1e-3)
parser.add_argument("--units", type=int, default=32)
parser.add_argument("--dropout", type=float, default=0.2)
parser.add_argument("--epochs", type=int, default=8)
args = parser.parse_args()

# Two noisy interleaved half-moons in 2-D, lifted to 16 features.
rng = np.random.default_rng(0)
t = rng.uniform(0, np.pi, 2000)
label = rng.integers(0, 2, 2000)
points = np.stack([np.cos(t) + label, np.sin(t) * (1 - 2 * label) + 0.5 * label], axis=1)
points += rng.normal(scale=0.25, size=points.shape)
x = np.concatenate([points, rng.normal(size=(2000, 14))], axis=1).astype("float32")
y = label.astype("float32")

keras.utils.set_random_seed(1)
model = keras.Sequential([
    keras.Input(shape=(16,)),
    keras.layers.Dense(args.units, activation="relu"),
    keras.layers.Dropout(args.dropout),
    keras.layers.Dense(args.units, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(args.learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
trial_dir = os.environ.get("TUNE_TRIAL_DIR", ".")
board = keras.callbacks.TensorBoard(log_dir=os.path.join(trial_dir, "logs"), write_graph=False, profile_batch=0)
model.fit(x, y, epochs=args.epochs, batch_size=64, validation_split=0.25, verbose=0, callbacks=[board])
model.save(os.path.join(trial_dir, "model.keras"))
