"""Shared parts of the guide walks: an admin in a non-UTC timezone, signed in to chromium, and
a screenshot per step under ``test-output/guides/<guide>/<timezone>/``.

Each guide in ``../shared/seeds/`` has its own ``test_guide_NNN_*.py``; they run once per
timezone in ``TIMEZONES`` (the user's preference and the browser's clock agree).
"""
from __future__ import annotations

import contextlib
import re
from pathlib import Path

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing.browser import login

#: guides are walked by an admin in each of these zones (never UTC: offsets must show)
TIMEZONES = ["America/New_York", "Asia/Tokyo"]

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "guides"


class Shots:
    """Numbered full-page screenshots of one walk: ``shots(page, "connected")``."""

    def __init__(self, guide: str, tz: str):
        self.folder = OUTPUT / guide / tz.replace("/", "_")
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def __call__(self, page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}_{re.sub(r'[^a-z0-9]+', '_', step.lower())}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def set_user_tz(db: str, tz: str | bool, login_name: str = "admin") -> None:
    """Set the timezone preference of ``login_name`` in ``db`` (committed)."""
    with sql_db.cursor(db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))
        env["res.users"].search([("login", "=", login_name)]).write({"tz": tz})


@contextlib.contextmanager
def admin_page(browser, server: str, db: str, tz: str, login_name: str = "admin", password: str = "admin"):
    """A signed-in page of ``login_name`` whose preference and browser clock are both ``tz``."""
    set_user_tz(db, tz, login_name)
    context = browser.new_context(timezone_id=tz, locale="en-US", accept_downloads=True)
    page = context.new_page()
    try:
        login(page, server, db, login_name, password)
        yield page
    finally:
        context.close()
