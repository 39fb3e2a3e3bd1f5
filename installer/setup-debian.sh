#!/usr/bin/env bash
# Set up Posko Desk on a fresh Debian 12 machine (or update an existing checkout).
#   bash installer/setup-debian.sh          system packages, .venv, the app, compiled catalogue
#   bash installer/setup-debian.sh --test   the same plus test tools, then ruff, mypy, the whole
#                                           suite and the time-sensitive tests at two shifted clocks
# Runs apt-get through sudo when not root. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
PYTHON=${PYTHON:-python3}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Qt's shared libraries (offscreen and X11), fonts config, and for tests PostgreSQL + Xvfb.
packages=(python3 python3-venv libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libglib2.0-0
          libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
          libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0)
if [ "$mode" = "--test" ]; then
  # lintian, patchelf, nsis: tests/installer builds the .deb and compiles the Windows installer;
  # icu-devtools, gcc: the bundle's trimmed ICU data (installer/icu_trim.py) and its test
  packages+=(postgresql xvfb xauth poppler-utils lintian patchelf nsis icu-devtools gcc)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$mode" = "--test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
.venv/bin/python installer/i18n.py compile

if [ "$mode" = "--test" ]; then
  .venv/bin/ruff check .
  .venv/bin/mypy  # files and strictness: [tool.mypy] in pyproject.toml
  # The whole suite on every core, then the time-sensitive tests again with the clock at
  # 23:30 UTC (TZ=UTC) and 00:00 UTC (TZ=Asia/Jakarta), where UTC and WIB days differ
  # (tests/any_hour.py; the full 7-hour x 2-zone matrix: python tests/any_hour.py).
  .venv/bin/python -m pytest -n auto "${@:2}"
  .venv/bin/python tests/any_hour.py --ci
fi
