"""The candidate pairs' XLSX template and import (docs/spreadsheets.md, "Kerawanan
templates"): one row per pair; the template lists the 36 contests. The import checks every
row first (row and column named) and writes nothing while any row is wrong; a pair already
held (same contest and ballot number) gets the changed fields, so importing the same file
twice changes nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models_kerawanan import CandidatePair
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, gettext_in
from posko_desktop.core.services import contests
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.spreadsheets.tables import (
    CellValueError,
    RowProblem,
    TableColumn,
    TableRowsError,
    header_of,
    int_cell,
    read_table,
    text_cell,
)
from posko_desktop.core.textrules import neutralise_cell

logger = logging.getLogger(__name__)

COLUMNS = (
    TableColumn("contest_code", N_("Contest code"), True,
                N_("33 for the governor election, else the regency code (33.01 … 33.76).")),
    TableColumn("contest_name", N_("Contest"), False, N_("For the reader only; not imported.")),
    TableColumn("ballot_number", N_("Ballot number"), True, N_("1, 2, 3 …")),
    TableColumn("head", N_("Candidate"), True,
                N_("The candidate for governor, regent or mayor.")),
    TableColumn("deputy", N_("Running mate"), True, N_("The candidate for the deputy.")),
    TableColumn("parties", N_("Supporting parties"), False,
                N_("Separated by ; (e.g. PDI-P; PKB).")),
)
_BY_KEY = {c.key: c for c in COLUMNS}
_FIELD_COLUMN = {"contest_code": "contest_code", "ballot_number": "ballot_number",
                 "head": "head", "deputy": "deputy", "parties": "parties"}


def write_template(ctx: AppContext, out: str | Path, lang: str = "id") -> Path:
    """The template: a header row and one row per contest (code and name) to fill in."""
    out = Path(out)
    rows = contests.list_contests(ctx)
    pairs = contests.list_pairs(ctx)

    def write(tmp: Path) -> Path:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = gettext_in(lang, N_("Candidate pairs"))
        ws.append([header_of(c, lang) for c in COLUMNS])
        for i, _col in enumerate(COLUMNS, 1):
            ws.cell(row=1, column=i).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(i)].width = 14 if i in (1, 3) else 32
        by_contest: dict[str, list[contests.PairInfo]] = {}
        for p in pairs:
            by_contest.setdefault(p.contest_code, []).append(p)
        for c in rows:
            held = by_contest.get(c.code, [])
            for p in held:
                ws.append([c.code, neutralise_cell(c.name), p.ballot_number,
                           neutralise_cell(p.head), neutralise_cell(p.deputy),
                           neutralise_cell("; ".join(p.parties))])
            if not held:
                ws.append([c.code, neutralise_cell(c.name), None, None, None, None])
        notes = wb.create_sheet(gettext_in(lang, N_("Instructions")))
        for col in COLUMNS:
            notes.append([header_of(col, lang), gettext_in(lang, col.note)])
        wb.save(tmp)
        return out

    return write_atomically(out, write)


@dataclass(frozen=True)
class PairImportResult:
    added: int
    updated: int
    unchanged: int


def _row_values(number: int, raw: dict[str, Any],
                problems: list[RowProblem]) -> dict[str, Any] | None:
    def problem(key: str, message: str, **params: Any) -> None:
        problems.append(RowProblem(number, header_of(_BY_KEY[key]), message, params))

    try:
        ballot = int_cell(raw.get("ballot_number"), 1, contests.BALLOT_MAX)
    except CellValueError as err:
        problem("ballot_number", err.message, **err.params)
        return None
    parties = [p for p in (text_cell(x) for x in text_cell(raw.get("parties")).split(";")) if p]
    return {"contest_code": text_cell(raw.get("contest_code")), "ballot_number": ballot,
            "head": text_cell(raw.get("head")), "deputy": text_cell(raw.get("deputy")),
            "parties": parties}


def import_pairs(ctx: AppContext, path: str | Path) -> PairImportResult:
    """Import the pairs of `path` (XLSX or CSV of the template) in one transaction."""
    require(ctx.actor, Permission.REFERENCE_MANAGE)
    table = read_table(path, COLUMNS)
    now = ctx.now()
    problems: list[RowProblem] = []
    added = updated = unchanged = 0
    with ctx.db.write() as s:
        wanted: list[tuple[int, dict[str, Any]]] = []
        seen: dict[tuple[str, int], int] = {}
        for number, raw in table.rows:
            if all(text_cell(raw.get(k)) == "" for k in ("ballot_number", "head", "deputy",
                                                          "parties")):
                continue  # a contest of the template left without pairs
            values = _row_values(number, raw, problems)
            if values is None:
                continue
            try:
                values = contests.validate_pair(s, values)
            except PoskoError as err:
                key = _FIELD_COLUMN.get(getattr(err, "field", None) or "", "contest_code")
                problems.append(RowProblem(number, header_of(_BY_KEY[key]), err.message,
                                           dict(err.params)))
                continue
            key_ = (values["contest_code"], values["ballot_number"])
            if key_ in seen:
                problems.append(RowProblem(number, header_of(_BY_KEY["ballot_number"]),
                                           N_("The same pair as row {row}"), {"row": seen[key_]}))
                continue
            seen[key_] = number
            wanted.append((number, values))
        if problems:
            raise TableRowsError(table.name, problems)
        held = {(p.contest_code, p.ballot_number): p for p in s.scalars(
            select(CandidatePair).where(CandidatePair.deleted.is_(False)))}
        for _number, values in wanted:
            p = held.get((values["contest_code"], values["ballot_number"]))
            if p is None:
                contests.insert_pair(ctx, s, values, now, action="candidate_pair.import")
                added += 1
            elif contests.change_pair(ctx, s, p, values, now,
                                      detail="import {name}".format(name=table.name)):
                updated += 1
            else:
                unchanged += 1
    logger.info("Candidate pairs imported from %s: %d new, %d changed, %d unchanged",
                table.name, added, updated, unchanged)
    if added or updated:
        ctx.bus.publish(Change(ChangeKind.CANDIDATE_PAIR, ()))
    return PairImportResult(added, updated, unchanged)
