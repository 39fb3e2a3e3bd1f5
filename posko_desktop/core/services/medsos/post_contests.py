"""Posts by contest and candidate pair (issue 17, migration 0027): the counts `posko stats
--by contest|pair` and the dashboard's contest panel show beside the incidents'
(`stats.contest_pair_counts`), and the report of the old free-text contest notes (issue 16)
that migration 0027 did not turn into codes whole (`posko post contest-report`).

Counting rule: posts not deleted (dismissed ones too: they still name the contest),
collected (`created_at`) on the WIB days asked; a post counts once for the contest and pair
it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, String, cast, false, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models_medsos import SocialPost
from posko_desktop.core.medsos.contest_text import match_contest
from posko_desktop.core.timeutil import wib_range


def _counts(s: Session, key: ColumnElement[str | None] | InstrumentedAttribute[str | None],
            date_from: date | None,
            date_to: date | None) -> dict[str, int]:
    conds: list[ColumnElement[bool]] = [SocialPost.deleted == false(),
                                        SocialPost.contest_code.is_not(None)]
    start, end = wib_range(date_from, date_to)
    if start is not None:
        conds.append(SocialPost.created_at >= start)
    if end is not None:
        conds.append(SocialPost.created_at < end)
    stmt = select(key, func.count()).where(*conds).group_by(key)
    return {str(k): int(n) for k, n in s.execute(stmt)}


def counts_by_pair(s: Session, date_from: date | None = None,
                   date_to: date | None = None) -> dict[str, int]:
    """{"CONTEST/BALLOT" (or "CONTEST/-": no pair named): posts naming it}."""
    key = SocialPost.contest_code + "/" + func.coalesce(cast(SocialPost.pair_number, String),
                                                         "-")
    return _counts(s, key, date_from, date_to)


@dataclass(frozen=True)
class NoteRow:
    """A post whose old contest note is not (whole) in its codes: `reason` a msgid."""

    number: str
    note: str
    contest_code: str | None
    pair_number: int | None
    reason: str


@dataclass(frozen=True)
class NoteReport:
    notes: int  # live posts with a note
    matched: int  # of them, matched whole by migration 0027's rules
    rows: list[NoteRow]


def contest_report(ctx: AppContext) -> NoteReport:
    """The live posts that still hold an old free-text contest note, and for each one the
    match is not whole, why (`core/medsos/contest_text.py`)."""
    rows: list[NoteRow] = []
    notes = 0
    with ctx.db.read() as s:
        for number, note, code, pair in s.execute(
                select(SocialPost.number, SocialPost.contest, SocialPost.contest_code,
                       SocialPost.pair_number)
                .where(SocialPost.deleted == false(), SocialPost.contest != "")
                .order_by(SocialPost.number)):
            if not note.strip():
                continue
            notes += 1
            problem = match_contest(note).problem
            if problem is not None:
                rows.append(NoteRow(number, note, code, pair, problem))
    return NoteReport(notes, notes - len(rows), rows)
