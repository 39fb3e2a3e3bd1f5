from posko_desktop.cli import main

raise SystemExit(main())
