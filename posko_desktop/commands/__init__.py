"""CLI subcommands, one module per area. Each module has `register(subparsers)`."""

from posko_desktop.commands import accounts, activities, incidents, site, spreadsheets, stats, sync
from posko_desktop.commands import backup as backup_cmd
from posko_desktop.commands import dashboard as dashboard_cmd
from posko_desktop.commands import directory as directory_cmd
from posko_desktop.commands import flash as flash_cmd
from posko_desktop.commands import kerawanan as kerawanan_cmd
from posko_desktop.commands import medsos_cases as medsos_cases_cmd
from posko_desktop.commands import medsos_outputs as medsos_outputs_cmd
from posko_desktop.commands import medsos_posts as medsos_posts_cmd
from posko_desktop.commands import places as places_cmd
from posko_desktop.commands import shifts as shifts_cmd
from posko_desktop.commands import sitrep as sitrep_cmd
from posko_desktop.commands import stage_progress as progress_cmd
from posko_desktop.commands import taxonomy as taxonomy_cmd
from posko_desktop.commands import units as units_cmd
from posko_desktop.commands import weekly as weekly_cmd

COMMAND_MODULES = [site, spreadsheets, sync, accounts, incidents, activities, stats]
COMMAND_MODULES.append(sitrep_cmd)
COMMAND_MODULES.append(weekly_cmd)
COMMAND_MODULES.append(flash_cmd)
COMMAND_MODULES.append(dashboard_cmd)
COMMAND_MODULES.append(backup_cmd)
COMMAND_MODULES.append(places_cmd)
COMMAND_MODULES.append(units_cmd)
COMMAND_MODULES.append(directory_cmd)

COMMAND_MODULES.append(kerawanan_cmd)
COMMAND_MODULES += [medsos_posts_cmd, medsos_cases_cmd]
medsos_outputs_cmd.hook_into(medsos_cases_cmd)  # case card|claimreview, takedown letter|register


COMMAND_MODULES.append(progress_cmd)

COMMAND_MODULES.append(taxonomy_cmd)
COMMAND_MODULES.append(shifts_cmd)
