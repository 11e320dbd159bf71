#!/usr/bin/env bash
# C9 / I3 acceptance: the Open311 GeoReport v2 clients from PyPI (tests/open311/requirements.txt),
# used unchanged against `onegrid demo`. Creates or reuses a venv under <target>/open311-venv,
# installs the pinned clients when requirements.txt changed, and runs test_open311.py against
# the debug binary (built first if it is missing). Exits non-zero on failure.
#
# Environment:
#   ONEGRID_BIN   the binary to test (default: <target dir>/debug/onegrid)
#   PYTHON        the Python 3 to make the venv with (default: python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
BIN="${ONEGRID_BIN:-$TARGET_DIR/debug/onegrid}"
VENV="$TARGET_DIR/open311-venv"
PY="${PYTHON:-python3}"
REQ="tests/open311/requirements.txt"

if [[ ! -x "$BIN" ]]; then
    echo "no binary at $BIN; building it: cargo build -p onegrid --locked"
    cargo build -p onegrid --locked
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "creating $VENV"
    if ! "$PY" -m venv "$VENV"; then
        echo "ERROR: '$PY -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)" >&2
        rm -rf "$VENV"
        exit 1
    fi
fi
stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "installing $REQ into $VENV"
    "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet -r "$REQ"
    echo "$want" >"$stamp"
fi

ONEGRID_BIN="$BIN" exec "$VENV/bin/python" tests/open311/test_open311.py
