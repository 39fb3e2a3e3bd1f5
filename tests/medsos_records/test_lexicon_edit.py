"""The lexicon edited by an admin: a term replaced (words or category) in one change,
audited, the version moving with it and new posts flagged by it; refused for anyone else
with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.domain import PermissionDenied, ValidationError
from posko_desktop.core.services.medsos import lexicon, posts
from posko_desktop.core.services.medsos.posts import PostInput

from .conftest import as_role, dump


def _has(view: lexicon.LexiconView, term: str, category: str) -> bool:
    return any(t.term == term and t.category == category for t in view.terms)


def test_an_admin_replaces_a_term_in_one_audited_change(any_ctx):
    admin = as_role(any_ctx, "admin", "adi")
    start = lexicon.view(admin)
    added = lexicon.add_term(admin, "kotak suara dibakar", "ancaman")
    assert added.version != start.version and _has(added, "kotak suara dibakar", "ancaman")
    edited = lexicon.edit_term(admin, "kotak suara dibakar", "ancaman",
                               "kotak suara dibakar massa", "serangan_penyelenggara")
    assert not _has(edited, "kotak suara dibakar", "ancaman")
    assert _has(edited, "kotak suara dibakar massa", "serangan_penyelenggara")
    assert len(edited.terms) == len(start.terms) + 1
    assert edited.version not in (start.version, added.version)
    with any_ctx.db.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("lexicon.%")).order_by(AuditEntry.id)))
    assert actions == ["lexicon.add", "lexicon.withdraw", "lexicon.add"]
    p = posts.add_post(as_role(any_ctx, "operator"), PostInput(
        "x", "https://x.com/a/status/9", "Kotak suara dibakar massa di Kec. Tembalang"))
    assert {(f.term, f.category) for f in p.flags} >= {
        ("kotak suara dibakar massa", "serangan_penyelenggara")}
    assert p.lexicon_version == edited.version
    # a shipped term replaced: switched off, the new one added
    shipped = next(t for t in start.terms if t.category == "politik_uang")
    again = lexicon.edit_term(admin, shipped.term, "politik_uang", shipped.term + " pagi",
                              "politik_uang")
    assert not _has(again, shipped.term, "politik_uang")
    assert _has(again, shipped.term + " pagi", "politik_uang")


def test_editing_the_lexicon_is_refused_for_others_and_for_no_change(any_ctx):
    admin = as_role(any_ctx, "admin", "adi")
    lexicon.add_term(admin, "tps siluman", "serangan_penyelenggara")
    before = dump(any_ctx)
    for role in ("operator", "supervisor"):
        with pytest.raises(PermissionDenied):
            lexicon.edit_term(as_role(any_ctx, role), "tps siluman", "serangan_penyelenggara",
                              "tps hantu", "serangan_penyelenggara")
    with pytest.raises(ValidationError):
        lexicon.edit_term(admin, "tps siluman", "serangan_penyelenggara", "TPS  Siluman",
                          "serangan_penyelenggara")
    with pytest.raises(ValidationError):  # not in the lexicon: nothing half-written
        lexicon.edit_term(admin, "tidak ada", "ancaman", "tps siluman", "ancaman")
    shipped = next(t for t in lexicon.view(admin).terms if t.source == "shipped"
                   and t.category == "serangan_penyelenggara")
    with pytest.raises(ValidationError):  # the new one is there already: the removal undone
        lexicon.edit_term(admin, shipped.term, "serangan_penyelenggara", "tps siluman",
                          "serangan_penyelenggara")
    assert dump(any_ctx) == before
