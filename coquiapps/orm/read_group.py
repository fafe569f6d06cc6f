"""``read_group``: records counted and aggregated per group, in the shape Odoo 17 returns.

Each group is a dict with the grouped values (a many2one as ``(id, name)``,
a date as its label, e.g. ``"March 2024"``), ``<field>_count`` (lazy, one
level) or ``__count``, the aggregates asked for (numeric fields are summed
unless another function is named: ``"amount:max"``, ``"top:max(amount)"``),
``__domain`` (the records of the group) and, when only the first of several
groupbys was applied, ``__context`` with the rest. Access rights, record
rules and field groups apply as for ``search`` and ``read``.
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from psycopg2 import sql

from coquiapps.orm.access import check_bound, parse_order
from coquiapps.orm.exceptions import AccessError

FUNCTIONS = ("count", "count_distinct", "sum", "avg", "min", "max", "bool_and", "bool_or", "array_agg")
GRANULARITIES = ("day", "week", "month", "quarter", "year")
#: babel patterns of Odoo's READ_GROUP_DISPLAY_FORMAT (YYYY: the ISO week's year)
LABELS = {"day": "dd MMM yyyy", "week": "'W'w YYYY", "month": "MMMM yyyy", "quarter": "QQQ yyyy",
          "year": "yyyy"}
NUMERIC = ("integer", "float", "monetary")
_FIELD_SPEC = re.compile(r"^(\w+)(?::(\w+)(?:\((\w+)\))?)?$")
_ORDER_TERM = re.compile(r"^([\w:]+)(?:\s+(asc|desc))?$", re.IGNORECASE)


def _step(granularity: str):
    from dateutil.relativedelta import relativedelta

    return {"day": relativedelta(days=1), "week": relativedelta(weeks=1), "month": relativedelta(months=1),
            "quarter": relativedelta(months=3), "year": relativedelta(years=1)}[granularity]


class _Group:
    """One groupby term: the field, its SQL expression and how a value is shown."""

    def __init__(self, model, spec, tz):
        if not isinstance(spec, str):
            raise ValueError(f"read_group: groupby terms are field names, got {spec!r}")
        name, _sep, granularity = spec.partition(":")
        field = model._fields.get(name)
        if field is None:
            raise ValueError(f"Invalid field {name!r} on model {model._name!r}")
        if not field.column:
            raise ValueError(f"Field {name!r} of {model._name} is not stored and cannot be grouped by")
        _check_readable_value(model, field)
        if field.type in ("date", "datetime"):
            granularity = granularity or "month"
            if granularity not in GRANULARITIES:
                raise ValueError(f"read_group: unknown granularity {granularity!r} in {spec!r} "
                                 f"(use one of {', '.join(GRANULARITIES)})")
        elif granularity:
            raise ValueError(f"read_group: {spec!r}: a granularity applies to date and datetime fields only")
        self.spec, self.name, self.field, self.granularity = spec, name, field, granularity
        self.tz = tz if field.type == "datetime" else None

    def expression(self, alias: str) -> sql.Composable:
        column = sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(self.name))
        if not self.granularity:
            return column
        if self.tz:  # datetimes are stored in UTC: grouped by the user's calendar
            column = sql.SQL("timezone({}, timezone('UTC', {}))").format(sql.Literal(self.tz), column)
        # on a date, date_trunc would answer a timestamp with time zone (the session's)
        truncated = sql.SQL("date_trunc({}, {}::timestamp)").format(sql.Literal(self.granularity), column)
        return sql.SQL("{}::date").format(truncated) if self.field.type == "date" else truncated

    def order(self, model, alias: str, direction: str) -> list[sql.Composable]:
        """ORDER BY terms for this group: a many2one by its comodel's order (as Odoo), else the value."""
        if self.field.type != "many2one":
            return [sql.SQL("{} " + direction).format(self.expression(alias))]
        comodel = model.env[self.field.comodel_name]
        terms = []
        for name, cdir, _nulls in parse_order(comodel._name, comodel._order or "id"):
            if name not in comodel._fields or not comodel._fields[name].column:
                continue
            if direction == "DESC":
                cdir = "ASC" if cdir == "DESC" else "DESC"
            terms.append(sql.SQL("(SELECT c.{} FROM {} c WHERE c.id = {}) " + cdir).format(
                sql.Identifier(name), sql.Identifier(comodel._table), self.expression(alias)))
        return terms + [sql.SQL("{} " + direction).format(self.expression(alias))]

    def present(self, model, value, row: dict, lang: str) -> list:
        """Put the shown value in ``row``; the domain term(s) selecting the group."""
        if self.field.type == "many2one":
            record = model.env[self.field.comodel_name].browse(value or ())
            row[self.spec] = (record.id, record.sudo().display_name) if record else False
            return [(self.name, "=", value or False)]
        if not self.granularity:
            row[self.spec] = False if value is None else value
            return [(self.name, "=", False if value is None else value)]
        if value is None:
            row[self.spec] = False
            row.setdefault("__range", {})[self.spec] = False
            return [(self.name, "=", False)]
        from babel.dates import format_date

        start = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        end = start + _step(self.granularity)
        row[self.spec] = format_date(start.date(), LABELS[self.granularity], locale=lang)
        if self.field.type == "date":
            bounds = (start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"))
        else:
            zone = zoneinfo.ZoneInfo(self.tz or "UTC")
            bounds = tuple(moment.replace(tzinfo=zone).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
                           for moment in (start, end))
        row.setdefault("__range", {})[self.spec] = {"from": bounds[0], "to": bounds[1]}
        return ["&", (self.name, ">=", bounds[0]), (self.name, "<", bounds[1])]


def _check_readable_value(model, field) -> None:
    """The user may read the field (its groups), and it is not write-only: passwords and encrypted
    secrets are never grouped or aggregated, as read() never returns them."""
    model._check_field_groups([field.name], "read")
    if field.password or field.encrypted:
        raise AccessError(f"Field {field.name!r} of {model._name} holds a password or secret: "
                          f"it cannot be grouped by or aggregated.")


def _aggregates(model, fields, group_names) -> dict[str, tuple[str, str]]:
    """Result key -> (field name, SQL function) for the ``fields`` specification."""
    result = {}
    for spec in fields or ():
        if spec == "__count":
            continue
        match = _FIELD_SPEC.match(spec) if isinstance(spec, str) else None
        if not match:
            raise ValueError(f"Invalid field specification {spec!r}.")
        key, func, fname = match.groups()
        if fname:
            name = fname
        elif func:
            name = key
        else:
            name = key
            field = model._fields.get(name)
            if field is None:
                raise ValueError(f"Invalid field {name!r} on model {model._name!r}")
            if field.type not in NUMERIC or not field.column or name == "id" or name in group_names:
                continue  # as Odoo: only fields with a group operator are aggregated by default
            func = "sum"
        field = model._fields.get(name)
        if field is None:
            raise ValueError(f"Invalid field {name!r} on model {model._name!r}")
        if not field.column:
            raise ValueError(f"Field {name!r} of {model._name} is not stored and cannot be aggregated")
        _check_readable_value(model, field)
        if func not in FUNCTIONS:
            raise ValueError(f"Invalid aggregation function {func!r} (use one of {', '.join(FUNCTIONS)})")
        result[key] = (name, func)
    return result


def _aggregate_sql(alias: str, name: str, func: str) -> sql.Composable:
    column = sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(name))
    if func == "count_distinct":
        return sql.SQL("count(DISTINCT {})").format(column)
    return sql.SQL(func + "({})").format(column)  # func is one of FUNCTIONS, never the caller's text


def _order(model, orderby, groups, aggregates, count_key, alias) -> list[sql.Composable]:
    """ORDER BY terms: groupby fields (a many2one by its comodel's order), aggregates, the count."""
    by_name = {g.name: g for g in groups} | {g.spec: g for g in groups}
    terms = []
    if orderby:
        if not isinstance(orderby, str):
            raise ValueError(f"read_group: orderby must be a string, got {orderby!r}")
        for term in (t.strip() for t in orderby.split(",") if t.strip()):
            match = _ORDER_TERM.match(term)
            if not match:
                raise ValueError(f"read_group: invalid order term {term!r}")
            key, direction = match.group(1), (match.group(2) or "asc").upper()
            if key in by_name:
                terms.append((by_name[key], direction))
            elif key in aggregates or key in ("__count", count_key):
                terms.append((key, direction))
            else:
                raise ValueError(f"read_group: cannot order by {key!r}: it is neither grouped nor aggregated")
    else:
        terms = [(group, "ASC") for group in groups]
    result = []
    for term in terms:
        if isinstance(term[0], _Group):
            group, direction = term
            result += group.order(model, alias, direction)
        else:  # direction is ASC or DESC (the pattern allows nothing else)
            key, direction = term
            if key in aggregates:
                name, func = aggregates[key]
                expression = _aggregate_sql(alias, name, func)
            else:
                expression = sql.SQL("count(*)")
            result.append(sql.SQL("{} " + direction).format(expression))
    return result


def read_group(model, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True) -> list[dict]:
    """Odoo's ``read_group`` on ``model`` (a recordset, usually empty)."""
    model.check_access_rights("read")
    offset, limit = check_bound("offset", offset), check_bound("limit", limit)
    groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
    if fields is not None and not isinstance(fields, list | tuple):
        raise ValueError(f"read_group: fields must be a list, got {fields!r}")
    tz = model.env.context.get("tz")
    try:
        tz = zoneinfo.ZoneInfo(tz).key if isinstance(tz, str) and tz else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = None
    applied = groupby[:1] if lazy else groupby
    groups = [_Group(model, spec, tz) for spec in applied]
    aggregates = _aggregates(model, fields, {g.name for g in groups})
    count_key = f"{applied[0].split(':')[0]}_count" if lazy and len(applied) == 1 else "__count"
    if not model._auto:
        return []
    alias = model._table
    where = model._where_calc(domain or [], alias)
    selects = [sql.SQL("{} AS {}").format(g.expression(alias), sql.Identifier(f"g_{i}"))
               for i, g in enumerate(groups)]
    selects.append(sql.SQL("count(*)"))
    selects += [_aggregate_sql(alias, name, func) for name, func in aggregates.values()]
    query = sql.SQL("SELECT {} FROM {} WHERE {}").format(
        sql.SQL(", ").join(selects), sql.Identifier(model._table), where)
    if groups:
        query = sql.SQL("{} GROUP BY {}").format(
            query, sql.SQL(", ").join(sql.Identifier(f"g_{i}") for i in range(len(groups))))
        order = _order(model, orderby, groups, aggregates, count_key, alias)
        query = sql.SQL("{} ORDER BY {}").format(query, sql.SQL(", ").join(order))
    # every value is a literal of the query: no %-placeholders may follow
    if limit:
        query = sql.SQL("{} LIMIT {}").format(query, sql.Literal(int(limit)))
    if offset:
        query = sql.SQL("{} OFFSET {}").format(query, sql.Literal(int(offset)))
    model.env.cr.execute(query)
    rows = model.env.cr.fetchall()
    lang = _babel_locale(model)
    result = []
    for values in rows:
        row: dict = {}
        group_domain = list(domain or [])
        for group, value in zip(groups, values, strict=False):
            group_domain += group.present(model, value, row, lang)
        row[count_key] = values[len(groups)]
        for key, value in zip(aggregates, values[len(groups) + 1:], strict=True):
            row[key] = False if value is None else value
        row["__domain"] = group_domain
        if len(groupby) > len(applied):
            row["__context"] = {"group_by": groupby[len(applied):]}
        result.append(row)
    return result


def _babel_locale(model) -> str:
    from babel import Locale, UnknownLocaleError

    lang = model.env.context.get("lang") or "en_US"
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        return "en_US"
    return lang
