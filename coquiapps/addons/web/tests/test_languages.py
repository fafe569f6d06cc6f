"""The web client in the user's language: menus, views, buttons, formats, preferences, languages."""
import re

import pytest

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases

from .common import WebClient, text


@pytest.fixture(scope="module")
def lang_db(base_db):
    """A copy of the base database: French active, a French administrator, a form showing a datetime."""
    name = databases.copy_of(base_db, "weblang")
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        env.ref("base.lang_fr").write({"active": True})
        groups = [env.ref("base.group_user").id, env.ref("base.group_system").id]
        user = env["res.users"].create({"name": "Camille", "login": "camille", "password": "camille-pw",
                                        "lang": "fr_FR", "tz": "Europe/Paris", "groups_id": [(6, 0, groups)]})
        view = env["ir.ui.view"].create({
            "name": "User with login date", "model": "res.users", "type": "form", "priority": 99,
            "arch": "<form><sheet><group><field name='name'/><field name='login_date'/>"
                    "<field name='share' readonly='1'/></group></sheet></form>"})
        action = env["ir.actions.act_window"].create({
            "name": "Users", "res_model": "res.users", "view_mode": "form", "view_id": view.id})
        ids = user.id, action.id
    yield (name, *ids)
    sql_db.pool().close_all(name)  # idle connections count against PostgreSQL's max_connections


def camille(db) -> WebClient:
    client = WebClient()
    assert client.login(db, "camille", "camille-pw").status_code == 303
    return client


def set_login_date(db, uid):
    with sql_db.cursor(db) as cr:
        cr.execute("UPDATE res_users SET login_date = '2024-05-01 12:00:00' WHERE id = %s", (uid,))


def menu_names(page: str) -> list[str]:
    return re.findall(r'class="o_menu_app[^"]*"[^>]*>([^<]+)<', page)


def test_french_user_sees_french(lang_db):
    db, uid, action_id = lang_db
    client = camille(db)
    home = text(client.get("/web"))
    assert '<html lang="fr-FR">' in home
    assert "Bienvenue" in home and "Se déconnecter" in home and "Préférences" in home
    assert "Paramètres" in menu_names(home) and "Settings" not in menu_names(home)
    # menus and action names
    users = text(client.get("/web/action/base.action_res_users"))
    assert "<h1>Utilisateurs</h1>" in users and ">Nouveau<" in users
    assert "Utilisateurs et sociétés" in users and "Rechercher..." in users
    assert ">Dernière connexion<" in users  # a column label from the model's field
    # a form: labels, notebook pages, buttons, a datetime in the user's time zone
    set_login_date(db, uid)
    form = text(client.get(f"/web/action/{action_id}/{uid}"))
    assert "Dernière connexion" in form and "1 mai 2024, 14:00:00" in form
    assert "Enregistrer" in form and ">Non<" in form  # a read-only boolean
    user_form = text(client.get(f"/web/action/base.action_res_users/{uid}"))
    assert "Droits d&#39;accès" in user_form or "Droits d'accès" in user_form
    assert ">Langue<" in user_form
    # messages from the server follow the language too
    saved = client.follow(client.post(f"/web/action/base.action_res_users/{uid}", {"name": "Camille"}))
    assert "Camille enregistré." in text(saved)
    # English users of the same server at the same time are not affected
    admin = WebClient()
    admin.login(db)
    english = text(admin.get("/web"))
    assert "Welcome" in english and "Settings" in menu_names(english) and '<html lang="en-US">' in english


def test_languages_and_preferences(lang_db):
    db, uid, action_id = lang_db
    client = camille(db)
    # Settings > Languages only shows in developer mode
    assert "base.res_lang_act_window" not in text(client.get("/web"))
    languages = text(client.get("/web/action/base.res_lang_act_window?debug=1"))
    assert "German / Deutsch" in languages and "<h1>Langues</h1>" in languages
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT id FROM res_lang WHERE code = 'de_DE'")
        german = cr.fetchone()[0]
    form = text(client.get(f"/web/action/base.res_lang_act_window/{german}"))
    assert 'value="object:action_activate"' in form and ">Activer<" in form
    assert "action_archive" not in form
    done = client.post(f"/web/action/base.res_lang_act_window/{german}", {"_button": "object:action_activate"})
    assert done.status_code == 303
    form = text(client.follow(done))
    assert ">Archiver<" in form and "action_activate" not in form
    # French is in use by Camille: it cannot be archived
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT id FROM res_lang WHERE code = 'fr_FR'")
        french = cr.fetchone()[0]
    refused = client.post(f"/web/action/base.res_lang_act_window/{french}", {"_button": "object:action_archive"})
    assert refused.status_code == 422 and "ne peut pas être désactivée" in text(refused)
    # the preferences offer the active languages
    page = text(client.get("/web/preferences"))
    assert "German / Deutsch" in page and "Japanese" not in page
    assert '<option value="fr_FR" selected>' in page and '<option value="Europe/Paris" selected>' in page
    refused = client.follow(client.post("/web/preferences", {"lang": "ja_JP", "tz": "UTC"}))
    assert "ja_JP" in text(refused) and "n&#39;est pas active" in text(refused)
    # back to English
    done = client.follow(client.post("/web/preferences", {"lang": "en_US", "tz": "America/New_York"}))
    assert "Preferences saved." in text(done) and '<html lang="en-US">' in text(done)
    home = text(client.get("/web"))
    assert "Welcome" in home and "Settings" in menu_names(home)
    set_login_date(db, uid)
    form = text(client.get(f"/web/action/{action_id}/{uid}"))
    assert "Latest Login" in form and "May 1, 2024, 8:00:00\u202fAM" in form
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT lang, tz FROM res_users WHERE id = %s", (uid,))
        assert cr.fetchone() == ("en_US", "America/New_York")
    # and French again: the session follows the user's language at once
    client.post("/web/preferences", {"lang": "fr_FR", "tz": "Europe/Paris"})
    assert "Bienvenue" in text(client.get("/web"))
