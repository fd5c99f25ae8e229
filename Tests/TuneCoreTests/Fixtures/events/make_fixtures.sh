#!/usr/bin/env bash
# Regenerates the event-file fixtures with the real writers (TensorFlow 2, Keras 3's TensorBoard
# callback, TensorBoard's own TF1-style writer, PyTorch's SummaryWriter, tensorboardX) and the
# expected readings with TensorBoard's own reader. Installs what it needs into a venv (PyPI only).
#   Tests/TuneCoreTests/Fixtures/events/make_fixtures.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${TUNE_FIXTURE_VENV:-/tmp/tune-fixture-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check tensorflow-cpu tensorboardX torch
"$venv/bin/python" "$here/make_fixtures.py" "$here"
