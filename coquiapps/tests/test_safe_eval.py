"""The restricted evaluator: what it evaluates, and what it refuses."""
from __future__ import annotations

import datetime
import re
import time

import pytest

from coquiapps.tools.safe_eval import SafeEvalError, evaluate_modifier, safe_eval


class Record:
    """A stand-in for a context object with public and private attributes."""

    def __init__(self) -> None:
        self.name = "Shop"
        self._secret = "hidden"

    def upper_name(self) -> str:
        return self.name.upper()


@pytest.mark.parametrize(("expr", "expected"), [
    ("1", 1),
    ("-2.5", -2.5),
    ("'text'", "text"),
    ("True", True),
    ("None", None),
    ("(1, 'a')", (1, "a")),
    ("[1, [2, 3]]", [1, [2, 3]]),
    ("{'a': 1, 'b': [2]}", {"a": 1, "b": [2]}),
    ("{1, 2}", {1, 2}),
    ("(0, 0, {'name': 'x'})", (0, 0, {"name": "x"})),
    ("[(6, 0, [1, 2])]", [(6, 0, [1, 2])]),
    ("1 + 2 * 3 - 4 / 2", 5.0),
    ("7 // 2, 7 % 2, 2 ** 10", (3, 1, 1024)),
    ("'%s-%s' % ('a', 'b')", "a-b"),
    ("not 0", True),
    ("1 < 2 < 3", True),
    ("3 > 2 > 2", False),
    ("'a' in 'abc' and 'z' not in 'abc'", True),
    ("None is None and 1 is not None", True),
    ("0 or '' or 'last'", "last"),
    ("1 and 'second'", "second"),
    ("'yes' if 1 else 'no'", "yes"),
    ("[1, 2, 3][1:]", [2, 3]),
    ("{'a': 1}['a']", 1),
    ("len([1, 2]) + max(1, 5) + min([3, 4]) + sum([1, 1]) + abs(-1)", 13),
    ("sorted({3, 1, 2})", [1, 2, 3]),
    ("round(2.567, 2)", 2.57),
    ("any([0, 1]) and all([1, 1])", True),
    ("int('4') + float('0.5')", 4.5),
    ("dict(a=1)", {"a": 1}),
    ("[x * 2 for x in [1, 2, 3] if x > 1]", [4, 6]),
    ("{k: v for k, v in [('a', 1), ('b', 2)]}", {"a": 1, "b": 2}),
    ("any(x > 2 for x in [1, 3])", True),
    ("[(a, b) for a in [1, 2] for b in 'xy' if a == 1]", [(1, "x"), (1, "y")]),
    ("'a,b'.split(',')", ["a", "b"]),
    ("f'{1 + 1}!'", "2!"),
    ("[*[1, 2], 3]", [1, 2, 3]),
    ("{**{'a': 1}, 'b': 2}", {"a": 1, "b": 2}),
])
def test_literals_operators_and_builtins(expr, expected):
    assert safe_eval(expr) == expected


def test_context_names_functions_and_attributes():
    record = Record()
    context = {"ref": lambda xmlid: f"id:{xmlid}", "record": record, "n": 3}
    assert safe_eval("ref('base.main_company')", context) == "id:base.main_company"
    assert safe_eval("record.name + '!'", context) == "Shop!"
    assert safe_eval("record.upper_name()", context) == "SHOP"
    assert safe_eval("n * 2", context) == 6


def test_context_wins_over_builtins():
    assert safe_eval("len", {"len": 42}) == 42


def test_comprehension_variables_do_not_leak():
    assert safe_eval("([x for x in [1, 2]], x)", {"x": "outer"}) == ([1, 2], "outer")


def test_dates():
    today = datetime.date.today()
    assert safe_eval("datetime.date.today()") == today
    assert safe_eval("date.today() + timedelta(days=1)") == today + datetime.timedelta(days=1)
    assert isinstance(safe_eval("datetime.datetime.now()"), datetime.datetime)
    assert isinstance(safe_eval("datetime.now()"), datetime.datetime)
    assert safe_eval("datetime.timedelta(hours=1).seconds") == 3600
    assert safe_eval("time.strftime('%Y')") == str(today.year)


def test_unknown_name_is_named():
    with pytest.raises(SafeEvalError, match=r"unknown name 'missing' in 'missing \+ 1'"):
        safe_eval("missing + 1")


@pytest.mark.parametrize(("expr", "what"), [
    ("lambda: 1", "lambda"),
    ("(y := 1)", r"assignment expression \(:=\)"),
    ("import os", "import"),
    ("from os import path", "import"),
    ("x = 1", "assignment"),
    ("__import__('os')", "name '__import__'"),
    ("().__class__", "attribute '__class__'"),
    ("record._secret", "attribute '_secret'"),
    ("'{0.__class__}'.format(1)", "attribute 'format'"),
    ("'{a}'.format_map({})", "attribute 'format_map'"),
    ("f'{record:>10}'", "f-string format spec"),
    ("2 ** 100000", "an exponent above 1000"),
    ("'x' * 10 ** 9", "a sequence longer than"),
    ("1 << 100000", "a shift above"),
    ("[1] @ [2]", "operator @"),
    ("1; 2", "more than one expression"),
    ("[__x for __x in [1]]", "name '__x'"),
])
def test_refused_constructs_are_named(expr, what):
    with pytest.raises(SafeEvalError, match=what) as info:
        safe_eval(expr, {"record": Record()})
    assert repr(expr) in str(info.value)
    assert "not allowed" in str(info.value)


@pytest.mark.parametrize("expr", ["datetime.sys", "time.sleep(1)", "time.os"])
def test_modules_are_not_exposed(expr):
    # `datetime` and `time` are namespaces of safe members, not the modules themselves
    with pytest.raises(SafeEvalError, match="AttributeError"):
        safe_eval(expr)


def test_datetime_namespace_refuses_private_attributes():
    with pytest.raises(SafeEvalError, match="attribute '__dict__'"):
        safe_eval("datetime.__dict__")


def test_syntax_error_names_expression():
    with pytest.raises(SafeEvalError, match=r"invalid syntax .* in 'state =='"):
        safe_eval("state ==")


def test_runtime_errors_are_wrapped():
    with pytest.raises(SafeEvalError, match=r"ZeroDivisionError: .* while evaluating '1 / 0'"):
        safe_eval("1 / 0")
    with pytest.raises(SafeEvalError, match="KeyError"):
        safe_eval("{}['a']")


def test_non_callable_call_is_refused():
    with pytest.raises(SafeEvalError, match="int is not callable"):
        safe_eval("n()", {"n": 1})


def test_no_eval_of_raw_strings():
    # a string value in the context stays a string: nothing is evaluated twice
    assert safe_eval("code", {"code": "__import__('os')"}) == "__import__('os')"


def test_not_a_string():
    with pytest.raises(SafeEvalError, match="must be a string"):
        safe_eval(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(("expr", "values", "expected"), [
    (None, {}, False),
    ("", {}, False),
    ("   ", {}, False),
    ("1", {}, True),
    ("True", {}, True),
    ("0", {}, False),
    ("False", {}, False),
    ("state != 'connected'", {"state": "connected"}, False),
    ("state != 'connected'", {"state": "error"}, True),
    ("not active", {"active": True}, False),
    ("not active", {"active": False}, True),
    ("sp_state in ('connected', 'error') or not app_id", {"sp_state": "draft", "app_id": 4}, False),
    ("sp_state in ('connected', 'error') or not app_id", {"sp_state": "draft", "app_id": False}, True),
    ("sp_state in ('connected', 'error') or not app_id", {"sp_state": "error", "app_id": 4}, True),
    ("line_ids", {"line_ids": []}, False),
])
def test_evaluate_modifier(expr, values, expected):
    assert evaluate_modifier(expr, values) is expected


def test_modifier_with_unknown_field():
    with pytest.raises(SafeEvalError, match="unknown name 'stat'"):
        evaluate_modifier("stat == 'x'", {"state": "x"})


# -- bounds (issue 12): each refused at once, before the work is done ----------------------------
@pytest.mark.parametrize(("expr", "what"), [
    ("((10**1000)**1000)**1000", "a number of more than 100000 bits"),
    ("(10**1000)**1000", "a number of more than 100000 bits"),
    ("(7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000)"
     " * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000)"
     " * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000)"
     " * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000) * (7**1000)"
     " * (7**1000) * (7**1000) * (7**1000) * (7**1000)", "a number of more than 100000 bits"),
    ("((2**1000)**95) << 9000", "a number of more than 100000 bits"),
    ("[0] * 10**7", "a sequence longer than 1000000"),
    ("(10**6) * 'ab'", "a sequence longer than 1000000"),
    ("('x' * 10**6) + ('x' * 10**6)", "a sequence longer than 1000000"),
    ("'x'.ljust(10**9)", "a string longer than 1000000"),
    ("'x'.center(10**9, '-')", "a string longer than 1000000"),
    ("'1'.zfill(10**9)", "a string longer than 1000000"),
    ("('\\t' * 10**5).expandtabs(100)", "a string longer than 1000000"),
    ("('x' * 10**6).replace('x', 'xx')", "a string longer than 1000000"),
    ("'%0999999999d' % 1", "a %-format width or precision above 1000000"),
    ("'%*d' % (10**9, 1)", "a %-format width or precision above 1000000"),
    ("[[x for x in range(1000)] for y in range(1000)]", "more than 100000 comprehension items"),
    ("[(a, b) for a in range(1000) for b in range(1000)]", "more than 100000 comprehension items"),
    ("{a: [b for b in range(400)] for a in range(400)}", "more than 100000 comprehension items"),
])
def test_resource_bounds(expr, what):
    # no deadline: the bound itself must stop the expression, however busy the machine
    with pytest.raises(SafeEvalError, match=re.escape(what)) as info:
        safe_eval(expr, timeout=3600)
    assert "not allowed" in str(info.value)


@pytest.mark.parametrize(("expr", "what"), [
    ("range(10**9)", "a range of more than 1000000 items"),
    ("list(range(0, 10**12, 2))", "a range of more than 1000000 items"),
    ("sum([[1]] * 1000, [])", "sum() adds numbers only"),
])
def test_builtins_are_bounded(expr, what):
    with pytest.raises(SafeEvalError, match=re.escape(what)):
        safe_eval(expr)


def test_bounded_builtins_still_work():
    assert safe_eval("sum(range(5))") == 10
    assert safe_eval("list(range(2, 8, 3))") == [2, 5]
    assert safe_eval("len([x for x in range(10**5)])", timeout=3600) == 10**5
    assert safe_eval("2 ** 1000 > 0 and 10 ** 300 * 10 ** 300 > 0")


def test_evaluation_time_is_bounded():
    """A context function outlives the deadline: the next step of the expression stops."""
    calls = []

    def spin():
        # waits for the clock to pass the deadline, not a guess of the machine's speed
        end = time.monotonic() + 0.2
        while time.monotonic() < end:
            pass
        calls.append(1)
        return 1

    with pytest.raises(SafeEvalError, match=r"evaluation took longer than 0\.1 s"):
        safe_eval("[spin() for i in range(10)]", {"spin": spin}, timeout=0.1)
    assert len(calls) == 1


class Recordish:
    """Looks like a recordset to the evaluator: fields only, nothing else."""

    _name = "x.model"
    _fields = {"name": None}
    ids = [1]

    def __init__(self):
        self.name = "rec"
        self.env = "ENV"
        self.cr = "CR"

    def sudo(self):
        return self

    def unlink(self):
        return "deleted"

    def __getitem__(self, key):
        return getattr(self, key)


@pytest.mark.parametrize("name", ["env", "cr", "sudo", "with_user", "with_env", "with_context",
                                  "pool", "registry"])
def test_dangerous_attributes_refused_on_any_object(name):
    with pytest.raises(SafeEvalError, match=f"attribute '{name}' is not allowed"):
        safe_eval(f"obj.{name}", {"obj": Record()})
    with pytest.raises(SafeEvalError, match=f"attribute '{name}' is not allowed"):
        safe_eval(f"rec[{name!r}]", {"rec": Recordish()})


def test_records_expose_only_their_fields():
    rec = Recordish()
    assert safe_eval("rec.name", {"rec": rec}) == "rec"
    assert safe_eval("rec['name']", {"rec": rec}) == "rec"
    assert safe_eval("rec.ids", {"rec": rec}) == [1]
    with pytest.raises(SafeEvalError, match="attribute 'unlink' of a record"):
        safe_eval("rec.unlink()", {"rec": rec})
    assert safe_eval("{'env': 1}['env']") == 1  # a mapping's keys are data, not attributes
