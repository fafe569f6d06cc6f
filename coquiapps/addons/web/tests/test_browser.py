"""Browser scenarios: Playwright drives Debian's chromium against a real server thread."""
from pathlib import Path

import pytest

from coquiapps.testing.browser import MARKS, chromium, login
from coquiapps.tools import config

OUTPUT = Path(__file__).resolve().parents[4] / "test-output"

pytestmark = MARKS


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # confirm= dialogs
    yield page
    context.close()


def shot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"web_{name}.png"), full_page=True)


def test_apps_update_list_and_install(page, server, new_db, tmp_path, monkeypatch):
    db = new_db(label="browser")
    fresh = tmp_path / "web_browser_fresh"
    fresh.mkdir()
    (fresh / "__init__.py").write_text("")
    (fresh / "__manifest__.py").write_text(repr({
        "name": "Browser Fresh", "summary": "Found by Update Apps List", "depends": ["base"],
        "application": True, "license": "LGPL-3", "author": "Tests"}))
    broken = tmp_path / "web_browser_broken"
    broken.mkdir()
    (broken / "__manifest__.py").write_text("{'name': 'Broken', 'version': ")
    paths = config.current().values["addons_path"]
    monkeypatch.setitem(config.current().values, "addons_path", f"{paths},{tmp_path}")

    login(page, server, db)
    page.click("a.o_menu_app:has-text('Apps')")
    assert page.locator(".o_chip[data-filter=app]").is_visible()
    shot(page, "apps")
    page.click(".o_chip[data-filter=app] .o_chip_remove")
    assert page.locator(".o_chip").count() == 0
    page.fill("input[name=q]", "kernel")
    page.press("input[name=q]", "Enter")
    assert page.locator(".o_kanban_card").count() == 1
    assert "Base" in page.locator(".o_kanban_card h3").inner_text()

    page.click("summary:has-text('Administrator')")
    page.click("a.o_debug_toggle")
    page.click("a.o_menu_app:has-text('Apps')")
    page.click(".o_submenu a:has-text('Update Apps List')")
    assert page.locator(".o_dialog").is_visible()
    shot(page, "update_apps_list")
    page.click("button:has-text('Update')")
    result = page.locator(".o_dialog").inner_text()
    assert "web_browser_broken" in result and "Open Apps" in result
    shot(page, "update_apps_list_done")
    page.click("button:has-text('Open Apps')")
    page.click(".o_kanban_card:has-text('Browser Fresh')")
    page.click("button:has-text('Activate')")
    assert page.locator(".o_arrow_button_current").inner_text() == "Installed"
    assert page.locator(".o_notice_success").is_visible()
    shot(page, "installed")


def test_duplicate_with_neutralize_shows_banner(page, server, new_db, tmp_path):
    previous = config.current()
    cfg = config.Config(values={**previous.values, "admin_passwd": ""}, path=tmp_path / "coquiapps.conf")
    config.set_current(cfg)
    try:
        from coquiapps.testing import databases
        from coquiapps.testing.master import set_master_password

        set_master_password(cfg, "master")

        source = new_db(label="browsersrc")
        copy = databases.unique_name("browsercopy")
        databases.register(copy)
        page.goto(f"{server}/web/database/manager")
        row = page.locator(f"tr[data-db={source}]")
        row.locator("summary:has-text('Duplicate')").click()
        row.locator("input[name=master_pwd]").first.fill("master")
        row.locator("input[name=new_name]").fill(copy)
        assert row.locator("input[name=neutralize]").is_checked()
        row.locator("button:has-text('Duplicate')").click()
        assert page.locator(".o_notice_success").is_visible()
        shot(page, "database_manager")
        login(page, server, copy)
        assert page.locator(".o_neutralized_banner").is_visible()
        shot(page, "neutralized")
    finally:
        config.set_current(previous)
