"""Reflection of the registry in the database: ``ir.model`` and ``ir.model.fields`` rows."""
from __future__ import annotations

from coquiapps.orm.fields import Field
from coquiapps.orm.models import MetaModel


def reflect_models(env) -> None:
    """Rows in ir.model / ir.model.fields, with an external id per contributing module."""
    cr = env.cr
    registry = env.registry
    contributors = _contributors(registry)
    cr.execute("SELECT model, id FROM ir_model")
    model_ids = dict(cr.fetchall())
    for name, model_cls in registry.models.items():
        modules = contributors["models"].get(name, [])
        values = (model_cls._description or name, ", ".join(modules), bool(model_cls._transient),
                  "manual" if getattr(model_cls, "_custom", False) else "base")
        if name in model_ids:
            cr.execute("UPDATE ir_model SET name = %s, modules = %s, transient = %s, state = %s WHERE id = %s",
                       (*values, model_ids[name]))
        else:
            cr.execute("INSERT INTO ir_model (model, name, modules, transient, state) VALUES (%s, %s, %s, %s, %s) "
                       "RETURNING id", (name, *values))
            model_ids[name] = cr.fetchone()[0]
        _xmlids(cr, modules, "model_" + name.replace(".", "_"), "ir.model", model_ids[name])
    stale = [mid for name, mid in model_ids.items() if name not in registry.models]
    if stale:
        cr.execute("DELETE FROM ir_model_data WHERE model = 'ir.model' AND res_id = ANY(%s)", (stale,))
        cr.execute("DELETE FROM ir_model WHERE id = ANY(%s)", (stale,))
    cr.execute("SELECT model, name, id FROM ir_model_fields")
    field_ids = {(m, n): i for m, n, i in cr.fetchall()}
    rows = []
    for name, model_cls in registry.models.items():
        for fname, f in model_cls._fields.items():
            key = (name, fname)
            modules = contributors["fields"].get(key, [])
            values = (f.string, f.type, getattr(f, "comodel_name", None), f.required, bool(f.readonly),
                      bool(f.store), f.groups, ", ".join(modules), "manual" if getattr(f, "_custom", False) else "base")
            if key in field_ids:
                rows.append((*values, field_ids[key]))
            else:
                cr.execute("""INSERT INTO ir_model_fields (model, model_id, name, field_description, ttype, relation,
                              required, readonly, store, groups, modules, state)
                              VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)
                              RETURNING id""", (name, model_ids[name], fname, *values))
                field_ids[key] = cr.fetchone()[0]
                xml_name = f"field_{name.replace('.', '_')}__{fname}"
                _xmlids(cr, modules, xml_name, "ir.model.fields", field_ids[key])
    if rows:
        cr.executemany("""UPDATE ir_model_fields SET field_description=%s, ttype=%s, relation=%s, required=%s,
                          readonly=%s, store=%s, groups=%s, modules=%s, state=%s WHERE id=%s""", rows)
    gone = [i for (m, n), i in field_ids.items() if m not in registry.models or n not in registry[m]._fields]
    if gone:
        cr.execute("DELETE FROM ir_model_data WHERE model = 'ir.model.fields' AND res_id = ANY(%s)", (gone,))
        cr.execute("DELETE FROM ir_model_fields WHERE id = ANY(%s)", (gone,))
    cr.cache.clear()


def _xmlids(cr, modules, name, model, res_id) -> None:
    for module in modules:
        cr.execute("""INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
                      VALUES (%s, %s, %s, %s, false) ON CONFLICT (module, name) DO UPDATE SET res_id = EXCLUDED.res_id""",
                   (module, name, model, res_id))


def _contributors(registry) -> dict:
    """Which modules define or extend each model and field."""
    models: dict[str, list[str]] = {}
    fields: dict[tuple, list[str]] = {}
    for module in registry.modules:
        for cls in MetaModel.module_to_models.get(module, {}).values():
            inherit = cls.__dict__.get("_inherit", ())
            inherit = [inherit] if isinstance(inherit, str) else list(inherit)
            name = cls.__dict__.get("_name") or inherit[0]
            models.setdefault(name, [])
            if module not in models[name]:
                models[name].append(module)
            for fname, value in vars(cls).items():
                if isinstance(value, Field):
                    fields.setdefault((name, fname), [])
                    if module not in fields[(name, fname)]:
                        fields[(name, fname)].append(module)
    for name, model_cls in registry.models.items():
        for fname in model_cls._fields:
            if (name, fname) not in fields:
                fields[(name, fname)] = list(models.get(name, [])[:1])
    return {"models": models, "fields": fields}
