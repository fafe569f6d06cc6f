"""Sub-commands contributed by the sale_amazon_spapi addon: ``amazon-sandbox`` and ``demo``."""
from __future__ import annotations

import os

from coquiapps.cli.command import Command

from . import demo  # noqa: F401  (registers ``coquiapps demo``)


def _default_data_dir() -> str | None:
    base = os.environ.get("COQUIAPPS_DATA_DIR")
    return os.path.join(base, "amazon-sandbox") if base else None


class AmazonSandboxCommand(Command):
    """Serve the local Amazon sandbox (LWA, consent page, SP-API) until stopped."""

    name = "amazon-sandbox"
    help = "Serve a local Amazon sandbox (Login with Amazon, consent page, SP-API) for tests and demos"

    def run(self, args: list[str]) -> int:
        # the sandbox is its own package (and `amazon-sandbox` script); here it keeps its
        # state beside the ERP's data by default
        from amazon_sandbox.cli import main

        return main(args, prog=f"coquiapps {self.name}", default_data_dir=_default_data_dir())
