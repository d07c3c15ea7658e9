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
  .venv/bin/python -m pip install --quiet -e '.[test]'
  touch "$stamp"
fi
[ "${1:-}" = "--deps-only" ] && exit 0

.venv/bin/site-builder convert
echo
.venv/bin/site-builder build
echo
echo "The edition's Markdown is in content/, the site in public/."
echo "Open public/index.html in a browser (it works from disk), or serve it:"
echo "  python3 -m http.server -d public    # then http://localhost:8000/"
echo "Run the tests with ./test.sh"
