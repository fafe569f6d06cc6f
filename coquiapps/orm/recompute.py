"""Stored computed fields and constraints: what a change invalidates, and recomputing it."""
from __future__ import annotations

from psycopg2 import sql


class Recompute:
    """Recomputing stored fields after a change and running ``@api.constrains`` checks."""

    def _recompute_stored(self, fields_to_compute, local_only=False):
        """Compute stored fields of these records and write the results.

        ``local_only``: recompute only the dependent fields of these same
        records; create() tells the other models once for everything it wrote.
        """
        records = self.exists().sudo().with_context(active_test=False)
        if not records:
            return
        cr = self.env.cr
        computed = []
        for group in self._compute_groups(fields_to_compute):
            for field in group:
                cr.cache.pop(field, None)
                cr.computing.setdefault(field, set()).update(records._ids)
            records = records.browse(records._ids)
            try:
                if group[0].related:
                    records._compute_into_cache(group[0])
                else:
                    getattr(records, group[0].compute)()
            finally:
                for field in group:
                    computing = cr.computing.get(field, set())
                    computing.difference_update(records._ids)
                    if not computing:
                        cr.computing.pop(field, None)
            records._write_computed(group)
            computed.extend(group)
        cr.cache.clear()
        records._modified({f.name for f in computed}, local_only=local_only)

    def _write_computed(self, group) -> None:
        """Store the cached values of ``group`` for these records: one statement for the whole set
        (a page of imported orders is hundreds of records)."""
        cr = self.env.cr
        group = [f for f in group if f.column]
        if not group:
            return
        values = [cr.cache.get(field, {}) for field in group]
        names = [sql.Identifier(f"v{i}") for i in range(len(group))]
        query = sql.SQL("UPDATE {table} SET {assign} FROM (VALUES %s) AS v(id, {names}) WHERE {table}.id = v.id").format(
            table=sql.Identifier(self._table), names=sql.SQL(", ").join(names),
            assign=sql.SQL(", ").join(sql.SQL("{} = v.{}::{}").format(sql.Identifier(f.name), name,
                                                                     sql.SQL(f.column_type))
                                      for f, name in zip(group, names, strict=True)))
        cr.execute_values(query.as_string(cr.connection),
                          [(rid, *(f.convert_to_column(v.get(rid)) for f, v in zip(group, values, strict=True)))
                           for rid in self._ids])

    def _compute_groups(self, fields_to_compute) -> list[list]:
        """``fields_to_compute`` grouped by compute method, with the stored fields sharing it.

        A method that sets several fields must run once with all of them
        marked as being computed: otherwise setting a sibling is a write,
        which empties the cache under the values computed so far.
        """
        groups, seen = [], set()
        for field in fields_to_compute:
            if field in seen:
                continue
            group = [field] if field.related else [
                f for f in self._fields.values()
                if f is field or (f.store and not f.related and f.compute == field.compute)]
            seen.update(group)
            groups.append(group)
        return groups

    def _dependent_records(self, names, created=False, local_only=False):
        """Stored computed fields (anywhere; ``local_only``: of these records) depending on ``names``."""
        result = []
        for (model_name, path_prefix, field), trigger_names in self.pool.field_triggers.get(self._name, {}).items():
            if created and not path_prefix:
                continue  # create() computed this model's own stored fields already
            if local_only and path_prefix:
                continue
            if not (trigger_names & names) and not created:
                continue
            target_model = self.env[model_name].sudo().with_context(active_test=False)
            if path_prefix:
                targets = target_model.search([(path_prefix, "in", list(self._ids))])
            else:
                targets = target_model.browse(self._ids)
            if targets:
                result.append((field, targets))
        return result

    def _modified(self, names, created=False, local_only=False):
        depth = self.env.cr.__dict__.setdefault("_modified_depth", 0)
        if depth > 20:
            raise RecursionError(f"computed fields depend on each other in a loop ({self._name})")
        self.env.cr._modified_depth = depth + 1
        try:
            # the fields to recompute on the same records go together: siblings computed once
            batches = {}
            for field, targets in self._dependent_records(names, created, local_only):
                batches.setdefault((targets._name, targets._ids), (targets, []))[1].append(field)
            for targets, fields_to_compute in batches.values():
                targets._recompute_stored(fields_to_compute)
        finally:
            self.env.cr._modified_depth = depth

    def _validate_fields(self, names):
        for cls in type(self).__mro__:
            for attr_name, attr in vars(cls).items():
                checked = getattr(attr, "_constrains", None)
                if checked and set(checked) & set(names):
                    getattr(self, attr_name)()
