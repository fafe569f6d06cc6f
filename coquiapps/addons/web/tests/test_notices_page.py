"""The notices of the logged-in user: the top bar's counter on every page, the list, its links, dismissing."""
import datetime as dt
import re
import zoneinfo

import pytest

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases

from .common import WebClient, text


@pytest.fixture
def notice_db(base_db):
    return databases.copy_of(base_db, "webnotice")


def counter(page: str) -> int:
    found = re.search(r'class="o_notif_count" data-count="(\d+)"', page)
    assert found, "no notice counter in the top bar"
    return int(found.group(1))


def rows(page: str) -> list[str]:
    return re.findall(r'<tr class="o_notif_row".*?</tr>', page, re.S)


def test_counter_list_record_link_and_dismiss(notice_db):
    with sql_db.cursor(notice_db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(notice_db))
        admin = env.ref("base.user_admin")
        admin.write({"tz": "Asia/Tokyo"})
        other = env["res.users"].create({"name": "Other", "login": "other", "password": "other-pass",
                                         "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
        partner = env["res.partner"].create({"name": "Coqui Supplies"})
        Notice = env["res.notice"]
        expiring = Notice.create({"user_id": admin.id, "title": "Secret expiring", "message": "in 5 days",
                                  "level": "danger", "res_model": "res.partner", "res_id": partner.id})
        Notice.create({"user_id": admin.id, "title": "Job stopped", "level": "warning"})
        Notice.create({"user_id": other.id, "title": "Not for the admin", "level": "info"})
        created = expiring.create_date
        expiring_id, partner_id = expiring.id, partner.id
    client = WebClient()
    client.login(notice_db)
    home = text(client.get("/web"))
    assert counter(home) == 2 and 'href="/web/notices"' in home
    assert counter(text(client.get("/web/preferences"))) == 2  # on every page of the web client

    page = text(client.get("/web/notices"))
    listed = rows(page)
    assert len(listed) == 2 and "Not for the admin" not in page
    row = next(r for r in listed if "Secret expiring" in r)
    assert 'o_notif_level_danger">Danger<' in row and "in 5 days" in row
    # the date in the admin's zone (Tokyo, UTC+9), not in UTC
    tokyo = created.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    shown = re.search(r'class="o_notif_date">([^<]+)<', row).group(1)
    assert tokyo.strftime("%-I:%M") in shown and str(tokyo.day) in shown, shown
    link = re.search(r'class="o_notif_record"><a href="([^"]+)">Coqui Supplies</a>', row).group(1)
    form = text(client.get(link.replace("&amp;", "&")))
    assert 'class="o_form' in form and "Coqui Supplies" in form and f"/{partner_id}" in link

    done = client.follow(client.post(f"/web/notices/{expiring_id}/dismiss"))
    assert "Notice dismissed: Secret expiring" in text(done) and counter(text(done)) == 1
    assert "Secret expiring" in text(client.get("/web/notices?dismissed=1"))
    client.follow(client.post("/web/notices/dismiss_all"))
    after = text(client.get("/web/notices"))
    assert counter(after) == 0 and not rows(after) and "nothing needs your attention" in after

    with sql_db.cursor(notice_db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(notice_db))
        foreign = env["res.notice"].search([("title", "=", "Not for the admin")])
        foreign_id = foreign.id
    refused = client.follow(client.post(f"/web/notices/{foreign_id}/dismiss"))
    assert "was not sent to you" in text(refused)
    with sql_db.cursor(notice_db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(notice_db))
        assert not env["res.notice"].browse(foreign_id).dismissed
