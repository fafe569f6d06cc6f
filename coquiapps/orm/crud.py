"""Creating, writing and deleting records, and the database errors they may raise."""
from __future__ import annotations

import psycopg2.errors
from psycopg2 import sql

from coquiapps.orm import fields, inherits
from coquiapps.orm.exceptions import UserError, ValidationError

LOG_ACCESS_FIELDS = ("create_uid", "create_date", "write_uid", "write_date")


class Crud:
    """``create``, ``write`` and ``unlink`` with the checks, defaults and SQL they need."""

    def _check_field_names(self, vals):
        for name in vals:
            if name not in self._fields:
                raise ValueError(f"Invalid field {name!r} on model {self._name!r}")

    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        if single:
            vals_list = [vals_list]
        if not vals_list:
            return self.browse()
        self.check_access_rights("create")
        if not self._auto:
            raise UserError(f"{self._name} is abstract and has no records")
        for vals in vals_list:
            self._check_field_names(vals)
        vals_list = inherits.prepare_create(self, vals_list)
        cr = self.env.cr
        now = fields.Datetime.now()
        rows, deferred = [], []
        for vals in vals_list:
            self._check_field_names(vals)
            self._check_field_groups([n for n in vals if n not in LOG_ACCESS_FIELDS], "write")
            defaults = self.default_get([n for n in self._fields if n not in vals])
            vals = {**defaults, **vals}
            columns, x2many, inverse = {}, {}, {}
            for name, value in vals.items():
                field = self._fields[name]
                if field.type in ("one2many", "many2many") and field.store:
                    x2many[name] = value
                elif field.column:
                    columns[name] = self._column_value(field, value)
                elif field.inverse:
                    inverse[name] = value
            if self._log_access:
                columns.setdefault("create_uid", self.env.uid)
                columns.setdefault("write_uid", self.env.uid)
                columns.setdefault("create_date", now)
                columns.setdefault("write_date", now)
            self._check_required(columns, creating=True)
            rows.append(columns)
            deferred.append((x2many, inverse, set(vals)))
        ids = self._insert_rows(rows)
        deferred = [(rid, *rest) for rid, rest in zip(ids, deferred, strict=True)]
        records = self.browse(ids)
        cr.cache.clear()
        lines = self._create_one2many_lines(deferred)
        for rid, x2many, inverse, _ in deferred:
            record = self.browse(rid)
            for name, commands in x2many.items():
                if name not in lines:
                    record._write_x2many(self._fields[name], commands)
            if inverse:
                record._write_inverse(inverse)
        cr.cache.clear()
        stored_computes = [f for f in self._fields.values() if (f.compute or f.related) and f.store
                           and f.name not in set().union(*(d[3] for d in deferred))]
        if stored_computes:
            records._recompute_stored(stored_computes, local_only=True)
        names = set().union(*(d[3] for d in deferred)) | {f.name for f in stored_computes}
        records._modified(names, created=True)
        records._validate_fields(names)
        if not self.env.su:
            records.check_access_rule("create")
        return records[0] if single else records

    def _insert_rows(self, rows: list[dict]) -> list[int]:
        """Insert ``rows`` (column -> value) with one statement; returns their ids in order.

        A column a row lacks is NULL, as it would be left out of a single
        INSERT: the schema declares no column defaults.
        """
        cr = self.env.cr
        names = list(dict.fromkeys(name for row in rows for name in row))
        with self._translate_db_errors():
            if not names:
                ids = []
                for _row in rows:
                    cr.execute(sql.SQL("INSERT INTO {} DEFAULT VALUES RETURNING id").format(
                        sql.Identifier(self._table)))
                    ids.append(cr.fetchone()[0])
                return ids
            # a multi-row VALUES returns its ids in the order of the rows
            query = sql.SQL("INSERT INTO {} ({}) VALUES %s RETURNING id").format(
                sql.Identifier(self._table), sql.SQL(", ").join(sql.Identifier(c) for c in names))
            returned = cr.execute_values(query.as_string(cr.connection),
                                         [tuple(row.get(c) for c in names) for row in rows], fetch=True)
        return [rid for (rid,) in returned]

    def _column_value(self, field, value):
        """What goes into the column for a value given to create()/write()."""
        value = field.convert_to_column(field.convert_to_cache(value, self))
        if field.encrypted and value is not None:
            from coquiapps.tools import crypto

            value = crypto.encrypt(self.env, str(value))
        return value

    def _check_required(self, columns, creating):
        for name, field in self._fields.items():
            if not (field.required and field.column):
                continue
            if (creating and columns.get(name) is None) or (not creating and name in columns and columns[name] is None):
                raise ValidationError(self._required_message(field))

    def _required_message(self, field) -> str:
        """What the user reads when ``field`` is left empty: its label, never its technical name."""
        from coquiapps.tools.translate import _, translate

        return _("%(field)s is required (%(model)s).", field=translate(field.string or field.name),
                 model=translate(self._description or self._name))

    def write(self, vals):
        if not self._ids:
            return True
        self._check_field_names(vals)
        self.check_access_rights("write")
        self.check_access_rule("write")
        self._check_field_groups(list(vals), "write")
        vals = inherits.write_parents(self, vals)
        columns, x2many, inverse = {}, {}, {}
        for name, value in vals.items():
            field = self._fields[name]
            if name == "id":
                raise UserError("the id of a record cannot be changed")
            if field.type in ("one2many", "many2many") and field.store:
                x2many[name] = value
            elif field.column:
                columns[name] = self._column_value(field, value)
            elif field.inverse:
                inverse[name] = value
            else:
                raise UserError(f"field {field} is computed and cannot be written")
        self._check_required(columns, creating=False)
        if self._log_access and self._auto:
            columns.setdefault("write_uid", self.env.uid)
            columns["write_date"] = fields.Datetime.now()
        if columns and self._auto:
            query = sql.SQL("UPDATE {} SET {} WHERE id IN %s").format(
                sql.Identifier(self._table),
                sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns),
            )
            with self._translate_db_errors():
                self.env.cr.execute(query, list(columns.values()) + [self._ids])
        self.env.cr.cache.clear()
        for name, commands in x2many.items():
            for rec in self:
                rec._write_x2many(self._fields[name], commands)
        if inverse:
            self._write_inverse(inverse)
        self.env.cr.cache.clear()
        self._modified(set(vals))
        self._validate_fields(set(vals))
        return True

    def _write_inverse(self, values):
        computing = self.env.cr.computing
        for name, value in values.items():
            field = self._fields[name]
            computing.setdefault(field, set()).update(self._ids)
            try:
                for rec in self:
                    rec._set_cache_value(field, field.convert_to_cache(value, rec) if not field.relational
                                         else value)
                getattr(self, field.inverse)()
            finally:
                computing.pop(field, None)

    def unlink(self):
        if not self._ids:
            return True
        self.check_access_rights("unlink")
        self.check_access_rule("unlink")
        for cls in type(self).__mro__:
            for attr in vars(cls).values():
                if callable(attr) and hasattr(attr, "_ondelete"):
                    attr(self)
        dependents = self._dependent_records(set(self._fields))
        cr = self.env.cr
        if "ir.model.data" in self.pool and self._name != "ir.model.data":
            cr.execute("DELETE FROM ir_model_data WHERE model = %s AND res_id IN %s", (self._name, self._ids))
        if "ir.attachment" in self.pool and self._name != "ir.attachment":
            # a record's files go with it (as in Odoo): nobody could reach them through it any more
            cr.execute("DELETE FROM ir_attachment WHERE res_model = %s AND res_id IN %s", (self._name, self._ids))
        with self._translate_db_errors():
            cr.execute(
                sql.SQL("DELETE FROM {} WHERE id IN %s").format(sql.Identifier(self._table)), (self._ids,)
            )
        cr.cache.clear()
        for field, records in dependents:
            records = records.exists()
            if records:
                records._recompute_stored([field])
        return True

    def _translate_db_errors(self):
        model = self

        class _Translate:
            def __enter__(self):
                return self

            def __exit__(self, exc_type, exc, tb):
                if exc_type is None or not issubclass(exc_type, psycopg2.Error):
                    return False
                raise model._db_error_message(exc) from exc

        return _Translate()

    def _db_error_message(self, exc) -> Exception:
        diag = getattr(exc, "diag", None)
        constraint = getattr(diag, "constraint_name", None) or ""
        for name, _definition, message in self._sql_constraints:
            if constraint == f"{self._table}_{name}":
                return ValidationError(message)
        if isinstance(exc, psycopg2.errors.NotNullViolation):
            column = getattr(diag, "column_name", "")
            field = self._fields.get(column)
            return ValidationError(self._required_message(field) if field else
                                   f"The column {column} is required on '{self._description or self._name}'.")
        if isinstance(exc, (psycopg2.errors.ForeignKeyViolation, psycopg2.errors.RestrictViolation)):
            table = getattr(diag, "table_name", "")
            return UserError(
                f"The operation cannot be completed: a record of '{self._description or self._name}' "
                f"is referenced by another record (table {table}, constraint {constraint})."
            )
        if isinstance(exc, psycopg2.errors.UniqueViolation):
            return ValidationError(f"A record of '{self._description or self._name}' with the same "
                                   f"values already exists ({constraint}).")
        return UserError(f"database error on {self._name}: {str(exc).strip().splitlines()[0]}")
