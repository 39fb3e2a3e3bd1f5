"""Make `tests/data/posko-0001.sqlite3`: a database as Posko Desk 0.1 (schema 0001) left it.

    .venv/bin/python tests/data/make_old_db.py [OUTPUT]

The schema is built by migration 0001 only, and the rows are written with plain SQL
against the tables as they are at 0001 (not through today's services or models, which
follow the newest schema). Everything is fixed (ids, times, stamps), so running the
script again gives the same content. `tests/core/test_migrations.py` copies the file and
upgrades the copy to head; the committed file is never opened in place.

Content (also asserted by the test): site 33.74 "Posko Kota Semarang", three incidents
3374-24-000001..3, the third soft-deleted; two follow-ups (a status change and a
referral to BAWASLU) on the first; one PNG attachment on the second; one setting.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import uuid
from pathlib import Path

from alembic import command

from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.migrate import alembic_config

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "posko-0001.sqlite3"
REVISION = "0001"
SITE = "33.74"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))

INCIDENTS = [
    # number, id, regency, category, severity, status, title, occurred (UTC), deleted
    ("3374-24-000001", "01934a5e-7c00-7000-8000-000000000001", "33.74", "A1", "tinggi",
     "diverifikasi", "Hoaks surat suara tercoblos di Tembalang", "2024-11-26 13:30:00", 0),
    ("3374-24-000002", "01934a5e-7c00-7000-8000-000000000002", "33.74", "D4", "sedang",
     "baru", "Unjuk rasa di depan kantor KPU Kota Semarang", "2024-11-27 02:10:00", 0),
    ("3374-24-000003", "01934a5e-7c00-7000-8000-000000000003", "33.22", "B2", "kritis",
     "baru", "Serangan fajar di Ungaran (duplikat)", "2024-11-27 21:45:00", 1),
]


def _hex(u: str) -> str:
    """SQLAlchemy's Uuid type stores 32 hex digits (no dashes) in SQLite."""
    return uuid.UUID(u).hex


def migrate_to(path: Path, revision: str) -> None:
    """Bring the file to `revision` with the migrations alone (no backup, no checks)."""
    db = Database(path)
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    db.dispose()


def make(output: Path) -> Path:
    output.unlink(missing_ok=True)
    for extra in ("-wal", "-shm"):
        Path(str(output) + extra).unlink(missing_ok=True)
    migrate_to(output, REVISION)

    digest = hashlib.sha256(PNG).hexdigest()
    con = sqlite3.connect(output)
    with con:
        con.execute(
            "INSERT INTO local_site (id, code, name, created_at, last_stamp) VALUES "
            "(1, ?, 'Posko Kota Semarang', '2024-11-20 01:00:00.000000', ?)",
            (SITE, "1732762800009-00000-33.74"),
        )
        con.execute("INSERT INTO number_sequence (site, year, last) VALUES (?, 2024, 3)", (SITE,))
        con.execute(
            "INSERT INTO setting (key, value, updated_at, updated_by) VALUES "
            "('response_hours.kritis', ?, '2024-11-20 01:05:00.000000', 'admin')",
            (json.dumps(2.0),),
        )
        for i, (number, uid, regency, cat, sev, status, title, occurred, deleted) in enumerate(
            INCIDENTS, start=1
        ):
            rank = ["rendah", "sedang", "tinggi", "kritis"].index(sev)
            stamp = f"17327628000{i:02d}-00000-33.74"
            fields = {name: stamp for name in ("title", "status", "severity", "deleted")}
            con.execute(
                "INSERT INTO incident (id, number, origin_site, regency_code, kecamatan, desa, "
                "location, occurred_at, occurred_date, reported_at, source_type, source_detail, "
                "title, description, category_code, severity, severity_rank, status, "
                "people_involved, recorded_by, created_at, updated_at, updated_by, respond_by, "
                "responded_at, next_referral_due, mod_stamp, field_stamps, deleted) VALUES "
                "(?, ?, ?, ?, 'Tembalang', 'Bulusan', 'Jl. Prof. Sudarto', ?, date(?, '+7 hours'), "
                "?, 'media_sosial', 'https://x.com/contoh/1', ?, 'Dicatat oleh versi 0.1', ?, ?, "
                "?, ?, 4, 'operator1', ?, ?, 'operator1', datetime(?, '+6 hours'), NULL, NULL, "
                "?, ?, ?)",
                (_hex(uid), number, SITE, regency, occurred + ".000000", occurred,
                 occurred + ".000000", title, cat, sev, rank, status, occurred + ".000000",
                 occurred + ".000000", occurred, stamp, json.dumps(fields), deleted),
            )
        first = _hex(INCIDENTS[0][1])
        con.execute(
            "INSERT INTO followup (id, incident_id, created_at, author, origin_site, kind, text, "
            "status_from, status_to, mod_stamp) VALUES (?, ?, '2024-11-26 14:00:00.000000', "
            "'supervisor1', ?, 'status', 'Sudah dicek ke KPU', 'baru', 'diverifikasi', "
            "'1732762800004-00000-33.74')",
            (_hex("01934a5e-7c00-7000-8000-0000000000f1"), first, SITE),
        )
        con.execute(
            "INSERT INTO followup (id, incident_id, created_at, author, origin_site, kind, text, "
            "agency_code, due_at, referral_state, mod_stamp) VALUES (?, ?, "
            "'2024-11-26 14:05:00.000000', 'supervisor1', ?, 'referral', 'Mohon klarifikasi', "
            "'BAWASLU', '2024-11-27 14:05:00.000000', 'terkirim', '1732762800005-00000-33.74')",
            (_hex("01934a5e-7c00-7000-8000-0000000000f2"), first, SITE),
        )
        con.execute("INSERT INTO blob (sha256, size, data) VALUES (?, ?, ?)",
                    (digest, len(PNG), PNG))
        con.execute(
            "INSERT INTO attachment (id, incident_id, sha256, filename, mime, size, added_at, "
            "added_by, origin_site, mod_stamp, deleted) VALUES (?, ?, ?, 'bukti.png', "
            "'image/png', ?, '2024-11-27 02:30:00.000000', 'operator1', ?, "
            "'1732762800006-00000-33.74', 0)",
            (_hex("01934a5e-7c00-7000-8000-0000000000a1"), _hex(INCIDENTS[1][1]), digest,
             len(PNG), SITE),
        )
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the repository
    con.execute("VACUUM")
    con.close()
    return output


if __name__ == "__main__":
    out = make(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
    print(out, out.stat().st_size, "bytes")
