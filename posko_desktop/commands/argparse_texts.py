"""argparse's own texts (usage, options, "invalid choice" …) in the user's language.

argparse looks its messages up through the module globals `_` and `ngettext` at the time
it formats them; `install()` points those at our catalogue. The msgids below are
argparse's (Python 3.11), listed so the catalogue keeps them; only those a user can meet
are listed (not the programmer errors such as "conflicting option string").
"""

from __future__ import annotations

import argparse

from posko_desktop.core import i18n
from posko_desktop.core.i18n import N_

MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def install() -> None:
    """Route argparse's messages through the catalogue in the current language."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
