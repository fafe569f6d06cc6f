"""Configuration precedence, and where addons are found."""
import pytest

from coquiapps.modules import discovery
from coquiapps.testing.addon_factory import unique, write_addon
from coquiapps.tools import config


def test_precedence_defaults_file_env_cli(tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text("[options]\nhttp_port = 9000\nworkers = 2\nlist_db = False\n")
    cfg = config.load(str(conf), {}, environ={})
    assert (cfg["http_port"], cfg["workers"], cfg["list_db"]) == (9000, 2, False)
    cfg = config.load(str(conf), {}, environ={"COQUIAPPS_HTTP_PORT": "9100"})
    assert cfg["http_port"] == 9100 and cfg["workers"] == 2
    cfg = config.load(str(conf), {"http_port": 9200, "workers": None}, environ={"COQUIAPPS_HTTP_PORT": "9100"})
    assert cfg["http_port"] == 9200 and cfg["workers"] == 2
    assert config.load(None, {}, environ={})["http_port"] == 8069


def test_config_errors_name_the_option(tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text("[options]\nhttp_prot = 9000\n")
    with pytest.raises(ValueError, match="unknown option 'http_prot'"):
        config.load(str(conf), {}, environ={})
    with pytest.raises(ValueError, match="option workers: 'many' is not a whole number"):
        config.load(None, {}, environ={"COQUIAPPS_WORKERS": "many"})
    with pytest.raises(FileNotFoundError):
        config.load(str(tmp_path / "missing.conf"), {}, environ={})


def test_save_keeps_other_entries(tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text("[options]\nhttp_port = 9000\n")
    cfg = config.load(str(conf), {}, environ={})
    cfg.save(admin_passwd="hashed")
    text = conf.read_text()
    assert "http_port = 9000" in text and "admin_passwd = hashed" in text
    assert oct(conf.stat().st_mode & 0o777) == "0o600"


def test_root_module_is_found_by_its_entry_point():
    found = discovery.entry_point_addons()
    assert "sale_amazon_spapi" in found
    assert (found["sale_amazon_spapi"] / "__manifest__.py").is_file()
    import coquiapps.addons.sale_amazon_spapi as module

    assert module.__name__ == "coquiapps.addons.sale_amazon_spapi"


def test_addons_path_first_folder_wins(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    name = unique("twin")
    write_addon(one, name, {"name": "First"})
    write_addon(two, name, {"name": "Second"})
    assert discovery.scan_addons_path([one, two])[name] == one / name
    assert "base" in discovery.scan_addons_path([])
