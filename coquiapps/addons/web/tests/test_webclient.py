"""The web client: menus by group, list/form pages, modifiers, buttons, wizards, notices, banners."""
import re

import pytest

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.tools import config

from .common import WebClient, text


@pytest.fixture(scope="module")
def web_db(request):
    """A database of this module's tests (they commit)."""
    from coquiapps.service import db
    from coquiapps.testing import databases

    name = databases.unique_name("web")
    databases.register(name)
    db.create_database(name)
    return name


def superuser(db):
    cr = sql_db.cursor(db)
    return cr, Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))


@pytest.fixture
def admin(web_db):
    client = WebClient()
    client.login(web_db)
    return client


def test_menus_follow_groups_and_developer_mode(admin, web_db):
    page = text(admin.follow(admin.get("/web/menu/1")))
    assert "Update Apps List" not in page
    cr, env = superuser(web_db)
    with cr:
        user = env["res.users"].create({"name": "Plain", "login": "plain", "password": "plain",
                                        "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    plain = WebClient()
    plain.login(web_db, "plain", "plain")
    home = text(plain.get("/web"))
    assert "Apps" not in re.findall(r'class="o_menu_app[^"]*"[^>]*>([^<]+)<', home)
    assert user.id
    debug_page = text(admin.follow(admin.get("/web/menu/1?debug=1")))
    assert "Update Apps List" in debug_page and "Developer mode" in debug_page
    admin.get("/web?debug=0")
    assert "Update Apps List" not in text(admin.follow(admin.get("/web/menu/1")))


def test_list_search_filters_sort_and_pages(admin):
    apps = text(admin.get("/web/action/base.open_module_tree"))
    assert 'data-filter="app"' in apps and "o_kanban_card" in apps
    everything = text(admin.get("/web/action/base.open_module_tree?view_type=list&filters="))
    assert ">base<" in everything and ">web<" in everything and 'class="o_chip"' not in everything
    searched = text(admin.get("/web/action/base.open_module_tree?view_type=list&filters=&q=kernel"))
    assert ">base<" in searched and ">web<" not in searched  # found by its summary
    installed = text(admin.get("/web/action/base.open_module_tree?view_type=list&filters=installed"))
    assert ">base<" in installed and "Not Installed" not in installed.split("o_view o_view_list")[1]
    ordered = text(admin.get("/web/action/base.open_module_tree?view_type=list&filters=&order=name+desc"))
    names = re.findall(r'<td class="o_cell_char">([a-z_]+)</td>', ordered)
    assert names == sorted(names, reverse=True)
    admin.get("/web?debug=0")


def test_form_create_edit_validation_and_notices(admin, web_db):
    new = text(admin.get("/web/action/model:res.partner/new"))
    assert 'name="name"' in new
    refused = admin.post("/web/action/base.action_res_users/new", {"name": "", "login": "kept"})
    page = text(refused)
    assert refused.status_code == 422 and "o_form_error" in page and "Name is required." in page
    assert 'value="kept"' in page  # what was typed is shown again
    created = admin.post("/web/action/model:res.partner/new", {"name": "Ada <script>"})
    assert created.status_code == 303
    page = text(admin.follow(created))
    assert "Ada &lt;script&gt; saved." in page and "<script>" not in page.split("</head>")[1]
    partner_id = int(re.search(r"/web/action/model:res.partner/(\d+)", created.headers["Location"]).group(1))
    admin.post(f"/web/action/model:res.partner/{partner_id}", {"name": "Ada L.", "email": "ada@example.com"})
    cr, env = superuser(web_db)
    with cr:
        partner = env["res.partner"].browse(partner_id)
        assert partner.name == "Ada L." and partner.email == "ada@example.com"


def test_password_fields_never_show_their_value(admin, web_db):
    form = text(admin.get("/web/action/base.action_res_users/2"))
    field = re.search(r'<input[^>]*name="password"[^>]*>', form).group(0)
    assert 'type="password"' in field and "value=" not in field
    assert "scrypt$" not in form
    admin.post("/web/action/base.action_res_users/2", {"name": "Administrator", "login": "admin",
                                                       "password": ""})
    assert WebClient().login(web_db).status_code == 303  # empty = the password is kept


def test_modifiers_and_header_buttons(admin, web_db):
    cr, env = superuser(web_db)
    with cr:
        base_id = env.ref("base.module_base").id if env.ref("base.module_base", False) else \
            env["ir.module.module"].search([("name", "=", "base")]).id
        sale = env["ir.module.module"].search([("state", "=", "uninstalled")], limit=1)
    form = text(admin.get(f"/web/action/base.open_module_tree/{base_id}"))
    assert "object:button_immediate_upgrade" in form
    assert "object:button_immediate_install" not in form  # invisible="state != 'uninstalled'"
    assert 'data-confirm="Upgrade this app?"' in form
    assert 'o_arrow_button_current">Installed' in form
    assert 'data-name="manifest_error"' not in form
    if sale:
        other = text(admin.get(f"/web/action/base.open_module_tree/{sale.id}"))
        assert "object:button_immediate_install" in other and "object:button_immediate_uninstall" not in other
    refused = admin.post(f"/web/action/base.open_module_tree/{base_id}",
                         {"_button": "object:button_immediate_install"})
    assert refused.status_code == 422 and "is not available on this form" in text(refused)
    private = admin.post(f"/web/action/base.open_module_tree/{base_id}", {"_button": "object:_check_allowed"})
    assert private.status_code == 422 and "is not available on this form" in text(private)


def test_update_apps_list_wizard_then_install(admin, web_db, tmp_path, monkeypatch):
    addon = tmp_path / "web_test_fresh"
    addon.mkdir()
    (addon / "__init__.py").write_text("")
    (addon / "__manifest__.py").write_text(repr({
        "name": "Fresh App", "summary": "Appeared after start", "depends": ["base"],
        "application": True, "license": "LGPL-3", "author": "Tests"}))
    broken = tmp_path / "web_test_broken"
    broken.mkdir()
    (broken / "__init__.py").write_text("")
    (broken / "__manifest__.py").write_text("{'name': 'Broken', 'depends': 'base'")
    paths = config.current().values["addons_path"]
    monkeypatch.setitem(config.current().values, "addons_path", f"{paths},{tmp_path}")
    admin.get("/web?debug=1")
    wizard = admin.follow(admin.get("/web/action/base.action_view_base_module_update"))
    page = text(wizard)
    assert "o_wizard_page" in page and "Click on Update" in page and "Open Apps" not in page
    url = re.search(r'<form class="o_form o_dialog" method="post" action="([^"]+)"', page).group(1)
    done = admin.follow(admin.post(url.replace("&amp;", "&"), {"_button": "object:update_module"}))
    result = text(done)
    assert "Open Apps" in result and "web_test_broken" in result
    added = re.search(r'data-name="added">.*?<span class="o_field_readonly">(\d+)</span>', result, re.S)
    assert added and int(added.group(1)) >= 2
    url = re.search(r'<form class="o_form o_dialog" method="post" action="([^"]+)"', result).group(1)
    apps = admin.follow(admin.post(url.replace("&amp;", "&"), {"_button": "object:action_module_open"}))
    assert "Fresh App" in text(apps)
    cr, env = superuser(web_db)
    with cr:
        fresh = env["ir.module.module"].search([("name", "=", "web_test_fresh")])
    response = admin.post(f"/web/action/base.open_module_tree/{fresh.id}",
                          {"_button": "object:button_immediate_install"})
    assert response.status_code == 303
    page = text(admin.follow(response))
    assert "o_arrow_button_current\">Installed" in page
    cr, env = superuser(web_db)
    with cr:
        assert "web_test_fresh" in Registry.get(web_db).modules
        assert env["ir.module.module"].search([("name", "=", "web_test_fresh")]).state == "installed"
    admin.get("/web?debug=0")


def test_install_error_is_shown_not_a_traceback(new_db, tmp_path, monkeypatch):
    addon = tmp_path / "web_test_bad_data"
    addon.mkdir()
    (addon / "__init__.py").write_text("")
    (addon / "__manifest__.py").write_text(repr({
        "name": "Bad Data", "depends": ["base"], "data": ["data.xml"], "license": "LGPL-3"}))
    (addon / "data.xml").write_text('<coquiapps>\n<record id="x" model="no.such.model">'
                                    '<field name="name">x</field></record>\n</coquiapps>')
    paths = config.current().values["addons_path"]
    monkeypatch.setitem(config.current().values, "addons_path", f"{paths},{tmp_path}")
    web_db = new_db(label="webinst")
    admin = WebClient()
    admin.login(web_db)
    cr, env = superuser(web_db)
    with cr:
        env["ir.module.module"].update_list()
        bad = env["ir.module.module"].search([("name", "=", "web_test_bad_data")])
    response = admin.post(f"/web/action/base.open_module_tree/{bad.id}",
                          {"_button": "object:button_immediate_install"})
    page = text(response)
    assert response.status_code == 422
    assert "web_test_bad_data" in page and "data.xml" in page and "Traceback" not in page
    cr, env = superuser(web_db)
    with cr:
        assert env["ir.module.module"].browse(bad.id).state == "uninstalled"


def test_neutralized_banner(web_db):
    from coquiapps.service import db
    from coquiapps.testing import databases

    copy = databases.unique_name("webneutral")
    databases.register(copy)
    db.duplicate_database(web_db, copy, neutralize=True)
    client = WebClient()
    client.login(copy)
    assert "o_neutralized_banner" in text(client.get("/web"))
    other = WebClient()
    other.login(web_db)
    assert "o_neutralized_banner" not in text(other.get("/web"))


def test_html_fields_show_formatting_never_active_content():
    from coquiapps.addons.web.webclient.widgets import safe_html

    assert safe_html("<p><strong>MWS</strong> retired &amp; gone</p>") == \
        "<p><strong>MWS</strong> retired &amp; gone</p>"
    assert safe_html('x <b onclick="steal()">y</b><script>alert(1)</script><img src=x onerror=alert(1)>z') == \
        "x <b>y</b>z"
    assert safe_html('<a href="javascript:alert(1)">a</a> <a href="https://example.com/?a=1&amp;b=2">b</a>') == \
        '<a>a</a> <a href="https://example.com/?a=1&amp;b=2" rel="noopener noreferrer">b</a>'
    assert safe_html("a < b") == "a &lt; b" and safe_html(False) == ""


def test_html_fields_drop_scripts_event_handlers_and_javascript_links():
    from coquiapps.addons.web.webclient.widgets import safe_html

    shown = safe_html('<p onmouseover="steal()">hi<script>document.cookie</script></p>'
                      '<a href=" JaVaScript:alert(1)">j</a><a href="data:text/html,x">d</a>'
                      '<svg onload="alert(1)"><script>1</script></svg><iframe src="x">in</iframe>'
                      '<a href="/web#id=1" onclick="x()">ok</a>')
    assert shown == '<p>hi</p><a>j</a><a>d</a><a href="/web#id=1" rel="noopener noreferrer">ok</a>'


def test_form_labels_name_their_field_and_divs_keep_their_name(web_db):
    from lxml import etree

    from coquiapps.addons.web.webclient.formview import FormView

    arch = etree.fromstring('<form><sheet><div class="oe_title" name="title"><label for="name"/>'
                            '<h1><field name="name"/></h1></div><label string="In our words"/>'
                            '<label for="email" string="Mail"/></sheet></form>')
    cr, env = superuser(web_db)
    try:
        partners = env["res.partner"]
        html = str(FormView(env, partners, arch).render_parts()["body"])
        name_label = partners._fields["name"].string
    finally:
        cr.close()
    assert '<div class="oe_title" data-name="title">' in html
    assert f'<label class="o_form_label" for="field_name">{name_label}</label>' in html
    assert 'id="field_name"' in html  # the label points at the field's input
    assert '<label class="o_form_label">In our words</label>' in html
    assert '<label class="o_form_label" for="field_email">Mail</label>' in html
