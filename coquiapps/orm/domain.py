"""Domains (Odoo's search filters) compiled to parameterised SQL.

A domain is a list in prefix notation: terms ``(field, operator, value)`` and
the operators ``'&'``, ``'|'`` and ``'!'``; terms side by side are joined
with ``'&'``. A dotted field (``partner_id.country_id.code``) is a sub-query
on the related model, so every condition stays one SQL expression.
"""
from __future__ import annotations

from psycopg2 import sql

TERM_OPERATORS = (
    "=", "!=", "<>", "<", ">", "<=", ">=", "in", "not in",
    "like", "ilike", "=like", "=ilike", "not like", "not ilike",
)
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)


class DomainError(ValueError):
    """A domain is malformed or names what does not exist; the message says which term."""


def normalize(domain) -> list:
    """Make the implicit '&' explicit so the list is a complete prefix expression."""
    if not domain:
        return [TRUE_LEAF]
    result: list = []
    expected = 1
    for token in domain:
        if expected == 0:
            result[0:0] = ["&"]
            expected = 1
        if isinstance(token, (list, tuple)) and len(token) == 3:
            expected -= 1
            result.append(tuple(token))
        elif token in ("&", "|"):
            expected += 1
            result.append(token)
        elif token == "!":
            result.append(token)
        else:
            raise DomainError(f"invalid domain element {token!r}")
    if expected != 0:
        raise DomainError(f"incomplete domain {domain!r}")
    return result


class Compiler:
    """Compiles a domain for one model; ``alias`` names its table in the FROM clause."""

    def __init__(self, model, alias: str):
        self.model = model
        self.alias = alias

    def compile(self, domain) -> sql.Composable:
        tokens = normalize(domain)
        stack: list[sql.Composable] = []
        for token in reversed(tokens):
            if token == "!":
                stack.append(sql.SQL("(NOT ({}))").format(stack.pop()))
            elif token in ("&", "|"):
                left, right = stack.pop(), stack.pop()
                joiner = " AND " if token == "&" else " OR "
                stack.append(sql.SQL("({})").format(sql.SQL(joiner).join([left, right])))
            else:
                stack.append(self.leaf(token))
        return stack[0]

    def column(self, name: str) -> sql.Composable:
        return sql.SQL("{}.{}").format(sql.Identifier(self.alias), sql.Identifier(name))

    def leaf(self, term) -> sql.Composable:
        left, op, right = term
        if term in (TRUE_LEAF, FALSE_LEAF) or (left in (0, 1) and op == "=" and right in (0, 1)):
            return sql.SQL("TRUE" if left == right else "FALSE")
        if op == "<>":
            op = "!="
        if op not in TERM_OPERATORS:
            raise DomainError(f"invalid operator {op!r} in domain term {term!r}")
        if not isinstance(left, str):
            raise DomainError(f"invalid field {left!r} in domain term {term!r}")
        fname, _, rest = left.partition(".")
        field = self.model._fields.get(fname)
        if field is None:
            raise DomainError(f"invalid field {fname!r} on model {self.model._name!r} in domain term {term!r}")
        if field.groups and not self.model.env.su:
            # a condition on a field reveals its values (=like 'prefix%'): same groups as reading
            self.model._check_field_groups([fname], "search on")
        if field.related and not field.store:
            return self.leaf((field.related + ("." + rest if rest else ""), op, right))
        if not field.store:
            raise DomainError(f"field {field} is not stored and cannot be searched (term {term!r})")
        if field.encrypted and not (op in ("=", "!=") and right in (False, None)):
            raise DomainError(f"field {field} is encrypted: it can only be compared with False (term {term!r})")
        if rest:
            return self.path_leaf(field, rest, op, right, term)
        if field.type == "many2one":
            return self.many2one_leaf(field, op, right)
        if field.type in ("one2many", "many2many"):
            return self.x2many_leaf(field, op, right)
        return self.value_leaf(self.column(field.name), field, op, right)

    # -- relational -----------------------------------------------------
    def subquery(self, comodel, domain) -> tuple[sql.Composable, str]:
        alias = f"{comodel._table}__{abs(hash((self.alias, repr(domain)))) % 10**8}"
        where = Compiler(comodel, alias).compile(domain)
        return sql.SQL("SELECT {}.id FROM {} {} WHERE {}").format(
            sql.Identifier(alias), sql.Identifier(comodel._table), sql.Identifier(alias), where
        ), alias

    def comodel(self, field):
        return self.model.env[field.comodel_name].with_context(active_test=False)

    def path_leaf(self, field, rest, op, right, term):
        comodel = self.comodel(field)
        sub, _ = self.subquery(comodel, [(rest, op, right)])
        return self.in_related(field, sub)

    def in_related(self, field, sub: sql.Composable, negate: bool = False) -> sql.Composable:
        """Records whose relation ``field`` reaches one of the comodel ids selected by ``sub``."""
        if field.type == "many2one":
            expr = sql.SQL("{} IN ({})").format(self.column(field.name), sub)
        elif field.type == "one2many":
            comodel = self.comodel(field)
            expr = sql.SQL("{} IN (SELECT {} FROM {} WHERE id IN ({}) AND {} IS NOT NULL)").format(
                self.column("id"), sql.Identifier(field.inverse_name), sql.Identifier(comodel._table),
                sub, sql.Identifier(field.inverse_name),
            )
        else:
            expr = sql.SQL("{} IN (SELECT {} FROM {} WHERE {} IN ({}))").format(
                self.column("id"), sql.Identifier(field.column1), sql.Identifier(field.relation),
                sql.Identifier(field.column2), sub,
            )
        return sql.SQL("(NOT ({}))").format(expr) if negate else expr

    def many2one_leaf(self, field, op, right):
        if isinstance(right, str) or (
            isinstance(right, (list, tuple)) and right and all(isinstance(v, str) for v in right)
        ):
            # a name: match the comodel's display name field, as Odoo's name_search does
            comodel = self.comodel(field)
            name_op = {"=": "=", "!=": "=", "in": "in", "not in": "in"}.get(op, op.replace("not ", ""))
            sub, _ = self.subquery(comodel, [(comodel._rec_name_field(), name_op, right)])
            negate = op in ("!=", "not in", "not like", "not ilike")
            return self.in_related(field, sub, negate=negate)
        if hasattr(right, "_ids"):
            right = list(right.ids) if op in ("in", "not in") else right.id
        return self.value_leaf(self.column(field.name), field, op, right)

    def x2many_leaf(self, field, op, right):
        comodel = self.comodel(field)
        if hasattr(right, "_ids"):
            right = list(right.ids)
        if right is False or right is None or right == []:
            if op not in ("=", "!=", "in", "not in"):
                raise DomainError(f"operator {op!r} cannot compare {field} with an empty value")
            sub, _ = self.subquery(comodel, [TRUE_LEAF])
            return self.in_related(field, sub, negate=op in ("=", "in"))
        if isinstance(right, str) or (isinstance(right, (list, tuple)) and right and isinstance(right[0], str)):
            name_op = "=" if op in ("=", "!=") else "in" if op in ("in", "not in") else op.replace("not ", "")
            sub, _ = self.subquery(comodel, [(comodel._rec_name_field(), name_op, right)])
        else:
            ids = list(right) if isinstance(right, (list, tuple, set)) else [right]
            sub, _ = self.subquery(comodel, [("id", "in", ids)])
        return self.in_related(field, sub, negate=op in ("!=", "not in", "not like", "not ilike"))

    # -- plain values ---------------------------------------------------
    def value_leaf(self, column, field, op, right) -> sql.Composable:
        if field.type == "boolean" and op in ("=", "!=") and right in (True, False):
            want = bool(right) if op == "=" else not right
            return sql.SQL("{} = TRUE" if want else "({} IS NULL OR {} = FALSE)").format(column, column)
        if op in ("in", "not in"):
            if not isinstance(right, (list, tuple, set, frozenset)):
                right = [right]
            values = [v for v in right if v is not False and v is not None]
            has_null = len(values) != len(right)
            parts = []
            if values:
                parts.append(sql.SQL("{} IN ({})").format(
                    column, sql.SQL(", ").join(sql.Literal(v) for v in values)))
            if has_null:
                parts.append(sql.SQL("{} IS NULL").format(column))
            expr = sql.SQL(" OR ").join(parts) if parts else sql.SQL("FALSE")
            if op == "in":
                return sql.SQL("({})").format(expr)
            if has_null or not values:
                return sql.SQL("(NOT ({}))").format(expr)
            return sql.SQL("(NOT ({}) OR {} IS NULL)").format(expr, column)
        if right is False or right is None:
            if op == "=":
                return sql.SQL("{} IS NULL").format(column)
            if op == "!=":
                return sql.SQL("{} IS NOT NULL").format(column)
        if op in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
            if op.startswith("="):
                pattern = str(right)
                op = op[1:]
            else:
                escaped = str(right).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                pattern = f"%{escaped}%"
            keyword = {"like": "LIKE", "ilike": "ILIKE", "not like": "NOT LIKE", "not ilike": "NOT ILIKE"}[op]
            expr = sql.SQL("{}::text " + keyword + " {}").format(column, sql.Literal(pattern))
            if op.startswith("not"):
                return sql.SQL("({} OR {} IS NULL)").format(expr, column)
            return expr
        value = field.convert_to_column(field.convert_to_cache(right, self.model)) \
            if field.type in ("date", "datetime", "json") else right
        sql_op = {"=": "=", "!=": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}[op]
        expr = sql.SQL("{} " + sql_op + " {}").format(column, sql.Literal(value))
        if op == "!=":
            return sql.SQL("({} OR {} IS NULL)").format(expr, column)
        return expr


def _combine(operator: str, domains) -> list:
    parts = [normalize(d) for d in domains if d]
    if not parts:
        return []
    result = parts[0]
    for part in parts[1:]:
        result = [operator] + result + part
    return result


def AND(domains) -> list:  # noqa: N802 - Odoo's name
    """One domain requiring all of ``domains``."""
    return _combine("&", domains)


def OR(domains) -> list:  # noqa: N802 - Odoo's name
    """One domain requiring any of ``domains``."""
    return _combine("|", domains)
