# Shared by the scripts: make .venv (once) and install the project into it (not editable).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv with $($python --version 2>&1)" >&2
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
fi
echo "installing amif-rules${1:+ with [$1]} into .venv (the first time builds durable-rules from source: about a minute)" >&2
.venv/bin/python -m pip install --quiet --disable-pip-version-check ".${1:+[$1]}" >&2
