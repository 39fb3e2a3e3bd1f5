"""One gettext catalogue (`posko`) for UI, CLI and reports.

Message ids are English; Bahasa Indonesia (`id`) is the default language.
Use `_()` for text shown now, `N_()` to mark text translated later (enum labels),
`.format()` placeholders only (never f-strings inside `_()`).
"""

from __future__ import annotations

import gettext
import locale
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from posko_desktop.core.resources import resource_path

logger = logging.getLogger(__name__)

DOMAIN = "posko"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_translations: dict[str, gettext.NullTranslations] = {}
_current = DEFAULT_LANGUAGE
_override = threading.local()  # per-thread language inside `language()` (e.g. an English PDF)
_listeners: list[Callable[[str], None]] = []


def locale_dir() -> str:
    return str(resource_path("locale"))


def translations(lang: str) -> gettext.NullTranslations:
    if lang not in _translations:
        try:
            _translations[lang] = gettext.translation(DOMAIN, locale_dir(), languages=[lang])
        except OSError:
            if lang != "en":
                logger.warning("No compiled catalogue for %s in %s", lang, locale_dir())
            _translations[lang] = gettext.NullTranslations()
    return _translations[lang]


def reload_catalogues() -> None:
    _translations.clear()


def current_language() -> str:
    return getattr(_override, "lang", None) or _current


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    _current = lang
    for listener in list(_listeners):
        listener(lang)


def on_language_changed(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Render in another language on this thread only (an English sitrep built on a worker
    thread must not switch the labels the GUI thread draws meanwhile)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    previous = getattr(_override, "lang", None)
    _override.lang = lang
    try:
        yield
    finally:
        _override.lang = previous


def _(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def gettext_in(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def N_(message: str) -> str:
    """Mark for extraction only; translate with `_()` when shown."""
    return message


# --- which language (issue 19): --lang, POSKO_LANG, the user's choice, the OS locale -------

ENV_LANGUAGE = "POSKO_LANG"
_LOCALE_PREFIXES = (("en", "en"), ("english", "en"), ("id", "id"), ("in_", "id"),
                    ("indonesian", "id"), ("bahasa", "id"))


def env_language() -> str | None:
    """POSKO_LANG when it names a language of the catalogue."""
    value = os.environ.get(ENV_LANGUAGE, "").strip().lower()
    return value if value in LANGUAGES else None


def os_language() -> str | None:
    """The operating system's language when it is one of ours: LC_ALL, LC_MESSAGES, LANG
    (POSIX), else the locale Python reads (Windows: `English_United States`); None for
    anything else (`C.UTF-8` included)."""
    names = [os.environ.get(v, "") for v in ("LC_ALL", "LC_MESSAGES", "LANG")]
    first = next((n for n in names if n), "")
    if not first:
        try:
            first = locale.getlocale()[0] or ""
        except ValueError:
            first = ""
    name = first.lower()
    return next((lang for prefix, lang in _LOCALE_PREFIXES if name.startswith(prefix)), None)


def choose_language(explicit: str | None, stored: str | None) -> str:
    """The first of: `--lang` (`explicit`), POSKO_LANG, the user's stored choice, the OS
    locale, Indonesian."""
    for lang in (explicit, env_language(), stored, os_language()):
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE
