"""Tables and columns from model definitions: created, extended, migrated.

New models get tables, new fields get columns, a field renamed with
``oldname=`` takes its old column; a field whose type changed is
converted when PostgreSQL can do it without losing data, otherwise the
install stops with an error naming the field and both types.
"""
from __future__ import annotations

from psycopg2 import sql

# (from, to) column type changes PostgreSQL performs losslessly
CONVERTIBLE = {
    ("int4", "int8"), ("int4", "float8"), ("int4", "numeric"), ("int8", "numeric"),
    ("float8", "numeric"), ("numeric", "float8"), ("varchar", "text"), ("text", "varchar"),
    ("date", "timestamp"), ("bool", "varchar"), ("int4", "varchar"),
}
PG_NAMES = {"character varying": "varchar", "integer": "int4", "bigint": "int8", "boolean": "bool",
            "double precision": "float8", "timestamp without time zone": "timestamp",
            "text": "text", "numeric": "numeric", "date": "date", "bytea": "bytea", "jsonb": "jsonb"}


class SchemaError(RuntimeError):
    """A model cannot be mapped onto the existing table; the message names field and types."""


def table_exists(cr, table: str) -> bool:
    cr.execute("SELECT to_regclass(%s) IS NOT NULL", (f'"{table}"',))
    return cr.fetchone()[0]


def table_columns(cr, table: str) -> dict[str, dict]:
    cr.execute(
        "SELECT column_name, data_type, character_maximum_length, is_nullable "
        "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s",
        (table,),
    )
    return {name: {"type": PG_NAMES.get(kind, kind), "size": size, "nullable": nullable == "YES"}
            for name, kind, size, nullable in cr.fetchall()}


def column_definition(field) -> str:
    if field.type == "char" and getattr(field, "size", None):
        return f"varchar({int(field.size)})"
    return field.column_type


def constraint_exists(cr, name: str) -> str | None:
    cr.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", (name,))
    row = cr.fetchone()
    return row[0] if row else None


def sync_table(cr, model_cls) -> list[str]:
    """Create the model's table or add/convert its columns; return a line per change."""
    table = model_cls._table
    changes = []
    if not table_exists(cr, table):
        cr.execute(sql.SQL("CREATE TABLE {} (id SERIAL PRIMARY KEY)").format(sql.Identifier(table)))
        changes.append(f"table {table}")
        cr.execute(
            f"COMMENT ON TABLE {sql.Identifier(table).as_string(cr.connection)} IS %s",
            (model_cls._description or model_cls._name,),
        )
    existing = table_columns(cr, table)
    for name, field in model_cls._fields.items():
        if not field.column or name == "id":
            continue
        wanted = column_definition(field)
        if name not in existing and field.oldname in existing:
            _rename_column(cr, table, field.oldname, name)
            existing[name] = existing.pop(field.oldname)
            changes.append(f"column {table}.{field.oldname} renamed to {name}")
        column = existing.get(name)
        if column is None:
            cr.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} " + wanted).format(
                sql.Identifier(table), sql.Identifier(name)))
            changes.append(f"column {table}.{name}")
            default = field.default
            if field.required and default is not None and not callable(default):
                cr.execute(sql.SQL("UPDATE {} SET {} = %s WHERE {} IS NULL").format(
                    sql.Identifier(table), sql.Identifier(name), sql.Identifier(name)),
                    (field.convert_to_column(field.convert_to_cache(default, model_cls)),))
        else:
            have = column["type"]
            base_wanted = wanted.split("(")[0]
            if have != base_wanted:
                if (have, base_wanted) not in CONVERTIBLE:
                    raise SchemaError(
                        f"field {field} is now {field.type} ({base_wanted}) but column {table}.{name} "
                        f"holds {have}; this cannot be converted automatically — migrate the data "
                        f"by hand or rename the field"
                    )
                cr.execute(sql.SQL("ALTER TABLE {} ALTER COLUMN {} TYPE " + wanted + " USING {}::" + wanted).format(
                    sql.Identifier(table), sql.Identifier(name), sql.Identifier(name)))
                changes.append(f"column {table}.{name} converted {have} -> {wanted}")
            elif base_wanted == "varchar" and column["size"] != getattr(field, "size", None):
                cr.execute(sql.SQL("ALTER TABLE {} ALTER COLUMN {} TYPE " + wanted).format(
                    sql.Identifier(table), sql.Identifier(name)))
        if field.index:
            cr.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} ({})").format(
                sql.Identifier(f"{table}__{name}_index"), sql.Identifier(table), sql.Identifier(name)))
    for cname, definition, _message in model_cls._sql_constraints:
        full = f"{table}_{cname}"
        current = constraint_exists(cr, full)
        if current is not None and _normalise(current) == _normalise(definition):
            continue
        if current is not None:
            cr.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(table), sql.Identifier(full)))
        cr.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} " + definition).format(
            sql.Identifier(table), sql.Identifier(full)))
        changes.append(f"constraint {full}")
    return changes


def _rename_column(cr, table: str, old: str, new: str) -> None:
    """A renamed field keeps its data: the column and its index follow the new name."""
    cr.execute(sql.SQL("ALTER TABLE {} RENAME COLUMN {} TO {}").format(
        sql.Identifier(table), sql.Identifier(old), sql.Identifier(new)))
    cr.execute(sql.SQL("ALTER INDEX IF EXISTS {} RENAME TO {}").format(
        sql.Identifier(f"{table}__{old}_index"), sql.Identifier(f"{table}__{new}_index")))


def _normalise(definition: str) -> str:
    return "".join(definition.lower().split()).replace('"', "")


def sync_relations(cr, model_cls) -> list[str]:
    """Foreign keys of many2one columns and the tables of many2many fields."""
    table = model_cls._table
    changes = []
    for name, field in model_cls._fields.items():
        if field.type == "many2one" and field.column:
            comodel = model_cls.pool[field.comodel_name]
            if not comodel._auto:
                continue
            fk = f"{table}_{name}_fkey"
            ondelete = {"set null": "SET NULL", "cascade": "CASCADE", "restrict": "RESTRICT"}[field.ondelete]
            current = constraint_exists(cr, fk)
            if current and ondelete.lower() in current.lower() and f"REFERENCES {comodel._table}(id)".lower() in current.lower().replace('"', ''):
                continue
            if current:
                cr.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table), sql.Identifier(fk)))
            cr.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}(id) ON DELETE " + ondelete).format(
                sql.Identifier(table), sql.Identifier(fk), sql.Identifier(name), sql.Identifier(comodel._table)))
            cr.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} ({})").format(
                sql.Identifier(f"{table}__{name}_index"), sql.Identifier(table), sql.Identifier(name)))
            if not current:
                changes.append(f"foreign key {table}.{name} -> {comodel._table}")
        elif field.type == "many2many" and field.store:
            if table_exists(cr, field.relation):
                continue
            comodel = model_cls.pool[field.comodel_name]
            cr.execute(sql.SQL(
                "CREATE TABLE {rel} ({c1} INTEGER NOT NULL REFERENCES {t1}(id) ON DELETE CASCADE, "
                "{c2} INTEGER NOT NULL REFERENCES {t2}(id) ON DELETE CASCADE, PRIMARY KEY ({c1}, {c2}))"
            ).format(rel=sql.Identifier(field.relation), c1=sql.Identifier(field.column1),
                     c2=sql.Identifier(field.column2), t1=sql.Identifier(table),
                     t2=sql.Identifier(comodel._table)))
            cr.execute(sql.SQL("CREATE INDEX ON {} ({})").format(
                sql.Identifier(field.relation), sql.Identifier(field.column2)))
            changes.append(f"table {field.relation}")
    return changes
