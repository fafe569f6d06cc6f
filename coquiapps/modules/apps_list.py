"""The Apps list: ``ir.module.module`` kept in step with the manifests on disk."""
from __future__ import annotations

from coquiapps.modules import discovery
from coquiapps.modules.manifest import Manifest, load_manifests
from coquiapps.tools import config


def all_manifests() -> tuple[dict[str, Manifest], dict[str, str]]:
    locations = discovery.discover(config.current().addons_paths)
    return load_manifests(locations)


def update_list(env) -> list[int]:
    """Sync ``ir.module.module`` with the manifests on disk; returns ``[updated, added]``.

    Rows are compared in bulk and written only where something changed, so an
    unchanged list of thousands of modules costs a few queries.
    """
    good, bad = all_manifests()
    Module = env["ir.module.module"].sudo().with_context(active_test=False)
    cr = env.cr
    columns = ["shortdesc", "summary", "description", "author", "website", "category", "license",
               "sequence", "application", "auto_install", "available_version", "manifest_error", "state"]
    cr.execute(f"SELECT name, id, latest_version, {', '.join(columns)} FROM ir_module_module")
    existing = {row[0]: {"id": row[1], "latest_version": row[2], **dict(zip(columns, row[3:], strict=True))}
                for row in cr.fetchall()}
    cr.execute("SELECT m.name, d.depends_on FROM ir_module_module_dependency d "
               "JOIN ir_module_module m ON m.id = d.module_id")
    current_deps: dict[str, set] = {}
    for name, dep in cr.fetchall():
        current_deps.setdefault(name, set()).add(dep)
    updated = added = 0
    to_create = []
    for name, manifest in good.items():
        values = _module_values(manifest)
        row = existing.get(name)
        if row is None:
            to_create.append({**values, "name": name,
                              "state": "uninstalled" if manifest.installable else "uninstallable",
                              "dependencies_id": [(0, 0, {"name": d, "depends_on": d}) for d in manifest.depends]})
            continue
        if row["latest_version"] and version_key(manifest.version) > version_key(row["latest_version"]):
            updated += 1
        state = row["state"]
        if state == "uninstallable" and manifest.installable:
            state = "uninstalled"
        elif state == "uninstalled" and not manifest.installable:
            state = "uninstallable"
        values["state"] = state
        changed = {k: v for k, v in values.items() if (row.get(k) or False) != (v or False)}
        if changed:
            Module.browse(row["id"]).write(changed)
        if current_deps.get(name, set()) != set(manifest.depends):
            _sync_dependencies(Module.browse(row["id"]), manifest)
    for name, reason in bad.items():
        row = existing.get(name)
        if row is None:
            to_create.append({"name": name, "shortdesc": name, "state": "uninstallable", "manifest_error": reason})
        elif row["manifest_error"] != reason or (row["state"] != "installed" and row["state"] != "uninstallable"):
            Module.browse(row["id"]).write({"manifest_error": reason} if row["state"] == "installed"
                                           else {"manifest_error": reason, "state": "uninstallable"})
    if to_create:
        Module.create(to_create)
        added = len(to_create)
    return [updated, added]


def _module_values(manifest: Manifest) -> dict:
    return {
        "shortdesc": manifest.display_name, "summary": manifest.summary,
        "description": manifest.description, "author": manifest.author, "website": manifest.website,
        "category": manifest.category, "license": manifest.license, "sequence": manifest.sequence,
        "application": manifest.application, "auto_install": manifest.auto_install is not False,
        "available_version": manifest.version, "manifest_error": False,
    }


def _sync_dependencies(module, manifest: Manifest) -> None:
    current = {d.depends_on: d for d in module.dependencies_id}
    for dep in manifest.depends:
        if dep not in current:
            module.env["ir.module.module.dependency"].create(
                {"module_id": module.id, "name": dep, "depends_on": dep})
    stale = [d.id for name, d in current.items() if name not in manifest.depends]
    if stale:
        module.env["ir.module.module.dependency"].browse(stale).unlink()


def version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def outdated_modules(cr) -> dict[str, tuple[str, str]]:
    """Installed modules whose code is newer than what the database holds:
    ``{name: (installed version, code version)}`` (they need ``coquiapps module upgrade``)."""
    good, _bad = all_manifests()
    cr.execute("SELECT name, latest_version FROM ir_module_module WHERE state = 'installed'")
    return {name: (version, good[name].version) for name, version in cr.fetchall()
            if version and name in good and version_key(good[name].version) > version_key(version)}
