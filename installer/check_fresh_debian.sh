#!/usr/bin/env bash
# The offline bundle on a fresh Debian 12, with no network (issue 18). Run as root:
#
#   nice bash installer/check_fresh_debian.sh BUNDLE.tar [ROOT]   # ROOT default /work/cache/debian12-root
#
# 1. Makes (once; kept in ROOT) a minimal Debian 12 root with debootstrap, plus what a desktop
#    Debian has and the bundle relies on: python3 with venv, and the Qt/QtWebEngine runtime libraries.
# 2. Copies the bundle in and, inside the root and a network namespace of its own (`unshare -n`):
#    installs it, starts the app offscreen until its window paints (a screenshot is saved),
#    imports the NYPD sample, and renders a map page (a request guard counts any request).
# Prints the archive size, the install time and the time to first paint.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUNDLE=$(realpath "$1")
ROOT=${2:-/work/cache/debian12-root}
DATA=${CRIMEDESK_SHARED_DATA:-$(realpath ../shared/data 2>/dev/null || echo /work/shared/data)}
LIBS="python3 python3-venv libglib2.0-0 libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3
libx11-6 libxext6 libxfixes3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 libxcb1
libxcb-dri3-0 libgbm1 libnss3 libasound2 libbrotli1 libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0"

if [ ! -x "$ROOT/usr/bin/python3" ]; then
    command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
    debootstrap --variant=minbase bookworm "$ROOT" http://deb.debian.org/debian
    chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $LIBS >/dev/null
fi
rm -rf "$ROOT/tmp/check" && mkdir -p "$ROOT/tmp/check/home"
cp "$BUNDLE" "$ROOT/tmp/check/bundle.tar"
cp "$DATA/nypd_complaints_historic_sample_10k.csv.gz" "$ROOT/tmp/check/"
cp installer/check_inside.py "$ROOT/tmp/check/"
echo "archive: $(du -m "$BUNDLE" | cut -f1) MB"
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"  # QtWebEngine's helper needs /proc
trap 'umount "$ROOT/proc"' EXIT
unshare -n chroot "$ROOT" env -i HOME=/tmp/check/home PATH=/usr/bin:/bin \
    QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" \
    bash -c 'set -e; cd /tmp/check; tar -xf bundle.tar; start=$(date +%s.%N)
        bash crimedesk-bundle-*/install.sh /tmp/check/app >/dev/null
        python3 -c "print(f\"install: {$(date +%s.%N) - $start:.0f} s\")"
        /tmp/check/app/venv/bin/python check_inside.py'
cp "$ROOT/tmp/check/first_window.png" docs/fresh_debian_first_window.png 2>/dev/null || true
