"""What the intake produces: posts not yet stored (`PostDraft`) and the row-level report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import _


class MedsosError(PoskoError):
    """A file or value the social-media intake refuses as a whole (nothing is kept)."""

    code = "medsos"


class Platform(StrEnum):
    TIKTOK = "tiktok"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    YOUTUBE = "youtube"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    WEB = "web"
    OTHER = "other"


@dataclass(frozen=True)
class Engagement:
    """Counts as read at `read_at` (UTC); None: not known (not zero)."""

    views: int | None = None
    likes: int | None = None
    shares: int | None = None
    comments: int | None = None
    read_at: datetime | None = None

    @property
    def reach(self) -> int:
        """The largest count known: what the triage queue ranks by."""
        return max((v for v in (self.views, self.likes, self.shares, self.comments)
                    if v is not None), default=0)


@dataclass(frozen=True)
class Flag:
    """One lexicon match: the normalised term, its category and where it stands in the
    normalised text (`start`, `end`: a slice)."""

    term: str
    category: str
    start: int
    end: int


@dataclass
class PostDraft:
    platform: Platform
    url: str = ""
    canonical_url: str = ""
    post_id: str = ""
    account_name: str = ""
    account_handle: str = ""
    account_id: str = ""
    posted_at: datetime | None = None  # UTC
    text: str = ""
    text_normalised: str = ""
    engagement: Engagement = field(default_factory=Engagement)
    flags: tuple[Flag, ...] = ()
    regencies: tuple[str, ...] = ()  # regency codes the lexicon's place names point to
    kecamatan_code: str | None = None  # the place by code (tables: the template's columns)
    desa_code: str | None = None
    contest_code: str | None = None  # the contest and pair named (tables: template columns;
    pair_number: int | None = None  # checked against the pairs held when stored)
    media: tuple[str, ...] = ()  # attachment names or markers ("<Media omitted>")
    links: tuple[str, ...] = ()  # URLs quoted in the text (canonical)
    source_line: int = 0  # line (chat, JSON message index) or row where the post was read

    @property
    def key(self) -> tuple[str, str]:
        """What makes two drafts the same post: (platform, post id), else the canonical
        URL (the uniqueness rule of `social_post`)."""
        if self.post_id:
            return (self.platform.value, self.post_id)
        return ("url", self.canonical_url)


@dataclass(frozen=True)
class Problem:
    """A row-level finding: `line` is the row (spreadsheet), line (chat) or message
    number (JSON); `skipped` says whether the row was left out or kept without a value."""

    line: int
    message: str  # English msgid with .format() fields
    params: dict[str, Any] = field(default_factory=dict)
    skipped: bool = True

    def text(self) -> str:
        return _(self.message).format(**self.params)


@dataclass
class IntakeResult:
    format: str  # "whatsapp", "telegram", "x-api", "table"
    file_name: str
    drafts: list[PostDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: int = 0  # system lines, service messages, empty rows: not posts, not problems
    duplicates: int = 0  # drafts of the same post earlier in the same file (dropped)
    preset: str = ""  # table files: the column preset recognised

    def problem(self, at: int, message: str, /, *, skipped: bool = True,
                **params: Any) -> None:
        self.problems.append(Problem(at, message, params, skipped))
