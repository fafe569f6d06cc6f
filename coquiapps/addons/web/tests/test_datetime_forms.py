"""Date-time inputs of forms: typed and shown in the user's zone (or the browser's), to the second,
and a save that did not touch one leaves the stored value alone (to the microsecond)."""
import datetime as dt
import re

import pytest

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases
from coquiapps.testing.browser import MARKS, chromium, login, served_app

from .common import WebClient, text

STORED = dt.datetime(2026, 12, 3, 8, 0, 18, 123456)  # naive UTC, with microseconds


@pytest.fixture(scope="module")
def cron_db(base_db):
    """A copy of base with a scheduled action whose form shows two editable date-times."""
    name = databases.copy_of(base_db, "webdt")
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        groups = [env.ref("base.group_user").id, env.ref("base.group_system").id]
        env["res.users"].create({"name": "Nadia", "login": "nadia", "password": "nadia-pw",
                                 "tz": "America/New_York", "groups_id": [(6, 0, groups)]})
        env["res.users"].create({"name": "Kenji", "login": "kenji", "password": "kenji-pw",
                                 "groups_id": [(6, 0, groups)]})  # no zone of his own: the browser's
        cron = env["ir.cron"].create({"name": "Nightly", "model_id": env.ref("base.model_res_partner").id,
                                      "code": "model._nothing()"})
        view = env["ir.ui.view"].create({
            "name": "Cron times", "model": "ir.cron", "type": "form", "priority": 99,
            "arch": "<form><sheet><group><field name='name'/><field name='nextcall'/>"
                    "<field name='lastcall'/></group></sheet></form>"})
        action = env["ir.actions.act_window"].create({
            "name": "Crons", "res_model": "ir.cron", "view_mode": "form", "view_id": view.id})
        ids = cron.id, action.id
    yield (name, *ids)
    sql_db.pool().close_all(name)


def stored(db, cron_id):
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT nextcall, lastcall, name FROM ir_cron WHERE id = %s", (cron_id,))
        return cr.fetchone()


def reset(db, cron_id):
    with sql_db.cursor(db) as cr:
        cr.execute("UPDATE ir_cron SET nextcall = %s, lastcall = %s, name = 'Nightly' WHERE id = %s",
                   (STORED, STORED, cron_id))


def inputs(page: str, name: str) -> tuple[str, str]:
    """(value, __shown value) of the date-time input ``name``."""
    value = re.search(rf'<input type="datetime-local" step="1" value="([^"]*)" name="{name}"', page)
    shown = re.search(rf'name="{name}__shown" value="([^"]*)"', page)
    assert value and shown, page
    return value.group(1), shown.group(1)


def signed_in(db, login, password, browser_tz=None) -> WebClient:
    client = WebClient()
    if browser_tz:
        client.client.set_cookie("tz", browser_tz)
    assert client.login(db, login, password).status_code == 303
    return client


def test_inputs_in_the_users_zone_to_the_second(cron_db):
    db, cron_id, action_id = cron_db
    reset(db, cron_id)
    client = signed_in(db, "nadia", "nadia-pw", browser_tz="Asia/Tokyo")  # her preference wins
    page = text(client.get(f"/web/action/{action_id}/{cron_id}"))
    assert inputs(page, "nextcall") == ("2026-12-03T03:00:18", "2026-12-03T03:00:18")
    assert "America/New_York" in page
    # typed in her zone, stored in UTC to the second
    done = client.post(f"/web/action/{action_id}/{cron_id}", {
        "name": "Nightly", "nextcall": "2026-12-03T03:00:04", "nextcall__shown": "2026-12-03T03:00:18",
        "lastcall": "2026-12-03T03:00:18", "lastcall__shown": "2026-12-03T03:00:18"})
    assert done.status_code == 303, text(done)
    nextcall, lastcall, _name = stored(db, cron_id)
    assert nextcall == dt.datetime(2026, 12, 3, 8, 0, 4)
    assert lastcall == STORED  # not touched: kept, microseconds included


def test_a_save_never_changes_an_untouched_date_time(cron_db):
    db, cron_id, action_id = cron_db
    reset(db, cron_id)
    client = signed_in(db, "nadia", "nadia-pw")
    page = text(client.get(f"/web/action/{action_id}/{cron_id}"))
    form = {"name": "Nightly run"}
    for name in ("nextcall", "lastcall"):
        form[name], form[f"{name}__shown"] = inputs(page, name)
    assert client.post(f"/web/action/{action_id}/{cron_id}", form).status_code == 303
    assert stored(db, cron_id) == (STORED, STORED, "Nightly run")


def test_the_browsers_zone_for_a_user_without_one(cron_db):
    db, cron_id, action_id = cron_db
    reset(db, cron_id)
    client = signed_in(db, "kenji", "kenji-pw", browser_tz="Asia/Tokyo")
    page = text(client.get(f"/web/action/{action_id}/{cron_id}"))
    assert inputs(page, "nextcall")[0] == "2026-12-03T17:00:18"
    client.client.set_cookie("tz", "../../etc/passwd")  # not a zone: UTC
    page = text(client.get(f"/web/action/{action_id}/{cron_id}"))
    assert inputs(page, "nextcall")[0] == "2026-12-03T08:00:18"


def test_a_time_the_clocks_skip_is_refused(cron_db):
    db, cron_id, action_id = cron_db
    reset(db, cron_id)
    client = signed_in(db, "nadia", "nadia-pw")
    refused = client.post(f"/web/action/{action_id}/{cron_id}", {
        "name": "Nightly", "nextcall": "2026-03-08T02:30:00", "nextcall__shown": "2026-12-03T03:00:18"})
    assert refused.status_code == 422
    assert "does not exist in America/New_York" in text(refused)
    assert stored(db, cron_id)[0] == STORED


@MARKS[0]
@MARKS[1]
def test_chromium_sends_its_zone_and_keeps_seconds(cron_db):
    """A user without a zone in a Tokyo browser: the form shows and takes Tokyo time, seconds kept."""
    db, cron_id, action_id = cron_db
    reset(db, cron_id)
    with served_app() as server, chromium() as browser:
        context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-US")
        page = context.new_page()
        login(page, server, db, "kenji", "kenji-pw")
        page.goto(f"{server}/web/action/{action_id}/{cron_id}")
        assert page.input_value("#field_nextcall") == "2026-12-03T17:00:18"
        page.fill("#field_nextcall", "2026-12-04T09:30:07")
        page.fill("#field_name", "Nightly (Tokyo)")
        page.click("button.o_form_save")
        page.wait_for_selector(".o_notice_success")
        context.close()
    assert stored(db, cron_id) == (dt.datetime(2026, 12, 4, 0, 30, 7), STORED, "Nightly (Tokyo)")
