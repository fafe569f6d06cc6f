"""A restricted evaluator for the Python expressions found in data files and views.

``eval="..."`` attributes of XML data files and view modifiers such as
``invisible="state != 'connected'"`` are Python expressions written by module
authors. They are never handed to :func:`eval`: :func:`safe_eval` parses them
with :mod:`ast` and walks the tree itself, accepting only a whitelist of
expression nodes. Names resolve to the given context or to a few harmless
builtins; attributes whose name starts with ``_``, those that lead to frames or
format strings and those that lead from a record to the database or to other
rights (``env``, ``cr``, ``sudo``, ``with_user``, ``pool``...) are refused on
any object, and a record shows only its fields. Numbers, sequences, ranges and
comprehension items are bounded, and so is the evaluation time, so that no
expression can hold a worker or its memory.

As in Odoo's evaluation contexts, ``datetime`` is a stand-in for the module
(``datetime.datetime.now()``, ``datetime.timedelta(days=1)``) that also answers
the class's own methods (``datetime.now()``); ``date`` and ``timedelta`` are the
classes, ``time`` offers the functions of the :mod:`time` module (not
``sleep``), ``DateTime`` is ``datetime.datetime`` and ``relativedelta`` is
dateutil's when that package is installed.
"""
from __future__ import annotations

import ast
import datetime as _dt
import operator
import re
import time as _time
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType, SimpleNamespace
from typing import Any

__all__ = ["SafeEvalError", "safe_eval", "evaluate_modifier", "BUILTINS"]


class SafeEvalError(ValueError):
    """An expression is refused or fails while being evaluated."""


class _DatetimeNamespace(SimpleNamespace):
    """``datetime``: the module's public classes, plus the ``datetime`` class's attributes."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_dt.datetime, name)


_DATETIME = _DatetimeNamespace(
    datetime=_dt.datetime, date=_dt.date, time=_dt.time, timedelta=_dt.timedelta,
    timezone=_dt.timezone, tzinfo=_dt.tzinfo, MINYEAR=_dt.MINYEAR, MAXYEAR=_dt.MAXYEAR,
)
_TIME = SimpleNamespace(**{
    name: getattr(_time, name)
    for name in ("time", "strftime", "strptime", "localtime", "gmtime", "mktime",
                 "asctime", "ctime", "monotonic", "struct_time", "timezone", "altzone",
                 "daylight", "tzname")
})

_builtins: dict[str, Any] = {
    fn.__name__: fn
    for fn in (len, min, max, sum, abs, bool, int, float, str, list, tuple, dict, set,
               sorted, any, all, round)
}
_builtins.update(datetime=_DATETIME, date=_dt.date, timedelta=_dt.timedelta, time=_TIME,
                 DateTime=_dt.datetime)
try:  # pragma: no cover - depends on the environment
    from dateutil.relativedelta import relativedelta
except ImportError:  # pragma: no cover
    pass
else:  # pragma: no cover
    _builtins["relativedelta"] = relativedelta

#: Names every expression may use besides its context (the context wins on a clash).
BUILTINS: Mapping[str, Any] = MappingProxyType(_builtins)

# Attributes refused on any object: frames, code, arbitrary lookups through format strings,
# and what leads from a record to the database or to other rights (environment, cursor,
# registry, superuser and user switches). Names starting with "_" are refused too.
_UNSAFE_ATTRIBUTES = frozenset({
    "format", "format_map", "mro", "f_builtins", "f_code", "f_globals", "f_locals", "f_back",
    "func_code", "func_globals", "gi_code", "gi_frame", "gi_yieldfrom", "cr_await", "cr_code",
    "cr_frame", "ag_code", "ag_frame", "tb_frame", "tb_next",
    "env", "cr", "sudo", "with_user", "with_env", "with_context", "with_company", "with_prefetch",
    "pool", "registry", "browse", "invalidate_recordset", "invalidate_model", "invalidate_all",
})
# Attributes of a record besides its fields.
_RECORD_ATTRIBUTES = frozenset({"ids"})
_MAX_EXPONENT = 1000
_MAX_SHIFT = 10_000
_MAX_SEQUENCE = 1_000_000
_MAX_INT_BITS = 100_000  # about 30,000 decimal digits
_MAX_ITERATIONS = 100_000  # comprehension items, all comprehensions of one expression together
DEFAULT_TIMEOUT = 2.0  # seconds of evaluation, checked between nodes
_SIZED = (str, bytes, list, tuple, dict, set, frozenset)
# str methods whose result can be much longer than their inputs: the argument giving the length
_PADDING_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})
_PERCENT_SPEC = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _range(*args: int) -> range:
    """``range`` refusing more than a million items."""
    result = range(*args)
    if len(result) > _MAX_SEQUENCE:
        raise ValueError(f"a range of more than {_MAX_SEQUENCE} items is not allowed")
    return result


def _sum(iterable: Any, start: Any = 0) -> Any:
    """``sum`` of numbers only (summing lists is quadratic)."""
    if not isinstance(start, int | float):
        raise TypeError("sum() adds numbers only")
    return sum(iterable, start)


_builtins.update(range=_range, sum=_sum)

_BINARY_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.BitAnd: operator.and_,
}
_UNARY_OPS: dict[type, Callable[[Any], Any]] = {
    ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
_COMPARE_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
# How refused nodes are named in error messages (default: the node's class name).
_DESCRIPTIONS = {
    "Lambda": "lambda", "NamedExpr": "assignment expression (:=)", "Await": "await",
    "Yield": "yield", "YieldFrom": "yield from", "MatMult": "operator @",
    "Import": "import", "ImportFrom": "import", "Assign": "assignment",
    "AugAssign": "assignment", "AnnAssign": "assignment", "FunctionDef": "def",
    "AsyncFunctionDef": "def", "ClassDef": "class", "Delete": "del", "Global": "global",
    "Nonlocal": "nonlocal", "Raise": "raise", "Try": "try", "With": "with", "For": "for loop",
    "While": "while loop", "If": "if statement", "Expr": "more than one expression",
}


def safe_eval(expr: str, context: dict[str, Any] | None = None,
              timeout: float = DEFAULT_TIMEOUT) -> Any:
    """Evaluate the Python expression ``expr`` with the names of ``context``.

    Only literals, names, comparisons, boolean/arithmetic operators, subscripts,
    public attributes, conditional expressions, simple comprehensions and calls
    are accepted. Numbers, sequences, comprehensions and the evaluation time
    (``timeout`` seconds) are bounded. Anything else, and any failure while
    evaluating, raises :class:`SafeEvalError` naming the expression.
    """
    if not isinstance(expr, str):
        raise SafeEvalError(f"expression must be a string, got {type(expr).__name__}")
    tree = _parse(expr)
    evaluator = _Evaluator(expr, context or {}, timeout)
    try:
        return evaluator.visit(tree.body)
    except SafeEvalError:
        raise
    except Exception as exc:
        raise SafeEvalError(f"{type(exc).__name__}: {exc} while evaluating {expr!r}") from exc


def evaluate_modifier(expr: str | None, values: dict[str, Any]) -> bool:
    """Evaluate a view modifier (``invisible``, ``readonly``, ``required``...) on record values.

    An empty or missing modifier is False; ``"1"``/``"True"`` are True; any other
    expression is evaluated with the record's field values as names, and an
    unknown field name raises :class:`SafeEvalError`.
    """
    if expr is None or not expr.strip():
        return False
    return bool(safe_eval(expr.strip(), values))


def _parse(expr: str) -> ast.Expression:
    """Parse ``expr`` as an expression; say which statement it is when it is one."""
    try:
        return ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        error = exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise SafeEvalError(f"cannot parse {expr!r}: {exc}") from exc
    try:
        module = ast.parse(expr.strip(), mode="exec")
    except Exception:
        raise SafeEvalError(f"invalid syntax ({error.msg}) in {expr!r}") from error
    statement = next((node for node in module.body if not isinstance(node, ast.Expr)), None)
    what = _describe(statement) if statement else "more than one expression"
    raise SafeEvalError(f"{what} is not allowed in {expr!r}")


def _describe(node: ast.AST) -> str:
    name = type(node).__name__
    return _DESCRIPTIONS.get(name, name)


class _Evaluator:
    """Walks an expression tree, evaluating only whitelisted nodes."""

    def __init__(self, expr: str, context: dict[str, Any], timeout: float = DEFAULT_TIMEOUT) -> None:
        self.expr = expr
        self.context = context
        self.scopes: list[dict[str, Any]] = []  # comprehension variables, innermost last
        self.timeout = timeout
        self.deadline = _time.monotonic() + timeout
        self.iterations = 0

    def refuse(self, what: str) -> SafeEvalError:
        return SafeEvalError(f"{what} is not allowed in {self.expr!r}")

    def visit(self, node: ast.AST) -> Any:
        if _time.monotonic() > self.deadline:
            raise SafeEvalError(f"evaluation took longer than {self.timeout} s: {self.expr!r}")
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.refuse(_describe(node))
        return method(node)

    # literals and containers -------------------------------------------------------------

    def visit_Constant(self, node: ast.Constant) -> Any:
        if node.value is Ellipsis:
            raise self.refuse("...")
        return node.value

    def _elements(self, nodes: list[ast.expr]) -> list[Any]:
        values: list[Any] = []
        for element in nodes:
            if isinstance(element, ast.Starred):
                values.extend(self.visit(element.value))
            else:
                values.append(self.visit(element))
        return values

    def visit_Tuple(self, node: ast.Tuple) -> tuple:
        return tuple(self._elements(node.elts))

    def visit_List(self, node: ast.List) -> list:
        return self._elements(node.elts)

    def visit_Set(self, node: ast.Set) -> set:
        return set(self._elements(node.elts))

    def visit_Dict(self, node: ast.Dict) -> dict:
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # {**other}
                result.update(self.visit(value))
            else:
                result[self.visit(key)] = self.visit(value)
        return result

    def visit_JoinedStr(self, node: ast.JoinedStr) -> str:
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.format_spec is not None:
                    raise self.refuse("f-string format spec")
                item = self.visit(value.value)
                converters = {-1: str, ord("s"): str, ord("r"): repr, ord("a"): ascii}
                parts.append(converters[value.conversion](item))
            else:
                parts.append(self.visit(value))
        return "".join(parts)

    # names and attributes ----------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> Any:
        name = node.id
        if name.startswith("__"):
            raise self.refuse(f"name {name!r}")
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.context:
            return self.context[name]
        if name in BUILTINS:
            return BUILTINS[name]
        raise SafeEvalError(f"unknown name {name!r} in {self.expr!r}")

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        obj = self.visit(node.value)
        self._check_attribute(obj, node.attr)
        return getattr(obj, node.attr)

    def _check_attribute(self, obj: Any, name: str) -> None:
        """Refuse private and unsafe names on any object; on a record, anything but its fields."""
        if name.startswith("_") or name in _UNSAFE_ATTRIBUTES:
            raise self.refuse(f"attribute {name!r}")
        fields = getattr(type(obj), "_fields", None)
        if isinstance(fields, Mapping) and hasattr(type(obj), "_name") \
                and name not in fields and name not in _RECORD_ATTRIBUTES:
            raise self.refuse(f"attribute {name!r} of a record (only its fields)")

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        obj, key = self.visit(node.value), self.visit(node.slice)
        if isinstance(key, str) and not isinstance(obj, Mapping | str | list | tuple):
            self._check_attribute(obj, key)  # record["env"] is getattr(record, "env")
        return obj[key]

    def visit_Slice(self, node: ast.Slice) -> slice:
        def bound(part: ast.expr | None) -> Any:
            return None if part is None else self.visit(part)

        return slice(bound(node.lower), bound(node.upper), bound(node.step))

    # operators ---------------------------------------------------------------------------

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        value: Any = None
        for operand in node.values:
            value = self.visit(operand)
            if bool(value) != is_and:  # short-circuit: a falsy `and` or a truthy `or`
                return value
        return value

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        return _UNARY_OPS[type(node.op)](self.visit(node.operand))

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        op = _BINARY_OPS.get(type(node.op))
        if op is None:
            raise self.refuse(_describe(node.op))
        left, right = self.visit(node.left), self.visit(node.right)
        self._check_size(node.op, left, right)
        return op(left, right)

    def _check_size(self, op: ast.operator, left: Any, right: Any) -> None:
        """Refuse operations that would exhaust time or memory (2 ** 10 ** 9, 'x' * 10 ** 9)."""
        ints = isinstance(left, int) and isinstance(right, int)
        if isinstance(op, ast.Pow) and isinstance(right, int) and abs(right) > _MAX_EXPONENT:
            raise self.refuse(f"an exponent above {_MAX_EXPONENT}")
        if isinstance(op, ast.Pow) and ints and right > 0 and abs(left).bit_length() * right > _MAX_INT_BITS:
            raise self.refuse(f"a number of more than {_MAX_INT_BITS} bits")
        if isinstance(op, ast.LShift) and isinstance(right, int) and right > _MAX_SHIFT:
            raise self.refuse(f"a shift above {_MAX_SHIFT}")
        if isinstance(op, ast.LShift) and ints and abs(left).bit_length() + right > _MAX_INT_BITS:
            raise self.refuse(f"a number of more than {_MAX_INT_BITS} bits")
        if isinstance(op, ast.Mult):
            if ints and abs(left).bit_length() + abs(right).bit_length() > _MAX_INT_BITS:
                raise self.refuse(f"a number of more than {_MAX_INT_BITS} bits")
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | bytes | list | tuple) and isinstance(count, int):
                    if len(seq) * count > _MAX_SEQUENCE:
                        raise self.refuse(f"a sequence longer than {_MAX_SEQUENCE}")
        if isinstance(op, ast.Add) and isinstance(left, str | bytes | list | tuple) \
                and isinstance(right, str | bytes | list | tuple) and len(left) + len(right) > _MAX_SEQUENCE:
            raise self.refuse(f"a sequence longer than {_MAX_SEQUENCE}")
        if isinstance(op, ast.Mod) and isinstance(left, str):
            for width, precision in _PERCENT_SPEC.findall(left):
                for size in (width, precision):
                    if size == "*" or (size and int(size) > _MAX_SEQUENCE):
                        raise self.refuse(f"a %-format width or precision above {_MAX_SEQUENCE}")

    def visit_Compare(self, node: ast.Compare) -> bool:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            if not _COMPARE_OPS[type(op)](left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    # calls -------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> Any:
        function = self.visit(node.func)
        if not callable(function):
            raise SafeEvalError(f"{type(function).__name__} is not callable in {self.expr!r}")
        args = self._elements(node.args)
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:  # f(**mapping)
                kwargs.update(self.visit(keyword.value))
            else:
                kwargs[keyword.arg] = self.visit(keyword.value)
        self._check_call(function, args, kwargs)
        result = function(*args, **kwargs)
        if isinstance(result, _SIZED) and len(result) > _MAX_SEQUENCE:
            raise self.refuse(f"a result longer than {_MAX_SEQUENCE}")
        return result

    def _check_call(self, function: Any, args: list, kwargs: dict) -> None:
        """Refuse string methods asked for results over the size bound ('x'.ljust(10 ** 9))."""
        owner = getattr(function, "__self__", None)
        if not isinstance(owner, str | bytes):
            return
        name = getattr(function, "__name__", "")
        numbers = [v for v in (*args, *kwargs.values()) if isinstance(v, int)]
        if name in _PADDING_METHODS and any(n * max(len(owner), 1) > _MAX_SEQUENCE
                                            if name == "expandtabs" else n > _MAX_SEQUENCE
                                            for n in numbers):
            raise self.refuse(f"a string longer than {_MAX_SEQUENCE}")
        if name == "replace" and len(args) >= 2 and isinstance(args[0], str | bytes) \
                and isinstance(args[1], str | bytes):
            grown = len(owner) + (owner.count(args[0]) + (1 if not args[0] else 0)) \
                * max(len(args[1]) - len(args[0]), 0)
            if grown > _MAX_SEQUENCE:
                raise self.refuse(f"a string longer than {_MAX_SEQUENCE}")

    # comprehensions ----------------------------------------------------------------------

    def visit_ListComp(self, node: ast.ListComp) -> list:
        return [self.visit(node.elt) for _ in self._iterate(node.generators)]

    def visit_SetComp(self, node: ast.SetComp) -> set:
        return {self.visit(node.elt) for _ in self._iterate(node.generators)}

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> Iterator[Any]:
        """Evaluated eagerly: ``any(x for x in ...)`` behaves the same, and no frame leaks."""
        return iter([self.visit(node.elt) for _ in self._iterate(node.generators)])

    def visit_DictComp(self, node: ast.DictComp) -> dict:
        return {
            self.visit(node.key): self.visit(node.value) for _ in self._iterate(node.generators)
        }

    def _iterate(self, generators: list[ast.comprehension]) -> Iterator[None]:
        """Bind the comprehension's variables in a new scope for each accepted item."""
        scope: dict[str, Any] = {}
        self.scopes.append(scope)
        try:
            yield from self._loop(generators, scope)
        finally:
            self.scopes.pop()

    def _loop(self, generators: list[ast.comprehension], scope: dict[str, Any]) -> Iterator[None]:
        first, rest = generators[0], generators[1:]
        if first.is_async:
            raise self.refuse("async comprehension")
        for item in self.visit(first.iter):
            self.iterations += 1
            if self.iterations > _MAX_ITERATIONS:
                raise self.refuse(f"more than {_MAX_ITERATIONS} comprehension items in all")
            self._bind(first.target, item, scope)
            if all(self.visit(condition) for condition in first.ifs):
                if rest:
                    yield from self._loop(rest, scope)
                else:
                    yield None

    def _bind(self, target: ast.expr, value: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, ast.Name):
            if target.id.startswith("__"):
                raise self.refuse(f"name {target.id!r}")
            scope[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            values = list(value)
            if len(values) != len(target.elts):
                raise SafeEvalError(
                    f"cannot unpack {len(values)} values into {len(target.elts)} "
                    f"in {self.expr!r}"
                )
            for element, item in zip(target.elts, values, strict=True):
                self._bind(element, item, scope)
        else:
            raise self.refuse(f"comprehension target {_describe(target)}")
