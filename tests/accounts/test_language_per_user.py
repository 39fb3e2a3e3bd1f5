"""Language per user (issue 19): each account keeps its own interface language, chosen in
"Akun saya"; the window opens in the logged-in user's language, the CLI speaks it after
--lang and POSKO_LANG; nothing is stored for the whole database any more."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from shiboken6 import isValid

from posko_desktop.cli import main
from posko_desktop.core import i18n
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.services import accounts, audit, settings_service, user_language
from posko_desktop.core.services.audit import AuditFilter
from posko_desktop.ui import startup
from posko_desktop.ui.accounts.flow import open_user_window
from posko_desktop.ui.accounts.tab import AccountsTab

from .conftest import PASSWORDS


def as_user(accounts_ctx, name: str):
    return accounts_ctx.as_actor(accounts.get_user(accounts_ctx, name).actor)


@pytest.fixture(autouse=True)
def back_to_indonesian():
    yield
    i18n.set_language("id")
    startup.fixed_language = None


@pytest.fixture
def windows(accounts_ctx, qtbot, tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    settings_service.set(accounts_ctx, "backup.on_close", False)
    opened = []

    def open_for(name: str):
        window = open_user_window(as_user(accounts_ctx, name))
        window.build_feature_tabs()
        QCoreApplication.processEvents()
        opened.append(window)
        return window

    yield open_for
    for w in opened:
        if isValid(w):
            w.runner.wait(10_000)
            w.close()
            w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_two_users_each_see_their_own_language_in_the_window(accounts_ctx, windows):
    user_language.set_my_language(as_user(accounts_ctx, "opr"), "en")
    opr = windows("opr")
    assert opr.file_menu.title() == "&File"
    spv = windows("spv")  # no choice, C locale: Indonesian
    assert spv.file_menu.title() == "&Berkas"
    # spv chooses English in "Akun saya": the window follows at once, stored for spv only
    tab = next(t for t in spv.feature_tabs if isinstance(t, AccountsTab))
    tab.me.language.setCurrentIndex(tab.me.language.findData("en"))
    tab.me.choose_language("en")
    assert spv.file_menu.title() == "&File"
    assert user_language.stored_language(accounts_ctx, "spv") == "en"
    user_language.set_my_language(as_user(accounts_ctx, "opr"), "id")
    assert windows("opr").file_menu.title() == "&Berkas"
    assert user_language.stored_language(accounts_ctx, "admin") is None
    rows = audit.query(accounts_ctx, AuditFilter(action="user.language"),
                       newest_first=False).rows
    changes = [(r.record_id, r.after) for r in rows]
    assert changes == [("opr", {"language": "en"}), ("spv", {"language": "en"}),
                       ("opr", {"language": "id"})]


def test_the_windows_lang_option_overrides_the_users_choice(accounts_ctx, windows):
    user_language.set_my_language(as_user(accounts_ctx, "opr"), "en")
    startup.fixed_language = "id"  # posko-desktop --lang id
    assert windows("opr").file_menu.title() == "&Berkas"


def _cli(ctx, monkeypatch, capsys, user: str, *args: str) -> str:
    monkeypatch.setenv("POSKO_PASSWORD", PASSWORDS[user])
    assert main(["--db", str(ctx.db.file), "--user", user, *args, "unit", "show",
                 "NOPE"]) == 2
    return capsys.readouterr().err


def test_the_cli_speaks_each_users_language_after_lang_and_posko_lang(accounts_ctx,
                                                                     monkeypatch, capsys):
    user_language.set_my_language(as_user(accounts_ctx, "opr"), "en")
    english, indonesian = "Reporting unit NOPE not found", "Unit pelapor NOPE tidak ditemukan"
    assert english in _cli(accounts_ctx, monkeypatch, capsys, "opr")
    assert indonesian in _cli(accounts_ctx, monkeypatch, capsys, "spv")
    assert indonesian in _cli(accounts_ctx, monkeypatch, capsys, "opr", "--lang", "id")
    assert english in _cli(accounts_ctx, monkeypatch, capsys, "spv", "--lang", "en")
    monkeypatch.setenv("POSKO_LANG", "id")
    assert indonesian in _cli(accounts_ctx, monkeypatch, capsys, "opr")
    assert english in _cli(accounts_ctx, monkeypatch, capsys, "opr", "--lang", "en")
    monkeypatch.delenv("POSKO_LANG")
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the OS locale comes after the user's choice
    assert english in _cli(accounts_ctx, monkeypatch, capsys, "spv")
    user_language.set_my_language(as_user(accounts_ctx, "spv"), "id")
    assert indonesian in _cli(accounts_ctx, monkeypatch, capsys, "spv")


def test_an_unknown_language_is_refused_and_nothing_written(accounts_ctx):
    before = accounts.get_user(accounts_ctx, "opr")
    with pytest.raises(ValidationError):
        user_language.set_my_language(as_user(accounts_ctx, "opr"), "fr")
    assert accounts.get_user(accounts_ctx, "opr") == before
    assert user_language.stored_language(accounts_ctx, "opr") is None
