#!/usr/bin/env bash
# Makes a Python virtual environment from a pinned requirements file, for the tests that need the
# real third-party packages: `bash .ci/venv.sh FOLDER REQUIREMENTS CHECK`, where CHECK is Python
# that imports them and prints their versions. Kept between runs: made again only when the
# requirements change (the folder holds a copy of them once CHECK has passed).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$1
requirements=$2
check=$3
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then
  echo "$venv is up to date"
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
TF_CPP_MIN_LOG_LEVEL=2 "$venv/bin/python" -c "$check"
cp "$requirements" "$stamp"
