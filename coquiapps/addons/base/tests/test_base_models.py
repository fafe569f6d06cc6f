"""Users carry their contact's fields (``_inherits``); countries, actions, reports, language install."""
import pytest

from coquiapps.exceptions import UserError


def test_user_reads_writes_and_searches_its_partner_fields(base_env):
    Users = base_env["res.users"]
    user = Users.create({"name": "Delia Gate", "login": "delia", "email": "delia@example.com",
                         "comment": "Plays the cello", "image_1920": "iVBORw0KGgo="})
    partner = user.partner_id
    assert partner.email == "delia@example.com" and partner.comment == "Plays the cello"
    assert partner.image_1920 == user.image_1920 and user.image_1920
    row = user.read(["email", "comment", "child_ids", "image_1920", "phone"])[0]
    assert row["email"] == "delia@example.com" and row["comment"] == "Plays the cello"
    assert row["child_ids"] == [] and row["image_1920"] == "iVBORw0KGgo=" and row["phone"] is False

    user.write({"email": "delia@new.example", "phone": "+1 555 0199", "name": "Delia G."})
    assert partner.email == "delia@new.example" and partner.phone == "+1 555 0199"
    assert partner.name == "Delia G." and user.name == "Delia G."
    child = base_env["res.partner"].create({"name": "Delia's office", "parent_id": partner.id})
    assert user.child_ids == child
    user.write({"child_ids": [(0, 0, {"name": "Delia's home", "type": "other"})]})
    assert len(partner.child_ids) == 2

    assert Users.search([("email", "=", "delia@new.example")]) == user
    assert Users.search([("comment", "ilike", "cello")]) == user
    assert Users.search([("child_ids.name", "=", "Delia's home")]) == user
    fields = Users.fields_get()
    assert {"email", "comment", "child_ids", "image_1920", "country_id", "street"} <= set(fields)


def test_user_made_for_an_existing_partner_writes_given_values_to_it(base_env):
    partner = base_env["res.partner"].create({"name": "Existing Contact"})
    user = base_env["res.users"].create({"login": "existing", "partner_id": partner.id,
                                         "email": "existing@example.com"})
    assert user.partner_id == partner and partner.email == "existing@example.com"
    assert user.name == "Existing Contact"


def test_user_state_follows_first_login_and_home_action(base_env):
    Users = base_env["res.users"]
    user = Users.create({"name": "Newbie", "login": "newbie", "password": "newbie-pass-1"})
    assert user.state == "new"
    assert Users.search([("state", "=", "new"), ("id", "=", user.id)]) == user
    Users._login("newbie", "newbie-pass-1")
    user.invalidate_recordset()
    assert user.state == "active" and user.login_date
    action = base_env.ref("base.action_res_users")
    user.action_id = action.id
    assert user.action_id._name == "ir.actions.actions" and user.action_id.type == "ir.actions.act_window"


def test_countries_and_states(base_env):
    us = base_env.ref("base.us")
    assert (us.code, us.name, us.phone_code) == ("US", "United States", 1)
    assert base_env.ref("base.jp").phone_code == 81
    assert base_env["res.country"].search_count([]) > 240
    assert {"CA", "NY", "TX", "DC"} <= set(us.state_ids.mapped("code"))
    assert base_env.ref("base.state_de_by").country_id == base_env.ref("base.de")
    assert base_env.ref("base.state_ca_qc").name == "Quebec"
    partner = base_env["res.partner"].create({"name": "Texan", "state_id": base_env.ref("base.state_us_tx").id})
    assert partner.country_id == us and partner.country_code == "US"
    partner.write({"country_code": "de"})
    assert partner.country_id == base_env.ref("base.de") and partner.country_code == "DE"
    partner.write({"country_id": base_env.ref("base.jp").id})
    assert partner.country_code == "JP"
    assert base_env["res.partner"].search([("country_id.code", "=", "JP"), ("id", "=", partner.id)]) == partner


def test_every_action_is_an_ir_actions_actions_of_the_same_id(base_env):
    window = base_env.ref("base.action_res_users")
    url = base_env["ir.actions.act_url"].create({"name": "Docs", "url": "https://example.com/docs"})
    report = base_env["ir.actions.report"].create({"name": "Partner Card", "model": "res.partner",
                                                   "report_name": "base.partner_card"})
    assert len({window.id, url.id, report.id}) == 3
    rows = base_env["ir.actions.actions"].search_read([("id", "in", [window.id, url.id, report.id])],
                                                      ["name", "type"])
    assert {(r["id"], r["type"]) for r in rows} == {
        (window.id, "ir.actions.act_window"), (url.id, "ir.actions.act_url"), (report.id, "ir.actions.report")}
    url.write({"name": "Documentation"})
    assert base_env["ir.actions.actions"].browse(url.id).name == "Documentation"
    url_id = url.id
    url.unlink()
    assert not base_env["ir.actions.actions"].browse(url_id).exists()
    assert report.binding_type == "report" and report.report_type == "qweb-pdf"


def test_actions_of_older_databases_get_their_shared_row(base_env):
    window = base_env.ref("base.action_res_users")
    cr = base_env.cr
    cr.execute("DELETE FROM ir_actions WHERE id = %s", (window.id,))  # as before ir_actions existed
    cr.execute("SELECT setval('ir_actions_id_seq', 1)")
    base_env["ir.actions.actions"]._sync_action_ids()
    assert base_env["ir.actions.actions"].browse(window.id).type == "ir.actions.act_window"
    fresh = base_env["ir.actions.act_url"].create({"name": "After", "url": "/web"})
    cr.execute("SELECT max(id) FROM ir_actions_act_window")
    assert fresh.id > cr.fetchone()[0]


def test_report_rendering_fails_with_a_clear_error(base_env):
    report = base_env["ir.actions.report"].create({"name": "Partner Card", "model": "res.partner",
                                                   "report_name": "base.partner_card"})
    with pytest.raises(UserError, match="no report engine"):
        base_env["ir.actions.report"]._render_qweb_pdf("base.partner_card", [1])
    with pytest.raises(UserError, match="no report engine"):
        base_env["ir.actions.report"]._render(report.id, [1])
    with pytest.raises(UserError, match="not found"):
        base_env["ir.actions.report"]._render_qweb_pdf("base.no_such_report", [1])


def test_language_install_wizard_activates_the_language(base_env):
    german = base_env.ref("base.lang_de")
    assert not german.active
    wizard = base_env["base.language.install"].with_context(default_lang="de_DE").create({})
    assert wizard.lang_ids == german
    assert wizard.lang_install() == {"type": "ir.actions.act_window_close"}
    assert german.active and "de_DE" in base_env["res.lang"]._installed_codes()
    clerk = base_env["res.users"].create({"name": "Clerk", "login": "clerk-lang",
                                         "groups_id": [(6, 0, [base_env.ref("base.group_user").id])]})
    italian = base_env.ref("base.lang_it")
    wizard = base_env["base.language.install"].create({"lang_ids": [(6, 0, italian.ids)]})
    with pytest.raises(Exception, match="administrators|not allowed"):
        wizard.with_user(clerk).lang_install()
    assert not italian.active
