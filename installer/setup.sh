#!/usr/bin/env bash
# Set up crimedesk on Debian 12: system libraries, .venv, Python packages, local map assets.
#
#   bash installer/setup.sh          # to run the app
#   bash installer/setup.sh --dev    # to run the tests (adds test tools, caches the offline bundle's
#                                    # wheels, starts local PostgreSQL)
#   bash installer/setup.sh --pg-password-rule   # only: local PostgreSQL asks crimedesk_scram_test members for passwords
#
# Idempotent: a second run skips every step whose inputs did not change (apt packages present,
# pyproject.toml hash in .venv/.setup-stamp, package-lock.json hash in node_modules/.setup-stamp,
# the pins' hash naming the bundle's wheel cache).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEV=0
ONLY_RULE=0
for arg in "$@"; do
    case "$arg" in
        --dev) DEV=1 ;;
        --pg-password-rule) ONLY_RULE=1 ;;
        -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup: unknown option $arg (use --dev, --pg-password-rule or --help)" >&2; exit 2 ;;
    esac
done

# Qt + QtWebEngine offscreen (STACK_NOTES §0), the Xvfb/xcb extras (small), PDF tools, venv support.
APT_PACKAGES=(
    libglib2.0-0 libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libx11-6 libxext6 libxfixes3
    libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 libxcb1 libxcb-dri3-0 libgbm1 libnss3
    libasound2 libbrotli1
    xvfb xauth libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
    libxcb-xfixes0 libxcb-xkb1
    poppler-utils python3-venv
)
VENV=.venv
PIP_STAMP=$VENV/.setup-stamp
WEB=resources/web
NPM_STAMP=$WEB/node_modules/.setup-stamp

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root (or sudo) for: $*"
    fi
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

missing_apt_packages() {
    local installed
    installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null | awk '$1 == "ii" {print $2}' || true)
    local pkg
    for pkg in "$@"; do
        grep -qx "$pkg" <<<"$installed" || echo "$pkg"
    done
}

install_system_packages() {
    if ! command -v dpkg-query >/dev/null; then
        say "not a Debian system: skipping apt (install the Qt runtime libraries and npm yourself)"
        return
    fi
    local wanted=("${APT_PACKAGES[@]}")
    command -v npm >/dev/null || wanted+=(nodejs npm)
    local missing
    mapfile -t missing < <(missing_apt_packages "${wanted[@]}")
    if [ "${#missing[@]}" -eq 0 ]; then
        say "system packages: all ${#wanted[@]} present, skipping apt"
        return
    fi
    say "system packages: installing ${#missing[@]} missing (${missing[*]})"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=300 update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -qq -y -o DPkg::Lock::Timeout=300 \
        install --no-install-recommends "${missing[@]}" >/dev/null
}

create_venv() {
    if [ -x "$VENV/bin/python" ]; then
        say "venv: $VENV exists ($("$VENV/bin/python" --version))"
        return
    fi
    local python
    python=$(command -v python3.11 || command -v python3 || true)
    [ -n "$python" ] || die "no python3.11 or python3 on PATH"
    say "venv: creating $VENV with $python ($("$python" --version))"
    "$python" -m venv "$VENV"
}

install_python_packages() {
    local want have=""
    want="$(sha pyproject.toml) $([ "$DEV" -eq 1 ] && echo dev || echo app)"
    [ -f "$PIP_STAMP" ] && have=$(cat "$PIP_STAMP")
    # A dev install is a superset of the app install, so it satisfies both.
    if [ "$have" = "$want" ] || [ "$have" = "${want% *} dev" ]; then
        say "python packages: up to date with pyproject.toml, skipping pip"
        return
    fi
    local target=.
    [ "$DEV" -eq 1 ] && target=".[dev]"
    say "python packages: pip install -e '$target' (a fresh venv takes about 2 minutes)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$target"
    echo "$want" >"$PIP_STAMP"
}

install_web_assets() {
    local want
    want=$(sha "$WEB/package-lock.json")
    if [ -f "$NPM_STAMP" ] && [ "$(cat "$NPM_STAMP")" = "$want" ]; then
        say "map assets: node_modules matches package-lock.json, skipping npm"
        return
    fi
    command -v npm >/dev/null || die "npm not found (apt-get install nodejs npm)"
    say "map assets: npm ci in $WEB"
    (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$NPM_STAMP"
}

# The offline-install test (tests/installer) assembles the bundle with no network from these wheels;
# downloading them is the set-up step (about 800 MB once per set of pins, in ~/.cache/crimedesk/bundle).
cache_bundle_wheels() {
    bash installer/build_bundle.sh --fetch-only | sed 's/^bundle: /setup: offline bundle: /'
}

start_postgres() {
    if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
        say "postgresql: no local cluster installed; PostgreSQL tests will skip (and fail when CI=true)"
        return
    fi
    if pg_isready -q -h 127.0.0.1 -p 5432; then
        say "postgresql: answering on 127.0.0.1:5432"
        return
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    say "postgresql: starting cluster $version/main"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    local _
    for _ in $(seq 1 20); do
        pg_isready -q -h 127.0.0.1 -p 5432 && return
        sleep 0.5
    done
    die "PostgreSQL $version/main started but does not answer on 127.0.0.1:5432"
}

# The local test cluster trusts 127.0.0.1, so it accepts any password. Logins in this group must
# give theirs (SCRAM): the wrong-password test (tests/ui/auth/test_wrong_password.py) uses one.
SCRAM_GROUP=crimedesk_scram_test
SCRAM_RULE="host all +$SCRAM_GROUP 127.0.0.1/32 scram-sha-256"

superuser_sql() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -Atqc "$1"; }

require_passwords_of_test_group() {
    if ! command -v pg_isready >/dev/null || ! pg_isready -q -h 127.0.0.1 -p 5432; then
        say "postgresql: not answering on 127.0.0.1:5432; no password rule added"
        return
    fi
    local hba
    if ! hba=$(superuser_sql "SHOW hba_file"); then
        say "postgresql: cannot connect as postgres without a password; no password rule added"
        return
    fi
    superuser_sql "DO \$\$ BEGIN CREATE ROLE $SCRAM_GROUP NOLOGIN;
        EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" || die "cannot create role $SCRAM_GROUP as postgres"
    if grep -qxF "$SCRAM_RULE" "$hba"; then
        say "postgresql: $hba asks $SCRAM_GROUP members for passwords already"
        return
    fi
    say "postgresql: adding '$SCRAM_RULE' to $hba, before its other rules, and reloading"
    local edited
    edited=$(mktemp)
    awk -v rule="$SCRAM_RULE" '!done && $0 !~ /^[[:space:]]*(#|$)/ { print rule; done = 1 } { print }
        END { if (!done) print rule }' "$hba" >"$edited"
    as_root tee "$hba" <"$edited" >/dev/null  # tee keeps the file's owner and mode
    rm -f "$edited"
    superuser_sql "SELECT pg_reload_conf()" >/dev/null
}

compile_ahead() {  # numba's Knox counter, cached beside its module: the first Knox run does not wait
    say "compiling the Knox counter"
    .venv/bin/python -c "from crimedesk.models.nearrepeat.knox import compile_ahead; compile_ahead()" ||
        die "cannot compile the Knox counter"
}

if [ "$ONLY_RULE" -eq 1 ]; then
    require_passwords_of_test_group
    exit 0
fi
say "repository $(pwd)$([ "$DEV" -eq 1 ] && echo ' (dev)')"
install_system_packages
create_venv
install_python_packages
install_web_assets
compile_ahead
if [ "$DEV" -eq 1 ]; then
    cache_bundle_wheels
    start_postgres
    require_passwords_of_test_group
fi
say "done"
