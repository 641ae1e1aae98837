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
from typing import Any, Callable

import numpy as np
import torch

__all__ = ["Exercise", "check", "exercise", "EXERCISES"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: how to compute its answer, how close is close, a hint and a worked solution.

    ``solution`` is a short piece of Python that, run in the exercise cell's namespace
    (the notebook's earlier cells and the lines above ``answer = ...``), assigns the
    correct ``answer``. ``make solutions`` substitutes it for ``answer = ...``.
    """

    key: str
    expected: Callable[[], Any]
    hint: str
    rtol: float = 1e-4
    atol: float = 1e-6
    solution: str = ""

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
    key: str, hint: str, *, solution: str = "", rtol: float = 1e-4, atol: float = 1e-6
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the decorated zero-argument function as the oracle of exercise ``key``.

    ``solution`` should always be given (the tests require one for every exercise); it is
    optional here only so that a notebook module without one still imports.
    """
    if not isinstance(solution, str) or (solution.strip() and "answer" not in solution):
        raise ValueError(f"exercise {key!r}: solution must be Python code that assigns `answer`")

    def register(fn: Callable[[], Any]) -> Callable[[], Any]:
        if key in EXERCISES:
            raise ValueError(f"exercise {key!r} is registered twice")
        EXERCISES[key] = Exercise(key, fn, hint, rtol, atol, solution.strip())
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
    accepted = ""
    if _as_tensor(expected) is not None:
        accepted = f" (Accepted: {ex.tolerance}; any shape that squeezes to the expected one.)"
    print(f"[{key}] Not quite. Hint: {ex.hint}{accepted}")
    return False


# One module per notebook registers its exercises on import.
from helper.exercises import nb01, nb02, nb03, nb04, nb05, nb06  # noqa: E402,F401
