"""The Amazon side of the guide walks: the sandbox, a database pointed at it, and the few
form helpers the walks through Sales > Amazon share."""
from __future__ import annotations

import contextlib

from amazon_sandbox.testing import running

from ..spapi_world import new_world


@contextlib.contextmanager
def sandbox_world(full_db: str, server: str, seed: int):
    """A sandbox, and a copy of ``full_db`` whose Amazon endpoints and callback point at it and ``server``."""
    with running(seed=seed) as harness:
        world = new_world(harness, full_db)
        with world.env() as env:
            env["ir.config_parameter"].set_param("web.base.url", server)
        for app in harness.state()["apps"]:
            if app["kind"] == "public":
                harness.control("PUT", f"apps/{app['client_id']}/redirect-uris",
                                {"redirect_uris": [f"{server}/amazon_spapi/callback"]})
        yield world


def open_menu(page, item: str) -> None:
    """Sales > Amazon > ``item``."""
    page.click("a.o_menu_app:has-text('Sales')")
    page.click(".o_submenu summary:has-text('Amazon')")
    page.click(f".o_submenu a:has-text('{item}')")


def open_account(page, name: str) -> None:
    """Sales > Amazon > Accounts, then the account ``name``."""
    open_menu(page, "Accounts")
    page.click(f"tr:has-text('{name}') .o_row_open a")
    page.wait_for_selector("form.o_form")
    assert page.locator("#field_name").input_value() == name


def field(page, name: str) -> str:
    """The shown value of a form field (without its label)."""
    node = page.locator(f"[data-name={name}]").first
    inputs = node.locator("input:not([type=hidden]), select, textarea")
    if inputs.count():
        if inputs.first.evaluate("e => e.tagName") == "SELECT":
            return inputs.first.locator("option:checked").inner_text().strip()
        return inputs.first.input_value().strip()
    value = node.locator(".o_field_widget, .o_field_readonly, .o_field_text, .o_field_html")
    return (value.first if value.count() else node).inner_text().strip()


def click_button(page, method: str) -> None:
    """The visible form button calling ``method``."""
    page.click(f"button[value='object:{method}']:visible")


def form_error(page) -> str:
    """The error a refused form shows ("" when none)."""
    error = page.locator(".o_form_error")
    return error.inner_text() if error.count() else ""


@contextlib.contextmanager
def kept_on_failure(page, shots):
    """On a failure, the page (HTML and screenshot) is kept beside the step screenshots."""
    for stale in shots.folder.glob("failure.*"):
        stale.unlink()
    try:
        yield
    except BaseException:
        (shots.folder / "failure.html").write_text(page.content())
        page.screenshot(path=str(shots.folder / "failure.png"), full_page=True)
        raise
