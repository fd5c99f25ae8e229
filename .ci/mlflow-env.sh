#!/usr/bin/env bash
# Makes .build-mlflow, a Python virtual environment with the real MLflow tracking server
# (.ci/mlflow-requirements.txt), for the end-to-end tests of tune's MLflow logging: they start
# `.build-mlflow/bin/mlflow server` on a free local port.
set -euo pipefail
exec bash "$(dirname "$0")/venv.sh" .build-mlflow .ci/mlflow-requirements.txt \
  "import mlflow; print('mlflow-env: mlflow', mlflow.__version__)"
