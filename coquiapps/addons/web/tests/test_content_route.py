"""``/web/content`` over real HTTP: the file's bytes and headers for who may read it, 404 for anyone else."""
import base64
import http.client
import re
from urllib.parse import unquote, urlsplit

import pytest
import requests

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CSV = "sku,marketplace,default_code\nSKÜ-1,ATVPDKIKX0DER,MUG\n".encode()
ODD_NAME = 'résumé "q1"; ../../etc/passwd\r\nSet-Cookie: x=1.csv'


@pytest.fixture(scope="module")
def world(base_db):
    """Alice's notice with a CSV attached, a file of nobody's record, an odd name and a link."""
    name = databases.copy_of(base_db, "content")
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        employee = env.ref("base.group_user")
        ids = {}
        for login in ("alice", "bob"):
            ids[login] = env["res.users"].create({"name": login.title(), "login": login, "password": login,
                                                  "groups_id": [(6, 0, [employee.id])]}).id
        notice = env["res.notice"].create({"user_id": ids["alice"], "title": "export ready"})
        ids["notice"] = notice.id
        Attachment = env["ir.attachment"].with_user(ids["alice"])
        ids["csv"] = Attachment.create({"name": "SKU links - Amazon.csv", "datas": base64.b64encode(CSV).decode(),
                                        "res_model": "res.notice", "res_id": notice.id}).id
        ids["odd"] = Attachment.create({"name": ODD_NAME, "datas": b"odd"}).id
        ids["html"] = Attachment.create({"name": "page.html", "datas": b"<script>alert(1)</script>"}).id
        ids["png"] = Attachment.create({"name": "pixel.png", "datas": b"\x89PNG\r\n\x1a\n"}).id
        ids["link"] = Attachment.create({"name": "docs", "type": "url", "url": "/web/login"}).id
        ids["evil_link"] = Attachment.create({"name": "evil", "type": "url", "url": "javascript:alert(1)"}).id
    return {"db": name, **ids}


def session(server, world, login):
    client = requests.Session()
    page = client.get(f"{server}/web/login", params={"db": world["db"]}).text
    answer = client.post(f"{server}/web/login", allow_redirects=False, data={
        "login": login, "password": "admin" if login == "admin" else login, "redirect": "/web",
        "csrf_token": TOKEN_RE.search(page).group(1)})
    assert answer.status_code == 303, answer.text[-300:]
    return client


def filename_star(disposition: str) -> str:
    return unquote(re.search(r"filename\*=UTF-8''([^;]+)", disposition).group(1))


def test_download_an_attachment(server, world):
    alice = session(server, world, "alice")
    answer = alice.get(f"{server}/web/content/{world['csv']}?download=true", allow_redirects=False)
    assert answer.status_code == 200 and answer.content == CSV
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and filename_star(disposition) == "SKU links - Amazon.csv"
    # Odoo's form with a file name in the URL: the stored name is what the file is called
    again = alice.get(f"{server}/web/content/{world['csv']}/other.txt")
    assert again.content == CSV and filename_star(again.headers["Content-Disposition"]) == "SKU links - Amazon.csv"


def test_binary_field_route(server, world):
    alice = session(server, world, "alice")
    answer = alice.get(f"{server}/web/content/ir.attachment/{world['csv']}/datas",
                       params={"download": "true", "filename_field": "name"})
    assert answer.status_code == 200 and answer.content == CSV
    assert filename_star(answer.headers["Content-Disposition"]) == "SKU links - Amazon.csv"
    assert answer.headers["Content-Type"].startswith("text/csv")
    plain = alice.get(f"{server}/web/content/ir.attachment/{world['csv']}/datas")
    assert 'filename="ir_attachment_' in plain.headers["Content-Disposition"]
    for path in (f"ir.attachment/{world['csv']}/name", f"ir.attachment/{world['csv']}/nope",
                 f"no.such.model/{world['csv']}/datas", "ir.attachment/999999/datas",
                 "res.users/2/password"):
        assert alice.get(f"{server}/web/content/{path}").status_code == 404, path


def test_unreadable_is_not_found_like_missing(server, world):
    bob = session(server, world, "bob")
    refused = bob.get(f"{server}/web/content/{world['csv']}?download=true")
    missing = bob.get(f"{server}/web/content/999999?download=true")
    assert refused.status_code == missing.status_code == 404
    assert refused.text == missing.text and CSV not in refused.content
    assert bob.get(f"{server}/web/content/ir.attachment/{world['csv']}/datas").status_code == 404
    assert bob.get(f"{server}/web/content/{world['odd']}").status_code == 404  # alice's own file
    admin = session(server, world, "admin")
    assert admin.get(f"{server}/web/content/{world['csv']}").content == CSV


def test_session_required(server, world):
    answer = requests.get(f"{server}/web/content/{world['csv']}?download=true", allow_redirects=False)
    assert answer.status_code == 303 and "/web/login" in answer.headers["Location"]
    assert CSV not in answer.content


def test_odd_names_are_escaped(server, world):
    alice = session(server, world, "alice")
    answer = alice.get(f"{server}/web/content/{world['odd']}?download=true")
    assert answer.status_code == 200 and answer.content == b"odd"
    assert "x=1" not in answer.headers.get("Set-Cookie", "") and "x" not in alice.cookies
    disposition = answer.headers["Content-Disposition"]
    fallback = re.search(r'filename="([^"]*)"', disposition).group(1)
    assert fallback.isascii() and "/" not in fallback and '"' not in fallback
    name = filename_star(disposition)
    assert "/" not in name and "\r" not in name and "\n" not in name and name.startswith("résumé")


def test_active_content_is_never_shown_inline(server, world):
    alice = session(server, world, "alice")
    page = alice.get(f"{server}/web/content/{world['html']}")
    assert page.headers["Content-Type"].startswith("text/plain")
    image = alice.get(f"{server}/web/content/{world['png']}")
    assert image.headers["Content-Type"] == "image/png"
    assert image.headers["Content-Disposition"].startswith("inline;")
    assert image.headers["Content-Security-Policy"] == "default-src 'none'"


def test_url_attachments_redirect_only_to_web_addresses(server, world):
    alice = session(server, world, "alice")
    link = alice.get(f"{server}/web/content/{world['link']}", allow_redirects=False)
    assert link.status_code == 303 and urlsplit(link.headers["Location"]).path == "/web/login"
    assert alice.get(f"{server}/web/content/{world['evil_link']}", allow_redirects=False).status_code == 404


@pytest.mark.parametrize("path", ["/web/content/{csv}/..%2F..%2F..%2Fetc%2Fpasswd",
                                  "/web/content/{csv}/../../../etc/passwd",
                                  "/web/content/..%2F..%2Fetc%2Fpasswd",
                                  "/web/content/ir.attachment/{csv}/..%2Fdatas",
                                  "/web/content/%2e%2e/%2e%2e/etc/passwd"])
def test_traversal_reaches_no_file(server, world, path):
    alice = session(server, world, "alice")
    parts = urlsplit(server)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", path.format(csv=world["csv"]),
                     headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in alice.cookies)})
        answer = conn.getresponse()
        body = answer.read()
    finally:
        conn.close()
    assert b"root:" not in body
    assert answer.status in (200, 303, 308, 404)
    if answer.status == 200:  # the attachment itself, whatever name the URL gives
        assert body == CSV


def test_form_shows_binary_fields_as_download_links(server, world):
    alice = session(server, world, "alice")
    page = alice.get(f"{server}/web/action/base.action_attachment/{world['csv']}").text
    link = f'/web/content/ir.attachment/{world["csv"]}/datas?download=true&amp;filename_field=name'
    assert f'href="{link}"' in page and f"({len(CSV)} bytes)" in page
    assert base64.b64encode(CSV).decode() not in page  # never the raw content
    # the record the file is attached to lists it
    notice = alice.get(f"{server}/web/action/model:res.notice/{world['notice']}").text
    assert f'href="/web/content/{world["csv"]}?download=true"' in notice and "SKU links - Amazon.csv" in notice
