"""The lexicon in use: the shipped file (resources/medsos/lexicon-v1.json) with the desk's
changes (`lexicon_entry`, synced): terms added, shipped terms removed. Admins edit it.

Version: the shipped version alone ("1") or with the first 8 hex digits of a hash of the
changes in effect ("1+3fa07c2e"): the same changes give the same version on every site,
whatever order they arrived in. A post keeps the version it was flagged with.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models_medsos import LexiconEntry
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.lexicon import DEFAULT_FILE, Lexicon
from posko_desktop.core.medsos.normalize import normalise_term
from posko_desktop.core.resources import resource_path
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.medsos.common import next_number, one_line, site_tag
from posko_desktop.core.sync.kinds import LEXICON_ENTRIES

logger = logging.getLogger(__name__)

TERM_MAX = 120


@dataclass(frozen=True)
class LexiconTerm:
    term: str
    category: str
    source: str  # "shipped" or "added" (by the desk)
    entry_id: uuid.UUID | None  # the desk's entry that added it


@dataclass(frozen=True)
class LexiconEntryInfo:
    id: uuid.UUID
    number: str
    term: str
    category: str
    action: str  # add, remove
    recorded_by: str
    created_at: datetime
    deleted: bool  # withdrawn
    version: str


@dataclass(frozen=True)
class LexiconView:
    version: str
    categories: dict[str, str]  # key -> label as the file has it
    terms: tuple[LexiconTerm, ...]  # in effect, by category and term
    entries: tuple[LexiconEntryInfo, ...]  # the desk's changes, withdrawn ones too


@cache
def _shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path(*DEFAULT_FILE).read_bytes())
    return data


def _effective(entries: list[LexiconEntry]) -> tuple[dict[str, Any], list[LexiconTerm], str]:
    """The lexicon data with the live entries applied, the terms in effect, the version."""
    base = _shipped()
    live = sorted(((normalise_term(e.term), e.category, e.action, e) for e in entries
                   if not e.deleted), key=lambda x: (x[0], x[1], x[2], str(x[3].id)))
    removed = {(t, c) for t, c, action, _e in live if action == "remove"}
    terms: dict[tuple[str, str], LexiconTerm] = {}
    for category, words in base["terms"].items():
        for word in words:
            key = (normalise_term(word), category)
            if key not in removed and key not in terms:
                terms[key] = LexiconTerm(word, category, "shipped", None)
    for t, c, action, e in live:
        if action == "add" and (t, c) not in removed and (t, c) not in terms:
            terms[(t, c)] = LexiconTerm(e.term, c, "added", e.id)
    data = {**base, "terms": {}}
    for term in terms.values():
        data["terms"].setdefault(term.category, []).append(term.term)
    changes = sorted({(t, c, a) for t, c, a, _e in live})
    version = str(base["version"])
    if changes:
        digest = hashlib.sha256(json.dumps(changes).encode()).hexdigest()[:8]
        version = "{v}+{d}".format(v=version, d=digest)
    data["version"] = base["version"]
    ordered = sorted(terms.values(), key=lambda x: (x.category, normalise_term(x.term)))
    return data, ordered, version


_BUILT: dict[str, Lexicon] = {}


def lexicon_in(s: Session) -> tuple[Lexicon, str]:
    """The lexicon in effect and its version (built once per version)."""
    data, _terms, version = _effective(list(s.scalars(select(LexiconEntry))))
    lex = _BUILT.get(version)
    if lex is None:
        lex = Lexicon.from_dict(data, name="lexicon " + version)
        if len(_BUILT) > 8:
            _BUILT.clear()
        _BUILT[version] = lex
    return lex, version


def current_lexicon(ctx: AppContext) -> tuple[Lexicon, str]:
    with ctx.db.read() as s:
        return lexicon_in(s)


def _entry_info(e: LexiconEntry) -> LexiconEntryInfo:
    return LexiconEntryInfo(e.id, e.number, e.term, e.category, e.action, e.recorded_by,
                            e.created_at, e.deleted, max(e.mod_stamp, e.sync_mark or ""))


def view(ctx: AppContext) -> LexiconView:
    with ctx.db.read() as s:
        entries = list(s.scalars(select(LexiconEntry).order_by(LexiconEntry.number)))
        _data, terms, version = _effective(entries)
        return LexiconView(version, dict(_shipped()["categories"]), tuple(terms),
                           tuple(_entry_info(e) for e in entries))


def _category(value: str) -> str:
    category = one_line(value, "category", 40, required=True).lower()
    if not category.replace("_", "").isalpha() or not category.isascii():
        raise ValidationError(N_("A category is written in small letters and _ (e.g. "
                                 "politik_uang), not {value}"), field="category", value=value)
    return category


def _new_entry(ctx: AppContext, s: Session, term: str, category: str, action: str,
               now: datetime) -> LexiconEntry:
    site = local_site(s)
    stamp = new_stamp(s, now)
    prefix = "LEX-{tag}-".format(tag=site_tag(site.code))
    e = LexiconEntry(id=uuid7(), number=next_number(s, LexiconEntry, prefix, 5),
                     origin_site=site.code, recorded_by=ctx.actor.username, created_at=now,
                     updated_at=now, updated_by=ctx.actor.username, mod_stamp=stamp,
                     field_stamps=dict.fromkeys(LEXICON_ENTRIES.fields, stamp), deleted=False,
                     term=term, category=category, action=action)
    s.add(e)
    s.flush()
    return e


def _withdraw(ctx: AppContext, s: Session, e: LexiconEntry, now: datetime) -> None:
    stamp = new_stamp(s, now)
    e.deleted = True
    e.field_stamps = {**e.field_stamps, "deleted": stamp}
    e.mod_stamp, e.updated_at, e.updated_by = stamp, now, ctx.actor.username


def add_term(ctx: AppContext, term: str, category: str) -> LexiconView:
    """Flag `term` under `category` from now on (a removed shipped term comes back)."""
    require(ctx.actor, Permission.LEXICON_EDIT)
    return _change(ctx, term, category, "add")


def remove_term(ctx: AppContext, term: str, category: str) -> LexiconView:
    """Stop flagging `term` under `category` (an added term is withdrawn, a shipped one
    removed)."""
    require(ctx.actor, Permission.LEXICON_EDIT)
    return _change(ctx, term, category, "remove")


def edit_term(ctx: AppContext, term: str, category: str, new_term: str,
              new_category: str) -> LexiconView:
    """Flag `new_term` under `new_category` instead of `term` under `category` (one change:
    the old term removed, the new one added, in one transaction)."""
    require(ctx.actor, Permission.LEXICON_EDIT)
    old = _checked(term, category)
    new = _checked(new_term, new_category)
    if (normalise_term(old[0]), old[1]) == (normalise_term(new[0]), new[1]):
        raise ValidationError(N_("{term} under {category} is what the lexicon has already"),
                              field="term", term=new[0], category=new[1])
    now = ctx.now()
    with ctx.db.write() as s:
        changed = _apply(ctx, s, *old, "remove", now) + _apply(ctx, s, *new, "add", now)
    logger.info("Lexicon: %r under %s replaced by %r under %s", *old, *new)
    ctx.bus.publish(Change(ChangeKind.LEXICON, tuple(changed)))
    return view(ctx)


def _checked(term: str, category: str) -> tuple[str, str]:
    text = one_line(term, "term", TERM_MAX, required=True)
    if not normalise_term(text):
        raise ValidationError(N_("{value} has no letters or digits to match"), field="term",
                              value=text)
    return text, _category(category)


def _change(ctx: AppContext, term: str, category: str, action: str) -> LexiconView:
    text, cat = _checked(term, category)
    now = ctx.now()
    with ctx.db.write() as s:
        changed = _apply(ctx, s, text, cat, action, now)
    logger.info("Lexicon: %s %r under %s", action, text, cat)
    ctx.bus.publish(Change(ChangeKind.LEXICON, tuple(changed)))
    return view(ctx)


def _apply(ctx: AppContext, s: Session, text: str, cat: str, action: str,
           now: datetime) -> list[str]:
    """Add or remove one term in the caller's transaction (audited); the entry ids changed."""
    key = normalise_term(text)
    entries = list(s.scalars(select(LexiconEntry)))
    _data, terms, _version = _effective(entries)
    in_effect = any(normalise_term(t.term) == key and t.category == cat for t in terms)
    if (action == "add") == in_effect:
        raise ValidationError(
            N_("{term} is already in the lexicon under {category}") if in_effect else
            N_("{term} is not in the lexicon under {category}"),
            field="term", term=text, category=cat)
    opposite = "remove" if action == "add" else "add"
    undo = [e for e in entries if not e.deleted and e.action == opposite
            and normalise_term(e.term) == key and e.category == cat]
    for e in undo:  # withdrawing the opposite change is enough
        _withdraw(ctx, s, e, now)
        audit.record(s, ctx.actor, "lexicon.withdraw", "lexicon-entry", str(e.id),
                     before={"term": e.term, "category": cat, "action": e.action},
                     after={"deleted": True}, at=now)
    _data, terms, _version = _effective(entries)
    still = any(normalise_term(t.term) == key and t.category == cat for t in terms)
    changed = [str(e.id) for e in undo]
    if (action == "add") != still:
        e = _new_entry(ctx, s, text, cat, action, now)
        audit.record(s, ctx.actor, "lexicon." + action, "lexicon-entry", str(e.id),
                     before=None, after={"term": text, "category": cat}, at=now)
        changed.append(str(e.id))
    return changed
