"""Every setting declared once: key, type, default. Values live in the `setting` table,
so they travel with the database (and, on the server, are shared by workstations)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.db.models import Setting
from posko_desktop.core.domain import ValidationError, check_text
from posko_desktop.core.i18n import N_

# A check returns None for a good value, else (English msgid, its params): the reason shown
Check = Callable[[Any], tuple[str, dict[str, Any]] | None]

# units of numeric settings (the settings form shows them beside the number)
HOURS, MINUTES, DAYS, MEGABYTES = N_("hours"), N_("minutes"), N_("days"), N_("MB")
HOUR_OF_DAY = N_(":00 WIB")  # the spin box shows "7:00 WIB" ("7.00 WIB" in Indonesian)


@dataclass(frozen=True)
class SettingVar:
    key: str
    type: type
    default: Any
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""  # msgid (HOURS …)
    check: Check | None = None


REGISTRY: dict[str, SettingVar] = {}


def declare(key: str, type_: type, default: Any, description: str = "", *,
            minimum: float | None = None, maximum: float | None = None, unit: str = "",
            check: Check | None = None) -> SettingVar:
    var = SettingVar(key, type_, default, description, minimum, maximum, unit, check)
    REGISTRY[key] = var
    return var


def _nip(value: Any) -> tuple[str, dict[str, Any]] | None:
    """Empty, or the 18 digits of a civil servant's NIP (spaces between groups allowed)."""
    text = str(value).strip()
    if not text or re.fullmatch(r"[0-9 ]+", text) and len(text.replace(" ", "")) == 18:
        return None
    return N_("A NIP has 18 digits (spaces allowed), e.g. 19700101 199503 2 001"), {}


def _email(value: Any) -> tuple[str, dict[str, Any]] | None:
    text = str(value).strip()
    if not text or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        return None
    return N_("Not an e-mail address: {value}"), {"value": text}


def _number_format(value: Any) -> tuple[str, dict[str, Any]] | None:
    try:
        sample = str(value).format(seq=1, year=2024, month=11, month_roman="XI", site="33",
                                   code="100.1.4.1")
    except (KeyError, IndexError, ValueError, AttributeError):
        sample = ""
    if sample.strip() and "{seq" in str(value):
        return None
    return (N_("A number format needs {{seq}} and only the fields {{code}}, {{seq}}, {{month}}, "
               "{{month_roman}}, {{year}}, {{site}}"), {})


def _no_empty_lines(value: Any) -> tuple[str, dict[str, Any]] | None:
    if isinstance(value, list) and any(not str(v).strip() for v in value):
        return N_("Leave no line empty (remove it instead)"), {}
    return None


# Response deadline per severity, in hours (issue: foundation).
RESPONSE_HOURS = {
    "kritis": declare("response_hours.kritis", float, 1.0, N_("Respond-by hours for critical"),
                      minimum=0.1, maximum=720, unit=HOURS),
    "tinggi": declare("response_hours.tinggi", float, 6.0, N_("Respond-by hours for high"),
                      minimum=0.1, maximum=720, unit=HOURS),
    "sedang": declare("response_hours.sedang", float, 24.0, N_("Respond-by hours for medium"),
                      minimum=0.1, maximum=720, unit=HOURS),
    "rendah": declare("response_hours.rendah", float, 72.0, N_("Respond-by hours for low"),
                      minimum=0.1, maximum=720, unit=HOURS),
}
ATTACHMENT_MAX_MB = declare("attachments.max_mb", float, 20.0, N_("Largest evidence file, MB"),
                            minimum=1, maximum=500, unit=MEGABYTES)
REPORT_CUTOFF_HOUR = declare(
    "report.cutoff_hour", int, 7, N_("Hour (WIB) at which the 24-hour reporting period starts"),
    minimum=0, maximum=23, unit=HOUR_OF_DAY)

# --- daily situation report (sitrep, issue 4) ---
# Letterhead defaults: the unit that ran the 2024 desk. Telephone, e-mail and website are
# plausible placeholders TO BE CHECKED by the office (docs/sitrep.md, "Settings").
SITREP_LETTERHEAD_LINES = declare(
    "sitrep.letterhead_lines", list,
    ["PEMERINTAH PROVINSI JAWA TENGAH", "SEKRETARIAT DAERAH"],
    N_("Sitrep letterhead: government and agency lines (top of the kop)"), check=_no_empty_lines)
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
    N_("Sitrep letterhead: e-mail (to be checked by the office)"), check=_email)
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
    check=_number_format)
WEEKLY_NUMBER_FORMAT = declare(
    "weekly.number_format", str, "{code}/{seq:03d}/LAPMING/{year}",
    N_("Issued weekly report number format ({code}, {seq}, {month}, {month_roman}, {year}, "
       "{site})"), check=_number_format)
FLASH_NUMBER_FORMAT = declare(
    "flash.number_format", str, "{code}/{seq:03d}/LAPCEP/{year}",
    N_("Issued flash report number format ({code}, {seq}, {month}, {month_roman}, {year}, "
       "{site})"), check=_number_format)
TAKEDOWN_NUMBER_FORMAT = declare(
    "takedown.number_format", str, "{code}/{seq:03d}/PPK/{year}",
    N_("Issued take-down request letter number format ({code}, {seq}, {month}, "
       "{month_roman}, {year}, {site})"), check=_number_format)
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
SITREP_SIGNER_NIP = declare("sitrep.signer_nip", str, "", N_("Sitrep signer: NIP"), check=_nip)
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
    N_("Sitrep copies to (tembusan), one entry per line"), check=_no_empty_lines)
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
    minimum=2, maximum=90, unit=DAYS)
SITREP_NOTABLE_DETAIL_MAX = declare(
    "sitrep.notable_detail_max", int, 10,
    N_("Notable incidents described in sitrep section C (0: all); the others are marked in the appendix"),
    minimum=0, maximum=1000)
WEEKLY_START_HOUR = declare(
    "weekly.start_hour", int, 0,
    N_("Hour (WIB) on Monday at which the weekly report's week starts"),
    minimum=0, maximum=23, unit=HOUR_OF_DAY)
SITREP_APPENDIX_PDF_MAX = declare(
    "sitrep.appendix_pdf_max", int, 1000,
    N_("Incidents listed on paper in sitrep appendix I (0: all); beyond it the full list is "
       "an XLSX file attached to the PDF"),
    minimum=0, maximum=1_000_000)
WEEKLY_CRITICAL_PDF_MAX = declare(
    "weekly.critical_pdf_max", int, 100,
    N_("Open critical incidents listed on paper in the weekly report (0: all), the oldest "
       "first; beyond it the full list is an XLSX file attached to the PDF"),
    minimum=0, maximum=1_000_000)
SITREP_REFERRAL_LIST_MAX = declare(
    "sitrep.referral_list_max", int, 100,
    N_("Referrals listed one by one in sitrep section E (0: all); the counts stay complete"),
    minimum=0, maximum=10000)


# --- dashboard (issue 3): situation level, early warning, reporting watch ---
# Rules in docs/dashboard.md; an admin changes these with `posko settings` / the settings dialog.
LEVEL_WINDOW_HOURS = declare(
    "level.window_hours", int, 72, N_("Situation level: hours of incidents counted"),
    minimum=1, maximum=720, unit=HOURS)
LEVEL_WEIGHTS = {
    "rendah": declare("level.weight.rendah", float, 1.0, N_("Situation level: weight of a low incident"),
                      minimum=0, maximum=100),
    "sedang": declare("level.weight.sedang", float, 2.0, N_("Situation level: weight of a medium incident"),
                      minimum=0, maximum=100),
    "tinggi": declare("level.weight.tinggi", float, 4.0, N_("Situation level: weight of a high incident"),
                      minimum=0, maximum=100),
    "kritis": declare("level.weight.kritis", float, 8.0, N_("Situation level: weight of a critical incident"),
                      minimum=0, maximum=100),
}
LEVEL_THRESHOLDS = {
    "waspada": declare("level.threshold.waspada", float, 10.0, N_("Situation level: score from which a regency is Waspada"),
                       minimum=0, maximum=10000),
    "siaga": declare("level.threshold.siaga", float, 25.0, N_("Situation level: score from which a regency is Siaga"),
                     minimum=0, maximum=10000),
    "awas": declare("level.threshold.awas", float, 50.0, N_("Situation level: score from which a regency is Awas"),
                     minimum=0, maximum=10000),
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
    "warning.baseline_days", int, 14, N_("Early warning: days of history for the baseline mean"),
    minimum=3, maximum=365, unit=DAYS)
WARNING_ALPHA = declare(
    "warning.alpha", float, 0.01,
    N_("Early warning: flag a count this unlikely under the baseline (Poisson tail probability)"),
    minimum=0.0001, maximum=0.5)
WARNING_MIN_COUNT = declare(
    "warning.min_count", int, 5, N_("Early warning: never flag fewer incidents than this in a day"),
    minimum=1, maximum=10000)
WATCH_SILENT_HOURS = declare(
    "watch.silent_hours", float, 24.0,
    N_("Reporting watch: a regency is silent after this many hours without a report"),
    minimum=1, maximum=720, unit=HOURS)
# --- accounts and audit (issue 6) ---
MAX_FAILED_LOGINS = declare(
    "accounts.max_failed_logins", int, 5,
    N_("Failed logins in a row after which an account is locked until an admin unlocks it"),
    minimum=1, maximum=100)
IDLE_LOCK_MINUTES = declare(
    "ui.idle_lock_minutes", float, 10.0,
    N_("Lock the screen after this many minutes without input (0: never)"),
    minimum=0, maximum=1440, unit=MINUTES)

# --- backups (issue 12; docs/operator-guide.md) ---
BACKUP_FOLDER = declare(
    "backup.folder", str, "",
    N_("Folder for automatic backups, e.g. a USB drive or a network share (empty: the "
       "'backups' folder next to the database)"),
)
BACKUP_INTERVAL_MINUTES = declare(
    "backup.interval_minutes", int, 60,
    N_("Minutes between automatic backups while the window is open (0: none)"),
    minimum=0, maximum=10080, unit=MINUTES)
BACKUP_ON_CLOSE = declare(
    "backup.on_close", bool, True, N_("Back up when the window closes (if anything changed)"),
)
BACKUP_KEEP_HOURLY = declare(
    "backup.keep_hourly", int, 24, N_("Automatic backups kept: the newest of this many hours"),
    minimum=0, maximum=1000)
BACKUP_KEEP_DAILY = declare(
    "backup.keep_daily", int, 14, N_("Automatic backups kept: the newest of this many days"),
    minimum=0, maximum=1000)

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
       "this computer's clock"), minimum=0, maximum=8760, unit=HOURS)


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


def validate(var: SettingVar, value: Any) -> Any:
    """The value as stored, or ValidationError naming the setting and the reason."""
    value = _coerce(var, value)
    if var.minimum is not None and value < var.minimum:
        raise ValidationError(N_("{what}: at least {minimum}"), field=var.key,
                              what=var.key, minimum=_plain(var.minimum))
    if var.maximum is not None and value > var.maximum:
        raise ValidationError(N_("{what}: at most {maximum}"), field=var.key,
                              what=var.key, maximum=_plain(var.maximum))
    problem = var.check(value) if var.check is not None else None
    if problem is not None:
        raise ValidationError(problem[0], field=var.key, **problem[1])
    return value


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def put(session: Session, var: SettingVar, value: Any, actor_name: str, now: datetime) -> Any:
    value = validate(var, value)
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
