"""``python -m amazon_sandbox``: the same as the ``amazon-sandbox`` console script."""
import sys

from .cli import main

sys.exit(main())
