"""Opening an incident from a hoax case is one transaction (issue 16): when the link to
the case is refused, no incident is left behind (the whole database as it was, no
incident number used, no change announced)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.base import Base
from posko_desktop.core.domain import TransitionError, ValidationError, ValidationErrors
from posko_desktop.core.events import Change
from posko_desktop.core.services.medsos import cases
from posko_desktop.core.services.medsos.cases import CaseInput

from .conftest import as_role
from .test_cases import CLAIM, two_posts


def whole_dump(ctx: AppContext) -> dict[str, list[str]]:
    with ctx.db.read() as s:
        return {t.name: sorted(repr(tuple(r)) for r in s.execute(select(t)))
                for t in Base.metadata.sorted_tables}


def heard(ctx: AppContext) -> list[Change]:
    changes: list[Change] = []
    ctx.bus.subscribe(changes.append)
    return changes


def test_a_refused_link_leaves_no_incident(any_ctx, monkeypatch):
    op = as_role(any_ctx, "operator")
    a, _b = two_posts(any_ctx)
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks"), [a.id])

    def refuse(*_args: object, **_kw: object) -> None:
        raise ValidationError("Case {number} cannot take another incident", field="incidents",
                              number=c.number)

    monkeypatch.setattr(cases, "_link", refuse)
    before, changes = whole_dump(any_ctx), heard(any_ctx)
    with pytest.raises(ValidationError):
        cases.open_incident(op, c.id, "33.74")
    assert whole_dump(any_ctx) == before and changes == []


def test_a_deleted_case_or_a_wrong_regency_opens_nothing(any_ctx):
    op, sup = as_role(any_ctx, "operator"), as_role(any_ctx, "supervisor")
    a, _b = two_posts(any_ctx)
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks"), [a.id])
    before = whole_dump(any_ctx)
    with pytest.raises(ValidationErrors):
        cases.open_incident(op, c.id, "99.99")
    assert whole_dump(any_ctx) == before
    cases.set_deleted(sup, c.id, True)
    before, changes = whole_dump(any_ctx), heard(any_ctx)
    with pytest.raises(TransitionError):
        cases.open_incident(op, c.id, "33.74")
    assert whole_dump(any_ctx) == before and changes == []


def test_the_incident_and_its_link_are_announced_after_commit(any_ctx):
    op = as_role(any_ctx, "operator")
    a, _b = two_posts(any_ctx)
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks"), [a.id])
    changes = heard(any_ctx)
    c = cases.open_incident(op, c.id, "33.74")
    assert {(ch.kind.value, ch.ids) for ch in changes} >= {
        ("incident", (str(c.incidents[0]),)), ("hoax_case", (str(c.id),))}
