"""The field-value cache of a transaction: reading, prefetching and computing into it."""
from __future__ import annotations

from collections import defaultdict

from psycopg2 import sql

from coquiapps.orm.exceptions import AccessError, MissingError

PREFETCH_MAX = 1000


class _Sealed:
    """An encrypted column value as fetched: decrypted only if a field read asks for it."""

    __slots__ = ("token",)

    def __init__(self, token):
        self.token = token


class FieldCache:
    """Reading field values through the cursor's cache, fetching a batch of records at once."""

    def _get_cache_value(self, field):
        cache = self.env.cr.cache
        rid = self._ids[0]
        values = cache.setdefault(field, {})
        if rid in values:
            value = values[rid]
            if isinstance(value, _Sealed):  # decrypted when first read, not when fetched
                from coquiapps.tools import crypto

                value = values[rid] = crypto.decrypt(self.env, value.token)
            return value
        if (field.compute or field.related) and not field.store:
            try:
                self._compute_into_cache(field)
            except (AccessError, MissingError):
                # a prefetched neighbour the user may not read: compute this record alone (as Odoo)
                self._compute_into_cache(field, alone=True)
        else:
            self._fetch_field(field)
        if rid not in values:
            if field.store and self._auto:
                raise MissingError(
                    f"Record does not exist or has been deleted: {self._name}({rid},)"
                )
            values[rid] = None
        return self._get_cache_value(field) if isinstance(values[rid], _Sealed) else values[rid]

    def _set_cache_value(self, field, value):
        self.env.cr.cache.setdefault(field, {})[self._ids[0]] = value

    def _prefetch_records(self, field):
        cache = self.env.cr.cache.get(field, {})
        first = self._ids[0]
        ids = [first] + [i for i in dict.fromkeys(self._prefetch_ids)
                         if i != first and i not in cache and isinstance(i, int)]
        return ids[:PREFETCH_MAX]

    def _compute_into_cache(self, field, alone=False):
        records = self if alone else self.browse(self._prefetch_records(field))
        records = records if records else self
        env = records.env
        if field.related and not env.su and self._auto:
            # the path is followed as superuser: the records it starts from must be readable
            readable = records._readable_ids(records._ids)
            if self._ids[0] not in readable and self.exists():
                raise self._rule_error("read")
            records = records.browse([i for i in records._ids if i in readable]) or self
        # fields sharing a compute method are computed together (as in Odoo)
        siblings = [f for f in self._fields.values()
                    if f is field or (field.compute and f.compute == field.compute and not f.store)]
        for sibling in siblings:
            env.cr.computing.setdefault(sibling, set()).update(records._ids)
        try:
            if field.related:
                for rec in records:
                    value = rec.sudo()
                    for name in field.related.split("."):
                        value = value[:1][name] if isinstance(value, FieldCache) else False
                    target = value
                    if isinstance(target, FieldCache):  # every recordset is one (BaseModel composes this mixin)
                        target = target.with_env(env)
                        rec._set_cache_value(field, target.id if field.type == "many2one" else target._ids)
                    else:
                        rec._set_cache_value(field, None if target is False and field.type not in (
                            "boolean", "integer", "float", "monetary") else target)
            else:
                method = getattr(records, field.compute) if isinstance(field.compute, str) else None
                if method is None:
                    field.compute(records)
                else:
                    method()
        finally:
            for sibling in siblings:
                computing = env.cr.computing.get(sibling, set())
                computing.difference_update(records._ids)
                if not computing:
                    env.cr.computing.pop(sibling, None)

    def _fetch_field(self, field):
        """Read ``field`` (and the other plain columns) for the prefetch set."""
        if not self._auto:
            return
        self.check_access_rights("read")
        ids = self._prefetch_records(field)
        cr = self.env.cr
        if not self.env.su:
            # record rules apply to every read path (attribute access, name_get, copy_data...):
            # the record asked for must pass them; other prefetched records are skipped
            readable = self._readable_ids(ids)
            if ids[0] not in readable and self.browse(ids[0]).exists():
                raise self._rule_error("read")
            ids = [i for i in ids if i in readable]
            if not ids:
                return
        if field.type == "one2many":
            comodel = self.env[field.comodel_name].with_context(active_test=False).sudo()
            lines = comodel.search([(field.inverse_name, "in", ids)])
            if not self.env.su and lines:  # only the lines the user may read
                readable = self.env[field.comodel_name]._readable_ids(lines._ids)
                lines = lines.browse([i for i in lines._ids if i in readable])
            grouped = defaultdict(list)
            inverse = comodel._fields[field.inverse_name]
            for line in lines:
                grouped[line._get_cache_value(inverse)].append(line.id)
            active = "active" in comodel._fields and self.env.context.get("active_test", True)
            for rid in ids:
                values = grouped.get(rid, [])
                if active:
                    values = [v for v in values if comodel.browse(v).active]
                cr.cache.setdefault(field, {})[rid] = tuple(values)
            return
        if field.type == "many2many":
            comodel = self.env[field.comodel_name]
            query = sql.SQL(
                "SELECT r.{c1}, r.{c2} FROM {rel} r JOIN {cotable} c ON c.id = r.{c2} "
                "WHERE r.{c1} IN %s ORDER BY {order}"
            ).format(
                c1=sql.Identifier(field.column1), c2=sql.Identifier(field.column2),
                rel=sql.Identifier(field.relation), cotable=sql.Identifier(comodel._table),
                order=comodel._order_sql("c"),
            )
            cr.execute(query, (tuple(ids),))
            pairs = cr.fetchall()
            if not self.env.su and pairs:  # only the records the user may read
                readable = comodel._readable_ids({right for _left, right in pairs})
                pairs = [(left, right) for left, right in pairs if right in readable]
            grouped = defaultdict(list)
            for left, right in pairs:
                grouped[left].append(right)
            for rid in ids:
                cr.cache.setdefault(field, {})[rid] = tuple(grouped.get(rid, ()))
            return
        columns = [f for f in self._fields.values() if f.column and f.type != "binary"]
        if field not in columns:
            columns.append(field)
        query = sql.SQL("SELECT id, {} FROM {} WHERE id IN %s").format(
            sql.SQL(", ").join(sql.Identifier(f.name) for f in columns), sql.Identifier(self._table)
        )
        cr.execute(query, (tuple(ids),))
        for row in cr.fetchall():
            rid = row[0]
            for f, value in zip(columns, row[1:], strict=True):
                cache = cr.cache.setdefault(f, {})
                if rid not in cache:
                    if f.type == "monetary" and value is not None:
                        value = float(value)
                    elif f.encrypted and value is not None:
                        value = _Sealed(value)
                    cache[rid] = value

    def invalidate_recordset(self, fnames=None):
        self.env.cr.cache.clear()

    def invalidate_model(self, fnames=None):
        self.env.cr.cache.clear()
