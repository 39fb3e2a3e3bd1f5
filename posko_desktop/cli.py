"""`posko`: the command line over the core services. Never imports Qt.

Each area registers its subcommands from a module in `posko_desktop.commands`.
Errors go to stderr with a non-zero exit code: 2 for refused input, 1 for a failure.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from posko_desktop.commands import argparse_texts, modules_for
from posko_desktop.commands.common import CliError
from posko_desktop.core import appinfo, i18n
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import _
from posko_desktop.logsetup import setup_logging
from posko_desktop.paths import AppPaths

logger = logging.getLogger(__name__)


# The global options that take a value (the word after them is no command).
VALUE_OPTIONS = ("--db", "--lang", "--user")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with `command`'s module registered (None: every command, for --help)."""
    parser = argparse.ArgumentParser(
        prog="posko", description=_("Posko Desk Pilkada command line")
    )
    # handled in main() before parsing, so no subcommand is needed
    parser.add_argument("--version", action="store_true",
                        help=_("print the version and exit (with --verbose: the Python and "
                               "the exact version of every package)"))
    parser.add_argument("--verbose", action="store_true", help=_("more detail (with --version)"))
    parser.add_argument("--db", help=_("database file path or SQLAlchemy URL (default: POSKO_DB, "
                                       "then the file in the user data folder)"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("language of messages (id or en)"))
    parser.add_argument("--user", help=_("user name to act as"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in modules_for(command):
        module.register(sub)
    return parser


def chosen_command(argv: Sequence[str]) -> str | None:
    """The first word of `argv` that is neither an option nor a global option's value
    (abbreviated options as argparse takes them)."""
    value_next = False
    for arg in argv:
        if value_next:
            value_next = False
        elif arg.startswith("--") and "=" not in arg:
            value_next = len(arg) > 2 and any(o.startswith(arg) for o in VALUE_OPTIONS)
        elif not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --lang, POSKO_LANG, the OS locale; the user's stored choice once logged in
    # (commands/common.open_context)
    i18n.set_language(i18n.choose_language(_language_from(argv), None))
    argparse_texts.install()
    paths = AppPaths.default().ensure()
    setup_logging(paths.log_file, console=False)
    if "--version" in argv:
        print_version(verbose="--verbose" in argv)
        return 0
    parser = build_parser(chosen_command(argv))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except PoskoError as err:
        logger.warning("posko %s refused: %s", args.command, err.text_in("en"))
        print(_("Error: {message}").format(message=err.text()), file=sys.stderr)
        return 2
    except CliError as err:
        print(_("Error: {message}").format(message=str(err)), file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(_("Cancelled"), file=sys.stderr)
        return 130
    except Exception as err:  # the log has the traceback; the user gets one clear line
        logger.exception("posko %s failed", args.command)
        print(_("Unexpected error: {error}. Details are in {log}").format(
            error=err, log=paths.log_file), file=sys.stderr)
        return 1


def print_version(*, verbose: bool) -> None:
    """`posko --version`: one line; with --verbose also the Python and every package
    (in a bundle: the versions recorded when it was built, installer/bundle-lock.txt)."""
    if verbose:
        print("\n".join(appinfo.verbose_lines()))
    else:
        print("posko {version}".format(version=appinfo.app_info().version))


def _language_from(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in i18n.LANGUAGES else None
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in i18n.LANGUAGES else None
    return None


if __name__ == "__main__":
    raise SystemExit(main())
