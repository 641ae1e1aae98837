"""`check` against hostile and odd answers (issue 18, item 4): a clear one-line message or a correct verdict.

Every case is judged by what check does, not by a stopwatch: an oversized answer must be refused
*by its size* (the message says so, and the test's list or array would take seconds to convert),
a hostile object's methods are never called where they could lie or hang, and every message is one
line of bounded length. The exercises used are picked by the kind of answer they expect, so the
suite follows the registry as notebooks change.
"""

from __future__ import annotations

import decimal
import fractions
import math

import numpy as np
import pytest
import torch

from helper.exercises import EXERCISES, MAX_DEPTH, MAX_ELEMENTS, check


def _kind(value) -> str:
    if isinstance(value, bool) or (isinstance(value, list) and value and all(isinstance(v, bool) for v in value)):
        return "yes/no"
    return "text" if isinstance(value, str) else "number"


def _first(predicate) -> str:
    return next(k for k, ex in sorted(EXERCISES.items()) if predicate(ex.expected()))


SCALAR = _first(lambda v: _kind(v) == "number" and torch.as_tensor(v).numel() == 1 and 0.01 < abs(float(v)) < 1e6)
VECTOR = _first(lambda v: _kind(v) == "number" and torch.as_tensor(v).numel() > 1)
YES_NO = _first(lambda v: _kind(v) == "yes/no")
E = float(EXERCISES[SCALAR].expected())  # the scalar exercise's answer
LONGEST = 400  # characters of one verdict line
pytestmark = pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")


def _deep(depth: int):
    value = [E]
    for _ in range(depth):
        value = [value]
    return value


def _self_containing():
    value: list = []
    value.append(value)
    return value


class HugeRepr:
    def __repr__(self):
        return "x" * 10**7


class BadRepr:
    def __repr__(self):
        raise RuntimeError("no repr")

    __str__ = __repr__


HugeName = type("N" * 100_000, (), {})


class ArrayBomb:
    """An object whose __array__ would build a huge array: check must not ask for it."""

    def __array__(self, *args, **kwargs):
        raise AssertionError("check called __array__ of an arbitrary object")


class FloatOnly:
    def __float__(self):
        raise AssertionError("check called __float__ of an arbitrary object")


class LyingInt(int):
    def __float__(self):
        return 12345.0

    def __int__(self):
        return 12345


class LyingList(list):
    """Reports and iterates something else than what it holds."""

    def __len__(self):
        return 10**9

    def __iter__(self):
        while True:
            yield 0.0

    def __getitem__(self, i):
        return 0.0


class AlwaysClose(torch.Tensor):
    """A tensor subclass that claims to be close to anything and detaches / converts to itself."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in ("allclose", "isclose", "equal", "eq", "__eq__"):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})

    def tolist(self):
        return [E]

    def numel(self):
        return 1


class SizeLiar(np.ndarray):
    @property
    def size(self):
        return 1


def _widget():
    ipywidgets = pytest.importorskip("ipywidgets")
    return ipywidgets.FloatSlider(value=E)


# (id, exercise, answer factory, expected: True/False for a verdict or a substring of the message)
CASES = [
    ("text", SCALAR, lambda: "abc", "expected a number, got the text 'abc'"),
    ("text-number", SCALAR, lambda: str(E), "remove the quotes"),
    ("text-huge", SCALAR, lambda: "9" * 10**6, "got the text '9999"),
    ("text-nan", SCALAR, lambda: "nan", "got the text 'nan'"),
    ("bytes", SCALAR, lambda: b"1.0", "got bytes"),
    ("dict", SCALAR, lambda: {"answer": E}, "got a dict"),
    ("set", SCALAR, lambda: {E}, "a set has no order"),
    ("object", SCALAR, lambda: object(), "an object of type object"),
    ("function", SCALAR, lambda: lambda: E, "call it and pass its result"),
    ("generator", SCALAR, lambda: (x for x in [E]), "make it a list first"),
    ("iterator", SCALAR, lambda: iter([E]), "make it a list first"),
    ("range", SCALAR, lambda: range(10**12), "an object of type range"),
    ("widget", SCALAR, _widget, "a widget (FloatSlider): use its .value"),
    ("huge-repr", SCALAR, lambda: HugeRepr(), "an object of type HugeRepr"),
    ("raising-repr", SCALAR, lambda: BadRepr(), "an object of type BadRepr"),
    ("huge-type-name", SCALAR, lambda: HugeName(), "an object of type NNNN"),
    ("array-bomb", SCALAR, lambda: ArrayBomb(), "an object of type ArrayBomb"),
    ("float-only", SCALAR, lambda: FloatOnly(), "an object of type FloatOnly"),
    ("10**400", SCALAR, lambda: 10**400, "too large for a float"),
    ("-10**400", SCALAR, lambda: -(10**400), "too large for a float"),
    ("10**400-in-list", VECTOR, lambda: [10**400, 1.0], "too large for a float"),
    ("complex", SCALAR, lambda: complex(E, 1), "a complex number"),
    ("numpy-complex", SCALAR, lambda: np.complex128(E), "a complex number"),
    ("complex-tensor", SCALAR, lambda: torch.tensor([complex(E, 0)]), "complex tensor"),
    ("complex-array", SCALAR, lambda: np.array([complex(E, 0)]), "complex array"),
    ("meta-tensor", SCALAR, lambda: torch.empty((), device="meta"), "meta device"),
    ("meta-in-list", VECTOR, lambda: [torch.empty(2, device="meta")], "meta device"),
    (
        "sparse-coo",
        VECTOR,
        lambda: torch.as_tensor(EXERCISES[VECTOR].expected()).to_sparse(),
        "sparse_coo tensor: pass answer.to_dense()",
    ),
    ("sparse-csr", VECTOR, lambda: torch.eye(3).to_sparse_csr(), "sparse_csr tensor"),
    ("tensor-1e6", SCALAR, lambda: torch.zeros(10**6), "got a tensor of 1000000 values"),
    ("meta-1e12", SCALAR, lambda: torch.empty(10**6, 10**6, device="meta"), "meta device"),
    ("array-1e6", SCALAR, lambda: np.zeros(10**6), "got an array of 1000000 values"),
    ("array-size-liar", SCALAR, lambda: np.zeros(10**6).view(SizeLiar), "got an array of 1000000 values"),
    ("list-1e6", SCALAR, lambda: [0.0] * 10**6, f"more than {MAX_ELEMENTS} values"),
    ("nested-1e6", VECTOR, lambda: [[0.0] * 1000] * 1000, f"more than {MAX_ELEMENTS} values"),
    ("wide-empties", VECTOR, lambda: [[]] * 10**6, f"more than {MAX_ELEMENTS} values"),
    ("deep-1e4", SCALAR, lambda: _deep(10**4), f"nested more than {MAX_DEPTH} deep"),
    ("self-containing", SCALAR, _self_containing, f"nested more than {MAX_DEPTH} deep"),
    ("lying-list", SCALAR, lambda: LyingList([E]), True),
    ("lying-int", SCALAR, lambda: LyingInt(round(E)), False),
    ("text-array", VECTOR, lambda: np.array(["a", "b"]), "array of text"),
    ("datetime-array", VECTOR, lambda: np.array(["2020-01-01"], dtype="datetime64[D]"), "dtype datetime64"),
    ("structured-array", VECTOR, lambda: np.zeros(2, dtype=[("a", "f8"), ("b", "f8")]), "dtype"),
    ("object-array-text", VECTOR, lambda: np.array(["a", 1.0], dtype=object), "the text 'a' inside the answer"),
    ("text-in-list", VECTOR, lambda: [1.0, "a"], "the text 'a' inside the answer"),
    ("none-in-list", VECTOR, lambda: [1.0, None], "contains None"),
    ("ellipsis-in-list", VECTOR, lambda: [1.0, ...], "still contains ..."),
    ("ragged", VECTOR, lambda: [[1.0], [1.0, 2.0]], "different lengths"),
    ("bool-tensor", SCALAR, lambda: torch.tensor(True), "got True/False"),
    ("numpy-bool", SCALAR, lambda: np.bool_(False), "got True/False"),
    ("nan-numpy", SCALAR, lambda: np.float64("nan"), "contains nan"),
    ("inf-tensor", SCALAR, lambda: torch.tensor(math.inf), "contains inf"),
    ("always-close-wrong", SCALAR, lambda: torch.tensor(E + 1.0).as_subclass(AlwaysClose), False),
    (
        "always-close-wrong-vector",
        VECTOR,
        lambda: (torch.as_tensor(EXERCISES[VECTOR].expected(), dtype=torch.float64) + 1).as_subclass(AlwaysClose),
        False,
    ),
    ("always-close-right", SCALAR, lambda: torch.tensor(E, dtype=torch.float64).as_subclass(AlwaysClose), True),
    ("requires-grad", SCALAR, lambda: torch.tensor(E, dtype=torch.float64, requires_grad=True), True),
    ("fraction", SCALAR, lambda: fractions.Fraction(E), True),
    ("decimal", SCALAR, lambda: decimal.Decimal(repr(E)), True),
    ("float-subclass", SCALAR, lambda: type("F", (float,), {"__float__": lambda self: 0.0})(E), True),
    ("yes-no-text", YES_NO, lambda: "yes", "without quotes"),
    ("yes-no-dict", YES_NO, lambda: {}, "got a dict"),
    ("yes-no-numbers", YES_NO, lambda: [1, 0], "not 1 or 0"),
    ("yes-no-1e6-bools", YES_NO, lambda: torch.ones(10**6, dtype=torch.bool), "1000000 values"),
    ("yes-no-widget", YES_NO, lambda: _widget(), "a widget"),
    ("yes-no-none-inside", YES_NO, lambda: [True, None], "contains None"),
]


@pytest.mark.parametrize("key, make, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_answer_gets_a_clear_message_or_a_correct_verdict(key, make, expected, capsys):
    answer = make()
    verdict = check(key, answer)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.endswith("\n"), f"not one line: {out[:500]!r}"
    assert len(out) <= LONGEST, f"{len(out)} characters: {out[:500]!r}"
    if isinstance(expected, bool):
        assert verdict is expected, out
    else:
        assert verdict is False
        assert out.startswith(f"[{key}] Not quite: ") and expected in out, out


def test_there_are_at_least_forty_hostile_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("key", [["a"], None, 3, "x" * 10**6])
def test_a_bad_key_is_a_short_value_error(key):
    with pytest.raises(ValueError, match="unknown exercise") as info:
        check(key, 1.0)
    assert len(str(info.value).split(";")[0]) < 120


def test_an_oversized_list_is_refused_before_any_element_is_read(monkeypatch, capsys):
    """The size test runs on the list's length: no element is converted (so a million entries cost nothing)."""
    import helper.exercises as engine

    touched = []
    real = engine._scalar
    monkeypatch.setattr(engine, "_scalar", lambda value: touched.append(value) or real(value))
    assert check(SCALAR, [0.0] * 10**6) is False
    assert "more than" in capsys.readouterr().out and not touched
    assert check(SCALAR, [[0.0] * 3] * 3) is False  # the spy itself works
    assert len(touched) >= 9  # its nine entries (and the expected value)
