"""CLI subcommands, one module per area. Each module has `register(subparsers)`."""

from posko_desktop.commands import site

COMMAND_MODULES = [site]
