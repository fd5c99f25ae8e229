"""Writes TensorBoard event-file fixtures with the real writers, then the readings TensorBoard's
own reader finds in them (expected.json), which tune's reader must reproduce.

Run through make_fixtures.sh (it installs the writers). Each writer gets its own folder, laid
out as a trial folder would be ($TUNE_TRIAL_DIR); values are fixed so reruns give the same
readings (file names and wall times differ).
"""
import glob
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np

out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__))
WRITERS = ["tf2", "keras", "tf1", "pytorch", "tensorboardx"]


def fresh(name):
    path = os.path.join(out, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def tf2(path):
    """tf.summary.scalar: TF2 tensor scalars with the scalars plugin; a histogram, an image and text beside them."""
    import tensorflow as tf
    writer = tf.summary.create_file_writer(path)
    with writer.as_default():
        for step in range(5):
            tf.summary.scalar("accuracy", 0.5 + 0.1 * step, step=step)
            tf.summary.scalar("metrics/loss", 1.0 / (step + 1), step=step)
            tf.summary.histogram("weights", np.linspace(-1, 1, 50) * (step + 1), step=step)
        tf.summary.image("sample", np.zeros((1, 4, 4, 3), dtype=np.float32), step=4)
        tf.summary.text("note", "hello", step=4)
    writer.close()


def keras(path):
    """Keras 3's TensorBoard callback: epoch_accuracy and epoch_loss in train/ and validation/."""
    import keras
    keras.utils.set_random_seed(1)
    x = np.random.default_rng(1).normal(size=(256, 8)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    callback = keras.callbacks.TensorBoard(log_dir=path, write_graph=False, profile_batch=0)
    model.fit(x, y, epochs=3, batch_size=64, validation_split=0.25, verbose=0, callbacks=[callback])


def tf1(path):
    """TF1-style simple_value summaries, through TensorBoard's own event writer."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter
    writer = EventFileWriter(path)
    for step in range(0, 300, 100):
        summary = summary_pb2.Summary(value=[
            summary_pb2.Summary.Value(tag="acc", simple_value=0.25 + step / 1000),
            summary_pb2.Summary.Value(tag="val_acc", simple_value=0.2 + step / 1000),
        ])
        writer.add_event(event_pb2.Event(wall_time=1_700_000_000 + step, step=step, summary=summary))
    writer.close()


def pytorch(path):
    """PyTorch's SummaryWriter: add_scalar, add_scalars (one subfolder per series), a histogram."""
    from torch.utils.tensorboard import SummaryWriter
    writer = SummaryWriter(log_dir=path)
    for step in range(4):
        writer.add_scalar("Loss/train", 1.0 / (step + 1), step)
        writer.add_scalar("Accuracy/val", 0.6 + 0.05 * step, step)
        writer.add_scalars("lr", {"group0": 0.1 / (step + 1), "group1": 0.01}, step)
        writer.add_histogram("fc.weight", np.arange(10) * step, step)
    writer.close()


def tensorboardx(path):
    """tensorboardX's SummaryWriter, with a double value."""
    from tensorboardX import SummaryWriter
    writer = SummaryWriter(logdir=path)
    for step in range(3):
        writer.add_scalar("val_accuracy", 0.7 + 0.01 * step, step)
        writer.add_scalar("loss", np.float64(0.123456789) * (step + 1), step)
    writer.close()


def expected_readings(root):
    """What TensorBoard itself reads: every scalar (both encodings), run-qualified as tune names them."""
    from tensorboard.backend.event_processing import plugin_event_accumulator as pea
    from tensorboard.util import tensor_util
    readings = []
    runs = sorted({os.path.dirname(f) for f in glob.glob(os.path.join(root, "**", "events.out.tfevents.*"), recursive=True)})
    for run_dir in runs:
        run = os.path.relpath(run_dir, root)
        acc = pea.EventAccumulator(run_dir, size_guidance={pea.TENSORS: 0})
        acc.Reload()
        for tag in sorted(acc.Tags()["tensors"]):
            if acc.SummaryMetadata(tag).plugin_data.plugin_name != "scalars":
                continue
            name = tag if run == "." else run + "/" + tag
            for event in acc.Tensors(tag):
                value = tensor_util.make_ndarray(event.tensor_proto).item()
                readings.append({"tag": name, "step": event.step, "value": float(value)})
    return readings


def damaged(source_dir):
    """Damaged copies of the tf2 file: truncated mid-record, one flipped byte, and an empty file."""
    source = glob.glob(os.path.join(source_dir, "events.out.tfevents.*"))[0]
    data = open(source, "rb").read()
    for name in ["truncated", "flipped", "empty"]:
        shutil.rmtree(os.path.join(out, name), ignore_errors=True)
        os.makedirs(os.path.join(out, name))
    open(os.path.join(out, "truncated", "events.out.tfevents.1.truncated"), "wb").write(data[:len(data) - 20])
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x40
    open(os.path.join(out, "flipped", "events.out.tfevents.1.flipped"), "wb").write(bytes(flipped))
    open(os.path.join(out, "empty", "events.out.tfevents.1.empty"), "wb").close()


expected = {}
for name in WRITERS:
    path = fresh(name)
    globals()[name](path)
    expected[name] = expected_readings(path)
damaged(os.path.join(out, "tf2"))
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
for name in WRITERS:
    print(f"{name}: {len(expected[name])} readings, tags {sorted({r['tag'] for r in expected[name]})}")
