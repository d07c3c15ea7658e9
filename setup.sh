#!/usr/bin/env bash
# Set everything up in ./.venv and build the edition from seeds/.
#   ./setup.sh              install, convert seeds/ into content/, build the site into public/
#   ./setup.sh --deps-only  only create or update .venv
set -euo pipefail
cd "$(dirname "$0")"

python=${PYTHON:-python3}
stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # A plain path entry for the working tree: the import hook of the default editable install costs every
  # command 20 ms to start.
  .venv/bin/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
  touch "$stamp"
fi
[ "${1:-}" = "--deps-only" ] && exit 0

.venv/bin/site-builder convert
echo
.venv/bin/site-builder build
echo
echo "The edition's Markdown is in content/, the site in public/ (opened as said above)."
echo "While editing: .venv/bin/site-builder serve   (rebuilds and reloads on every change)"
echo "Run the tests with ./test.sh"
