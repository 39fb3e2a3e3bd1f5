#!/usr/bin/env bash
# Make upgrade data of record with the CLI of an older commit (tests/data/README.md).
#
#   bash tests/data/make_release_data.sh COMMIT OUTDIR
#
# Takes the source of COMMIT from this repository (git archive, into a temporary folder
# outside the repository), runs its own `posko` CLI with this worktree's .venv (same
# dependencies) under a fixed clock (faketime), and leaves in OUTDIR:
#   province.sqlite3  the province (33) database: demo and hand-made incidents, accounts,
#                     audit trail, an export/import exchange with a regency office, so
#                     sync_key, sync_package, sync_watermark, sync_base and sync_log rows
#   office.posko      a full package from the regency office 33.22 to the province
#   office.poskokey   the office's public key (to trust it before importing the package)
#   counts.json       rows per table of province.sqlite3, the package's manifest counts
set -euo pipefail

COMMIT=${1:?commit}
OUT=$(realpath -m "${2:?output folder}")
REPO=$(git rev-parse --show-toplevel)
PY="$REPO/.venv/bin/python"
WORK=$(mktemp -d /tmp/posko-release-data.XXXXXX)
mkdir -p "$OUT" "$WORK/src"
git -C "$REPO" archive "$COMMIT" | tar -x -C "$WORK/src"
(cd "$WORK/src" && "$PY" installer/i18n.py compile >/dev/null)
export FAKETIME_DONT_RESET=1
export TZ=UTC
CLOCK="2024-12-01 01:00:00"  # 08:00 WIB, the morning after the demo period

posko() {  # posko SITE ARGS...: the old CLI on SITE's database and data folder
  local site=$1
  shift
  (cd "$WORK/src" && env PYTHONPATH="$WORK/src" POSKO_DATA_DIR="$WORK/$site" \
    POSKO_PASSWORD="rahasia-$site-1" faketime -f "@$CLOCK" "$PY" -m posko_desktop --lang en \
    --db "$WORK/$site.sqlite3" --user admin "$@")
}

old_code() {  # old_code SITE PYTHON: a few lines of the old code's services (no CLI command
  # deletes an incident or attaches a file), as admin on SITE's database
  local site=$1
  (cd "$WORK/src" && env PYTHONPATH="$WORK/src" faketime -f "@$CLOCK" "$PY" -c "
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents as inc
ctx = AppContext(open_database('$WORK/$site.sqlite3'), Actor('admin', 'admin', 'Admin'))
def find(number):
    return inc.resolve_ref(ctx, number)
$2
ctx.db.dispose()
")
}

short_fingerprint() {  # as read over the phone: the one the .poskokey file names
  "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["fingerprint"])' "$1"
}

# the old code runs, not this worktree's (python -m puts the current folder first)
(cd "$WORK/src" && PYTHONPATH="$WORK/src" "$PY" -c 'import posko_desktop, sys; sys.exit(not posko_desktop.__file__.startswith(sys.argv[1]))' "$WORK/src")

for site in province office; do
  code=$([ $site = province ] && echo 33 || echo 33.22)
  name=$([ $site = province ] && echo "Posko Desk Pilkada Provinsi Jawa Tengah" || echo "Posko Kab. Semarang")
  posko $site init --site "$code" --site-name "$name" --admin-user admin \
    --admin-password "rahasia-$site-1" --admin-name "Admin $code"
  posko $site user add operator1 --role operator --name "Rina Operator" --password "op-rahasia-1"
  posko $site user add supervisor1 --role supervisor --name "Anik Supervisor" \
    --password "sup-rahasia-1" --no-forced-change
  posko $site keys export --out "$WORK/$site.poskokey"
done
# newer CLIs (training mode) put demo data into a live database only when forced
LIVE=$(posko province demo-data --help | grep -q -- --allow-live-database && echo --allow-live-database || true)
posko province demo-data --incidents 70 --days 30 --end-date 2024-11-30 --seed 6 $LIVE
posko office demo-data --incidents 50 --days 30 --end-date 2024-11-30 --seed 7 $LIVE
posko province keys import "$WORK/office.poskokey" --fingerprint "$(short_fingerprint "$WORK/office.poskokey")"
posko office keys import "$WORK/province.poskokey" --fingerprint "$(short_fingerprint "$WORK/province.poskokey")"

# hand-made records with awkward text on both sides
posko office incident add --regency 33.22 --title 'Baliho "paslon 02" dirusak \ dicoret' \
  --category E1 --severity sedang --occurred "2024-11-30 21:15" --reported "2024-11-30 21:40" \
  --kecamatan "Ungaran Barat" --desa "Lerep" --description $'Dua baris:\nbaris kedua, emoji 🗳️' \
  --people 2
posko office incident note 3322-24-000051 "Sudah dikonfirmasi ke Panwascam" --agency BAWASLU \
  --due "2024-12-01 12:00"
posko province incident add --regency 33.74 --title "Hoaks jadwal pemungutan suara diundur" \
  --category A1 --severity tinggi --occurred "2024-11-30 19:00" --source media_sosial \
  --source-detail "https://x.com/contoh/status/1"
posko province incident status 3300-24-000071 diverifikasi
old_code office "
inc.set_deleted(ctx, find('3322-24-000003'), True, 'laporan ganda')
png = bytes.fromhex('89504e470d0a1a0a') + bytes(range(64))
inc.attach(ctx, find('3322-24-000004'), 'bukti foto.png', png)
"

# the exchange: office -> province (full), province -> office, office -> province again
posko office export --to 33 --full --out "$WORK/office-1.posko"
posko province import "$WORK/office-1.posko"
posko province export --to 33.22 --out "$WORK/province-1.posko"
posko office import "$WORK/province-1.posko"
posko office incident status 3322-24-000051 diverifikasi
# both sides change the same title since they last synced: a conflict at the province
posko province incident update 3322-24-000005 --title "Judul diperbaiki provinsi"
posko office incident update 3322-24-000005 --title "Judul diperbaiki kantor"
posko office export --to 33 --out "$WORK/office-2.posko"
posko province import "$WORK/office-2.posko"
posko province audit verify

# the package of record: everything the office holds, for the province
posko office export --to 33 --full --out "$WORK/office.posko"

rm -f "$OUT/province.sqlite3"
"$PY" - "$WORK/province.sqlite3" "$OUT/province.sqlite3" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("VACUUM INTO ?", (sys.argv[2],))
con.close()
out = sqlite3.connect(sys.argv[2])
out.execute("PRAGMA journal_mode=DELETE")
out.close()
EOF
cp "$WORK/office.posko" "$WORK/office.poskokey" "$OUT/"
"$PY" - "$OUT" <<'EOF'
import json, sqlite3, sys, zipfile
from pathlib import Path
out = Path(sys.argv[1])
con = sqlite3.connect(out / "province.sqlite3")
tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
con.close()
manifest = json.loads(zipfile.ZipFile(out / "office.posko").read("manifest.json"))
doc = {"revision": revision, "rows": rows, "package_counts": manifest["counts"]}
(out / "counts.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
print(json.dumps(doc, indent=1, sort_keys=True))
EOF
ls -l "$OUT"
rm -rf "$WORK"
