"""Guide 001, "Important: If using stock control": the admin downloads the SKU links of the old (MWS)
account and imports them into the new SP-API account, in chromium, in a non-UTC timezone.

The export is a file attached to the old account: one click on its link downloads the CSV
(Playwright receives it), whose rows are the account's SKU links in the database; the same file
uploaded on the new account creates the same links. A file with a wrong row imports nothing and
says which line is wrong and why.
"""
from __future__ import annotations

import csv
import io

import pytest

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases
from coquiapps.testing.browser import MARKS, chromium, served_app

from .walk import TIMEZONES, Shots, admin_page

pytestmark = MARKS
LINKS = 10


@pytest.fixture(scope="module")
def db(full_db):
    """A private copy of the full database (the walk commits)."""
    return databases.copy_of(full_db, "guide001sku")


@pytest.fixture(scope="module")
def server(db):
    with served_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


class Db:
    """Committed reads and writes on the walk's database as superuser."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self._cursor = sql_db.cursor(self.name)
        cr = self._cursor.__enter__()
        return Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(self.name))

    def __exit__(self, *exc):
        return self._cursor.__exit__(*exc)


def links_of(env, account_id) -> list[tuple[str, str, str]]:
    """The account's SKU links as (sku, marketplace id, internal reference), sorted."""
    offers = env["amazon.offer"].search([("account_id", "=", account_id)])
    return sorted((o.sku, o.marketplace_id.api_ref or "", o.product_id.default_code) for o in offers)


@pytest.fixture
def accounts(db, request):
    """The old MWS account "Amazon" with ten manual SKU links, and the new, empty "Amazon SP"."""
    tag = request.node.callspec.id.replace("/", "-")
    with Db(db) as env:
        us, ca = env.ref("sale_amazon.marketplace_us"), env.ref("sale_amazon.marketplace_ca")
        old = env["amazon.account"].create({"name": f"Amazon {tag}", "base_marketplace_id": us.id,
                                            "seller_key": "A1MWSSELLER"})
        new = env["amazon.account"].create({"name": f"Amazon SP {tag}", "base_marketplace_id": us.id})
        for n in range(LINKS):
            product = env["product.product"].create({"name": f"Mug {tag} {n}", "default_code": f"MUG-{tag}-{n}"})
            env["amazon.offer"].create({"account_id": old.id, "sku": f"MWS-{tag}-{n:02d}", "product_id": product.id,
                                        "marketplace_id": (us if n % 2 else ca).id})
        return old.id, new.id


def open_csv_wizard(page, server, account_id):
    page.goto(f"{server}/web/action/model:amazon.account/{account_id}")
    page.click("button[value='object:action_offers_csv']")
    page.wait_for_selector("button[value='object:action_export']")


@pytest.mark.parametrize("tz", TIMEZONES)
def test_sku_links_exported_downloaded_and_imported(browser, server, db, accounts, tz, tmp_path):
    old_id, new_id = accounts
    shots = Shots("001_sku_export", tz)
    with admin_page(browser, server, db, tz) as page:
        # the old account: SKU Links (CSV) -> Export
        open_csv_wizard(page, server, old_id)
        shots(page, "old account sku links wizard")
        page.click("button[value='object:action_export']")
        page.wait_for_selector(f"text={LINKS} SKU link(s) exported")
        link = page.locator("[data-name=attachment_id] a.o_download")
        assert link.count() == 1, "the export offers no file to download"
        shots(page, "exported with a download link")
        # one click downloads the CSV
        with page.expect_download() as info:
            link.click()
        download = info.value
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert download.suggested_filename.endswith(".csv") and "Amazon" in download.suggested_filename
        rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
        assert rows[0] == ["sku", "marketplace", "default_code"]
        with Db(db) as env:
            expected = links_of(env, old_id)
            stored = env["ir.attachment"].search([("res_model", "=", "amazon.account"), ("res_id", "=", old_id)])
            assert len(expected) == LINKS and sorted(map(tuple, rows[1:])) == expected
            assert len(stored) == 1 and stored.datas == saved.read_bytes()
        # the file stays on the old account, listed under its attachments
        page.goto(f"{server}/web/action/model:amazon.account/{old_id}")
        page.wait_for_selector(f".o_attachment_list a:has-text('{download.suggested_filename}')")
        shots(page, "old account lists the export")

        # the new account: a file with a wrong row imports nothing and names the line
        bad = tmp_path / "wrong.csv"
        bad.write_text(saved.read_text(encoding="utf-8") + "SKU-X,ATVPDKIKX0DER,NO-SUCH-REF\n", encoding="utf-8")
        open_csv_wizard(page, server, new_id)
        page.set_input_files("#field_csv_file", str(bad))
        page.click("button[value='object:action_import']")
        page.wait_for_selector(".o_form_error")
        error = page.locator(".o_form_error").inner_text()
        assert f"line {LINKS + 2}" in error and "NO-SUCH-REF" in error, error
        shots(page, "wrong row refused")
        with Db(db) as env:
            assert links_of(env, new_id) == []
        # the downloaded file itself: every link created
        open_csv_wizard(page, server, new_id)
        page.set_input_files("#field_csv_file", str(saved))
        page.click("button[value='object:action_import']")
        page.wait_for_selector(f"text={LINKS} SKU link(s) created, 0 updated")
        shots(page, "imported into the new account")
    with Db(db) as env:
        assert links_of(env, new_id) == links_of(env, old_id) == expected

