"""Enums, value objects, the status workflow and typed errors. Standard library only."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from posko_desktop.core.i18n import N_, _, current_language, gettext_in
from posko_desktop.core.textrules import control_character, format_datetime_wib

PROVINCE_CODE = "33"
# Site codes an agency/OPD running its own site takes (docs/decisions.md, branch
# h-units-lang): `33.80`-`33.99`, a range Kemendagri gives no regency or city of Central
# Java (kabupaten 33.01-33.29, kota 33.71-33.76), so every site code stays `33(.dd)?`.
AGENCY_SITE_FIRST, AGENCY_SITE_LAST = "33.80", "33.99"


def is_agency_site(code: str | None) -> bool:
    return (code is not None and len(code) == 5
            and AGENCY_SITE_FIRST <= code <= AGENCY_SITE_LAST and code[3:].isdigit())


class Severity(enum.StrEnum):
    RENDAH = "rendah"
    SEDANG = "sedang"
    TINGGI = "tinggi"
    KRITIS = "kritis"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    @property
    def label(self) -> str:
        return _(_SEVERITY_LABELS[self])


_SEVERITY_ORDER = [Severity.RENDAH, Severity.SEDANG, Severity.TINGGI, Severity.KRITIS]
_SEVERITY_LABELS = {
    Severity.RENDAH: N_("Low"),
    Severity.SEDANG: N_("Medium"),
    Severity.TINGGI: N_("High"),
    Severity.KRITIS: N_("Critical"),
}


class Status(enum.StrEnum):
    BARU = "baru"
    DIVERIFIKASI = "diverifikasi"
    DITINDAKLANJUTI = "ditindaklanjuti"
    SELESAI = "selesai"
    DITOLAK = "ditolak"
    TIDAK_DAPAT_DIVERIFIKASI = "tidak_dapat_diverifikasi"

    @property
    def label(self) -> str:
        return _(_STATUS_LABELS[self])

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


_STATUS_LABELS = {
    Status.BARU: N_("New"),
    Status.DIVERIFIKASI: N_("Verified"),
    Status.DITINDAKLANJUTI: N_("In follow-up"),
    Status.SELESAI: N_("Resolved"),
    Status.DITOLAK: N_("Rejected"),
    Status.TIDAK_DAPAT_DIVERIFIKASI: N_("Cannot be verified"),
}

OPEN_STATUSES = frozenset({Status.BARU, Status.DIVERIFIKASI, Status.DITINDAKLANJUTI})
CLOSED_STATUSES = frozenset(set(Status) - OPEN_STATUSES)


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    label: str  # msgid, translated when shown
    needs_reason: bool = False
    is_reopen: bool = False


# The one table of allowed status changes. Enforced in services.incidents.change_status.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.BARU, Status.DIVERIFIKASI, N_("Verify")),
    Transition(Status.BARU, Status.DITOLAK, N_("Reject"), needs_reason=True),
    Transition(Status.BARU, Status.TIDAK_DAPAT_DIVERIFIKASI, N_("Cannot verify"), needs_reason=True),
    Transition(Status.DIVERIFIKASI, Status.DITINDAKLANJUTI, N_("Start follow-up")),
    Transition(Status.DIVERIFIKASI, Status.SELESAI, N_("Resolve")),
    Transition(Status.DIVERIFIKASI, Status.DITOLAK, N_("Reject"), needs_reason=True),
    Transition(Status.DITINDAKLANJUTI, Status.SELESAI, N_("Resolve")),
    Transition(Status.SELESAI, Status.DITINDAKLANJUTI, N_("Reopen"), needs_reason=True, is_reopen=True),
    Transition(Status.DITOLAK, Status.BARU, N_("Reopen"), needs_reason=True, is_reopen=True),
    Transition(Status.TIDAK_DAPAT_DIVERIFIKASI, Status.BARU, N_("Reopen"), needs_reason=True, is_reopen=True),
)


def allowed_transitions(source: Status) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


def find_transition(source: Status, target: Status) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


class SourceType(enum.StrEnum):
    MEDIA_SOSIAL = "media_sosial"
    LAPANGAN = "laporan_lapangan"
    BAWASLU = "bawaslu"
    POLRI_TNI = "polri_tni"
    MEDIA_MASSA = "media_massa"
    MASYARAKAT = "masyarakat"
    OPD = "opd"

    @property
    def label(self) -> str:
        return _(_SOURCE_LABELS[self])


_SOURCE_LABELS = {
    SourceType.MEDIA_SOSIAL: N_("Social media"),
    SourceType.LAPANGAN: N_("Field report"),
    SourceType.BAWASLU: N_("Bawaslu/Panwaslu"),
    SourceType.POLRI_TNI: N_("Police/Armed forces"),
    SourceType.MEDIA_MASSA: N_("Mass media"),
    SourceType.MASYARAKAT: N_("Public"),
    SourceType.OPD: N_("Regional government office (OPD)"),
}


class FollowUpKind(enum.StrEnum):
    NOTE = "note"
    STATUS = "status"
    REFERRAL = "referral"
    REFERRAL_UPDATE = "referral_update"


class ReferralState(enum.StrEnum):
    TERKIRIM = "terkirim"
    DIJAWAB = "dijawab"
    SELESAI = "selesai"

    @property
    def label(self) -> str:
        return _(_REFERRAL_LABELS[self])


_REFERRAL_LABELS = {
    ReferralState.TERKIRIM: N_("Sent"),
    ReferralState.DIJAWAB: N_("Answered"),
    ReferralState.SELESAI: N_("Done"),
}


def victims_text(dead: int | None, injured: int | None) -> str:
    """The victims of an incident as a person reads them; "" when neither is known."""
    if dead is None and injured is None:
        return ""
    return _("{dead} dead, {injured} injured").format(
        dead="?" if dead is None else dead, injured="?" if injured is None else injured)


class ActivityKind(enum.StrEnum):
    """What the desk itself did (issue 15, "Kegiatan Posko"). Codes are stable (they travel
    in packages); labels are translated."""

    RAKOR = "rakor"
    PATROLI_SIBER = "patroli_siber"
    IMBAUAN = "imbauan"
    KLARIFIKASI = "klarifikasi_publik"
    SOSIALISASI = "sosialisasi_edukasi"
    KUNJUNGAN_TOKOH = "kunjungan_tokoh"
    LAINNYA = "lainnya"

    @property
    def label(self) -> str:
        return _(_ACTIVITY_LABELS[self])

    def label_in(self, lang: str) -> str:
        return gettext_in(lang, _ACTIVITY_LABELS[self])


_ACTIVITY_LABELS = {
    ActivityKind.RAKOR: N_("Coordination meeting"),
    ActivityKind.PATROLI_SIBER: N_("Cyber patrol"),
    ActivityKind.IMBAUAN: N_("Public appeal"),
    ActivityKind.KLARIFIKASI: N_("Public clarification"),
    ActivityKind.SOSIALISASI: N_("Outreach and education"),
    ActivityKind.KUNJUNGAN_TOKOH: N_("Visit to community leaders"),
    ActivityKind.LAINNYA: N_("Other"),
}


class UnitType(enum.StrEnum):
    """A reporting unit (issue 18): a regency/city office or an agency/OPD."""

    REGENCY = "regency"
    AGENCY = "agency"

    @property
    def label(self) -> str:
        return _("Regency/city") if self is UnitType.REGENCY else _("Agency/OPD")


class Cadence(enum.StrEnum):
    """When a reporting unit is expected to report: every reporting period by the cut-off
    (the reporting watch counts it as Belum until it does), or only when something happens."""

    DAILY = "daily"
    ON_EVENT = "on_event"

    @property
    def label(self) -> str:
        return _("Daily by the cut-off") if self is Cadence.DAILY else _("Only when something happens")


class AgencyLevel(enum.StrEnum):
    """Where an agency of the directory sits (issue 18): national, provincial, or the
    regency/city level (a Kodim, a Kejari, Bawaslu Kabupaten/Kota)."""

    PUSAT = "pusat"
    PROVINSI = "provinsi"
    KABKOTA = "kabkota"

    @property
    def label(self) -> str:
        return _(_AGENCY_LEVEL_LABELS[self])


_AGENCY_LEVEL_LABELS = {
    AgencyLevel.PUSAT: N_("National"),
    AgencyLevel.PROVINSI: N_("Province"),
    AgencyLevel.KABKOTA: N_("Regency/city level"),
}


class ContestKind(enum.StrEnum):
    """The contests of the Pilkada 2024 in Jawa Tengah: the governor's (contest code "33")
    and one per regency (its code), bupati or wali kota by the regency's kind."""

    PILGUB = "pilgub"
    PILBUP = "pilbup"
    PILWALKOT = "pilwalkot"

    @property
    def label(self) -> str:
        return _(_CONTEST_LABELS[self])


_CONTEST_LABELS = {
    ContestKind.PILGUB: N_("Governor election"),
    ContestKind.PILBUP: N_("Regent election"),
    ContestKind.PILWALKOT: N_("Mayor election"),
}


class ProgressStage(enum.StrEnum):
    """A stage of voting day and after, tracked per regency (issue 17). Every report of a
    stage is "done of total": yes/no stages are 0 or 1 of 1; voting: TPS reporting of all
    TPS; PSU/PSL/PSS: held of needed; rekap kecamatan: kecamatan finished of all; the
    Constitutional Court: disputes decided of registered. Codes are stable (packages)."""

    LOGISTIK = "logistik"
    PEMUNGUTAN = "pemungutan"
    PSU = "psu"
    PSL = "psl"
    PSS = "pss"
    REKAP_KECAMATAN = "rekap_kecamatan"
    REKAP_KABKOTA = "rekap_kabkota"
    REKAP_PROVINSI = "rekap_provinsi"
    SENGKETA_MK = "sengketa_mk"

    @property
    def yes_no(self) -> bool:
        return self in _YES_NO_STAGES

    @property
    def label(self) -> str:
        return _(_STAGE_LABELS[self][0])

    def label_in(self, lang: str) -> str:
        return gettext_in(lang, _STAGE_LABELS[self][0])

    def short_in(self, lang: str) -> str:
        """The board's and the sitrep's column header."""
        return gettext_in(lang, _STAGE_LABELS[self][1])


_YES_NO_STAGES = frozenset({ProgressStage.LOGISTIK, ProgressStage.REKAP_KABKOTA,
                            ProgressStage.REKAP_PROVINSI})
_STAGE_LABELS = {
    ProgressStage.LOGISTIK: (N_("Logistics at the TPS complete"), N_("Logistics")),
    ProgressStage.PEMUNGUTAN: (N_("Voting held (TPS reporting of all TPS)"), N_("Voting")),
    ProgressStage.PSU: (N_("Re-voting (PSU) held of needed"), N_("PSU")),
    ProgressStage.PSL: (N_("Continued voting (PSL) held of needed"), N_("PSL")),
    ProgressStage.PSS: (N_("Follow-up voting (PSS) held of needed"), N_("PSS")),
    ProgressStage.REKAP_KECAMATAN: (N_("Tally at the kecamatan (finished of all)"),
                                    N_("Tally kec.")),
    ProgressStage.REKAP_KABKOTA: (N_("Tally at the regency/city complete"),
                                  N_("Tally kab/kota")),
    ProgressStage.REKAP_PROVINSI: (N_("Tally at the province complete"), N_("Tally prov.")),
    ProgressStage.SENGKETA_MK: (N_("Constitutional Court disputes (decided of registered)"),
                                N_("MK disputes")),
}


class RegencyKind(enum.StrEnum):
    KABUPATEN = "kabupaten"
    KOTA = "kota"

    @property
    def label(self) -> str:
        return _("Regency") if self is RegencyKind.KABUPATEN else _("City")


@dataclass(frozen=True)
class Actor:
    """Who is acting. `role` is checked by services.authz; `site` is the local site code."""

    username: str
    role: str = "admin"
    display_name: str = ""


SYSTEM_ACTOR = Actor("system", "admin", "Sistem")


# --- errors ---------------------------------------------------------------------------


class PoskoError(Exception):
    """An error the user must see. `message` is an English msgid with `.format()` fields;
    `text()` renders it in the current language, `text_in(lang)` in a given one."""

    code = "error"

    def __init__(self, message: str, /, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(self.text_in("en"))

    def text(self) -> str:
        return _(self.message).format(**self.params)

    def text_in(self, lang: str) -> str:
        return gettext_in(lang, self.message).format(**self.params)

    def bilingual(self) -> str:
        return "{id} / {en}".format(id=self.text_in("id"), en=self.text_in("en"))


class ValidationError(PoskoError):
    code = "validation"

    def __init__(self, message: str, /, field: str | None = None, **params: Any) -> None:
        self.field = field
        super().__init__(message, **params)


class ValidationErrors(PoskoError):
    """Several field errors at once (the form shows each next to its field)."""

    code = "validation"

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        super().__init__(N_("{count} field(s) are not valid"), count=len(errors))

    def by_field(self) -> dict[str, str]:
        return {e.field or "": e.text() for e in self.errors}


class NotFoundError(PoskoError):
    code = "not_found"


class TransitionError(PoskoError):
    code = "transition"


class PermissionDenied(PoskoError):
    code = "permission"


class DatabaseVersionError(PoskoError):
    code = "db_version"


class AttachmentError(PoskoError):
    code = "attachment"


class StaleEdit(PoskoError):
    """A save made from an older version of a record: refused, nothing written.

    Carries what a reload or a merge needs: the record's current `version` and values
    (`current`), the sent fields someone else changed since (`fields`; empty when the whole
    record counts), and who changed it when. `{name}` and `{time}` are filled in per
    language: the time in WIB as that language writes it, a sync import by its name."""

    code = "stale"
    BY_IMPORT = N_("a sync import")

    def __init__(self, message: str, /, *, version: str, current: Mapping[str, Any],
                 changed_by: str, changed_at: datetime, fields: Sequence[str] = (),
                 by_import: bool = False, **params: Any) -> None:
        self.version = version
        self.current = dict(current)
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.fields = tuple(fields)
        self.by_import = by_import
        super().__init__(message, **params)

    def who_in(self, lang: str) -> str:
        return gettext_in(lang, self.BY_IMPORT) if self.by_import else self.changed_by

    def when_in(self, lang: str) -> str:
        return format_datetime_wib(self.changed_at, lang)

    def text(self) -> str:
        return self.text_in(current_language())

    def text_in(self, lang: str) -> str:
        return gettext_in(lang, self.message).format(
            name=self.who_in(lang), time=self.when_in(lang), **self.params)


@dataclass
class Page:
    """One page of a query: `rows` plus the total that matches the filter."""

    rows: list[Any]
    total: int
    offset: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# --- text coming in (the rule itself: textrules.control_character) ----------------------


def text_problem(text: str, field: str, *, multiline: bool = False) -> ValidationError | None:
    """The ValidationError naming the control character `text` holds, or None."""
    bad = control_character(text, multiline=multiline)
    if bad is None:
        return None
    return ValidationError(N_("The text contains the control character {char}, which cannot "
                              "be stored"), field=field, char=bad)


def check_text(text: str, field: str, *, multiline: bool = False) -> str:
    """`text`, or raise `text_problem` (every service that stores text people typed or
    imported calls this)."""
    problem = text_problem(text, field, multiline=multiline)
    if problem is not None:
        raise problem
    return text
