"""The frozen app's entry point: the ``flowsim`` command, as ``python -m flowsim`` runs it."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Parallel simulations start worker processes by running this executable again;
    # freeze_support turns such a start into a worker instead of a second command line.
    multiprocessing.freeze_support()
    from flowsim.cli import main

    sys.exit(main())
