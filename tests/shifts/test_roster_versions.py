"""No lost update on the duty roster (issue 12): two supervisors edit one shift from the
same view; the second save, made from the roster as it was before the first, is refused
with who changed it and when, and nothing is written — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor, StaleEdit, ValidationError
from posko_desktop.core.services import accounts, shifts
from posko_desktop.core.timeutil import WIB
from tests.core.test_search_literal import dump

DAY = date(2024, 11, 27)
NOON = datetime(2024, 11, 27, 12, 5, tzinfo=WIB)


def officer(ctx: AppContext, name: str, role: str = "supervisor") -> AppContext:
    return AppContext(ctx.db, Actor(name, role, name.title()), ctx.bus,
                      lambda: NOON.astimezone(UTC))


@pytest.fixture
def desk(any_ctx):
    for name, role in (("ani", "supervisor"), ("bambang", "supervisor"), ("sri", "operator"),
                       ("budi", "operator")):
        accounts.add_user(any_ctx, name, "Piket-Jaga-2024x", role, name.title())
    shifts.set_roster(any_ctx, DAY, "pagi", [("sri", "Polda")])
    return any_ctx


def test_a_save_from_a_roster_changed_since_is_refused(desk):
    seen = [(r.username, r.duty) for r in shifts.roster(desk, DAY, DAY)]
    version = shifts.roster_version(seen)
    # ani adds budi; bambang, still looking at [sri], replaces sri's duty
    shifts.set_roster(officer(desk, "ani"), DAY, "pagi", [*seen, ("budi", "")],
                      expected_version=version)
    before = dump(desk.db)
    with pytest.raises(StaleEdit) as err:
        shifts.set_roster(officer(desk, "bambang"), DAY, "pagi", [("sri", "Kodam")],
                          expected_version=version)
    assert dump(desk.db) == before  # budi is still on the shift
    assert err.value.changed_by == "Ani (ani)" and err.value.changed_at == NOON
    assert err.value.current == {"sri": "Polda", "budi": ""}
    assert err.value.text_in("id") == (
        "Jadwal piket Pagi (07.00–15.00) tanggal 2024-11-27 diubah oleh Ani (ani) pada "
        "27-11-2024 12.05 WIB sejak Anda membukanya; perubahan Anda tidak disimpan.")
    # from the new version the same change goes through, and nobody is lost
    now = shifts.roster_version([("sri", "Polda"), ("budi", "")])
    shifts.set_roster(officer(desk, "bambang"), DAY, "pagi", [("sri", "Kodam"), ("budi", "")],
                      expected_version=now)
    assert {(r.username, r.duty) for r in shifts.roster(desk, DAY, DAY)} == {
        ("sri", "Kodam"), ("budi", "")}


def test_an_emptied_shift_names_who_emptied_it(desk):
    version = shifts.roster_version([("sri", "Polda")])
    shifts.set_roster(officer(desk, "ani"), DAY, "pagi", [], expected_version=version)
    with pytest.raises(StaleEdit) as err:
        shifts.set_roster(officer(desk, "bambang"), DAY, "pagi", [("sri", "Polda"),
                                                                    ("budi", "")],
                          expected_version=version)
    assert err.value.changed_by == "Ani (ani)" and shifts.roster(desk, DAY, DAY) == []


def test_a_token_that_was_never_a_version_of_an_empty_shift_is_refused(desk):
    before = dump(desk.db)
    with pytest.raises(ValidationError):
        shifts.set_roster(desk, DAY, "malam", [("budi", "")], expected_version="0123456789abcdef")
    assert dump(desk.db) == before


def test_the_version_does_not_depend_on_the_order_of_the_lines():
    assert shifts.roster_version([("a", "x"), ("b", "")]) == \
        shifts.roster_version([("b", ""), ("a", "x")])
    assert shifts.roster_version([("a", "x")]) != shifts.roster_version([("a", "y")])
