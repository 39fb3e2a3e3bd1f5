"""The one program of the Linux bundle: run as `posko` (a symlink to it) it is the command
line, under any other name (`posko-desktop`) the desktop app. One program instead of two
saves the second copy of the Python archive each program carries (16 MB)."""

import os
import sys

if os.path.basename(sys.argv[0]) == "posko":
    from posko_desktop.cli import main
else:
    from posko_desktop.app import main

raise SystemExit(main())
