"""What the Pantau Medsos outputs take in: plain dataclasses the case and take-down services
fill (no database here), and how each verdict looks on them (rating, stamp, colour).

The outputs: the clarification as ClaimReview JSON-LD (`claimreview.py`) and as a square
PNG card (`reports/medsos_card.py`), the take-down request letter (`reports/takedown_pdf.py`)
and the take-down register (`spreadsheets/takedown_register.py`). docs/medsos.md, "Outputs".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from posko_desktop.core.i18n import N_

# --- verdicts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictLook:
    """How a verdict shows: `rating` on ClaimReview's 1 (false) .. 5 (true) scale (None:
    no place on the scale), the card's stamp (an English msgid, upper case) and colour."""

    rating: int | None
    stamp: str
    colour: str


BEST_RATING, WORST_RATING = 5, 1

VERDICT_LOOKS: dict[str, VerdictLook] = {
    "salah": VerdictLook(1, N_("HOAX"), "#c62828"),
    "menyesatkan": VerdictLook(2, N_("MISLEADING"), "#e65100"),
    "sebagian_benar": VerdictLook(3, N_("PARTLY TRUE"), "#a16207"),
    "benar": VerdictLook(5, N_("TRUE"), "#2e7d32"),
    "tidak_dapat_diverifikasi": VerdictLook(None, N_("UNVERIFIED"), "#546e7a"),
}


def verdict_look(verdict: str) -> VerdictLook:
    """The look of a verdict code; ValueError for a code that is no verdict."""
    try:
        return VERDICT_LOOKS[verdict]
    except KeyError:
        raise ValueError(verdict) from None


# --- the clarification (ClaimReview, card) -------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A source the verdict rests on, or an external fact-check: its name and address."""

    name: str
    url: str = ""


@dataclass(frozen=True)
class Appearance:
    """A post that carries the claim."""

    url: str
    platform: str
    account: str = ""
    posted_at: datetime | None = None  # UTC


@dataclass(frozen=True)
class Clarification:
    """A case's published clarification. `verdict` is a verdict code (`VERDICT_LOOKS`),
    `verdict_label` its name in the output's language ("Salah / hoaks"); `explanation`
    the short text of the card and the review's body; `published_url` where the desk
    published it ("" not on the web); `appearances` the case's posts, oldest first."""

    case_number: str
    claim: str
    verdict: str
    verdict_label: str
    explanation: str
    published_at: datetime  # UTC
    publisher: str  # the issuing unit ("Biro Pemerintahan, Otonomi dan Kerja Sama")
    published_url: str = ""
    publisher_url: str = ""
    sources: tuple[Source, ...] = ()
    appearances: tuple[Appearance, ...] = ()
    lang: str = "id"
    training: bool = False  # a training database: the card says LATIHAN


# --- take-down requests (letter, register) -----------------------------------------------

RECHECK_INTERVAL = timedelta(hours=24)  # a request still open is looked at again daily


@dataclass(frozen=True)
class EvidenceRef:
    """A stored evidence file of a post (content-addressed by its SHA-256)."""

    sha256: str
    filename: str = ""


@dataclass(frozen=True)
class TakedownItem:
    """One post in a take-down request: its address and the evidence that proves it."""

    url: str
    platform: str
    account: str = ""
    posted_at: datetime | None = None  # UTC
    post_number: str = ""
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True)
class RegisterRow:
    """One take-down request in the register. Labels are in the register's language
    (the service fills them); times UTC."""

    number: str
    case_number: str
    addressee: str
    platform: str
    channel: str
    reference: str
    status: str
    submitted_at: datetime | None
    last_recheck_at: datetime | None
    last_result: str
    urls: tuple[str, ...]
    open: bool  # not taken down, not refused

    def age_days(self, now: datetime) -> int | None:
        """Whole days since the request was submitted (None: not submitted yet)."""
        if self.submitted_at is None:
            return None
        return max((now - self.submitted_at).days, 0)

    def recheck_due(self) -> datetime | None:
        """When an open request is to be looked at again: a day after the last re-check,
        or after submission (None: closed, or not submitted)."""
        return recheck_due(self.open, self.submitted_at, self.last_recheck_at)


def recheck_due(is_open: bool, submitted_at: datetime | None,
                last_recheck_at: datetime | None) -> datetime | None:
    if not is_open or submitted_at is None:
        return None
    return max(submitted_at, last_recheck_at or submitted_at) + RECHECK_INTERVAL
