"""The dependency graph: install order, auto-install candidates, reverse dependencies."""
from __future__ import annotations

import pytest

from coquiapps.modules.graph import (
    DependencyError,
    auto_install_candidates,
    install_order,
    reverse_dependencies,
)
from coquiapps.modules.manifest import Manifest


def graph(**modules: tuple[str, ...] | dict) -> dict[str, Manifest]:
    """Manifests from ``name=depends`` or ``name={'depends': ..., 'auto_install': ...}``."""
    manifests = {}
    for name, spec in modules.items():
        options = spec if isinstance(spec, dict) else {"depends": spec}
        options = {"depends": (), **options}
        manifests[name] = Manifest(name=name, display_name=name.title(), **options)
    return manifests


ERP = graph(
    base=(),
    web=("base",),
    mail=("base", "web"),
    product=("base",),
    sale=("mail", "product"),
    sale_amazon=("sale",),
    sale_amazon_spapi=("sale_amazon",),
    stock=("product",),
)


def test_install_order_dependencies_first():
    assert install_order(ERP, ["sale_amazon_spapi"]) == [
        "base", "product", "web", "mail", "sale", "sale_amazon", "sale_amazon_spapi",
    ]


def test_install_order_is_deterministic_and_ties_by_name():
    first = install_order(ERP, ["stock", "sale"])
    assert first == install_order(ERP, ["sale", "stock", "sale"])
    assert first == ["base", "product", "web", "mail", "stock", "sale"]
    # every module comes after its dependencies
    for position, name in enumerate(first):
        assert all(first.index(dep) < position for dep in ERP[name].depends)


def test_install_order_of_nothing_or_one_name():
    assert install_order(ERP, []) == []
    assert install_order(ERP, "web") == ["base", "web"]


def test_install_order_unknown_name():
    with pytest.raises(DependencyError, match="unknown module 'nope'"):
        install_order(ERP, ["nope"])


def test_install_order_unknown_dependency():
    manifests = graph(base=(), a=("base", "ghost"))
    with pytest.raises(DependencyError, match="module 'a' depends on unknown module 'ghost'"):
        install_order(manifests, ["a"])


def test_install_order_cycle():
    manifests = graph(base=(), a=("b",), b=("c",), c=("a",))
    with pytest.raises(DependencyError, match="dependency cycle: a -> b -> c -> a"):
        install_order(manifests, ["a"])


def test_auto_install_true_needs_all_depends():
    manifests = {**ERP, **graph(sale_stock={"depends": ("sale", "stock"), "auto_install": True})}
    assert auto_install_candidates(manifests, {"base", "product", "stock"}) == []
    installed = set(install_order(ERP, ["sale", "stock"]))
    assert auto_install_candidates(manifests, installed) == ["sale_stock"]


def test_auto_install_list_pulls_other_depends():
    manifests = {**ERP, **graph(
        sale_amazon_extra={"depends": ("sale_amazon", "stock"), "auto_install": ("sale_amazon",)},
    )}
    installed = set(install_order(ERP, ["sale_amazon"]))
    assert auto_install_candidates(manifests, installed) == ["stock", "sale_amazon_extra"]


def test_auto_install_chains_and_empty_triggers():
    manifests = {**ERP, **graph(
        always={"depends": ("base",), "auto_install": ()},
        web_extra={"depends": ("web",), "auto_install": True},
        web_extra_more={"depends": ("web_extra", "always"), "auto_install": True},
    )}
    assert auto_install_candidates(manifests, {"base", "web"}) == [
        "always", "web_extra", "web_extra_more",
    ]


def test_auto_install_skips_installed_and_uninstallable():
    manifests = {**ERP, **graph(
        broken={"depends": ("web",), "auto_install": True, "installable": False},
        needs_broken={"depends": ("web", "broken"), "auto_install": ("web",)},
        done={"depends": ("web",), "auto_install": True},
    )}
    assert auto_install_candidates(manifests, {"base", "web", "done"}) == []


def test_reverse_dependencies_dependents_first():
    installed = set(ERP) - {"stock"}
    assert reverse_dependencies(ERP, ["product"], installed) == [
        "sale_amazon_spapi", "sale_amazon", "sale",
    ]
    assert reverse_dependencies(ERP, ["web"], installed) == [
        "sale_amazon_spapi", "sale_amazon", "sale", "mail",
    ]


def test_reverse_dependencies_only_installed():
    installed = {"base", "web", "product", "stock"}
    assert reverse_dependencies(ERP, ["product"], installed) == ["stock"]
    assert reverse_dependencies(ERP, ["sale_amazon_spapi"], set(ERP)) == []


def test_reverse_dependencies_unknown_name():
    with pytest.raises(DependencyError, match="unknown module 'nope'"):
        reverse_dependencies(ERP, ["nope"], set(ERP))
