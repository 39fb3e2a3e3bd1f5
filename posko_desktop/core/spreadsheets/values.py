"""Cell values -> incident fields: strict regency matching, categories, enums, WIB times.

Every parser returns the value or raises `CellProblem` (an English msgid with params).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from posko_desktop.core.domain import (
    _SEVERITY_LABELS,
    _SOURCE_LABELS,
    _STATUS_LABELS,
    PoskoError,
    RegencyKind,
    Severity,
    SourceType,
    Status,
)
from posko_desktop.core.i18n import LANGUAGES, N_, gettext_in
from posko_desktop.core.services.reference import CategoryInfo, RegencyInfo, normalize_regency_code
from posko_desktop.core.taxonomy import _CHANNEL_LABELS, _LEGAL_LABELS, Channel, LegalType
from posko_desktop.core.textrules import restore_cell


class CellProblem(PoskoError):
    code = "cell"


def cell_text(value: Any) -> str:
    """Any cell as stripped text (numbers without a useless '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return restore_cell(str(value).strip())


def _norm(text: str) -> str:
    return " ".join(str(text).replace("_", " ").casefold().split())


# --- regencies --------------------------------------------------------------------------

_CODE_PREFIX = re.compile(r"^(33[.,]?\d{2})(?![\d.,])\s*[-–:]?\s*(.*)$")  # "33,22": decimal comma
_KAB_PREFIX = re.compile(r"^(?:kabupaten|kab\.?)\s*(.+)$")
_KOTA_PREFIX = re.compile(r"^(?:kota|kot\.)\s*(.+)$")
_EN_SUFFIX = re.compile(r"^(.+?)\s+(regency|city)$")


@dataclass
class UnitMatcher:
    """An agency's reporting unit by its code, as the template's list writes it ("POLDA
    Polda Jawa Tengah") or the code alone (any case). Empty: the regency's own office
    (None); a regency office's code means the same."""

    units: dict[str, tuple[str, str]]  # code -> (unit_type, name), active units only

    def match(self, value: Any) -> str | None:
        text = " ".join(cell_text(value).split())
        if not text:
            return None
        code = text.split(" ", 1)[0]
        code = normalize_regency_code(code) or code.upper()
        found = self.units.get(code)
        if found is None:
            raise CellProblem(N_("Unknown reporting unit {code}"), code=text)
        return code if found[0] == "agency" else None


def unit_choice(code: str, name: str) -> str:
    return "{code} {name}".format(code=code, name=name)


@dataclass
class RegencyMatcher:
    """Regency by code or by name, strictly: an ambiguous bare name is refused."""

    regencies: list[RegencyInfo]

    def __post_init__(self) -> None:
        self.by_code = {r.code: r for r in self.regencies}
        self.by_name: dict[str, list[RegencyInfo]] = {}
        for r in self.regencies:
            self.by_name.setdefault(_norm(r.name), []).append(r)

    def match(self, value: Any) -> str:
        if isinstance(value, float) and not value.is_integer():
            text = f"{value:.2f}"  # 33.22 typed into a number cell
        else:
            text = cell_text(value)
        text = " ".join(text.split())
        if not text:
            raise CellProblem(N_("Regency/city is missing"))
        m = _CODE_PREFIX.match(text)
        if m:
            code = normalize_regency_code(m.group(1).replace(",", "."))
            regency = self.by_code.get(code or "")
            if regency is None:
                raise CellProblem(N_("Unknown regency code {code}"), code=m.group(1))
            rest = m.group(2).strip()
            if rest and self._by_name(rest, text) is not regency:
                raise CellProblem(
                    N_("Code {code} is {name}, not {value}"),
                    code=regency.code, name=regency.full_name, value=rest)
            return regency.code
        return self._by_name(text, text).code

    def _by_name(self, text: str, original: str) -> RegencyInfo:
        t = _norm(text)
        kind: str | None = None
        for pattern, k in ((_KAB_PREFIX, RegencyKind.KABUPATEN), (_KOTA_PREFIX, RegencyKind.KOTA)):
            m = pattern.match(t)
            if m:
                t, kind = m.group(1).strip(), k.value
                break
        else:
            m = _EN_SUFFIX.match(t)
            if m:
                t = m.group(1).strip()
                kind = RegencyKind.KABUPATEN.value if m.group(2) == "regency" else RegencyKind.KOTA.value
        candidates = self.by_name.get(t, [])
        if kind is not None:
            candidates = [r for r in candidates if r.kind == kind]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise CellProblem(
                N_("\"{value}\" is ambiguous: write {choices}"), value=original,
                choices=" / ".join(f"{r.full_name} ({r.code})" for r in candidates))
        raise CellProblem(N_("No regency or city in Central Java is called \"{value}\""),
                          value=original)


# --- categories ---------------------------------------------------------------------------

_CAT_PREFIX = re.compile(r"^([A-Za-z]\d{0,2})(?:$|[\s.:–-]+(.*)$)")


@dataclass
class CategoryMatcher:
    """"A1", "a1", "A1 Hoaks/disinformasi" (the code decides) or a unique leaf label."""

    categories: list[CategoryInfo]

    def __post_init__(self) -> None:
        self.codes = {c.code for c in self.categories}
        self.by_label: dict[str, list[str]] = {}
        for c in self.categories:
            if c.is_group:
                continue
            for label in {c.label_id, c.label_en}:
                self.by_label.setdefault(_norm(label), []).append(c.code)

    def match(self, value: Any) -> str:
        text = cell_text(value)
        if not text:
            raise CellProblem(N_("Category is missing"))
        codes = self.by_label.get(_norm(text), [])
        if len(set(codes)) == 1:
            return codes[0]
        m = _CAT_PREFIX.match(text)
        if m and m.group(1).upper() in self.codes:
            return m.group(1).upper()
        if m and not m.group(2):
            return m.group(1).upper()  # the service says what is wrong with the code
        raise CellProblem(N_("Unknown category \"{value}\"; choose one from the list"), value=text)


# --- enums ------------------------------------------------------------------------------


def _enum_forms(values: list[Any]) -> dict[str, str]:
    forms: dict[str, str] = {}
    for v in values:
        forms[_norm(v.value)] = v.value
        for lang in LANGUAGES:
            forms[_norm(gettext_in(lang, _label_msgid(v)))] = v.value
    return forms


def _label_msgid(v: Any) -> str:
    # The label msgids live next to the enums; `.label` would translate in the *current*
    # language, which a worker thread must not switch.
    tables: dict[type, dict[Any, str]] = {
        Severity: _SEVERITY_LABELS, Status: _STATUS_LABELS, SourceType: _SOURCE_LABELS,
        Channel: _CHANNEL_LABELS, LegalType: _LEGAL_LABELS}
    return tables[type(v)][v]


_SEVERITIES = _enum_forms(list(Severity))
_STATUSES = _enum_forms(list(Status))
_SOURCES = _enum_forms(list(SourceType))
_CHANNELS = _enum_forms(list(Channel))
_LEGAL_TYPES = _enum_forms(list(LegalType))
_LEGAL_TYPES.update({"kode etik": LegalType.KODE_ETIK.value, "etik": LegalType.KODE_ETIK.value,
                     "lainnya": LegalType.LAINNYA.value})
_SOURCES.update({"bawaslu": SourceType.BAWASLU.value, "panwaslu": SourceType.BAWASLU.value,
                 "polri": SourceType.POLRI_TNI.value, "tni": SourceType.POLRI_TNI.value})


def match_severity(value: Any) -> str:
    text = cell_text(value)
    if not text:
        raise CellProblem(N_("Severity is missing"))
    found = _SEVERITIES.get(_norm(text))
    if found is None:
        raise CellProblem(N_("Unknown severity {value}; use Rendah, Sedang, Tinggi or Kritis"),
                          value=text)
    return found


def match_status(value: Any) -> str:
    text = cell_text(value)
    if not text:
        return Status.BARU.value
    found = _STATUSES.get(_norm(text))
    if found is None:
        raise CellProblem(N_("Unknown status {value}; choose one from the list"), value=text)
    return found


def match_source(value: Any) -> str:
    text = cell_text(value)
    if not text:
        return SourceType.LAPANGAN.value
    found = _SOURCES.get(_norm(text))
    if found is None:
        raise CellProblem(N_("Unknown source type {value}; choose one from the list"), value=text)
    return found


def match_channel(value: Any) -> str:
    """A channel code from its code or label in either language; "" when the cell is empty."""
    return _match_optional(value, _CHANNELS,
                           N_("Unknown channel {value}; choose one from the list"))


def match_legal_type(value: Any) -> str:
    return _match_optional(value, _LEGAL_TYPES,
                           N_("Unknown legal type {value}; choose one from the list"))


def _match_optional(value: Any, forms: dict[str, str], unknown: str) -> str:
    text = cell_text(value)
    found = forms.get(_norm(text), "" if not text else None)
    if found is None:
        raise CellProblem(unknown, value=text)
    return found


def taxonomy_label(value: str, lang: str) -> str:
    """The label of a channel or legal type code; "" for not stated."""
    for kind in (Channel, LegalType):
        if value in kind._value2member_map_:
            return gettext_in(lang, _label_msgid(kind(value)))
    return ""


def severity_label(value: str, lang: str) -> str:
    return gettext_in(lang, _label_msgid(Severity(value)))


def status_label(value: str, lang: str) -> str:
    return gettext_in(lang, _label_msgid(Status(value)))


def source_label(value: str, lang: str) -> str:
    return gettext_in(lang, _label_msgid(SourceType(value)))


# --- times (WIB) ----------------------------------------------------------------------------

_TIME_FORMATS = (
    "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H.%M",
    "%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H.%M",
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H.%M",
    "%Y/%m/%d %H:%M", "%d.%m.%Y %H:%M", "%d.%m.%Y %H.%M",
)
_DATE_ONLY = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_WIB_SUFFIX = re.compile(r"\s*(wib|pukul)\s*", re.IGNORECASE)


def parse_wib_cell(value: Any, required: bool) -> datetime | None:
    """An Excel date/time or text in WIB -> naive WIB wall time (the services take it as WIB)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CellProblem(N_("The time is missing"))
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise CellProblem(N_("Write the time in WIB without a time zone"))
        return value.replace(second=0, microsecond=0)
    if isinstance(value, date):
        raise CellProblem(N_("Write the date and the time, e.g. 27-11-2024 08.15"))
    if isinstance(value, time):
        raise CellProblem(N_("Write the date and the time, e.g. 27-11-2024 08.15"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 36526 <= value <= 73051:  # Excel serial numbers for 2000-01-01 .. 2099-12-31
            from openpyxl.utils.datetime import from_excel  # openpyxl: on use

            result = from_excel(value)
            return result.replace(second=0, microsecond=0)
        raise CellProblem(N_("\"{value}\" is not a date and time"), value=cell_text(value))
    text = " ".join(_WIB_SUFFIX.sub(" ", str(value)).replace("T", " ").split())
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    if _DATE_ONLY.match(text):
        raise CellProblem(N_("Write the date and the time, e.g. 27-11-2024 08.15"))
    raise CellProblem(
        N_("\"{value}\" is not a date and time; write e.g. 2024-11-27 08:15 or 27-11-2024 08.15"),
        value=str(value).strip())


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")  # Indonesian "1.250"


def parse_degrees(value: Any) -> float | None:
    """A coordinate in degrees: a number cell, or text with a decimal point or comma."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(cell_text(value).replace(",", "."))
    except ValueError:
        raise CellProblem(N_("\"{value}\" is not a number of degrees, e.g. -7.1306"),
                          value=cell_text(value)) from None


def parse_people(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellProblem(N_("\"{value}\" is not a whole number"), value=cell_text(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value).replace(" ", "")
    if _THOUSANDS.match(text):
        text = text.replace(".", "")
    if text.isdigit():
        return int(text)
    raise CellProblem(N_("\"{value}\" is not a whole number"), value=cell_text(value))
