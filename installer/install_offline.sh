#!/usr/bin/env bash
# Install crimedesk from this unpacked bundle alone (no network): a venv with every wheel, the map
# assets, a launcher and a desktop entry with its icon for the user.
#
#   bash install.sh [PREFIX]        # default PREFIX: ~/.local/share/crimedesk
#
# Needs CPython 3.11 with venv (Debian 12: python3 python3-venv) and the Qt runtime libraries a
# desktop has (libgl1 libegl1 libxkbcommon0 libnss3 libfontconfig1 libdbus-1-3 ...).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX=${1:-$HOME/.local/share/crimedesk}
BIN=${XDG_BIN_HOME:-$HOME/.local/bin}
APPS=${XDG_DATA_HOME:-$HOME/.local/share}/applications
ICONS=${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps
PYTHON=${PYTHON:-python3}
export PIP_CONFIG_FILE=/dev/null  # the archive alone: no pip.conf may add an index or find-links

"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' ||
    { echo "install: this bundle is for CPython 3.11" >&2; exit 1; }
mkdir -p "$PREFIX" "$BIN" "$APPS" "$ICONS"
"$PYTHON" -m venv "$PREFIX/venv"
"$PREFIX/venv/bin/python" -m pip install --no-index --find-links "$HERE/wheels" \
    -c "$HERE/constraints.txt" crimedesk -q
"$PREFIX/venv/bin/python" -c \
    "from crimedesk.models.nearrepeat.knox import compile_ahead; compile_ahead()"  # Knox counter
rm -rf "$PREFIX/web" && cp -r "$HERE/web" "$PREFIX/web"
cat >"$PREFIX/main.py" <<'PY'
import sys

if __name__ == "__main__":  # processes spawned by the app re-import this module
    from crimedesk.ui.app import main

    sys.exit(main())
PY
cat >"$BIN/crimedesk-app" <<SH
#!/bin/sh
export CRIMEDESK_WEB_ASSETS="$PREFIX/web"
exec "$PREFIX/venv/bin/python" "$PREFIX/main.py" "\$@"
SH
cat >"$BIN/crimedesk" <<SH
#!/bin/sh
export CRIMEDESK_WEB_ASSETS="$PREFIX/web"
exec "$PREFIX/venv/bin/crimedesk" "\$@"
SH
chmod +x "$BIN/crimedesk-app" "$BIN/crimedesk"
sed "s|^Exec=.*|Exec=$BIN/crimedesk-app|" "$HERE/crimedesk.desktop" >"$APPS/crimedesk.desktop"
cp "$HERE/crimedesk.svg" "$ICONS/crimedesk.svg"
echo "install: crimedesk in $PREFIX; start it with $BIN/crimedesk-app (or from the desktop menu)"
