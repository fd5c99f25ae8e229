#!/usr/bin/env bash
# Makes .build-mlflow, a Python virtual environment with the real MLflow tracking server
# (.ci/mlflow-requirements.txt), for the end-to-end tests of tune's MLflow logging: they start
# `.build-mlflow/bin/mlflow server` on a free local port. Kept between runs: made again only when
# the requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build-mlflow
stamp="$venv/.requirements"
if [ -x "$venv/bin/mlflow" ] && cmp -s .ci/mlflow-requirements.txt "$stamp"; then
  echo "mlflow-env: $venv is up to date"
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r .ci/mlflow-requirements.txt
"$venv/bin/python" -c "import mlflow; print('mlflow-env: mlflow', mlflow.__version__)"
cp .ci/mlflow-requirements.txt "$stamp"
