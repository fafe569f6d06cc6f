"""The schema changes of an uninstall: tables and columns the remaining modules no longer define."""
from __future__ import annotations

from psycopg2 import sql


def drop_removed(cr, old_registry, new_registry) -> list[str]:
    """Drop the tables, columns and many2many tables of ``old_registry`` missing from ``new_registry``.

    Returns one line per dropped table or column, for the uninstall report.
    """
    changes: list[str] = []
    for model_name, model_cls in old_registry.models.items():
        if not model_cls._auto:
            continue
        if model_name not in new_registry or not new_registry[model_name]._auto:
            cr.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(model_cls._table)))
            changes.append(f"dropped table {model_cls._table}")
            for f in model_cls._fields.values():
                if f.type == "many2many" and f.store:
                    cr.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(f.relation)))
            continue
        remaining = new_registry[model_name]._fields
        for fname, f in model_cls._fields.items():
            if fname in remaining:
                continue
            if f.column:
                cr.execute(sql.SQL("ALTER TABLE {} DROP COLUMN IF EXISTS {} CASCADE").format(
                    sql.Identifier(model_cls._table), sql.Identifier(fname)))
                changes.append(f"dropped column {model_cls._table}.{fname}")
            elif f.type == "many2many" and f.store:
                cr.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(f.relation)))
    return changes
