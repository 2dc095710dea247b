#!/usr/bin/env bash
# Build one archive that installs crimedesk with no network (Linux x86-64, CPython 3.11):
#
#   bash installer/build_bundle.sh [OUT_DIR]     # default OUT_DIR: dist/
#
# The archive crimedesk-bundle-<version>-linux-x86_64.tar holds: wheels/ (crimedesk and every
# dependency, at the versions pinned by the build machine's .venv, `pip freeze`), web/ (the pinned
# npm map assets, resources/web/node_modules), install.sh, crimedesk.desktop and the icon.
# Needs the network (PyPI) once, here; installer/install_offline.sh then needs none.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=${1:-dist}
PY=${PYTHON:-.venv/bin/python}
VERSION=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
NAME=crimedesk-bundle-$VERSION-linux-x86_64
mkdir -p "$STAGE/$NAME/wheels" "$OUT"

"$PY" -m pip freeze --exclude-editable | grep -v -e '^crimedesk' -e ' @ file' >"$STAGE/constraints.txt"
"$PY" -m pip wheel --no-deps --wheel-dir "$STAGE/$NAME/wheels" . -q
"$PY" -m pip download --only-binary=:all: -c "$STAGE/constraints.txt" --dest "$STAGE/$NAME/wheels" \
    "$STAGE/$NAME/wheels"/crimedesk-*.whl -q
cp "$STAGE/constraints.txt" "$STAGE/$NAME/constraints.txt"
cp -r resources/web/node_modules "$STAGE/$NAME/web"
cp installer/install_offline.sh "$STAGE/$NAME/install.sh"
cp installer/crimedesk.desktop installer/crimedesk.svg "$STAGE/$NAME/"
tar -C "$STAGE" -cf "$OUT/$NAME.tar" "$NAME"  # wheels are compressed already
echo "$OUT/$NAME.tar: $(du -m "$OUT/$NAME.tar" | cut -f1) MB, $(ls "$STAGE/$NAME/wheels" | wc -l) wheels"
