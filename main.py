"""Start the crimedesk desktop app: ``python main.py [--db URL]``."""

import sys

if __name__ == "__main__":  # imports inside: processes spawned by the app re-import this module
    from crimedesk.ui.app import main

    sys.exit(main())
