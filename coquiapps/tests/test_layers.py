"""The declared layers (pyproject's ``[tool.importlinter]``) hold, and a planted break is caught.

Each break is planted in a copy of the repository's sources, so the real
contracts and the real ``lint-imports`` judge it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import coquiapps
from coquiapps.testing import layers

REPO = Path(coquiapps.__file__).resolve().parents[1]


def _lint(repo: Path) -> tuple[int, str]:
    done = layers.lint(repo, capture=True)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def copy(tmp_path) -> Path:
    """The repository's sources (no virtualenv, caches or git) in a folder of their own."""
    target = tmp_path / "repo"
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns(
        ".*", "__pycache__", "*.egg-info", "test-output", "build", "dist"))
    return target


def _plant(repo: Path, path: str, source: str) -> None:
    (repo / path).write_text(source)


def test_the_repository_keeps_its_layers():
    code, output = _lint(REPO)
    assert code == 0, output
    assert "0 broken" in output


def test_a_function_level_import_of_a_higher_layer_breaks_the_runtime_layers(copy):
    _plant(copy, "coquiapps/orm/planted.py", "def f():\n    from coquiapps.service import db\n    return db\n")
    code, output = _lint(copy)
    assert code == 1
    assert "Runtime layers" in output and "BROKEN" in output
    assert "coquiapps.orm.planted -> coquiapps.service.db" in output


def test_spapi_importing_the_module_by_its_runtime_name_is_caught(copy):
    # the import view maps the repository root onto coquiapps.addons.sale_amazon_spapi:
    # without it this import would not be seen at all
    _plant(copy, "spapi/planted.py", "from coquiapps.addons.sale_amazon_spapi.models import endpoints\n")
    code, output = _lint(copy)
    assert code == 1
    assert "The SP-API client package imports nothing of the ERP BROKEN" in output
    assert "coquiapps.addons.sale_amazon_spapi.spapi.planted -> " in output


def test_runtime_code_importing_test_code_is_caught(copy):
    _plant(copy, "coquiapps/tools/planted.py", "import coquiapps.testing.databases\n")
    code, output = _lint(copy)
    assert code == 1
    assert "Nothing outside the tests imports the tests" in output
    assert "coquiapps.tools.planted -> coquiapps.testing.databases" in output


def test_a_circle_inside_a_package_is_caught(copy):
    _plant(copy, "coquiapps/service/planted_a.py", "from coquiapps.service import planted_b\n")
    _plant(copy, "coquiapps/service/planted_b.py", "def f():\n    from coquiapps.service import planted_a\n")
    code, output = _lint(copy)
    assert code == 1
    assert "No circles inside a package either" in output and "BROKEN" in output
    assert "coquiapps.service" in output
