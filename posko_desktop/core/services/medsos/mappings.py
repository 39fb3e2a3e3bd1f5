"""Column mappings the desk saves for monitoring-tool exports that match no shipped
preset: named, kept as local settings rows (`medsos.column_mapping.<name>`, not synced:
the layouts are those of the tools this office uses), recognised on later imports by
their columns, chosen by name (`posko post import --mapping NAME`) or read from a JSON
file; and the preview of a table's first rows under a mapping, with row-level problems.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Setting
from posko_desktop.core.domain import NotFoundError, ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.medsos.intake import (
    PRESETS,
    ColumnMapping,
    IntakeOptions,
    PreviewRow,
    preview_table,
    table_headers,
)
from posko_desktop.core.medsos.intake.common import read_limited
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.medsos.lexicon import lexicon_in
from posko_desktop.core.timeutil import WIB

logger = logging.getLogger(__name__)

PREFIX = "medsos.column_mapping."  # not declared: never listed with the settings
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
RESERVED = frozenset({"posko", "manual", *(p.name for p in PRESETS)})
JSON_MAX = 64 * 1024


@dataclass(frozen=True)
class SavedMapping:
    name: str
    mapping: ColumnMapping
    updated_by: str
    updated_at: datetime


def _name(value: str) -> str:
    name = value.strip().lower()
    if not NAME_RE.match(name):
        raise ValidationError(N_("A mapping name is 1–40 small letters, digits, - or _ (e.g. "
                                 "brand24), not {value}"), field="name", value=value[:60])
    if name in RESERVED:
        raise ValidationError(N_("{value} is the name of a shipped preset; choose another"),
                              field="name", value=name)
    return name


def _saved(row: Setting) -> SavedMapping:
    name = row.key[len(PREFIX):]
    return SavedMapping(name, ColumnMapping.from_dict(row.value, name), row.updated_by,
                        row.updated_at)


def saved_in(s: Session) -> list[SavedMapping]:
    rows = s.scalars(select(Setting).where(Setting.key.like(PREFIX + "%")).order_by(Setting.key))
    return [_saved(r) for r in rows]


def list_mappings(ctx: AppContext) -> list[SavedMapping]:
    with ctx.db.read() as s:
        return saved_in(s)


def get_mapping(ctx: AppContext, name: str) -> ColumnMapping:
    with ctx.db.read() as s:
        row = s.get(Setting, PREFIX + name.strip().lower())
        if row is None:
            raise NotFoundError(N_("Column mapping {id} not found"), id=name)
        return _saved(row).mapping


def mapping_from_file(path: str | Path) -> ColumnMapping:
    """A mapping written as JSON (`{"columns": {...}, "platform": ...}`), named after the
    file."""
    path = Path(path)
    raw = read_limited(path, JSON_MAX)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MedsosError(N_("{name} is not a column mapping (JSON): {error}"), name=path.name,
                          error=str(err)[:120]) from None
    return ColumnMapping.from_dict(data, path.stem[:40] or "manual")


def resolve_mapping(ctx: AppContext, ref: str) -> ColumnMapping:
    """`--mapping`: a saved mapping by name, or a JSON file (a path ending in .json)."""
    if ref.lower().endswith(".json"):
        return mapping_from_file(ref)
    return get_mapping(ctx, ref)


def save_mapping(ctx: AppContext, name: str, mapping: ColumnMapping) -> SavedMapping:
    """Keep `mapping` under `name` (a new one, or replacing the desk's own of that name)."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    key = PREFIX + _name(name)
    value = ColumnMapping.from_dict(mapping.to_dict()).to_dict()  # checked again
    now = ctx.now()
    with ctx.db.write() as s:
        row = s.get(Setting, key)
        before = None if row is None else {key: row.value}
        if row is None:
            row = Setting(key=key, value=value, updated_at=now, updated_by=ctx.actor.username)
            s.add(row)
        else:
            row.value, row.updated_at, row.updated_by = value, now, ctx.actor.username
        audit.record(s, ctx.actor, "medsos.mapping_save", "setting", key, before=before,
                     after={key: value}, at=now)
        saved = _saved(row)
    logger.info("Column mapping %s saved", saved.name)
    ctx.bus.publish(Change(ChangeKind.SETTINGS, (key,)))
    return saved


def delete_mapping(ctx: AppContext, name: str) -> None:
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    key = PREFIX + name.strip().lower()
    now = ctx.now()
    with ctx.db.write() as s:
        row = s.get(Setting, key)
        if row is None:
            raise NotFoundError(N_("Column mapping {id} not found"), id=name)
        audit.record(s, ctx.actor, "medsos.mapping_delete", "setting", key,
                     before={key: row.value}, after=None, at=now)
        s.delete(row)
    ctx.bus.publish(Change(ChangeKind.SETTINGS, (key,)))


@dataclass(frozen=True)
class TablePreview:
    headers: list[str]
    rows: list[PreviewRow]


def headers_of(ctx: AppContext, path: str | Path) -> list[str]:
    """The header row of a table (what the mapping dialog offers)."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    return table_headers(Path(path))


def preview(ctx: AppContext, path: str | Path, mapping: ColumnMapping | None,
            limit: int = 20) -> TablePreview:
    """The first `limit` rows of the table as `mapping` (None: the preset or saved mapping
    recognised) reads them; nothing is written."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    with ctx.db.read() as s:
        lexicon, _version = lexicon_in(s)
        saved = tuple(m.mapping for m in saved_in(s))
    options = IntakeOptions(read_at=ctx.now(), tz=WIB, lexicon=lexicon, mapping=mapping,
                            saved_mappings=saved, keep_numbers=True)
    path = Path(path)
    return TablePreview(table_headers(path), preview_table(path, options, limit))
