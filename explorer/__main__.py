"""`python -m explorer train ...`: the command line lives in explorer.cli."""

import sys

from explorer.cli import main

if __name__ == "__main__":
    sys.exit(main())
