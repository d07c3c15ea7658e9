#!/usr/bin/env bash
# Run the test suite (sets up .venv first if needed). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh --deps-only
exec .venv/bin/python -m pytest "$@"
