"""Helpers shared by the CLI subcommand modules."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import time
from typing import Any

from posko_desktop.core import i18n
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor, PoskoError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.keyring import Keyring
from posko_desktop.core.progress import Progress
from posko_desktop.core.services import accounts, user_language
from posko_desktop.paths import AppPaths, resolve_db

logger = logging.getLogger(__name__)

PASSWORD_ENV = "POSKO_PASSWORD"


class LoginRequired(PoskoError):
    code = "login_required"


class CliError(Exception):
    """A refused command-line input whose message is already translated."""


def open_context(args: argparse.Namespace, *, login: bool = True,
                 allow_password_change: bool = False, create: bool = False,
                 quick_check: bool = True) -> AppContext:
    """Open (and migrate) the database named by --db / POSKO_DB / the default file, and
    identify the user (docs/roles.md, "Command line").

    While the database has no user account at all (set-up not finished) the CLI acts as
    the operating-system user (or --user) with the admin role and logs a warning. As soon
    as one account exists, `--user NAME` and the password (POSKO_PASSWORD, or a prompt on
    a terminal) are required, and a user whose password was reset must run `posko passwd`
    first. `login=False` only opens the database (the caller identifies later). Only
    `create` (posko init) makes a new database where there is none.

    A damaged database is refused before anything reads or writes it: `quick_check` runs
    SQLite's quick check first when the file is small enough for it to be cheap
    (`health.CLI_QUICK_CHECK_MAX_BYTES`, docs/decisions.md); bigger files are checked by
    `posko check`, by every backup and by the window in the background.
    """
    paths = AppPaths.default().ensure()
    db = open_database(resolve_db(args.db, paths), create=create,
                       quick_check_max_bytes=health.CLI_QUICK_CHECK_MAX_BYTES if quick_check
                       else 0, progress=Progress(UpgradeProgressLine()))
    # the site key unwrapped at login stays in this keyring for the command's run
    ctx = AppContext(db, setup_actor(args), keyring=Keyring(legacy_dir=paths.keys_dir))
    if not login:
        return ctx
    try:
        actor, _password = identify(ctx, args, allow_password_change=allow_password_change)
    except BaseException:
        db.dispose()
        raise
    ctx = ctx.as_actor(actor)
    if not getattr(args, "lang", None):  # --lang, POSKO_LANG, the user's choice, the OS
        i18n.set_language(i18n.choose_language(None, user_language.stored_language(ctx)))
    return ctx


UPGRADE_LINE_AFTER_S = 1.0


class UpgradeProgressLine:
    """The first run after an upgrade backs up and migrates the database: a progress line
    on stderr once that has taken more than `UPGRADE_LINE_AFTER_S` (silent otherwise)."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.shown = False

    def __call__(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()  # elapsed time only, never a date
        if self.started is None:
            self.started = now
        if not self.shown and now - self.started < UPGRADE_LINE_AFTER_S:
            return
        self.shown = True
        pct = done * 100 // total if total else 0
        end = "\n" if total and done >= total else ""
        print("\r{message} {pct}%".format(message=message, pct=pct).ljust(70), end=end,
              file=sys.stderr, flush=True)


def setup_actor(args: argparse.Namespace) -> Actor:
    name = getattr(args, "user", None) or getpass.getuser()
    return Actor(name, "admin", name)


def identify(ctx: AppContext, args: argparse.Namespace, *,
             allow_password_change: bool = False) -> tuple[Actor, str | None]:
    """The acting user and the password given (None in set-up mode)."""
    if not accounts.has_accounts(ctx):
        actor = setup_actor(args)
        logger.warning("No user accounts yet (set-up not finished): acting as %s with the "
                       "admin role", actor.username)
        return actor, None
    username = getattr(args, "user", None)
    if not username:
        raise LoginRequired(N_("This database has user accounts: give --user NAME (the password "
                               "comes from the prompt or POSKO_PASSWORD)"))
    password = read_password(_("Password for {user}: ").format(user=username))
    result = accounts.login(ctx, username, password, channel=cli_channel(args))
    if result.must_change_password and not allow_password_change:
        raise accounts.PasswordChangeRequired(
            N_("The password of {user} was reset: change it first with: posko --user {user} passwd"),
            user=result.actor.username)
    return result.actor, password


def cli_channel(args: argparse.Namespace) -> str:
    """'cli:incident list': the command words, for the audit trail's session line."""
    words = [getattr(args, "command", None) or ""]
    words += [str(value) for name, value in vars(args).items()
              if (name.endswith("_command") or name == "action") and isinstance(value, str)]
    return "cli:" + " ".join(w for w in words if w)


def read_password(prompt: str, env: str = PASSWORD_ENV) -> str:
    """From the environment variable, else a prompt on a terminal (never echoed)."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise LoginRequired(N_("No password given: set {env} or run the command in a terminal"),
                        env=env)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
