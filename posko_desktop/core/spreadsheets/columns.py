"""The columns of the spreadsheet template, shared by the template, the import and the export.

Headers are English msgids; the template is written in Indonesian (or English) and the
import recognises a header in either language, with or without the "*" that marks a
required column, and the field key itself (e.g. ``occurred_at``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from posko_desktop.core.i18n import LANGUAGES, N_, gettext_in


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # msgid
    required: bool
    width: int
    hint: str  # msgid: one line for the instructions sheet
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("ref", N_("Reference no."), False, 14,
           N_("Your own number for the report (optional). Together with the content of the row "
              "it identifies the row: importing the same sheet again adds nothing."),
           ("no", "no. ref", "nomor referensi", "reference")),
    Column("regency", N_("Regency/city"), True, 26,
           N_("Choose from the list, e.g. \"33.22 Kab. Semarang\". A code (3322, 33.22) or a full "
              "name (Kab. Semarang, Kota Semarang, Cilacap) is accepted too. A name shared by a "
              "regency and a city (Semarang, Magelang, Pekalongan, Tegal) must say Kab. or Kota."),
           ("kabupaten/kota", "kab/kota", "kabupaten", "regency", "kode wilayah")),
    Column("occurred_at", N_("Time of incident (WIB)"), True, 20,
           N_("Date and time in WIB: an Excel date, or text such as 2024-11-27 08:15, "
              "27-11-2024 08:15 or 27/11/2024 08.15."),
           ("waktu kejadian", "tanggal kejadian", "occurred")),
    Column("reported_at", N_("Time reported (WIB)"), False, 20,
           N_("When the report came in (WIB), same formats. Empty: the time of the import."),
           ("waktu laporan", "reported")),
    Column("category", N_("Category"), True, 40,
           N_("Choose from the list, e.g. \"A1 Hoaks/disinformasi\". The code (A1) decides; "
              "a main group (A) is not enough."),
           ("kategori",)),
    Column("severity", N_("Severity"), True, 12,
           N_("Rendah, Sedang, Tinggi or Kritis."), ("keparahan", "tingkat keparahan")),
    Column("status", N_("Status"), False, 22,
           N_("Empty means Baru. Another status (Diverifikasi, Selesai …) is recorded as a "
              "status change in the timeline and needs a supervisor."), ()),
    Column("source_type", N_("Source type"), False, 24,
           N_("Choose from the list. Empty means Laporan lapangan."), ("sumber", "jenis sumber")),
    Column("source_detail", N_("Source detail / URL"), False, 30,
           N_("Link, account name, name of the reporting officer (optional)."),
           ("detail sumber", "detail sumber / url", "url", "link")),
    Column("title", N_("Title"), True, 40,
           N_("A short title, 3 to 200 characters."), ("judul",)),
    Column("description", N_("Description"), False, 50,
           N_("What happened (optional)."), ("uraian", "keterangan")),
    Column("kecamatan", N_("District (kecamatan)"), False, 18,
           N_("The name or the code (33.22.08) of a kecamatan of the regency (optional)."),
           ()),
    Column("desa", N_("Village (desa/kelurahan)"), False, 18,
           N_("The name or the code (33.22.08.2004) of a desa/kelurahan of the kecamatan "
              "(optional)."), ("kelurahan", "desa/kelurahan")),
    Column("location", N_("Location"), False, 24,
           N_("Place, e.g. TPS 05 or Balai Desa (optional)."), ("lokasi", "tempat")),
    Column("people_involved", N_("People involved"), False, 10,
           N_("A whole number (optional)."), ("jumlah orang",)),
    # the flash report's fields (optional; older templates without them still import)
    Column("victims_dead", N_("Victims dead"), False, 10,
           N_("A whole number (optional; empty: not known)."),
           ("korban meninggal", "meninggal", "dead")),
    Column("victims_injured", N_("Victims injured"), False, 10,
           N_("A whole number (optional; empty: not known)."),
           ("korban luka", "luka", "luka-luka", "injured")),
    Column("material_loss", N_("Material loss"), False, 30,
           N_("Damage and loss, e.g. 2 motorcycles burnt (optional)."),
           ("kerugian materiil", "kerugian", "kerugian material")),
    Column("current_condition", N_("Current condition"), False, 40,
           N_("The situation now (kondisi mutakhir), optional."),
           ("kondisi mutakhir", "kondisi terkini", "kondisi")),
    Column("source_contact", N_("Contact person"), False, 22,
           N_("Who can be asked about the report (optional)."),
           ("narahubung", "kontak", "contact")),
    Column("source_phone", N_("Contact phone"), False, 16,
           N_("Digits, spaces, + and - only, e.g. +62 812-3456-7890 (optional)."),
           ("telepon", "no. telepon", "nomor telepon", "no hp", "phone")),
    Column("latitude", N_("Latitude"), False, 12,
           N_("WGS 84 degrees, e.g. -7.1306 (optional; with the longitude)."),
           ("lintang", "lat")),
    Column("longitude", N_("Longitude"), False, 12,
           N_("WGS 84 degrees, e.g. 110.4012 (optional; with the latitude)."),
           ("bujur", "lon", "lng")),
    # issue 18: an agency/OPD reporting with the template names itself (optional)
    Column("reporting_unit", N_("Reporting unit"), False, 28,
           N_("An agency/OPD reporting with this sheet: its unit code from the list, e.g. "
              "\"POLDA Polda Jawa Tengah\". Empty: the office of the regency/city."),
           ("unit pelapor", "unit", "kode unit", "instansi pelapor")),

    # the contest, pair and TPS concerned (issue 17; optional)
    Column("contest_code", N_("Contest"), False, 10,
           N_("33 for the governor election or the regency code, e.g. 33.74 (optional)."),
           ("pemilihan", "kontestasi", "kode pemilihan")),
    Column("pair_number", N_("Candidate pair"), False, 10,
           N_("The pair's ballot number in the contest, e.g. 2 (optional)."),
           ("paslon", "nomor paslon", "nomor urut paslon")),
    Column("tps_number", N_("TPS number"), False, 8,
           N_("The TPS's number in the desa/kelurahan, e.g. 5 (optional; with the desa)."),
           ("tps", "no tps", "nomor tps")),

    # the taxonomy's other axes (issue 18; optional, older templates without them import;
    # last, so the older columns keep their places)
    Column("channel", N_("Channel"), False, 12,
           N_("Daring (online) or Luring (offline). Empty: online for group A, else not "
              "stated."), ("saluran", "kanal", "daring/luring")),
    Column("legal_type", N_("Legal type"), False, 26,
           N_("Administrative, election crime, code of ethics or other law (optional); it "
              "suggests where to refer the incident."),
           ("jenis pelanggaran", "jenis hukum", "jenis dugaan pelanggaran")),
)

# Read on import but not in the template: an export's incident id (rows whose incident is
# already in the database are skipped, so importing an export adds nothing twice).
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column("incident_id", N_("Incident ID"), False, 38, N_("Optional."), ("id", "id insiden")),
)

# Sheet names (msgids) of the template; the import looks for the data sheet in either language.
DATA_SHEET = N_("Incident data")
INSTRUCTIONS_SHEET = N_("Instructions")
LISTS_SHEET = N_("Lists")
# Names that templates handed out before docs/glosarium.md (Dec 2026) still carry.
LEGACY_DATA_SHEETS = ("Data Insiden",)

COLUMN_BY_KEY = {c.key: c for c in (*COLUMNS, *EXTRA_COLUMNS)}
REQUIRED_KEYS = tuple(c.key for c in COLUMNS if c.required)

# Incident service field -> template column (for the service's validation messages).
FIELD_TO_COLUMN = {
    "regency_code": "regency",
    "category_code": "category",
    "occurred_at": "occurred_at",
    "reported_at": "reported_at",
    "severity": "severity",
    "source_type": "source_type",
    "source_detail": "source_detail",
    "title": "title",
    "description": "description",
    "kecamatan": "kecamatan",
    "desa": "desa",
    "location": "location",
    "people_involved": "people_involved",
    **{name: name for name in ("victims_dead", "victims_injured", "material_loss",
                               "current_condition", "source_contact", "source_phone",
                               "latitude", "longitude")},
    "kecamatan_code": "kecamatan",
    "desa_code": "desa",
    **{name: name for name in ("contest_code", "pair_number", "tps_number")},
    "channel": "channel",
    "legal_type": "legal_type",
}

_PAREN = re.compile(r"\([^)]*\)")


def normalise_header(text: str) -> str:
    text = str(text or "").replace("*", " ").replace("_", " ").lower()
    return " ".join(text.split())


def _forms(text: str) -> set[str]:
    full = normalise_header(text)
    short = normalise_header(_PAREN.sub(" ", text))
    return {f for f in (full, short) if f}


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for col in (*COLUMNS, *EXTRA_COLUMNS):
        names = {col.key, *col.aliases}
        for lang in LANGUAGES:
            names.add(gettext_in(lang, col.header))
        for name in names:
            for form in _forms(name):
                index.setdefault(form, col.key)
    return index


def match_header(text: str) -> str | None:
    """The column key a header cell stands for, or None for a column we do not read."""
    index = _header_index()
    for form in sorted(_forms(str(text or "")), key=len, reverse=True):
        if form in index:
            return index[form]
    return None


def data_sheet_names() -> tuple[str, ...]:
    return tuple(dict.fromkeys([*(gettext_in(lang, DATA_SHEET) for lang in LANGUAGES),
                                *LEGACY_DATA_SHEETS]))


def header_text(col: Column, lang: str, mark_required: bool = True) -> str:
    text = gettext_in(lang, col.header)
    return text + " *" if (mark_required and col.required) else text
