"""Allow `python -m voice_triage`."""

import sys

from .cli import main

sys.exit(main())
