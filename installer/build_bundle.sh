#!/usr/bin/env bash
# Build one archive that installs crimedesk with no network (Linux x86-64, CPython 3.11):
#
#   bash installer/build_bundle.sh [OUT_DIR]            # fetch (network, cached) + assemble; OUT_DIR dist/
#   bash installer/build_bundle.sh --fetch-only         # only fill the wheel cache (setup.sh --dev)
#   bash installer/build_bundle.sh --offline OUT_DIR    # only assemble, from the cache, with no network
#
# The archive crimedesk-bundle-<version>-linux-x86_64.tar holds: wheels/ (crimedesk and every
# dependency, at the versions pinned by the build machine's .venv, `pip freeze`), web/ (the pinned
# npm map assets, resources/web/node_modules), install.sh, crimedesk.desktop and the icon.
# The dependency wheels (and the build backend's) are downloaded once per set of pins into
# $CRIMEDESK_BUNDLE_CACHE (default ~/.cache/crimedesk/bundle/<key>; a key unused for a week goes);
# crimedesk's own wheel and the archive are made afresh from the checkout every time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MODE=all
case "${1:-}" in
    --fetch-only) MODE=fetch; shift ;;
    --offline) MODE=offline; shift ;;
esac
OUT=${1:-dist}
PY=${PYTHON:-.venv/bin/python}
CACHE=${CRIMEDESK_BUNDLE_CACHE:-$HOME/.cache/crimedesk/bundle}
VERSION=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
NAME=crimedesk-bundle-$VERSION-linux-x86_64
mkdir -p "$STAGE/$NAME/wheels"

"$PY" -m pip freeze --exclude-editable | grep -v -e '^crimedesk' -e ' @ file' >"$STAGE/constraints.txt"
# The key: the pins and crimedesk's own requirements (a new one may be pinned in .venv already).
KEY=$({ cat "$STAGE/constraints.txt"
        "$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["dependencies"])'
      } | sha256sum | cut -c1-16)
WHEELS=$CACHE/$KEY

# From a copy of the sources: setuptools builds in the tree, and its build/ keeps (and packs) modules
# deleted since the last build; the copy also leaves the checkout alone while the tests run.
mkdir "$STAGE/src"
tar -c --exclude=__pycache__ pyproject.toml README.md crimedesk | tar -x -C "$STAGE/src"
build_crimedesk() { "$PY" -m pip wheel --no-deps -q --wheel-dir "$1" "${@:2}" "$STAGE/src"; }

if [ "$MODE" != offline ] && [ ! -f "$WHEELS/.complete" ]; then
    echo "bundle: downloading the dependency wheels into $WHEELS (about 800 MB)"
    rm -rf "$WHEELS.part" && mkdir -p "$WHEELS.part"
    build_crimedesk "$STAGE/own"
    "$PY" -m pip download --only-binary=:all: -c "$STAGE/constraints.txt" --dest "$WHEELS.part" -q \
        "$STAGE"/own/crimedesk-*.whl "setuptools>=69" wheel  # the build backend: for --offline
    rm -f "$WHEELS.part"/crimedesk-*.whl
    touch "$WHEELS.part/.complete"
    mv "$WHEELS.part" "$WHEELS"
    # Other pins (other checkouts on the machine may use them): deleted after a week unused.
    find "$CACHE" -mindepth 1 -maxdepth 1 ! -name "$KEY" -mtime +7 -exec rm -rf {} +
elif [ "$MODE" = fetch ]; then
    echo "bundle: dependency wheels cached in $WHEELS, skipping pip download"
fi
[ -d "$WHEELS" ] && touch "$WHEELS"  # in use (see the clean-up above)
[ "$MODE" = fetch ] && exit 0
if [ ! -f "$WHEELS/.complete" ]; then
    echo "bundle: no wheels cached for these pins in $WHEELS (run installer/setup.sh --dev)" >&2
    exit 3
fi

# From here on, only the cache: no index, and no pip configuration that could add another source.
export PIP_CONFIG_FILE=/dev/null
build_crimedesk "$STAGE/$NAME/wheels" --no-index --find-links "$WHEELS"
"$PY" -m pip download --no-index --find-links "$WHEELS" --only-binary=:all: -c "$STAGE/constraints.txt" \
    --dest "$STAGE/$NAME/wheels" -q "$STAGE/$NAME/wheels"/crimedesk-*.whl
cp "$STAGE/constraints.txt" "$STAGE/$NAME/constraints.txt"
cp -r resources/web/node_modules "$STAGE/$NAME/web"
cp installer/install_offline.sh "$STAGE/$NAME/install.sh"
cp installer/crimedesk.desktop installer/crimedesk.svg "$STAGE/$NAME/"
mkdir -p "$OUT"
tar -C "$STAGE" -cf "$OUT/$NAME.tar" "$NAME"  # wheels are compressed already
echo "$OUT/$NAME.tar: $(du -m "$OUT/$NAME.tar" | cut -f1) MB, $(ls "$STAGE/$NAME/wheels" | wc -l) wheels"
