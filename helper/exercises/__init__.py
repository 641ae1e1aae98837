"""Self-checks for the notebooks' exercises.

Each exercise is registered under a key such as ``"02.overflow_float32"`` with a
function that computes the expected answer from torch, a hint, a tolerance and a
worked ``solution``. :func:`check` compares a learner's answer with it and prints
whether it is right, never the answer itself. Exercises live in one module per
notebook (``nb01.py`` ...), imported below.

What counts as the same answer:

* numbers: any Python, numpy or torch number, list, array or tensor whose values
  match within the exercise's tolerance once both sides are squeezed (a ``(4, 1)``
  or ``(1, 4)`` answer matches an expected ``(4,)``; a 1-element tensor matches a number);
* yes/no answers: ``bool``, ``numpy.bool_`` or a one-element ``torch.bool`` tensor
  (and sequences of them, for an exercise that asks several yes/no questions);
* short strings: compared without case and surrounding spaces.

What a wrong answer is told, the first that applies: ``None`` or ``...`` left inside, not a
number (or not a yes/no), then the exercise's named :class:`Mistake` (the most specific message,
so a mistake may have another shape or hold inf), then the wrong count or shape, nan or inf, the
right value typed with too few digits, and last its staged hint (a nudge first, the next stage on
each repeated miss of that exercise in the session; never the solution). Answers are read under bounds (at most ``MAX_ELEMENTS`` numbers, lists nested at most
``MAX_DEPTH`` deep, tensor subclasses read as plain tensors), so an odd or hostile object gets a
one-line message instead of a crash or a hang.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

__all__ = ["Exercise", "Mistake", "check", "exercise", "reset_hints", "EXERCISES", "MAX_ELEMENTS", "MAX_DEPTH"]


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer of one exercise, recognised by value and named in its own message.

    ``wrong`` computes the wrong answer (e.g. the right one with the sign flipped, in bits instead
    of nats, a sum instead of a mean); an answer that matches it within the exercise's tolerance
    gets ``message`` instead of the generic hint. ``name`` is a short tag used by tests.
    """

    name: str
    wrong: Callable[[], Any]
    message: str


@dataclass(frozen=True)
class Exercise:
    """One exercise: how to compute its answer, how close is close, staged hints and a worked solution.

    ``solution`` is a short piece of Python that, run in the exercise cell's namespace
    (the notebook's earlier cells and the lines above ``answer = ...``), assigns the
    correct ``answer``. ``make solutions`` substitutes it for ``answer = ...``.

    ``hints`` are staged: the first is a nudge, later ones say more on repeated misses; none
    may contain the solution's code. ``transfer`` marks an exercise that asks for something the
    notebook did not just compute (a prediction, a derivation checked numerically, a new case).
    ``shape`` is ``"squeeze"`` (any shape that squeezes to the expected one) or ``"exact"`` (the
    exercise teaches a shape, so the answer must have exactly the expected shape).
    ``mistakes`` are the exercise's named common wrong answers.
    """

    key: str
    expected: Callable[[], Any]
    hints: tuple[str, ...]
    rtol: float = 1e-4
    atol: float = 1e-6
    solution: str = ""
    transfer: bool = False
    shape: str = "squeeze"
    mistakes: tuple[Mistake, ...] = ()

    @property
    def hint(self) -> str:
        """The first (nudge) hint."""
        return self.hints[0]

    @property
    def tolerance(self) -> str:
        """The tolerance in words, printed with every verdict so a learner knows what counts."""
        if self.rtol == 0 and self.atol == 0:
            return "exact values only"
        parts = []
        if self.rtol:
            parts.append(f"relative error up to {self.rtol:.0e}")
        if self.atol:
            parts.append(f"absolute error up to {self.atol:.0e}")
        return " plus ".join(parts)


EXERCISES: dict[str, Exercise] = {}


def exercise(
    key: str,
    hint: str | Sequence[str] = (),
    *,
    solution: str = "",
    rtol: float = 1e-4,
    atol: float = 1e-6,
    transfer: bool = False,
    shape: str = "squeeze",
    mistakes: Sequence[Mistake] = (),
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the decorated zero-argument function as the oracle of exercise ``key``.

    ``hint`` is one hint or a sequence of staged hints (nudge first). ``solution`` should
    always be given (the tests require one for every exercise); it is optional here only so
    that a notebook module without one still imports.
    """
    hints = (hint,) if isinstance(hint, str) else tuple(hint)
    if not hints or not all(isinstance(h, str) and h.strip() for h in hints):
        raise ValueError(f"exercise {key!r}: give at least one non-empty hint (a str or a sequence of str)")
    if not isinstance(solution, str) or (solution.strip() and "answer" not in solution):
        raise ValueError(f"exercise {key!r}: solution must be Python code that assigns `answer`")
    if shape not in ("squeeze", "exact"):
        raise ValueError(f"exercise {key!r}: shape must be 'squeeze' or 'exact', got {shape!r}")
    if not all(isinstance(m, Mistake) for m in mistakes):
        raise TypeError(f"exercise {key!r}: mistakes must be Mistake objects")

    def register(fn: Callable[[], Any]) -> Callable[[], Any]:
        if key in EXERCISES:
            raise ValueError(f"exercise {key!r} is registered twice")
        EXERCISES[key] = Exercise(key, fn, hints, rtol, atol, solution.strip(), bool(transfer), shape, tuple(mistakes))
        return fn

    return register


# ---------------------------------------------------------------- reading an answer, within bounds
#
# A learner's answer can be anything: a mistake (a str, a dict, a widget, a function) or a value that
# would make a naive comparison slow or crash (a million-entry list, lists nested a thousand deep,
# 10**400, a meta or sparse tensor, a tensor subclass that overrides allclose). Every answer is read
# into a plain float64 tensor (or a list of bools, or a str) under these bounds, refused otherwise
# with a one-line message; nothing of the answer is shown back beyond MAX_SHOWN characters.

MAX_ELEMENTS = 10_000  # far more numbers than any exercise asks for; larger answers are refused by size
MAX_DEPTH = 16  # how deeply lists may nest
MAX_SHOWN = 40  # characters of a learner's text or a type's name quoted in a message
_SIG_DIGITS = range(2, 6)  # "close: keep more digits" recognises values rounded to 2-5 significant digits


class _Refusal(Exception):
    """An answer check cannot compare, with the one-line message that says why."""


def _clip(text: str, limit: int = MAX_SHOWN) -> str:
    text = str.__getitem__(text, slice(0, limit + 1))  # a plain str, whatever subclass came in
    return text if len(text) <= limit else text[:limit] + "..."


def _type_name(value: Any) -> str:
    """The name of an object's type, bounded (a hostile class may have a huge or odd name)."""
    try:
        name = vars(type)["__qualname__"].__get__(type(value))
        return _clip(name if isinstance(name, str) else "object")
    except Exception:  # noqa: BLE001 - any odd type is just "an object"
        return "object"


def _text(value: str) -> str:
    return repr(_clip(value))


def _describe(value: Any) -> str:
    """What an answer that is not a number is, in a few words (never its repr, which may be huge)."""
    t = type(value)
    if issubclass(t, str):
        return f"the text {_text(value)}"
    if issubclass(t, (bytes, bytearray)):
        return "bytes"
    if issubclass(t, dict):
        return "a dict"
    if issubclass(t, (set, frozenset)):
        return "a set (a set has no order: use a list)"
    if issubclass(t, complex) or issubclass(t, np.complexfloating):
        return "a complex number"
    module = getattr(t, "__module__", "") or ""
    if isinstance(module, str) and module.startswith("ipywidgets"):
        return f"a widget ({_type_name(value)}): use its .value"
    if callable(value):
        return f"a function or class ({_type_name(value)}): call it and pass its result"
    if hasattr(t, "__next__"):
        return f"an iterator ({_type_name(value)}): make it a list first"
    return f"an object of type {_type_name(value)}"


def _plain_tensor(value: torch.Tensor) -> torch.Tensor:
    """The answer's values as a plain float64 CPU tensor, without running any subclass's overrides."""
    try:
        layout = torch._C.TensorBase.layout.__get__(value)  # the C attribute: no subclass property runs
        if layout != torch.strided:
            kind = str(layout).replace("torch.", "")
            raise _Refusal(f"expected a plain tensor, got a {kind} tensor: pass answer.to_dense()")
        with torch._C.DisableTorchFunctionSubclass():
            t = torch.Tensor.as_subclass(value, torch.Tensor)
        if t.device.type == "meta":
            raise _Refusal("a tensor on the meta device has a shape but no values: compute it on the CPU")
        if t.numel() > MAX_ELEMENTS:
            raise _Refusal(f"expected at most a few numbers, got a tensor of {t.numel()} values")
        if t.is_complex():
            raise _Refusal("expected real numbers, got a complex tensor")
        if t.is_quantized:
            t = t.dequantize()
        return t.detach().to("cpu", torch.float64).clone()
    except _Refusal:
        raise
    except Exception:  # noqa: BLE001 - nested, fake or otherwise unreadable tensors
        raise _Refusal(
            f"check cannot read the values of this tensor ({_type_name(value)}): pass a plain tensor or a list"
        ) from None


def _plain_array(value: np.ndarray) -> np.ndarray:
    """A plain ndarray of the answer, bounded by size (object arrays are read element by element)."""
    size = np.ndarray.__dict__["size"].__get__(value)
    if size > MAX_ELEMENTS:
        raise _Refusal(f"expected at most a few numbers, got an array of {size} values")
    arr = np.array(value, copy=True, subok=False)
    if arr.dtype.kind in "US":
        raise _Refusal("expected numbers, got an array of text")
    if arr.dtype.kind == "c":
        raise _Refusal("expected real numbers, got a complex array")
    if arr.dtype.kind not in "biufO":
        raise _Refusal(f"expected numbers, got an array of dtype {_clip(str(arr.dtype))}")
    return arr


def _scalar(value: Any) -> float:
    """One Python number as a float (bool counts as 0/1 here); refuses anything else."""
    t = type(value)
    try:
        if issubclass(t, (bool, np.bool_)):
            return float(bool(value))
        if issubclass(t, int):
            return float(int.__int__(value))
        if issubclass(t, float):
            return float.__float__(value)
        if issubclass(t, (np.integer, np.floating)):
            return float(value)
        if issubclass(t, numbers.Real) or type(value).__name__ == "Decimal":
            return float(value)
    except OverflowError:
        raise _Refusal("a number too large for a float (over 1e308): check the computation") from None
    except Exception:  # noqa: BLE001 - a hostile __float__
        raise _Refusal(f"check cannot read {_describe(value)} as a number") from None
    raise _Refusal(f"expected a number, got {_describe(value)}")


def _nested(value: Any) -> Any:
    """The answer as nested lists of floats (bools as 0/1), at most MAX_ELEMENTS and MAX_DEPTH deep."""
    budget = [MAX_ELEMENTS]

    def spend(n: int) -> None:
        budget[0] -= n
        if budget[0] < 0:
            raise _Refusal(f"expected at most a few numbers, got more than {MAX_ELEMENTS} values: check the shape")

    def walk(x: Any, depth: int) -> Any:
        t = type(x)
        if x is ...:
            raise _Refusal("your answer still contains ... : replace it with your value")
        if x is None:
            raise _Refusal("your answer contains None: did a function forget to return?")
        if issubclass(t, (list, tuple)):
            if depth >= MAX_DEPTH:
                raise _Refusal(f"lists nested more than {MAX_DEPTH} deep: expected a few numbers")
            items = list.__len__(x) if issubclass(t, list) else tuple.__len__(x)
            spend(items)
            seq = [list.__getitem__(x, i) if issubclass(t, list) else tuple.__getitem__(x, i) for i in range(items)]
            return [walk(v, depth + 1) for v in seq]
        if issubclass(t, torch.Tensor):
            plain = _plain_tensor(x)
            spend(plain.numel())
            return plain.tolist()
        if issubclass(t, np.ndarray):
            arr = _plain_array(x)
            spend(arr.size)
            return walk(arr.tolist(), depth) if arr.ndim else _scalar(arr.item())
        if issubclass(t, str):
            raise _Refusal(f"expected numbers, got {_describe(x)} inside the answer")
        return _scalar(x)

    return walk(value, 0)


def _numbers(value: Any) -> torch.Tensor:
    """The answer as a float64 tensor of its own shape; _Refusal when it is not made of numbers."""
    if issubclass(type(value), torch.Tensor):
        return _plain_tensor(value)
    nested = _nested(value)
    try:
        return torch.tensor(nested, dtype=torch.float64)
    except (ValueError, TypeError, RuntimeError):
        raise _Refusal(
            "the lists have different lengths: expected a number, a flat list or a table of equal rows"
        ) from None


def _is_bool(value: Any) -> bool:
    """True for bool, numpy.bool_ and a one-element torch.bool tensor or numpy bool array."""
    t = type(value)
    if issubclass(t, (bool, np.bool_)):
        return True
    if issubclass(t, torch.Tensor):
        return value.dtype == torch.bool and value.numel() == 1
    if issubclass(t, np.ndarray):
        return value.dtype == np.bool_ and value.size == 1
    return False


def _bools(value: Any) -> list[bool] | None:
    """The yes/no values of an answer (one or a sequence), or None if it is not made of bools."""
    t = type(value)
    try:
        if issubclass(t, torch.Tensor):
            plain = _plain_tensor_bool(value)
            return None if plain is None else [bool(v) for v in plain.flatten().tolist()]
        if issubclass(t, np.ndarray):
            if value.dtype != np.bool_ or value.size > MAX_ELEMENTS:
                return None
            return [bool(v) for v in np.asarray(value).flatten().tolist()]
        if issubclass(t, (bool, np.bool_)):
            return [bool(value)]
        if issubclass(t, (list, tuple)) and 0 < len(value) <= MAX_ELEMENTS and all(_is_bool(v) for v in value):
            return [b for v in value for b in _bools(v)]
    except _Refusal:
        return None
    return None


def _plain_tensor_bool(value: torch.Tensor) -> torch.Tensor | None:
    """A plain bool tensor of the answer, or None if it is not a readable bool tensor."""
    try:
        with torch._C.DisableTorchFunctionSubclass():
            t = torch.Tensor.as_subclass(value, torch.Tensor)
        if t.dtype != torch.bool or t.layout != torch.strided or t.device.type == "meta" or t.numel() > MAX_ELEMENTS:
            return None
        return t.detach().cpu()
    except Exception:  # noqa: BLE001
        return None


def _as_tensor(value: Any) -> torch.Tensor | None:
    """A float64 tensor of a numeric answer, squeezed; None for anything that is not numbers."""
    if _bools(value) is not None or issubclass(type(value), str):
        return None  # a yes/no or a word is never a number
    try:
        return _numbers(value).squeeze()
    except _Refusal:
        return None


def _shape(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _values(n: int) -> str:
    return "one number" if n == 1 else ("nothing (an empty answer)" if n == 0 else f"{n} values")


def _shape_problem(got: torch.Tensor, want: torch.Tensor, exact: bool) -> str | None:
    """What is wrong with the answer's count or shape, or None if it fits."""
    n_got, n_want = got.numel(), want.numel()
    if n_got != n_want:
        if n_want == 1:
            return f"expected one number, got {_values(n_got)}"
        if n_got <= 1:
            return f"expected {n_want} values (shape {_shape(want.shape)}), got {_values(n_got)}"
        return f"expected {n_want} values (shape {_shape(want.shape)}), got {n_got} (shape {_shape(got.shape)})"
    if exact and got.shape != want.shape:
        return f"expected shape {_shape(want.shape)}, got {_shape(got.shape)}"
    if got.squeeze().shape != want.squeeze().shape:
        return f"expected shape {_shape(want.shape)}, got {_shape(got.shape)}"
    return None


def _round_sig(x: float, digits: int, truncate: bool = False) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    scale = 10.0 ** (digits - 1 - math.floor(math.log10(abs(x))))
    return (math.trunc(x * scale) if truncate else round(x * scale)) / scale


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b))  # float32 noise on a typed-in value


def _rounded_from(a: float, e: float) -> bool:
    """Whether ``a``, written with few significant digits, is ``e`` rounded or cut to those digits."""
    for digits in range(1, max(_SIG_DIGITS) + 1):
        if _same(a, _round_sig(a, digits)):
            # e itself needs more digits (else a is not "rounded", just wrong), and a is e rounded or cut
            return (
                digits in _SIG_DIGITS
                and not _same(e, _round_sig(e, digits))
                and (_same(a, _round_sig(e, digits)) or _same(a, _round_sig(e, digits, truncate=True)))
            )
    return False


def _close(got: torch.Tensor, want: torch.Tensor, ex: Exercise) -> bool:
    """Right values typed with too few digits: every entry within tolerance or a rounding of the expected one."""
    within = (got - want).abs() <= ex.atol + ex.rtol * want.abs()
    return bool(
        not within.all()
        and all(
            ok or _rounded_from(a, e)
            for ok, a, e in zip(within.flatten().tolist(), got.flatten().tolist(), want.flatten().tolist())
        )
    )


def _allclose(got: torch.Tensor, want: torch.Tensor, ex: Exercise) -> bool:
    return bool(torch.allclose(got.reshape(want.shape), want, rtol=ex.rtol, atol=ex.atol, equal_nan=True))


def _matches(answer: Any, expected: Any, ex: Exercise) -> bool:
    """Whether ``answer`` is an accepted form of ``expected`` within the exercise's tolerance."""
    if isinstance(expected, str):
        if not issubclass(type(answer), str):
            return False
        return " ".join(_clip(answer, 1000).lower().split()) == " ".join(expected.lower().split())
    want_bools = _bools(expected)
    if want_bools is not None:
        return _bools(answer) == want_bools
    want = _as_tensor(expected)
    if want is None:
        return False
    try:
        got = _numbers(answer)
    except _Refusal:
        return False
    if _bools(answer) is not None or _shape_problem(got, _numbers(expected), ex.shape == "exact"):
        return False
    return _allclose(got, want, ex)


# ---------------------------------------------------------------- the verdict

_MISSES: dict[str, int] = {}  # wrong answers per exercise key that reached the hint, this session


def reset_hints(key: str | None = None) -> None:
    """Start the staged hints again (of one exercise, or all): the next miss gets the first hint."""
    if key is None:
        _MISSES.clear()
    else:
        _MISSES.pop(key, None)


def _hint(ex: Exercise) -> str:
    """The hint of this miss: the nudge first, the next stage on each repeated miss of this exercise."""
    stage = min(_MISSES.get(ex.key, 0), len(ex.hints) - 1)
    _MISSES[ex.key] = _MISSES.get(ex.key, 0) + 1
    more = " (Another miss shows a further hint.)" if stage < len(ex.hints) - 1 else ""
    return ex.hints[stage] + more


def _diagnose_yes_no(answer: Any, want: list[bool]) -> str | None:
    """What kind of wrong a yes/no answer is (not yes/no, wrong count), or None to go on to the hint."""
    what = "True or False" if len(want) == 1 else f"{len(want)} yes/no values (True or False)"
    if issubclass(type(answer), str):
        return f"expected {what}, got {_describe(answer)}: write True or False without quotes"
    got = _bools(answer)
    if got is None:
        try:
            n = _numbers(answer).numel()
        except _Refusal:
            if issubclass(type(answer), (list, tuple, torch.Tensor, np.ndarray)):
                raise  # its own message: a ... or None inside, too many values, a sparse tensor
            return f"expected {what}, got {_describe(answer)}"
        return f"expected {what}, got {'a number' if n == 1 else 'numbers'}: write True or False, not 1 or 0"
    if len(got) != len(want):
        got_what = "one yes/no value" if len(got) == 1 else f"{len(got)} yes/no values"
        return f"expected {what}, got {got_what}"
    return None


def _diagnose_number(answer: Any, expected: Any, ex: Exercise) -> tuple[str | None, torch.Tensor | None]:
    """What kind of wrong a numeric answer is (form, shape, nan, digits), or None; also its values."""
    if issubclass(type(answer), str):
        return f"expected a number, got {_describe(answer)}: remove the quotes, or compute the value", None
    if _bools(answer) is not None:
        return "expected a number, got True/False (a yes/no)", None
    got = _numbers(answer)  # may refuse
    want = _numbers(expected)
    if problem := _shape_problem(got, want, ex.shape == "exact"):
        return problem, None
    got, want_s = got.reshape(want.shape), want
    bad = ~torch.isfinite(got) & torch.isfinite(want_s)
    if bad.any():
        if torch.isnan(got[bad]).any():
            return "your answer contains nan (not a number): look for 0/0, inf - inf or the log of a negative", None
        return "your answer contains inf: something overflowed (exp of a large number?) or took log(0)", None
    if _allclose(got, want_s, ex):
        return None, got
    if _close(got, want_s, ex):
        return f"close: keep more digits (or compute the value instead of typing it); tolerance: {ex.tolerance}", None
    return None, got


def _named_mistake(answer: Any, ex: Exercise) -> str | None:
    for mistake in ex.mistakes:
        if _matches(answer, mistake.wrong(), ex):
            return f"Not quite: {mistake.message}"
    return None


def _verdict(ex: Exercise, answer: Any) -> tuple[bool, str]:
    """(correct?, message). A named mistake, being more specific, is recognised before a shape or nan diagnosis."""
    expected = ex.expected()
    if isinstance(expected, str):
        if not issubclass(type(answer), str):
            return False, f"Not quite: expected a word or short text (a str), got {_describe(answer)}"
        if _matches(answer, expected, ex):
            return True, "Correct. Well done."
        if named := _named_mistake(answer, ex):
            return False, named
    elif (want_bools := _bools(expected)) is not None:
        if _bools(answer) == want_bools:
            return True, "Correct. Well done."
        if named := _named_mistake(answer, ex):
            return False, named
        if problem := _diagnose_yes_no(answer, want_bools):
            return False, f"Not quite: {problem}"
    else:
        if not (issubclass(type(answer), str) or _bools(answer) is not None):
            _numbers(answer)  # what is not made of numbers is refused here, with its own message
            if _matches(answer, expected, ex):
                return True, "Correct. Well done."
            if named := _named_mistake(answer, ex):
                return False, named
        problem, _ = _diagnose_number(answer, expected, ex)
        if problem:
            return False, f"Not quite: {problem}"
    accepted = ""
    if _as_tensor(expected) is not None:
        accepted = f" (Accepted: {ex.tolerance}; any shape that squeezes to the expected one.)"
        if ex.shape == "exact":
            accepted = f" (Accepted: {ex.tolerance}; the shape must be exactly the expected one.)"
    return False, f"Not quite. Hint: {_hint(ex)}{accepted}"


def check(key: str, answer: Any) -> bool:
    """Say whether ``answer`` solves exercise ``key``; returns True when it does.

    ``answer`` may be a tensor, a number, a list, a bool or a short string,
    whatever the exercise asks for. Leave it as ``...`` until you have one.

    A wrong answer gets, in this order, the first that applies: None or not a number (or not
    a yes/no), the exercise's named common mistake, the wrong count or shape, nan or inf, right
    but with too few digits, or its staged hint (a nudge first, more on each repeated miss,
    never the solution).
    """
    if not isinstance(key, str) or key not in EXERCISES:
        shown = _text(key) if isinstance(key, str) else f"of type {_type_name(key)}"
        raise ValueError(f"unknown exercise {shown}; known exercises: {', '.join(sorted(EXERCISES))}")
    ex = EXERCISES[key]
    if answer is ...:
        print(f"[{key}] Not answered yet: replace ... with your answer and run this cell again.")
        return False
    if answer is None:
        print(f"[{key}] Not quite: your answer is None: did a function forget to return?")
        return False
    try:
        ok, message = _verdict(ex, answer)
    except _Refusal as refusal:
        ok, message = False, f"Not quite: {refusal}"
    except RecursionError:
        ok, message = False, "Not quite: check cannot read this answer (nested too deeply): give a number or a list"
    except Exception as error:  # noqa: BLE001 - an object whose methods raise: say so in one line
        what = f"{_describe(answer)} ({_type_name(error)})"
        ok, message = False, f"Not quite: check cannot read {what}: give a number, a list or a tensor"
    print(f"[{key}] {message}")
    return ok


# One module per notebook registers its exercises on import.
from helper.exercises import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08  # noqa: E402,F401
