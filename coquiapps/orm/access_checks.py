"""Access rights, record rules and field groups, as checked on a recordset."""
from __future__ import annotations

from psycopg2 import sql

from coquiapps.orm.access import check_operation
from coquiapps.orm.domain import Compiler
from coquiapps.orm.exceptions import AccessError


class AccessChecks:
    """The checks the ORM runs before reading or changing records."""

    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool:
        check_operation(operation)
        if self.env.su:
            return True
        allowed = self.env["ir.model.access"]._check(self._name, operation, self.env.uid)
        if not allowed and raise_exception:
            raise AccessError(
                f"You are not allowed to {operation} '{self._description or self._name}' "
                f"({self._name}) records."
            )
        return allowed

    def _rule_domain(self, operation: str) -> list:
        check_operation(operation)
        if self.env.su or "ir.rule" not in self.pool:
            return []
        return self.env["ir.rule"]._compute_domain(self._name, operation)

    def check_access_rule(self, operation: str) -> None:
        domain = self._rule_domain(operation)
        if not domain or not self._ids:
            return
        allowed = self.sudo().with_context(active_test=False).search(
            [("id", "in", list(self._ids))] + domain
        )
        if len(allowed) != len(set(self._ids)):
            raise self._rule_error(operation)

    def _rule_error(self, operation: str) -> AccessError:
        return AccessError(
            f"You may not {operation} these '{self._description or self._name}' records "
            f"(record rules of {self._name})."
        )

    def _rule_sql(self, alias: str) -> sql.Composable | None:
        """The read rules of the current user as SQL on ``alias`` (None: no rule applies).

        Rule domains are written by administrators: compiled as superuser, so
        the fields they name are not subject to the user's field groups.
        """
        domain = self._rule_domain("read")
        if not domain:
            return None
        return Compiler(self.sudo().with_context(active_test=False), alias).compile(domain)

    def _readable_ids(self, ids) -> set[int]:
        """The ids among ``ids`` that the current user's read rules let through."""
        if not ids:
            return set()
        where = self._rule_sql(self._table) if self._auto else None
        if where is None:
            return set(ids)
        self.env.cr.execute(sql.SQL("SELECT id FROM {} WHERE id IN {} AND {}").format(
            sql.Identifier(self._table), sql.Literal(tuple(ids)), where))
        return {row[0] for row in self.env.cr.fetchall()}

    def check_access(self, operation: str) -> None:
        self.check_access_rights(operation)
        self.check_access_rule(operation)

    def _check_field_groups(self, names, operation: str) -> None:
        if self.env.su:
            return
        user = self.env.user
        for name in names:
            field = self._fields[name]
            if field.groups and not any(user.has_group(g.strip()) for g in field.groups.split(",")):
                raise AccessError(
                    f"You are not allowed to {operation} the field '{field.string}' ({field}): "
                    f"it is restricted to {field.groups}."
                )

    def _readable_fields(self) -> list[str]:
        if self.env.su:
            return list(self._fields)
        user = self.env.user
        return [
            name for name, f in self._fields.items()
            if not f.groups or any(user.has_group(g.strip()) for g in f.groups.split(","))
        ]
