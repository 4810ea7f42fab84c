"""``python -m flowsim`` is the ``flowsim`` command."""

import sys

from flowsim.cli import main

# The guard matters: simulation workers start by importing the main module again.
if __name__ == "__main__":
    sys.exit(main())
