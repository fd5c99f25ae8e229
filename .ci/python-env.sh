#!/usr/bin/env bash
# Makes .build-python, a Python virtual environment with the real ML packages the Cloud ML trainer
# examples need (.ci/python-requirements.txt), for their end-to-end tests. Kept between runs: made
# again only when the requirements change. About 700 MB of wheels from PyPI on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build-python
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && cmp -s .ci/python-requirements.txt "$stamp"; then
  echo "python-env: $venv is up to date"
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r .ci/python-requirements.txt
TF_CPP_MIN_LOG_LEVEL=2 "$venv/bin/python" -c "import tensorflow, torch, sklearn, xgboost, hypertune, fire; print('python-env: tensorflow', tensorflow.__version__, 'torch', torch.__version__)"
cp .ci/python-requirements.txt "$stamp"
