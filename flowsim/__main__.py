"""``python -m flowsim`` is the ``flowsim`` command."""

import sys

from flowsim.cli import main

sys.exit(main())
