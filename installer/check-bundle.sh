#!/usr/bin/env bash
# Smoke-test a PyInstaller build in a bare environment: the CLI on a new SQLite file,
# demo data, stats, a chart (matplotlib), a sitrep PDF (reportlab), then the GUI offscreen
# until its first painted rows.   bash installer/check-bundle.sh [dist/posko-desk]
set -euo pipefail
DIST=$(cd "${1:-dist/posko-desk}" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export LANG=C.UTF-8 POSKO_DATA_DIR="$WORK/data" QT_QPA_PLATFORM=offscreen
DB="$WORK/posko.sqlite3"
cd "$WORK"   # nothing from the source tree is on the path
"$DIST/posko" --version
"$DIST/posko" --db "$DB" init --site 33 --site-name "Posko Desk Pilkada Provinsi Jawa Tengah" --training
"$DIST/posko" --db "$DB" incident add --regency 33.74 --title "Uji paket" --category A1 \
  --severity tinggi --occurred "2024-11-27 08:00"
"$DIST/posko" --db "$DB" demo-data --incidents 2000 --days 30 --end-date 2024-11-30 --seed 1
"$DIST/posko" --db "$DB" stats --by severity --format csv
"$DIST/posko" --db "$DB" chart tilemap --out "$WORK/tilemap.png"
"$DIST/posko" --db "$DB" sitrep --date 2024-11-28 --out "$WORK/sitrep.pdf"
"$DIST/posko-desktop" --db "$DB" --exit-after-first-paint
echo "bundle OK: $DIST"
