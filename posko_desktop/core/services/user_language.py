"""The interface language of each account (issue 19, migration 0025): chosen in "Akun
saya" (or the View menu), stored with the account, audited as `user.language`. The window
and the CLI follow it after `--lang` and POSKO_LANG (`i18n.choose_language`). Nobody
changes another user's language; before the first account exists nothing is stored."""

from __future__ import annotations

import logging

from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models_accounts import UserAccount
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import LANGUAGES, N_
from posko_desktop.core.services import audit

logger = logging.getLogger(__name__)


def stored_language(ctx: AppContext, username: str | None = None) -> str | None:
    """The language `username` (default: the acting user) chose; None without a choice or
    an account."""
    name = username or ctx.actor.username
    with ctx.db.read() as s:
        lang = s.scalar(select(UserAccount.language).where(UserAccount.username == name))
    return lang if lang in LANGUAGES else None


def set_my_language(ctx: AppContext, lang: str) -> bool:
    """Store the acting user's language; False when there is no account to store it with
    (set-up not finished) or nothing changed."""
    if lang not in LANGUAGES:
        raise ValidationError(N_("Unknown language {value} (id or en)"), field="language",
                              value=lang)
    name = ctx.actor.username
    now = ctx.now()
    with ctx.db.write() as s:
        user = s.scalars(select(UserAccount).where(UserAccount.username == name)).first()
        if user is None or user.language == lang:
            return False
        before = user.language
        user.language = lang
        user.updated_at = now
        audit.record(s, ctx.actor, "user.language", "user", name, before={"language": before},
                     after={"language": lang}, at=now)
    logger.info("User %s chose language %s", name, lang)
    ctx.bus.publish(Change(ChangeKind.USER, (name,)))
    return True
