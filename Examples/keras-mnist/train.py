#!/usr/bin/env python3
"""The seed's Keras case: an MNIST multi-layer perceptron whose two dropout rates are tuned.

tune passes --dropout1=… --dropout2=… (see tuning.yml) and reads the `acc` Keras prints for each
epoch (verbose=2 prints one line per epoch: `… - acc: 0.9712 - loss: 0.0950 - val_acc: …`).
The trained model is saved in the trial's folder, $TUNE_TRIAL_DIR, which `tune collect` copies.

    pip install keras tensorflow      # or keras with the jax or torch backend
    tune python3 train.py --config tuning.yml
"""
import argparse
import os

import keras
from keras import layers

parser = argparse.ArgumentParser()
parser.add_argument("--dropout1", type=float, default=0.4)
parser.add_argument("--dropout2", type=float, default=0.3)
parser.add_argument("--units", type=int, default=128)
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--batch_size", type=int, default=128)
args = parser.parse_args()

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(args.units * 2, activation="relu"),
    layers.Dropout(args.dropout1),
    layers.Dense(args.units, activation="relu"),
    layers.Dropout(args.dropout2),
    layers.Dense(10, activation="softmax"),
])
# metrics=["acc"] makes Keras name the metric `acc`, the tag the config asks for.
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.RMSprop(), metrics=["acc"])
model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, verbose=2, validation_split=0.2)

loss, acc = model.evaluate(x_test, y_test, verbose=0)
print(f"test_loss={loss:.4f} test_acc={acc:.4f}")
model.save(os.path.join(os.environ.get("TUNE_TRIAL_DIR", "."), "model.keras"))
