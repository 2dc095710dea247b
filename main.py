"""Start the crimedesk desktop app: ``python main.py [--db URL]``."""

import sys

from crimedesk.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
