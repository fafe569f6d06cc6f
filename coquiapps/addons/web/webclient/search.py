"""The search panel: the search arch's fields and filters, made into a domain."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from coquiapps.tools.safe_eval import safe_eval


@dataclass
class SearchFilter:
    name: str
    string: str
    domain: str
    group: int


@dataclass
class SearchSpec:
    """Fields searched by the search box, and the filters in their groups."""

    fields: list[tuple[str, str | None]] = field(default_factory=list)  # (name, filter_domain)
    filters: list[SearchFilter] = field(default_factory=list)

    def by_name(self) -> dict[str, SearchFilter]:
        return {f.name: f for f in self.filters}


def parse(arch) -> SearchSpec:
    """Read a ``<search>`` arch: ``<field filter_domain>``, ``<filter>`` and ``<separator/>``."""
    spec, group, index = SearchSpec(), 0, 0
    for node in arch.iter():
        if node.tag == "field" and node.get("name"):
            spec.fields.append((node.get("name"), node.get("filter_domain")))
        elif node.tag == "separator":
            group += 1
        elif node.tag == "filter" and node.get("domain"):
            index += 1
            spec.filters.append(SearchFilter(node.get("name") or f"filter_{index}",
                                             node.get("string") or node.get("name") or "Filter",
                                             node.get("domain"), group))
        elif node.tag == "group":
            group += 1
    return spec


def eval_context(env, extra: dict | None = None) -> dict:
    """Names available to domains and contexts of actions and filters."""
    today = dt.date.today()
    return {"uid": env.uid, "user": env.user, "context": dict(env.context),
            "context_today": lambda: today, "current_date": today.isoformat(),
            "active_test": True, **(extra or {})}


def defaults(spec: SearchSpec, context: dict) -> list[str]:
    """Filters switched on by ``search_default_<name>`` in the action context."""
    return [f.name for f in spec.filters if context.get(f"search_default_{f.name}")]


def domain(env, model, spec: SearchSpec, term: str, active: list[str]) -> list:
    """Term over the search fields (OR), active filters (OR inside a group, AND across groups)."""
    result: list = []
    ctx = eval_context(env)
    if term:
        parts = []
        search_fields = spec.fields or [(model._rec_name_field(), None)]
        for name, filter_domain in search_fields:
            if filter_domain:
                parts.append(list(safe_eval(filter_domain, {**ctx, "self": term})))
            elif name in model._fields:
                parts.append([(name, "ilike", term)])
        result += _or(parts)
    by_name = spec.by_name()
    groups: dict[int, list] = {}
    for name in active:
        chosen = by_name.get(name)
        if chosen:
            groups.setdefault(chosen.group, []).append(list(safe_eval(chosen.domain, ctx)))
    for parts in groups.values():
        result += _or(parts)
    return result


def _or(parts: list[list]) -> list:
    parts = [p for p in parts if p]
    if not parts:
        return []
    return ["|"] * (len(parts) - 1) + [leaf for part in parts for leaf in _normalized(part)]


def _normalized(domain: list) -> list:
    """A domain as one term (implicit ANDs made explicit), so it can be OR-ed with others."""
    terms = [t for t in domain]
    count = sum(1 for t in terms if not isinstance(t, str)) - sum(
        1 for t in terms if t in ("&", "|")) - 1
    return ["&"] * max(count, 0) + terms
