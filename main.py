from posko_desktop.app import main

raise SystemExit(main())
