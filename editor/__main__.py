"""`python -m editor`: the command line (editor.cli)."""

import sys

from editor.cli import main

sys.exit(main())
