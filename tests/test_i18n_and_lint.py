"""Translations of sale_amazon_spapi (i18n/*.po against i18n/sale_amazon_spapi.pot) and pylint-odoo.

* every catalogue parses with babel, has a valid header, translates every entry of the
  template (none missing, empty or fuzzy) and keeps each entry's placeholders;
* the template is what the exporter finds in the module today (so a new ``_()`` string
  fails here until the .pot and the catalogues are updated);
* a French and a Japanese user get the module's ``_()`` messages and the account form's
  labels in their language;
* pylint with pylint-odoo and the project's ``.pylintrc`` reports nothing.

The runtime's exporter walks the whole addon folder, and this addon's folder is the
repository root, which also holds the runtime (``coquiapps/``), ``amazon_sandbox/`` and ``bench/``: the
template keeps only the messages found in the module's own files. To refresh it::

    .venv/bin/python -m tests.test_i18n_and_lint pot
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from coquiapps.exceptions import UserError
from coquiapps.tools import translate

MODULE = "sale_amazon_spapi"
ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "i18n"
POT = I18N / f"{MODULE}.pot"
LANGUAGES = {"fr": "fr_FR", "de": "de_DE", "es": "es_ES", "it": "it_IT", "ja": "ja_JP"}
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "de": "nplurals=2; plural=(n != 1);",
                "es": "nplurals=2; plural=(n != 1);", "it": "nplurals=2; plural=(n != 1);",
                "ja": "nplurals=1; plural=0;"}
# what the exporter also walks below the repository root but is not the module
FOREIGN = ("coquiapps/", "amazon_sandbox/", "bench/", "tests/", ".")
NOT_MODULE = ("build", "dist", "test-output", "i18n")
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]")
LINTED = ["__init__.py", "__manifest__.py", "models", "controllers", "wizards", "spapi", "cli"]


def read(path: Path):
    with open(path, "rb") as handle:
        return read_po(handle)


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def module_template():
    """The exporter's template of the module, without the runtime's and bench's messages.

    The exporter runs on a copy of the module's own files (the runtime, bench/, the tests
    and the virtualenv left out), which is also much faster than walking the whole root.
    """
    import shutil
    import tempfile

    from babel.messages.catalog import Catalog

    from coquiapps.tools import i18n_extract

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / MODULE
        folder.mkdir()
        for entry in ROOT.iterdir():
            if entry.name.startswith(".") or f"{entry.name}/" in FOREIGN or entry.name in NOT_MODULE \
                    or entry.name.endswith(".egg-info"):
                continue
            if entry.is_dir():
                shutil.copytree(entry, folder / entry.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(entry, folder / entry.name)
        found = i18n_extract.extract(folder, MODULE)
    template = Catalog(project=MODULE, version="", copyright_holder="", msgid_bugs_address="",
                       creation_date=found.creation_date, revision_date=found.revision_date, fuzzy=False)
    for message in found:
        own = [(path, line) for path, line in message.locations if not path.startswith(FOREIGN)]
        if message.id and own:
            template.add(message.id, locations=own, flags=message.flags)
    return template


def write_pot() -> int:
    from babel.messages.pofile import write_po

    template = module_template()
    with open(POT, "wb") as handle:
        write_po(handle, template, width=100, sort_output=True, omit_header=False)
    return len(template)


# -- the catalogues ------------------------------------------------------------------------
def test_every_language_has_a_catalogue():
    assert POT.is_file()
    assert sorted(p.stem for p in I18N.glob("*.po")) == sorted(LANGUAGES)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_catalogue_is_complete(lang):
    template = read(POT)
    catalogue = read(I18N / f"{lang}.po")
    # header: language, plural forms, UTF-8
    headers = dict(catalogue.mime_headers)
    assert headers["Language"] == lang
    assert headers["Plural-Forms"] == PLURAL_FORMS[lang]
    assert "charset=utf-8" in headers["Content-Type"].lower()
    assert not catalogue.fuzzy
    wanted = [m.id for m in template if m.id]
    assert len(wanted) > 150
    missing = [msgid for msgid in wanted if msgid not in catalogue or not catalogue[msgid].string]
    assert not missing, f"{lang}.po: no translation for {missing}"
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not fuzzy, f"{lang}.po: fuzzy entries {fuzzy}"
    assert not list(catalogue.obsolete), f"{lang}.po: obsolete entries {list(catalogue.obsolete)}"
    for message in catalogue:
        if not message.id:
            continue
        assert isinstance(message.id, str), f"{lang}.po: plural entry {message.id!r}"
        assert message.string.strip(), f"{lang}.po: empty translation of {message.id!r}"
        assert placeholders(message.string) == placeholders(message.id), \
            f"{lang}.po: placeholders differ for {message.id!r}: {message.string!r}"
        assert message.id in template or message.auto_comments, \
            f"{lang}.po: {message.id!r} is not in the template (and not marked as a label the exporter misses)"
    # babel's own checks (python-format placeholders among them) find nothing
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check() if errors]
    assert not problems, problems


def test_catalogues_share_their_entries():
    """Every language translates the same strings (the template's and the same extras)."""
    ids = {lang: {m.id for m in read(I18N / f"{lang}.po") if m.id} for lang in LANGUAGES}
    assert len({frozenset(v) for v in ids.values()}) == 1, {k: len(v) for k, v in ids.items()}


@pytest.mark.slow
def test_template_is_up_to_date():
    """The .pot holds the module's translatable strings as the exporter finds them today."""
    current = {m.id for m in module_template() if m.id}
    committed = {m.id for m in read(POT) if m.id}
    assert current, "the exporter found nothing"
    hint = ("refresh with `.venv/bin/python -m tests.test_i18n_and_lint pot`, then translate the new "
            "entries in i18n/*.po")
    assert not current - committed, f"not in {POT.name} ({hint}): {sorted(current - committed)}"
    assert not committed - current, f"gone from the module ({hint}): {sorted(committed - current)}"
    # the categories users see are all there
    for msgid in ("Link with Amazon",  # a button label in a view
                  "Refresh Token",  # a field label
                  "Needs Re-authorization",  # a selection label
                  "SP-API Applications",  # a menu and action name
                  "Amazon SP-API: refresh access tokens",  # a scheduled action
                  "Continue to Amazon",  # a Jinja page
                  "This connect link is not valid."):  # a _() message
        assert msgid in current, msgid
    assert not [m for m in current if m.startswith(("sale_amazon_spapi.", "amazon.spapi."))]


# -- translations at run time --------------------------------------------------------------
def _user_in(env, code, login):
    """Activate the language ``code`` and create a user speaking it; the language the RPC layer picks for them."""
    from coquiapps.service import model as object_service

    lang = env["res.lang"].with_context(active_test=False).search([("code", "=", code)])
    assert lang, code
    lang.action_activate()  # activates and loads the installed addons' catalogues
    assert lang.active
    company = env.ref("base.main_company")
    user = env["res.users"].create({"name": f"Amazon admin {code}", "login": login, "lang": code,
                                    "company_id": company.id, "company_ids": [(6, 0, [company.id])],
                                    "groups_id": [(6, 0, [env.ref("base.group_system").id,
                                                                env.ref("sale_amazon.group_amazon_manager").id])]})
    picked = object_service._user_lang(env(user=user.id), None)
    assert picked == code
    translate.ensure_loaded(env.registry.modules, picked)
    return user, picked


def _account_without_application(env, user):
    return env["amazon.account"].with_user(user).create({
        "name": "Amazon EU", "company_id": env.ref("base.main_company").id,
        "base_marketplace_id": env.ref("sale_amazon.marketplace_uk").id})


@pytest.mark.parametrize("code, expected", [
    ("fr_FR", "Amazon EU n'a pas d'application SP-API : choisissez-en une dans l'onglet Identifiants."),
    ("ja_JP", "Amazon EU には SP-API アプリケーションがありません。[認証情報] タブで選択してください。"),
])
def test_user_error_in_the_users_language(env, code, expected):
    user, lang = _user_in(env, code, f"amazon_{code.lower()}")
    account = _account_without_application(env, user)
    token = translate.set_lang(lang)
    try:
        with pytest.raises(UserError) as info:
            account.with_user(user)._sp_check_usable()
    finally:
        translate.reset_lang(token)
    assert str(info.value) == expected
    # the same message in English for an English user
    with pytest.raises(UserError, match="has no SP-API application: choose one on the Credentials tab"):
        account._sp_check_usable()


@pytest.mark.parametrize("code, labels, english", [
    ("fr_FR", ['string="Lier à Amazon"', 'string="Copier le lien de connexion"', 'string="Liens de connexion"',
               'string="Selling Partner API"', "confirm=\"Rediriger votre navigateur vers Amazon pour renouveler "
                                               "l'autorisation ?\"", "Cette base de données est une copie neutralisée"],
     "Link with Amazon"),
    ("ja_JP", ['string="Amazon と連携"', 'string="接続リンクをコピー"', 'string="接続リンク"',
               "このデータベースはニュートラライズ済みのコピーです"], "Link with Amazon"),
])
def test_account_form_labels_are_translated(env, code, labels, english):
    _user, lang = _user_in(env, code, f"amazon_form_{code.lower()}")
    arch = env.ref("sale_amazon.amazon_account_view_form").get_combined_arch()
    assert f'string="{english}"' in arch  # the module's extension is applied
    translated = translate.translate_arch(arch, lang)
    for label in labels:
        assert label in translated, label
    assert f'string="{english}"' not in translated
    assert 'name="action_sp_link"' in translated and 'name="sp_state"' in translated  # names untouched
    assert f'string="{english}"' in translate.translate_arch(arch, "en_US")


def test_field_and_selection_labels_are_translated(env):
    _user, lang = _user_in(env, "fr_FR", "amazon_labels_fr")
    fields = env["amazon.account"]._fields
    assert translate.translate(fields["sp_refresh_token"].string, lang) == "Jeton d'actualisation"
    states = dict(fields["sp_state"].selection)
    assert translate.translate(states["reauth"], lang) == "Réautorisation requise"
    cron = env.ref("sale_amazon_spapi.cron_refresh_tokens")
    assert translate.translate(cron.name, lang) == "Amazon SP-API : actualiser les jetons d'accès"


# -- pylint-odoo ---------------------------------------------------------------------------
@pytest.mark.slow
def test_pylint_odoo_reports_nothing():
    if importlib.util.find_spec("pylint_odoo") is None:
        pytest.skip("pylint-odoo is not installed in this environment (pip install 'pylint-odoo>=10.0,<11')")
    done = subprocess.run([sys.executable, "-m", "pylint", "--rcfile=.pylintrc", "--load-plugins=pylint_odoo",
                           *LINTED], cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = (done.stdout + done.stderr).strip()
    assert done.returncode == 0 and not report, report


if __name__ == "__main__":  # python -m tests.test_i18n_and_lint pot
    if sys.argv[1:] != ["pot"]:
        sys.exit("usage: python -m tests.test_i18n_and_lint pot")
    print(f"{write_pot()} message(s) written to {POT}")
