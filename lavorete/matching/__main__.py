"""`python -m lavorete.matching`: see `lavorete.matching.cli`."""

import sys

from lavorete.matching.cli import main

if __name__ == "__main__":
    sys.exit(main())
