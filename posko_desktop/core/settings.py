"""Every setting declared once: key, type, default. Values live in the `setting` table,
so they travel with the database (and, on the server, are shared by workstations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.db.models import Setting
from posko_desktop.core.domain import ValidationError, check_text
from posko_desktop.core.i18n import N_


@dataclass(frozen=True)
class SettingVar:
    key: str
    type: type
    default: Any
    description: str = ""


REGISTRY: dict[str, SettingVar] = {}


def declare(key: str, type_: type, default: Any, description: str = "") -> SettingVar:
    var = SettingVar(key, type_, default, description)
    REGISTRY[key] = var
    return var


# Response deadline per severity, in hours (issue: foundation).
RESPONSE_HOURS = {
    "kritis": declare("response_hours.kritis", float, 1.0, N_("Respond-by hours for critical")),
    "tinggi": declare("response_hours.tinggi", float, 6.0, N_("Respond-by hours for high")),
    "sedang": declare("response_hours.sedang", float, 24.0, N_("Respond-by hours for medium")),
    "rendah": declare("response_hours.rendah", float, 72.0, N_("Respond-by hours for low")),
}
ATTACHMENT_MAX_MB = declare("attachments.max_mb", float, 20.0, N_("Largest evidence file, MB"))
UI_LANGUAGE = declare("ui.language", str, "id", N_("Interface language (id or en)"))
REPORT_CUTOFF_HOUR = declare(
    "report.cutoff_hour", int, 7, N_("Hour (WIB) at which the 24-hour reporting period starts")
)

# --- daily situation report (sitrep, issue 4) ---
# Letterhead defaults: the unit that ran the 2024 desk. Telephone, e-mail and website are
# plausible placeholders TO BE CHECKED by the office (docs/sitrep.md, "Settings").
SITREP_LETTERHEAD_LINES = declare(
    "sitrep.letterhead_lines", list,
    ["PEMERINTAH PROVINSI JAWA TENGAH", "SEKRETARIAT DAERAH"],
    N_("Sitrep letterhead: government and agency lines (top of the kop)"),
)
SITREP_ISSUING_UNIT = declare(
    "sitrep.issuing_unit", str, "BIRO PEMERINTAHAN, OTONOMI DAN KERJA SAMA",
    N_("Sitrep letterhead: issuing unit"),
)
SITREP_LETTERHEAD_ADDRESS = declare(
    "sitrep.letterhead_address", str,
    "Jalan Pahlawan Nomor 9, Semarang 50243",
    N_("Sitrep letterhead: address line"),
)
SITREP_LETTERHEAD_PHONE = declare(
    "sitrep.letterhead_phone", str, "(024) 8311174",
    N_("Sitrep letterhead: telephone (to be checked by the office)"),
)
SITREP_LETTERHEAD_EMAIL = declare(
    "sitrep.letterhead_email", str, "biropemotda@jatengprov.go.id",
    N_("Sitrep letterhead: e-mail (to be checked by the office)"),
)
SITREP_LETTERHEAD_WEBSITE = declare(
    "sitrep.letterhead_website", str, "biropemotda.jatengprov.go.id",
    N_("Sitrep letterhead: website (to be checked by the office)"),
)
SITREP_LOGO_PATH = declare(
    "sitrep.logo_path", str, "",
    N_("Sitrep letterhead logo (PNG/JPEG file; empty: the neutral default)"),
)
# Archive classification code (Permendagri 83/2022): 100.1.4.1 "Penyelenggaraan Pemilihan
# Umum Kepala Daerah" under 100.1.4 "Pemilihan Kepala Daerah, DPRD, dan Hubungan
# Antarlembaga" (docs/sitrep.md, "Nomor").
REPORT_CLASSIFICATION_CODE = declare(
    "report.classification_code", str, "100.1.4.1",
    N_("Archive classification code in report numbers (Permendagri 83/2022)"),
)
SITREP_NUMBER_FORMAT = declare(
    "sitrep.number_format", str, "{code}/{seq:03d}/LAPSIT/{year}",
    N_("Issued sitrep number format ({code}, {seq}, {month}, {month_roman}, {year}, {site})"),
)
WEEKLY_NUMBER_FORMAT = declare(
    "weekly.number_format", str, "{code}/{seq:03d}/LAPMING/{year}",
    N_("Issued weekly report number format ({code}, {seq}, {month}, {month_roman}, {year}, "
       "{site})"),
)
FLASH_NUMBER_FORMAT = declare(
    "flash.number_format", str, "{code}/{seq:03d}/LAPCEP/{year}",
    N_("Issued flash report number format ({code}, {seq}, {month}, {month_roman}, {year}, "
       "{site})"),
)
REPORT_SIFAT = declare(
    "report.sifat", str, "terbatas",
    N_("Default security marking of reports (biasa, segera, terbatas, rahasia)"),
)
SITREP_RECIPIENT = declare(
    "sitrep.recipient", str, "Penjabat Gubernur Jawa Tengah", N_("Sitrep addressed to"),
)
SITREP_RECIPIENT_PLACE = declare(
    "sitrep.recipient_place", str, "Semarang", N_("Sitrep addressed to: place (di …)"),
)
SITREP_SIGNER_PLACE = declare("sitrep.signer_place", str, "Semarang", N_("Sitrep signed at (place)"))
SITREP_SIGNER_ON_BEHALF = declare(
    "sitrep.signer_on_behalf", str, "",
    N_("Sitrep signer: optional line above the position (a.n. / Plh. / Plt.)"),
)
SITREP_SIGNER_POSITION = declare(
    "sitrep.signer_position", str,
    "Kepala Biro Pemerintahan, Otonomi dan Kerja Sama Setda Provinsi Jawa Tengah",
    N_("Sitrep signer: position"),
)
SITREP_SIGNER_NAME = declare("sitrep.signer_name", str, "", N_("Sitrep signer: name"))
SITREP_SIGNER_RANK = declare(
    "sitrep.signer_rank", str, "", N_("Sitrep signer: rank/grade (pangkat/golongan)"),
)
SITREP_SIGNER_NIP = declare("sitrep.signer_nip", str, "", N_("Sitrep signer: NIP"))
SITREP_TEMBUSAN = declare(
    "sitrep.tembusan", list,
    [
        "Menteri Dalam Negeri c.q. Direktur Jenderal Otonomi Daerah",
        "Sekretaris Daerah Provinsi Jawa Tengah",
        "Ketua KPU Provinsi Jawa Tengah",
        "Ketua Bawaslu Provinsi Jawa Tengah",
        "Kepala Kepolisian Daerah Jawa Tengah",
        "Panglima Kodam IV/Diponegoro",
        "Arsip",
    ],
    N_("Sitrep copies to (tembusan), one entry per line"),
)
SITREP_INTRODUCTION = declare(
    "sitrep.introduction", str,
    "Laporan ini disusun sebagai bahan informasi bagi pimpinan mengenai perkembangan situasi "
    "penyelenggaraan Pemilihan Gubernur dan Wakil Gubernur serta Bupati/Wali Kota dan Wakil "
    "Bupati/Wakil Wali Kota Serentak Tahun 2024 di 35 kabupaten/kota se-Jawa Tengah selama 24 "
    "jam terakhir, berdasarkan laporan yang diterima dan dicatat oleh Posko Desk Pilkada. "
    "Dasar: Undang-Undang Nomor 10 Tahun 2016 tentang Pemilihan Gubernur, Bupati, dan Wali "
    "Kota; Instruksi Menteri Dalam Negeri tentang dukungan pemerintah daerah dalam "
    "penyelenggaraan Pilkada Serentak 2024; Keputusan Gubernur Jawa Tengah tentang "
    "pembentukan Desk Pilkada Provinsi Jawa Tengah.",
    N_("Sitrep section A (introduction) in Indonesian"),
)
SITREP_INTRODUCTION_EN = declare(
    "sitrep.introduction_en", str,
    "This report informs the leadership about the situation of the 2024 simultaneous "
    "regional elections (governor, regents and mayors) in the 35 regencies and cities of "
    "Central Java over the last 24 hours, based on the reports received and recorded by the "
    "Posko Desk Pilkada. Basis: Law 10/2016 on the election of governors, regents and "
    "mayors; the Minister of Home Affairs' instruction on regional government support for "
    "the 2024 simultaneous regional elections; the Governor of Central Java's decree "
    "establishing the provincial Desk Pilkada.",
    N_("Sitrep section A (introduction) in English"),
)
SITREP_TREND_DAYS = declare(
    "sitrep.trend_days", int, 14, N_("Days shown in the sitrep trend chart"),
)
SITREP_NOTABLE_DETAIL_MAX = declare(
    "sitrep.notable_detail_max", int, 10,
    N_("Notable incidents described in sitrep section C (0: all); the others are marked in the appendix"),
)
WEEKLY_START_HOUR = declare(
    "weekly.start_hour", int, 0,
    N_("Hour (WIB) on Monday at which the weekly report's week starts"),
)
SITREP_APPENDIX_PDF_MAX = declare(
    "sitrep.appendix_pdf_max", int, 1000,
    N_("Incidents listed on paper in sitrep appendix I (0: all); beyond it the full list is "
       "an XLSX file attached to the PDF"),
)
SITREP_REFERRAL_LIST_MAX = declare(
    "sitrep.referral_list_max", int, 100,
    N_("Referrals listed one by one in sitrep section E (0: all); the counts stay complete"),
)


# --- dashboard (issue 3): situation level, early warning, reporting watch ---
# Rules in docs/dashboard.md; an admin changes these with `posko settings` / the settings dialog.
LEVEL_WINDOW_HOURS = declare(
    "level.window_hours", int, 72, N_("Situation level: hours of incidents counted")
)
LEVEL_WEIGHTS = {
    "rendah": declare("level.weight.rendah", float, 1.0, N_("Situation level: weight of a low incident")),
    "sedang": declare("level.weight.sedang", float, 2.0, N_("Situation level: weight of a medium incident")),
    "tinggi": declare("level.weight.tinggi", float, 4.0, N_("Situation level: weight of a high incident")),
    "kritis": declare("level.weight.kritis", float, 8.0, N_("Situation level: weight of a critical incident")),
}
LEVEL_THRESHOLDS = {
    "waspada": declare("level.threshold.waspada", float, 10.0, N_("Situation level: score from which a regency is Waspada")),
    "siaga": declare("level.threshold.siaga", float, 25.0, N_("Situation level: score from which a regency is Siaga")),
    "awas": declare("level.threshold.awas", float, 50.0, N_("Situation level: score from which a regency is Awas")),
}
LEVEL_UNCOUNTED_CATEGORIES = declare(
    "level.uncounted_categories", list, ["D7"],
    N_("Situation level: categories recorded but not counted as a disturbance (D7: lawful demonstration)"),
)
LEVEL_CRITICAL_FLOOR = declare(
    "level.critical_floor", bool, True,
    N_("Situation level: an open critical incident makes a regency at least Siaga"),
)
LEVEL_IKP_FLOOR = declare(
    "level.ikp_floor", bool, False,
    N_("Situation level: a regency whose IKP class is high (Bawaslu) is at least Waspada"),
)
WARNING_BASELINE_DAYS = declare(
    "warning.baseline_days", int, 14, N_("Early warning: days of history for the baseline mean")
)
WARNING_ALPHA = declare(
    "warning.alpha", float, 0.01,
    N_("Early warning: flag a count this unlikely under the baseline (Poisson tail probability)"),
)
WARNING_MIN_COUNT = declare(
    "warning.min_count", int, 5, N_("Early warning: never flag fewer incidents than this in a day")
)
WATCH_SILENT_HOURS = declare(
    "watch.silent_hours", float, 24.0,
    N_("Reporting watch: a regency is silent after this many hours without a report"),
)
# --- accounts and audit (issue 6) ---
MAX_FAILED_LOGINS = declare(
    "accounts.max_failed_logins", int, 5,
    N_("Failed logins in a row after which an account is locked until an admin unlocks it"),
)
IDLE_LOCK_MINUTES = declare(
    "ui.idle_lock_minutes", float, 10.0,
    N_("Lock the screen after this many minutes without input (0: never)"),
)

# --- backups (issue 12; docs/operator-guide.md) ---
BACKUP_FOLDER = declare(
    "backup.folder", str, "",
    N_("Folder for automatic backups, e.g. a USB drive or a network share (empty: the "
       "'backups' folder next to the database)"),
)
BACKUP_INTERVAL_MINUTES = declare(
    "backup.interval_minutes", int, 60,
    N_("Minutes between automatic backups while the window is open (0: none)"),
)
BACKUP_ON_CLOSE = declare(
    "backup.on_close", bool, True, N_("Back up when the window closes (if anything changed)"),
)
BACKUP_KEEP_HOURLY = declare(
    "backup.keep_hourly", int, 24, N_("Automatic backups kept: the newest of this many hours"),
)
BACKUP_KEEP_DAILY = declare(
    "backup.keep_daily", int, 14, N_("Automatic backups kept: the newest of this many days"),
)

# --- training mode (issue 19; docs/operator-guide.md "Mode latihan") ---
# Written once when the database is created (posko init --training); never changed after.
SITE_TRAINING = declare(
    "site.training", bool, False,
    N_("Training database (set when the database is created; demo data only goes here)"),
)
FIXED_AT_CREATION = frozenset({SITE_TRAINING.key})

# --- sync (issue 14) ---
SYNC_CLOCK_AHEAD_HOURS = declare(
    "sync.clock_ahead_hours", float, 24.0,
    N_("Sync import: refuse a package whose stamps lie more than this many hours ahead of "
       "this computer's clock"),
)


def _coerce(var: SettingVar, value: Any) -> Any:
    try:
        if var.type is bool and isinstance(value, str):
            return value.strip().lower() in {"1", "true", "ya", "yes", "on"}
        if var.type in (list, dict):
            if not isinstance(value, var.type):
                raise TypeError
            return value
        return var.type(value)
    except (TypeError, ValueError):
        raise ValidationError(
            N_("Setting {key} needs a value of type {type}"), field=var.key,
            key=var.key, type=var.type.__name__,
        ) from None


def get(session: Session, var: SettingVar) -> Any:
    row = session.get(Setting, var.key)
    return var.default if row is None else _coerce(var, row.value)


def get_all(session: Session) -> dict[str, Any]:
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    return {
        key: (_coerce(var, stored[key]) if key in stored else var.default)
        for key, var in REGISTRY.items()
    }


def put(session: Session, var: SettingVar, value: Any, actor_name: str, now: datetime) -> Any:
    value = _coerce(var, value)
    for text in (value if isinstance(value, list) else [value]):
        if isinstance(text, str):
            check_text(text, var.key)
    row = session.get(Setting, var.key)
    if row is None:
        session.add(Setting(key=var.key, value=value, updated_at=now, updated_by=actor_name))
    else:
        row.value = value
        row.updated_at = now
        row.updated_by = actor_name
    return value


def lookup(key: str) -> SettingVar:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValidationError(N_("Unknown setting {key}"), field=key, key=key) from None
