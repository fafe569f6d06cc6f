"""The master password in tests, set as an administrator sets it: ``coquiapps db set-master-password``."""
from __future__ import annotations

import subprocess
import sys

from coquiapps.tools import config


def set_master_password(cfg: config.Config, password: str) -> None:
    """Run ``coquiapps -c <cfg.path> db set-master-password`` with ``password`` on standard input.

    The running server reads the config file at each check, so it takes effect at once.
    """
    if cfg.path is None:
        raise ValueError("the configuration has no file to store the master password in")
    if not cfg.path.exists():
        cfg.save()  # an empty [options] section: -c needs a file to read
    result = subprocess.run([sys.executable, "-m", "coquiapps.cli.main", "-c", str(cfg.path),
                             "db", "set-master-password"],
                            input=password + "\n", capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise RuntimeError(f"coquiapps db set-master-password failed: {result.stderr.strip()}")
