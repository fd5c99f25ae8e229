#!/usr/bin/env bash
# Makes .build-python, a Python virtual environment with the real ML packages the Cloud ML trainer
# examples need (.ci/python-requirements.txt), for their end-to-end tests, and TensorBoard's own
# reader for the HParams tests. About 700 MB of wheels from PyPI on a fresh machine.
set -euo pipefail
exec bash "$(dirname "$0")/venv.sh" .build-python .ci/python-requirements.txt \
  "import tensorflow, torch, sklearn, xgboost, hypertune, fire, tensorboard; print('python-env: tensorflow', tensorflow.__version__, 'torch', torch.__version__, 'tensorboard', tensorboard.__version__)"
