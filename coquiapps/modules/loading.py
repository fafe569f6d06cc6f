"""Install, upgrade and uninstall addons, all-or-nothing.

Each operation runs inside the caller's transaction (the cursor of ``env``):
the new registry is built, tables and columns are created, data files are
loaded, and only when the caller commits does the change become real — and
the new registry replace the old one for the other requests of this process
(other processes see the signalling sequence move and reload). Any failure
raises :class:`ModuleOperationError` naming the module, file and line; the
caller rolls back and PostgreSQL's transactional DDL leaves the database
exactly as it was.

The Apps list sync lives in ``apps_list``, the ``ir.model`` reflection in
``reflection`` and an uninstall's DROP statements in ``uninstall_ddl``.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
import shutil
import sys
import traceback
from dataclasses import dataclass, field

from coquiapps.modules import graph, neutralize, uninstall_ddl
from coquiapps.modules.apps_list import all_manifests, update_list
from coquiapps.modules.apps_list import (
    outdated_modules as outdated_modules,  # registry loading warns with it
)
from coquiapps.modules.convert import DataFileError, DataLoader
from coquiapps.modules.manifest import Manifest
from coquiapps.modules.reflection import reflect_models
from coquiapps.orm import manual
from coquiapps.orm.environment import SUPERUSER_ID, Environment
from coquiapps.orm.registry import Registry

_logger = logging.getLogger(__name__)


class ModuleOperationError(Exception):
    """An install/upgrade/uninstall failed; nothing of it was kept."""


@dataclass
class Report:
    """What an operation did (or, in a dry run, would do)."""

    installed: list[str] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)
    uninstalled: list[str] = field(default_factory=list)
    schema: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    crons: list[str] = field(default_factory=list)
    menus: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for label, names in (("install", self.installed), ("upgrade", self.upgraded),
                             ("uninstall", self.uninstalled)):
            if names:
                out.append(f"modules to {label}: {', '.join(names)}")
        tables = [s for s in self.schema if s.startswith("table ")]
        columns = [s for s in self.schema if not s.startswith("table ")]
        out.append(f"tables: {len(tables)}" + (f" ({', '.join(t[6:] for t in tables)})" if tables else ""))
        out.append(f"columns and constraints: {len(columns)}")
        for line in columns:
            out.append(f"  {line}")
        out.append("records per model:")
        for model, count in sorted(self.records.items()):
            out.append(f"  {model}: {count}")
        out.append(f"scheduled actions: {', '.join(self.crons) or 'none'}")
        out.append(f"menus: {', '.join(self.menus) or 'none'}")
        return out


# -- install / upgrade / uninstall -----------------------------------------------------
def _installed(cr) -> dict[str, str]:
    cr.execute("SELECT name, latest_version FROM ir_module_module WHERE state = 'installed'")
    return dict(cr.fetchall())


def _import_addon(name: str) -> None:
    """Import an addon package, turning any error into one naming module, file and line."""
    try:
        importlib.import_module(f"coquiapps.addons.{name}")
    except Exception as exc:
        _forget_addon(name)
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/importlib/" not in f.filename]
        where = ""
        if isinstance(exc, SyntaxError) and exc.filename:
            where = f" ({exc.filename}, line {exc.lineno})"
        elif frames:
            where = f" ({frames[-1].filename}, line {frames[-1].lineno})"
        raise ModuleOperationError(f"module {name}: Python code cannot be loaded{where}: "
                                   f"{type(exc).__name__}: {exc}") from exc


def _forget_addon(name: str) -> None:
    """Drop a failed addon's modules and model classes so a later attempt starts clean."""
    from coquiapps.orm.models import MetaModel

    prefix = f"coquiapps.addons.{name}"
    for key in [k for k in sys.modules if k == prefix or k.startswith(prefix + ".")]:
        del sys.modules[key]
    MetaModel.module_to_models.pop(name, None)


def _check_external(manifest: Manifest) -> None:
    missing = []
    for package in manifest.external_dependencies.get("python", ()):
        if importlib.util.find_spec(package) is None:
            missing.append(f"Python package {package!r}")
    for binary in manifest.external_dependencies.get("bin", ()):
        if shutil.which(binary) is None:
            missing.append(f"program {binary!r}")
    if missing:
        raise ModuleOperationError(
            f"module {manifest.name} cannot be installed: missing external dependencies: {', '.join(missing)}")


def _hook(manifest: Manifest, hook: str, env) -> None:
    name = getattr(manifest, hook)
    if not name:
        return
    package = importlib.import_module(f"coquiapps.addons.{manifest.name}")
    function = getattr(package, name, None)
    if function is None:
        raise ModuleOperationError(f"module {manifest.name}: {hook} {name!r} is not defined in its __init__.py")
    try:
        function(env)
    except ModuleOperationError:
        raise
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" ({frames[-1].filename}, line {frames[-1].lineno})" if frames else ""
        raise ModuleOperationError(f"module {manifest.name}: {hook} {name} failed{where}: "
                                   f"{type(exc).__name__}: {exc}") from exc


def _demo_enabled(cr) -> bool:
    cr.execute("SELECT 1 FROM ir_module_module WHERE name = 'base' AND demo")
    return cr.fetchone() is not None


def _new_registry(cr, names: list[str]) -> Registry:
    for name in names:
        _import_addon(name)
    try:
        # custom models and fields (ir.model state 'manual') are part of every registry
        return Registry(cr.dbname, names, manual=manual.read_definitions(cr))
    except ModuleOperationError:
        raise
    except Exception as exc:
        raise ModuleOperationError(f"models cannot be set up: {type(exc).__name__}: {exc}") from exc


def _publish(cr, registry: Registry) -> None:
    """Make ``registry`` current once the transaction commits; tell other processes."""
    cr.execute("SELECT nextval('coquiapps_registry_signaling')")
    registry.sequence = cr.fetchone()[0]

    cr._pending_registry = registry

    def swap():
        Registry.registries[cr.dbname] = registry

    cr.after_commit(swap)


def install_modules(env, names: list[str], demo: bool | None = None) -> Report:
    """Install ``names`` with their dependencies and auto-installed modules."""
    cr = env.cr
    good, bad = all_manifests()
    for name in names:
        if name in bad:
            raise ModuleOperationError(f"module {name} cannot be installed: {bad[name]}")
        if name not in good:
            raise ModuleOperationError(f"module {name} does not exist (run Update Apps List?)")
        if not good[name].installable:
            raise ModuleOperationError(f"module {name} is not installable")
    installed = _installed(cr)
    try:
        wanted = set(graph.install_order(good, list(installed) + list(names)))
        while True:
            extra = set(graph.auto_install_candidates(good, wanted)) - wanted
            if not extra:
                break
            wanted |= set(graph.install_order(good, list(wanted | extra)))
        order = graph.install_order(good, wanted)
    except graph.DependencyError as exc:
        raise ModuleOperationError(str(exc)) from exc
    new = [n for n in order if n not in installed]
    for name in new:
        if not good[name].installable:
            raise ModuleOperationError(f"module {name} (needed) is not installable")
        _check_external(good[name])
    report = Report(installed=new)
    if not new:
        return report
    return _apply(env, order, good, new, [], demo, report)


def upgrade_modules(env, names: list[str]) -> Report:
    """Re-read code and data of installed modules (and of the modules depending on them)."""
    cr = env.cr
    good, bad = all_manifests()
    installed = _installed(cr)
    for name in names:
        if name not in installed:
            raise ModuleOperationError(f"module {name} is not installed")
        if name in bad:
            raise ModuleOperationError(f"module {name} cannot be upgraded: {bad[name]}")
    try:
        targets = set(names) | set(graph.reverse_dependencies(good, names, set(installed)))
        order = graph.install_order(good, list(installed))
    except graph.DependencyError as exc:
        raise ModuleOperationError(str(exc)) from exc
    upgrade = [n for n in order if n in targets]
    # a dependency added since the modules were installed is installed with the upgrade
    new = [n for n in order if n not in installed]
    for name in new:
        if not good[name].installable:
            raise ModuleOperationError(f"module {name} (needed) is not installable")
        _check_external(good[name])
    for name in upgrade:
        _forget_addon(name)
    report = Report(upgraded=upgrade, installed=new)
    return _apply(env, order, good, new, upgrade, None, report)


def _apply(env, order, good, new, upgrade, demo, report) -> Report:
    cr = env.cr
    cr.execute("SELECT model, count(*) FROM ir_model_data GROUP BY model")
    before = dict(cr.fetchall())
    new_env_probe = Environment(cr, SUPERUSER_ID, {}, registry=env.registry)
    for name in new:
        _hook(good[name], "pre_init_hook", new_env_probe) if good[name].pre_init_hook else None
    registry = _new_registry(cr, order)
    report.schema = registry.init_models(cr)
    senv = Environment(cr, SUPERUSER_ID, {"active_test": True}, registry=registry)
    if demo is None:
        demo = _demo_enabled(cr)
    senv["ir.module.module"].update_list() if "ir.module.module" in registry else None
    reflect_models(senv)
    for name in order:
        if name not in new and name not in upgrade:
            continue
        manifest = good[name]
        loader = DataLoader(senv, name, mode="init" if name in new else "update")
        files = list(manifest.data) + (list(manifest.demo) if demo else [])
        for filename in files:
            try:
                loader.load_file(manifest.path, filename)
            except DataFileError as exc:
                raise ModuleOperationError(str(exc)) from exc
            except ModuleOperationError:
                raise
        if name in upgrade:
            _remove_obsolete_records(senv, name, loader.loaded_xmlids)
        _load_translations(senv, manifest)
        cr.execute(
            "UPDATE ir_module_module SET state = 'installed', latest_version = %s, demo = %s WHERE name = %s",
            (manifest.version, bool(demo and manifest.demo) or (name == "base" and bool(demo)), name),
        )
        senv.cr.cache.clear()
    for name in new:
        _hook(good[name], "post_init_hook", senv)
    if new:
        _keep_neutralized(cr, new)
    _summarise(cr, report, before, new + upgrade)
    _publish(cr, registry)
    return report


def _keep_neutralized(cr, names: list[str]) -> None:
    """On a neutralized copy (staging), modules installed later are neutralized too.

    Their ``data/neutralize.sql`` runs and their scheduled actions stay
    stopped, as if they had been installed when the copy was made.
    """
    if not neutralize.is_neutralized(cr):
        return
    neutralize.neutralize_modules(cr, names)
    cr.execute("""UPDATE ir_cron SET active = false WHERE id IN (
                      SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' AND module = ANY(%s))""", (names,))
    cr.cache.clear()


def _summarise(cr, report: Report, before: dict, modules: list[str]) -> None:
    cr.execute("SELECT model, count(*) FROM ir_model_data GROUP BY model")
    after = dict(cr.fetchall())
    report.records = {m: after[m] - before.get(m, 0) for m in after if after[m] != before.get(m, 0)}
    if not modules:
        return
    cr.execute("""SELECT c.name FROM ir_cron c JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
                  WHERE d.module = ANY(%s) ORDER BY c.name""", (modules,))
    report.crons = [r[0] for r in cr.fetchall()]
    cr.execute("""SELECT m.name FROM ir_ui_menu m JOIN ir_model_data d ON d.model = 'ir.ui.menu' AND d.res_id = m.id
                  WHERE d.module = ANY(%s) ORDER BY m.id""", (modules,))
    report.menus = [r[0] for r in cr.fetchall()]


def _remove_obsolete_records(env, module: str, loaded: set[str]) -> None:
    """On upgrade, records the module's data files no longer declare are deleted."""
    data = env["ir.model.data"].search([("module", "=", module), ("noupdate", "=", False),
                                        ("model", "not in", ["ir.model", "ir.model.fields"])])
    for entry in data.sorted(key=lambda d: -d.id):
        if f"{module}.{entry.name}" not in loaded:
            model, res_id = entry.model, entry.res_id
            if model in env:
                env[model].browse(res_id).exists().unlink()
            entry.exists().unlink()


def _load_translations(env, manifest: Manifest) -> None:
    from coquiapps.tools import translate

    if "res.lang" not in env:
        return
    for code in env["res.lang"]._installed_codes():
        if code != "en_US":
            translate.load_po(manifest.path, code)


def uninstall_modules(env, names: list[str]) -> Report:
    """Remove modules and the modules depending on them: their records, columns and tables."""
    cr = env.cr
    good, _bad = all_manifests()
    installed = _installed(cr)
    for name in names:
        if name not in installed:
            raise ModuleOperationError(f"module {name} is not installed")
        if name == "base":
            raise ModuleOperationError("module base cannot be uninstalled")
    try:
        dependents = graph.reverse_dependencies(good, names, set(installed))
    except graph.DependencyError as exc:
        raise ModuleOperationError(str(exc)) from exc
    removing = dependents + [n for n in reversed(graph.install_order(good, names)) if n in names]
    report = Report(uninstalled=removing)
    old_registry = env.registry
    senv = Environment(cr, SUPERUSER_ID, {"active_test": False}, registry=old_registry)
    for name in removing:
        if name in good:
            _hook(good[name], "uninstall_hook", senv)
    # records created by the modules' data, newest first
    data = senv["ir.model.data"].search([("module", "in", removing),
                                         ("model", "not in", ["ir.model", "ir.model.fields"])])
    for entry in sorted(data, key=lambda d: -d.id):
        model, res_id = entry.model, entry.res_id
        entry.unlink()
        if model in senv:
            senv[model].browse(res_id).exists().unlink()
    keep = [n for n in old_registry.modules if n not in removing]
    new_registry = _new_registry(cr, keep)
    report.schema += uninstall_ddl.drop_removed(cr, old_registry, new_registry)
    nenv = Environment(cr, SUPERUSER_ID, {"active_test": False}, registry=new_registry)
    nenv["ir.model.data"].search([("module", "in", removing)]).unlink()
    cr.execute("UPDATE ir_module_module SET state = 'uninstalled', latest_version = NULL, demo = false "
               "WHERE name = ANY(%s)", (removing,))
    reflect_models(nenv)
    _publish(cr, new_registry)
    return report


def initialize(cr, demo: bool = False, progress=None) -> Report:
    """Turn an empty database into a CoquiAPPs one with ``base`` installed."""
    progress = progress or (lambda message: None)
    cr.execute("CREATE SEQUENCE coquiapps_registry_signaling")
    registry = _new_registry(cr, ["base"])
    registry.init_models(cr)
    # The superuser must exist (id 1) before any record names its creator; the
    # data file base.user_root then fills it in through its external id.
    cr.execute("INSERT INTO res_partner (name, active) VALUES ('System', true) RETURNING id")
    partner_id = cr.fetchone()[0]
    cr.execute("INSERT INTO res_users (id, login, active, partner_id) VALUES (%s, '__system__', false, %s)",
               (SUPERUSER_ID, partner_id))
    cr.execute("SELECT setval('res_users_id_seq', %s)", (SUPERUSER_ID,))
    cr.execute("INSERT INTO ir_model_data (module, name, model, res_id, noupdate) VALUES "
               "('base', 'user_root', 'res.users', %s, true), ('base', 'partner_root', 'res.partner', %s, true)",
               (SUPERUSER_ID, partner_id))
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    update_list(env)
    cr.execute("UPDATE ir_module_module SET demo = %s WHERE name = 'base'", (bool(demo),))
    progress("installing base")
    return install_modules(env, ["base"], demo=demo)
