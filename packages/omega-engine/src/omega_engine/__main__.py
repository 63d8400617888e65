"""``python -m omega_engine`` runs the ``omega`` command line."""

import sys

from .cli import main

sys.exit(main())
