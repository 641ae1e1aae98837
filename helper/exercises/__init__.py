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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import torch

__all__ = ["Exercise", "Mistake", "check", "exercise", "EXERCISES"]


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
        EXERCISES[key] = Exercise(
            key, fn, hints, rtol, atol, solution.strip(), bool(transfer), shape, tuple(mistakes)
        )
        return fn

    return register


def _is_bool(value: Any) -> bool:
    """True for bool, numpy.bool_ and a one-element torch.bool tensor or numpy bool array."""
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, torch.Tensor):
        return value.dtype == torch.bool and value.numel() == 1
    if isinstance(value, np.ndarray):
        return value.dtype == np.bool_ and value.size == 1
    return False


def _bools(value: Any) -> list[bool] | None:
    """The yes/no values of an answer (one or a sequence), or None if it is not made of bools."""
    if _is_bool(value):
        return [bool(value.item() if hasattr(value, "item") else value)]
    if isinstance(value, torch.Tensor) and value.dtype == torch.bool:
        return [bool(v) for v in value.flatten().tolist()]
    if isinstance(value, np.ndarray) and value.dtype == np.bool_:
        return [bool(v) for v in value.flatten().tolist()]
    if isinstance(value, (list, tuple)) and value and all(_is_bool(v) for v in value):
        return [bool(v.item() if hasattr(v, "item") else v) for v in value]
    return None


def _as_tensor(value: Any) -> torch.Tensor | None:
    """A float64 tensor of a numeric answer, squeezed; None for anything that is not numbers."""
    if _bools(value) is not None or isinstance(value, str):
        return None  # a yes/no or a word is never a number
    if isinstance(value, torch.Tensor):
        if value.is_complex():
            return None
        return value.detach().to("cpu", torch.float64).squeeze()
    if isinstance(value, (list, tuple)):
        parts = [_as_tensor(v) for v in value]
        if not parts or any(p is None for p in parts):
            return None
        try:
            return torch.stack(parts).squeeze()
        except RuntimeError:
            return None
    try:
        return torch.as_tensor(np.asarray(value, dtype=np.float64)).squeeze()
    except (TypeError, ValueError, RuntimeError):
        return None


def _shape_of(value: Any) -> tuple[int, ...] | None:
    """The unsqueezed shape of a tensor, array, number or (nested) list; None if it has none."""
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    try:
        return tuple(np.shape(value))
    except (TypeError, ValueError):  # ragged lists
        return None


def _matches(answer: Any, expected: Any, ex: Exercise) -> bool:
    """Whether ``answer`` is an accepted form of ``expected`` within the exercise's tolerance."""
    if isinstance(expected, str):
        return isinstance(answer, str) and " ".join(answer.lower().split()) == " ".join(expected.lower().split())
    want_bools = _bools(expected)
    if want_bools is not None:
        return _bools(answer) == want_bools
    got, want = _as_tensor(answer), _as_tensor(expected)
    if got is None or want is None or got.shape != want.shape:
        return False
    if ex.shape == "exact" and _shape_of(answer) != _shape_of(expected):
        return False
    return bool(torch.allclose(got, want, rtol=ex.rtol, atol=ex.atol, equal_nan=True))


def check(key: str, answer: Any) -> bool:
    """Say whether ``answer`` solves exercise ``key``; returns True when it does.

    ``answer`` may be a tensor, a number, a list, a bool or a short string,
    whatever the exercise asks for. Leave it as ``...`` until you have one.
    """
    if key not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise ValueError(f"unknown exercise {key!r}; known exercises: {known}")
    ex = EXERCISES[key]
    if answer is ... or answer is None:
        print(f"[{key}] Not answered yet: replace ... with your answer and run this cell again.")
        return False
    expected = ex.expected()
    if _matches(answer, expected, ex):
        print(f"[{key}] Correct. Well done.")
        return True
    for mistake in ex.mistakes:
        if _matches(answer, mistake.wrong(), ex):
            print(f"[{key}] Not quite: {mistake.message}")
            return False
    accepted = ""
    if _as_tensor(expected) is not None:
        accepted = f" (Accepted: {ex.tolerance}; any shape that squeezes to the expected one.)"
    print(f"[{key}] Not quite. Hint: {ex.hint}{accepted}")
    return False


# One module per notebook registers its exercises on import.
from helper.exercises import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08  # noqa: E402,F401
