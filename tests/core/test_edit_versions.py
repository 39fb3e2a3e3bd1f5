"""No lost update: two workstations on one database (an SQLite file, the PostgreSQL server).

Each workstation is its own `Database` (engine and connections), as two copies of the app
would be. A save is checked against the version its user started from: a stale one is
refused with who changed it when, nothing written; merged, both changes survive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db import models_all  # noqa: F401 - every table in the metadata
from posko_desktop.core.db.base import Base
from posko_desktop.core.db.engine import Database
from posko_desktop.core.domain import Actor, StaleEdit, ValidationError
from posko_desktop.core.edit_merge import Clash, three_way
from posko_desktop.core.services import accounts, reference, settings_service
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import EDITABLE_FIELDS, IncidentInput

A_TITLE = "Hoaks surat suara tercoblos (sudah diklarifikasi KPU)"
A_TEXT = "Video lama dari 2019; KPU Kota Semarang sudah membantah."


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 11, 27, 13, 30, tzinfo=UTC)  # 20.30 WIB

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@dataclass
class Desk:
    a: AppContext  # workstation A: Ani
    b: AppContext  # workstation B: Budi, on its own Database
    admin: AppContext
    clock: Clock


@pytest.fixture
def desk(any_db: Database, monkeypatch) -> Desk:
    monkeypatch.setattr(accounts, "PASSWORD_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID))
    clock = Clock()
    admin = AppContext(any_db, Actor("admin", "admin", "Admin"), clock=clock)
    reference.init_site(admin, "33", "Posko Provinsi")
    for name, display in (("ani", "Ani Lestari"), ("budi", "Budi Santoso")):
        accounts.add_user(admin, name, "Pantau-Pilkada-2024", "admin", display)
    other = Database(any_db.url)
    yield Desk(AppContext(any_db, Actor("ani", "admin", "Ani Lestari"), clock=clock),
               AppContext(other, Actor("budi", "admin", "Budi Santoso"), clock=clock),
               admin, clock)
    other.dispose()


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a refused save must leave all of them as they were."""
    with db.read() as s:
        return {t.name: sorted((tuple(r) for r in s.execute(select(t))), key=repr)
                for t in Base.metadata.sorted_tables}


def sample(**overrides: Any) -> IncidentInput:
    values: dict[str, Any] = dict(
        regency_code="33.74", title="Hoaks surat suara tercoblos", category_code="A1",
        severity="sedang", occurred_at=datetime(2024, 11, 27, 10, 0),
        reported_at=datetime(2024, 11, 27, 10, 30), description="Beredar video di grup WA",
        location="Tembalang")
    values.update(overrides)
    return IncidentInput(**values)


def test_a_stale_copy_is_refused_and_the_merge_keeps_both_changes(desk):
    """The reported case: A saves a new title and description; B saves its stale copy with
    only the severity changed. B is refused (nothing written), the message names A and the
    time in WIB; merged, A's title and description and B's severity are all stored."""
    d = inc.create_incident(desk.a, sample())
    seen_a = inc.get_incident(desk.a, d.id)
    seen_b = inc.get_incident(desk.b, d.id)
    desk.clock.advance(5)  # 20.35 WIB
    inc.update_incident(desk.a, d.id, {**seen_a.edit_values(), "title": A_TITLE,
                                       "description": A_TEXT}, expected_version=seen_a.version)
    desk.clock.advance(2)
    mine = {**seen_b.edit_values(), "severity": "kritis"}
    before = dump(desk.b.db)
    with pytest.raises(StaleEdit) as info:
        inc.update_incident(desk.b, d.id, mine, expected_version=seen_b.version)
    assert dump(desk.b.db) == before
    err = info.value
    assert err.text_in("id") == (
        "Kejadian 3300-24-000001 telah diubah oleh Ani Lestari (ani) pada 27-11-2024 20.35 WIB "
        "sejak Anda membukanya; perubahan Anda tidak disimpan.")
    assert err.text_in("en") == (
        "Incident 3300-24-000001 was changed by Ani Lestari (ani) at 27-11-2024 20:35 WIB "
        "since you opened it; your change was not saved.")
    assert set(err.fields) == {"title", "description"}
    assert (err.current["title"], err.current["description"]) == (A_TITLE, A_TEXT)
    assert err.version == inc.get_incident(desk.a, d.id).version != seen_b.version

    merge = three_way(seen_b.edit_values(), mine, err.current, EDITABLE_FIELDS)
    assert merge.clashes == () and merge.mine_only == ("severity",)
    assert set(merge.theirs_only) == {"title", "description"}
    inc.update_incident(desk.b, d.id, merge.values, expected_version=err.version)
    final = inc.get_incident(desk.a, d.id)
    assert (final.title, final.description, final.severity) == (A_TITLE, A_TEXT, "kritis")
    assert final.updated_by == "budi"


def test_a_field_both_changed_is_decided_by_the_user(desk):
    d = inc.create_incident(desk.a, sample())
    inc.update_incident(desk.a, d.id, {**d.edit_values(), "title": A_TITLE},
                        expected_version=d.version)
    mine = {**d.edit_values(), "title": "Judul dari Budi", "location": "TPS 05 Tembalang"}
    with pytest.raises(StaleEdit) as info:
        inc.update_incident(desk.b, d.id, mine, expected_version=d.version)
    err = info.value
    assert err.fields == ("title",)
    merge = three_way(d.edit_values(), mine, err.current, EDITABLE_FIELDS)
    assert merge.clashes == (Clash("title", d.title, "Judul dari Budi", A_TITLE),)
    with pytest.raises(ValueError):
        merge.resolve({})  # every clash needs a decision
    # B keeps A's title: only B's location is new
    inc.update_incident(desk.b, d.id, merge.resolve({"title": "theirs"}),
                        expected_version=err.version)
    got = inc.get_incident(desk.a, d.id)
    assert (got.title, got.location) == (A_TITLE, "TPS 05 Tembalang")
    # the merged save is itself checked: A changes the title again meanwhile
    inc.update_incident(desk.a, d.id, {"title": "Judul ketiga"}, expected_version=got.version)
    with pytest.raises(StaleEdit):
        inc.update_incident(desk.b, d.id, merge.resolve({"title": "mine"}),
                            expected_version=err.version)
    assert inc.get_incident(desk.b, d.id).title == "Judul ketiga"


def test_only_the_fields_sent_are_checked(desk):
    """What the CLI does: it sends the fields given. A change to other fields made since is
    kept; a change to the same field is refused; sending the value now stored is no clash."""
    d = inc.create_incident(desk.a, sample())
    inc.update_incident(desk.a, d.id, {"title": A_TITLE}, expected_version=d.version)
    inc.update_incident(desk.b, d.id, {"severity": "tinggi"}, expected_version=d.version)
    got = inc.get_incident(desk.a, d.id)
    assert (got.title, got.severity) == (A_TITLE, "tinggi")
    before = dump(desk.b.db)
    with pytest.raises(StaleEdit) as info:
        inc.update_incident(desk.b, d.id, {"title": "Judul lain"}, expected_version=d.version)
    assert info.value.fields == ("title",)
    assert info.value.changed_by == "Ani Lestari (ani)"  # who changed the title, not Budi
    assert dump(desk.b.db) == before
    same = inc.update_incident(desk.b, d.id, {"title": A_TITLE}, expected_version=d.version)
    assert same.version == got.version  # nothing to write
    with pytest.raises(ValidationError):
        inc.update_incident(desk.b, d.id, {"status": "selesai"}, expected_version=got.version)


def test_a_stale_status_change_delete_or_restore_is_refused(desk):
    d = inc.create_incident(desk.a, sample())
    seen_b = inc.get_incident(desk.b, d.id)
    desk.clock.advance(1)
    inc.update_incident(desk.a, d.id, {"severity": "kritis"}, expected_version=d.version)
    before = dump(desk.b.db)
    with pytest.raises(StaleEdit) as info:
        inc.change_status(desk.b, d.id, "diverifikasi", expected_version=seen_b.version)
    assert "Ani Lestari (ani)" in info.value.text_in("id")
    assert info.value.current["severity"] == "kritis"
    with pytest.raises(StaleEdit):
        inc.set_deleted(desk.b, d.id, True, "dobel", expected_version=seen_b.version)
    assert dump(desk.b.db) == before
    # reloaded, B verifies what it now sees
    now_b = inc.get_incident(desk.b, d.id)
    inc.change_status(desk.b, d.id, "diverifikasi", expected_version=now_b.version)
    deleted = inc.set_deleted(desk.a, d.id, True, "dobel",
                              expected_version=inc.get_incident(desk.a, d.id).version)
    with pytest.raises(StaleEdit):  # B restores from the view before the delete
        inc.set_deleted(desk.b, d.id, False, expected_version=now_b.version)
    inc.set_deleted(desk.b, d.id, False, expected_version=deleted.version)
    assert not inc.get_incident(desk.a, d.id).deleted


def test_notes_and_referrals_do_not_make_an_edit_stale(desk):
    """Follow-ups are append-only (they merge by union): adding one is not a change of the
    fields an edit is based on."""
    d = inc.create_incident(desk.a, sample())
    inc.add_followup(desk.a, d.id, "Sudah dikonfirmasi ke camat")
    inc.add_referral(desk.a, d.id, "BAWASLU", "Mohon klarifikasi")
    got = inc.update_incident(desk.b, d.id, {**d.edit_values(), "severity": "tinggi"},
                              expected_version=d.version)
    assert got.severity == "tinggi" and len(got.timeline) == 2


def test_a_stale_referral_update_is_refused(desk):
    d = inc.create_incident(desk.a, sample())
    inc.add_referral(desk.a, d.id, "BAWASLU", "Mohon klarifikasi")
    [ref] = inc.get_incident(desk.b, d.id).referrals
    desk.clock.advance(10)  # 20.40 WIB
    inc.update_referral(desk.a, ref.id, "selesai", "Sudah dijawab",
                        expected_version=ref.version)
    before = dump(desk.b.db)
    with pytest.raises(StaleEdit) as info:  # B still sees "terkirim"
        inc.update_referral(desk.b, ref.id, "dijawab", expected_version=ref.version)
    assert dump(desk.b.db) == before
    assert info.value.text_in("id") == (
        "Rujukan ke BAWASLU telah diubah oleh Ani Lestari (ani) pada 27-11-2024 20.40 WIB "
        "sejak Anda membukanya; perubahan Anda tidak disimpan.")
    assert info.value.current["state"] == "selesai"
    [now] = inc.get_incident(desk.b, d.id).referrals
    assert now.state == "selesai" and now.version == info.value.version


def test_a_stale_setting_is_refused_and_the_current_value_reloads(desk):
    key = "accounts.max_failed_logins"
    seen_a = settings_service.get_versioned(desk.a)[key]
    seen_b = settings_service.get_versioned(desk.b)[key]
    assert seen_a == seen_b and seen_a.value == 5
    desk.clock.advance(15)  # 20.45 WIB
    settings_service.set(desk.a, key, 3, expected_version=seen_a.version)
    before = dump(desk.b.db)
    with pytest.raises(StaleEdit) as info:
        settings_service.set(desk.b, key, 7, expected_version=seen_b.version)
    assert dump(desk.b.db) == before
    assert info.value.text_in("en") == (
        "Setting accounts.max_failed_logins was changed by Ani Lestari (ani) at "
        "27-11-2024 20:45 WIB since you opened it; your change was not saved.")
    assert info.value.current == {key: 3}
    reloaded = settings_service.get_versioned(desk.b)[key]
    assert reloaded.value == 3 and reloaded.version == info.value.version
    settings_service.set(desk.b, key, 7, expected_version=reloaded.version)
    assert settings_service.get(desk.a, key) == 7
    with pytest.raises(ValidationError):  # a token of another setting
        settings_service.set(desk.b, "warning.min_count", 3, expected_version=reloaded.version)


def test_a_stale_change_of_a_user_is_refused(desk):
    accounts.add_user(desk.admin, "opr", "Lapor-Situasi-77", "operator", "Operator Satu")
    seen_a = accounts.get_user(desk.a, "opr")
    seen_b = accounts.get_user(desk.b, "opr")
    desk.clock.advance(20)  # 20.50 WIB
    accounts.set_role(desk.a, "opr", "supervisor", expected_version=seen_a.version)
    before = dump(desk.b.db)
    for change in (lambda v: accounts.set_role(desk.b, "opr", "admin", expected_version=v),
                   lambda v: accounts.disable_user(desk.b, "opr", expected_version=v),
                   lambda v: accounts.set_display_name(desk.b, "opr", "X", expected_version=v),
                   lambda v: accounts.reset_password(desk.b, "opr", "Sementara-Sekali-1",
                                                     expected_version=v)):
        with pytest.raises(StaleEdit) as info:
            change(seen_b.version)
        assert info.value.text_in("id") == (
            "Pengguna opr telah diubah oleh Ani Lestari (ani) pada 27-11-2024 20.50 WIB "
            "sejak Anda membukanya; perubahan Anda tidak disimpan.")
        assert info.value.current["role"] == "supervisor"
    assert dump(desk.b.db) == before
    reloaded = accounts.get_user(desk.b, "opr")
    assert reloaded.role == "supervisor" and reloaded.version == info.value.version
    accounts.disable_user(desk.b, "opr", expected_version=reloaded.version)
    assert not accounts.get_user(desk.a, "opr").active


def test_a_lockout_counts_as_a_change_logins_do_not(desk):
    accounts.add_user(desk.admin, "opr", "Lapor-Situasi-77", "operator", "Operator Satu",
                      must_change_password=False)
    seen = accounts.get_user(desk.b, "opr")
    accounts.login(desk.a, "opr", "Lapor-Situasi-77")
    assert accounts.get_user(desk.b, "opr").version == seen.version
    for _attempt in range(5):
        desk.clock.advance(2)
        with pytest.raises(accounts.AuthError):
            accounts.login(desk.a, "opr", "salah-sandi-123")
    with pytest.raises(StaleEdit) as info:  # B decided before this lockout
        accounts.set_role(desk.b, "opr", "supervisor", expected_version=seen.version)
    assert info.value.changed_by == "Operator Satu (opr)"  # the lockout, by the failed logins
    assert info.value.current["locked"] is True


def test_a_version_that_is_no_version_is_refused(desk):
    d = inc.create_incident(desk.a, sample())
    for token in ("", "abc", "9999999999999-00000-33"):
        with pytest.raises(ValidationError):
            inc.update_incident(desk.b, d.id, {"title": A_TITLE}, expected_version=token)
    assert inc.get_incident(desk.a, d.id).title == d.title


def test_the_merge_rule_field_by_field():
    base = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}
    mine = {"a": 1, "b": 2, "c": 1, "d": 5, "e": 3}
    theirs = {"a": 1, "b": 1, "c": 4, "d": 5, "e": 6}
    merge = three_way(base, mine, theirs, base)
    assert merge.mine_only == ("b",) and merge.theirs_only == ("c",)
    assert merge.clashes == (Clash("e", 1, 3, 6),)  # "d": both made it 5, no question
    assert merge.resolve({"e": "mine"}) == {"a": 1, "b": 2, "c": 4, "d": 5, "e": 3}
    assert merge.resolve({"e": "theirs"})["e"] == 6
