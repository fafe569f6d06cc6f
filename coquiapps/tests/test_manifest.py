"""Manifests: defaults, every kind of bad manifest, and load_manifests' bookkeeping."""
from __future__ import annotations

from pathlib import Path

import pytest

from coquiapps.modules.manifest import (
    Manifest,
    ManifestError,
    adapt_version,
    load_manifests,
    read_manifest,
)


def make_addon(root: Path, name: str, manifest: str | dict, files: tuple[str, ...] = ()) -> Path:
    """An addon folder ``root/name`` with the given manifest source (or dict) and empty files."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "__manifest__.py").write_text(
        manifest if isinstance(manifest, str) else repr(manifest)
    )
    for file in files:
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text("<odoo/>")
    return folder


def read(tmp_path: Path, manifest: str | dict, files: tuple[str, ...] = (), name="mod"):
    return read_manifest(name, make_addon(tmp_path, name, manifest, files))


def reason(tmp_path: Path, manifest: str | dict, files: tuple[str, ...] = ()) -> str:
    with pytest.raises(ManifestError) as info:
        read(tmp_path, manifest, files)
    assert str(info.value) == f"mod: {info.value.reason}"
    assert info.value.module == "mod"
    return info.value.reason


def test_defaults(tmp_path):
    manifest = read(tmp_path, {"name": "My Module"})
    assert manifest == Manifest(name="mod", display_name="My Module", path=tmp_path / "mod",
                                depends=("base",))
    assert manifest.version == "17.0.1.0"
    assert manifest.license == "LGPL-3"
    assert manifest.category == "Uncategorized"
    assert manifest.installable is True and manifest.application is False
    assert manifest.auto_install is False and manifest.auto_install_triggers is None
    assert manifest.data == () and manifest.demo == ()
    assert dict(manifest.external_dependencies) == {"python": (), "bin": ()}
    assert manifest.post_init_hook is None
    assert manifest.sequence == 100
    assert manifest.description == ""


def test_base_has_no_default_dependency(tmp_path):
    assert read(tmp_path, {"name": "Base"}, name="base").depends == ()


def test_full_manifest(tmp_path):
    manifest = read(tmp_path, {
        "name": "Amazon/Selling Partner API Patch",
        "version": "17.0.1.2.3",
        "summary": "SP-API",
        "category": "Sales",
        "author": "Coqui",
        "website": "https://example.com",
        "license": "LGPL-3",
        "depends": ["sale_amazon"],
        "data": ["security/ir.model.access.csv", "views/account.xml", "data/neutralize.sql"],
        "demo": ["demo/demo.xml"],
        "auto_install": ["sale_amazon"],
        "application": True,
        "installable": True,
        "external_dependencies": {"python": ["requests"], "bin": []},
        "post_init_hook": "post_init",
        "sequence": 5,
        "assets": {"web.assets_backend": ["x.js"]},
        "images": ["static/banner.png"],
        "x_custom": "kept",
    }, files=("security/ir.model.access.csv", "views/account.xml", "data/neutralize.sql",
              "demo/demo.xml"))
    assert manifest.version == "17.0.1.2.3"
    assert manifest.depends == ("sale_amazon",)
    assert manifest.data[1] == "views/account.xml"
    assert manifest.auto_install == ("sale_amazon",)
    assert manifest.auto_install_triggers == {"sale_amazon"}
    assert manifest.external_dependencies["python"] == ("requests",)
    assert manifest.post_init_hook == "post_init"
    assert manifest.raw["x_custom"] == "kept"
    assert manifest.raw["assets"] == {"web.assets_backend": ["x.js"]}


def test_auto_install_true_triggers_on_all_depends(tmp_path):
    manifest = read(tmp_path, {"name": "M", "depends": ["a", "b"], "auto_install": True})
    assert manifest.auto_install is True
    assert manifest.auto_install_triggers == {"a", "b"}


def test_manifest_with_comments_and_tuples(tmp_path):
    source = "# -*- coding: utf-8 -*-\n# a comment\n{\n    'name': 'M',\n    'depends': ('a',),\n}\n"
    assert read(tmp_path, source).depends == ("a",)


@pytest.mark.parametrize(("version", "expected"), [
    ("1.0", "17.0.1.0"),
    ("1.2.3", "17.0.1.2.3"),
    ("17.0.1.0", "17.0.1.0"),
    ("17.0.2.0.1", "17.0.2.0.1"),
])
def test_version_normalisation(tmp_path, version, expected):
    assert read(tmp_path, {"name": "M", "version": version}).version == expected
    assert adapt_version(version) == expected


@pytest.mark.parametrize("version", ["1.x", "1", "1.2.3.4", "16.0.1.0", "17.0.1", "v1.0", ""])
def test_bad_version(tmp_path, version):
    assert reason(tmp_path, {"name": "M", "version": version}) == (
        f"version {version!r} is not a valid version"
    )


def test_description_defaults_to_readme(tmp_path):
    folder = make_addon(tmp_path, "mod", {"name": "M"})
    (folder / "README.md").write_text("# Hello\n")
    assert read_manifest("mod", folder).description == "# Hello\n"
    folder2 = make_addon(tmp_path, "mod2", {"name": "M", "description": "Own"})
    (folder2 / "README.rst").write_text("ignored")
    assert read_manifest("mod2", folder2).description == "Own"


def test_syntax_error(tmp_path):
    assert reason(tmp_path, "{\n    'name': 'M',\n    'depends': = ['base'],\n}") == (
        "__manifest__.py line 3: invalid syntax"
    )


def test_syntax_error_unclosed(tmp_path):
    assert reason(tmp_path, "{\n 'name': 'M',\n").startswith("__manifest__.py line 1:")


def test_code_is_not_executed(tmp_path):
    marker = tmp_path / "executed"
    source = "{\n 'name': 'M',\n 'x': open(%r, 'w'),\n}" % str(marker)
    assert reason(tmp_path, source) == "__manifest__.py line 3: only literal values are allowed"
    assert not marker.exists()


def test_not_a_dict(tmp_path):
    assert reason(tmp_path, "['name', 'M']") == "manifest is a list, expected a dict"


def test_missing_file(tmp_path):
    folder = tmp_path / "mod"
    folder.mkdir()
    with pytest.raises(ManifestError, match="mod: __manifest__.py not found"):
        read_manifest("mod", folder)


@pytest.mark.parametrize(("manifest", "expected"), [
    ({}, "'name' is required"),
    ({"name": ""}, "'name' must not be empty"),
    ({"name": 3}, "'name' must be a str, got int"),
    ({"name": "M", "depends": "base"}, "'depends' must be a list of strings, got str"),
    ({"name": "M", "depends": ["base", 2]},
     "'depends' must be a list of strings, got an item of type int"),
    ({"name": "M", "version": 1.0}, "'version' must be a str, got float"),
    ({"name": "M", "summary": ["x"]}, "'summary' must be a str, got list"),
    ({"name": "M", "license": None}, "'license' must be a str, got NoneType"),
    ({"name": "M", "installable": 1}, "'installable' must be a bool, got int"),
    ({"name": "M", "application": "yes"}, "'application' must be a bool, got str"),
    ({"name": "M", "sequence": "1"}, "'sequence' must be an int, got str"),
    ({"name": "M", "sequence": True}, "'sequence' must be an int, got bool"),
    ({"name": "M", "data": "views.xml"}, "'data' must be a list of strings, got str"),
    ({"name": "M", "auto_install": "yes"},
     "'auto_install' must be a bool or a list of strings, got str"),
    ({"name": "M", "depends": ["base"], "auto_install": ["sale"]},
     "auto_install lists 'sale' which is not in depends"),
    ({"name": "M", "external_dependencies": ["requests"]},
     "'external_dependencies' must be a dict, got list"),
    ({"name": "M", "external_dependencies": {"python": "requests"}},
     "'external_dependencies' 'python' must be a list of strings, got str"),
    ({"name": "M", "post_init_hook": 3}, "'post_init_hook' must be a str, got int"),
    ({"name": "M", "uninstall_hook": "a.b()"},
     "'uninstall_hook' must be the name of a function, got 'a.b()'"),
])
def test_wrong_types(tmp_path, manifest, expected):
    assert reason(tmp_path, manifest) == expected


@pytest.mark.parametrize(("data", "expected"), [
    (["views/missing.xml"], "data file 'views/missing.xml' does not exist"),
    (["views/view.txt"], "data file 'views/view.txt' must end with .xml, .csv, .sql"),
    (["../other/views.xml"], "data file '../other/views.xml' is outside the module"),
    (["/etc/passwd.xml"], "data file '/etc/passwd.xml' is outside the module"),
])
def test_bad_data_files(tmp_path, data, expected):
    assert reason(tmp_path, {"name": "M", "data": data}, files=("views/view.txt",)) == expected


def test_missing_demo_file(tmp_path):
    assert reason(tmp_path, {"name": "M", "demo": ["demo/x.xml"]}) == (
        "demo file 'demo/x.xml' does not exist"
    )


def test_known_modules(tmp_path):
    folder = make_addon(tmp_path, "mod", {"name": "M", "depends": ["base", "foo"]})
    assert read_manifest("mod", folder, known_modules={"base", "foo"}).depends == ("base", "foo")
    with pytest.raises(ManifestError, match="mod: depends on unknown module 'foo'"):
        read_manifest("mod", folder, known_modules={"base", "mod"})


def test_load_manifests_sorts_good_from_bad(tmp_path):
    specs = {
        "base": {"name": "Base"},
        "sale": {"name": "Sales"},
        "broken": "{'name': ",
        "listy": "[1]",
        "needs_foo": {"name": "X", "depends": ["foo"]},
        "needs_broken": {"name": "X", "depends": ["broken"]},
        "needs_needs_broken": {"name": "X", "depends": ["sale", "needs_broken"]},
        "cycle_a": {"name": "A", "depends": ["cycle_b"]},
        "cycle_b": {"name": "B", "depends": ["cycle_a"]},
        "self_loop": {"name": "S", "depends": ["self_loop"]},
        "after_cycle": {"name": "C", "depends": ["cycle_a"]},
        "ok": {"name": "OK", "depends": ["sale"]},
    }
    locations = {name: make_addon(tmp_path, name, spec) for name, spec in specs.items()}
    good, bad = load_manifests(locations)
    assert sorted(good) == ["base", "ok", "sale"]
    assert bad["broken"].startswith("__manifest__.py line 1:")
    assert bad["listy"] == "manifest is a list, expected a dict"
    assert bad["needs_foo"] == "depends on unknown module 'foo'"
    assert bad["needs_broken"] == "depends on invalid module 'broken'"
    assert bad["needs_needs_broken"] == "depends on invalid module 'needs_broken'"
    assert bad["cycle_a"] == "dependency cycle: cycle_a -> cycle_b -> cycle_a"
    assert bad["cycle_b"] == "dependency cycle: cycle_b -> cycle_a -> cycle_b"
    assert bad["self_loop"] == "dependency cycle: self_loop -> self_loop"
    assert bad["after_cycle"] == "depends on invalid module 'cycle_a'"
    assert set(good) | set(bad) == set(specs)


def test_load_manifests_longer_cycle(tmp_path):
    specs = {
        "base": {"name": "Base"},
        "a": {"name": "A", "depends": ["b"]},
        "b": {"name": "B", "depends": ["base", "c"]},
        "c": {"name": "C", "depends": ["a"]},
    }
    good, bad = load_manifests({n: make_addon(tmp_path, n, s) for n, s in specs.items()})
    assert list(good) == ["base"]
    assert bad == {
        "a": "dependency cycle: a -> b -> c -> a",
        "b": "dependency cycle: b -> c -> a -> b",
        "c": "dependency cycle: c -> a -> b -> c",
    }
