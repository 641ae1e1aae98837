"""Self-checks for the notebooks' exercises.

Each exercise is registered under a key such as ``"02.overflow_float32"`` with a
function that computes the expected answer from torch. :func:`check` compares a
learner's answer with it and prints whether it is right, never the answer itself.
Exercises live in one module per notebook (``nb01.py`` ...), imported below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

__all__ = ["Exercise", "check", "exercise", "EXERCISES"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: how to compute its answer, how close is close, and a hint."""

    key: str
    expected: Callable[[], Any]
    hint: str
    rtol: float = 1e-4
    atol: float = 1e-6
    solution: str = ""  # code that assigns `answer` in the exercise cell's namespace (as on branch content)


EXERCISES: dict[str, Exercise] = {}


def exercise(key: str, hint: str, *, rtol: float = 1e-4, atol: float = 1e-6, solution: str = ""):
    """Register the decorated zero-argument function as the oracle of exercise ``key``."""

    def register(fn: Callable[[], Any]) -> Callable[[], Any]:
        if key in EXERCISES:
            raise ValueError(f"exercise {key!r} is registered twice")
        EXERCISES[key] = Exercise(key, fn, hint, rtol, atol, solution.strip())
        return fn

    return register


def _as_tensor(value: Any) -> torch.Tensor | None:
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float64)
    try:
        return torch.as_tensor(value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return None


def _matches(answer: Any, expected: Any, ex: Exercise) -> bool:
    if isinstance(expected, bool) or isinstance(expected, str):
        if isinstance(expected, str) and isinstance(answer, str):
            return answer.strip().lower() == expected.strip().lower()
        return type(answer) is type(expected) and answer == expected
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
    if _matches(answer, ex.expected(), ex):
        print(f"[{key}] Correct. Well done.")
        return True
    print(f"[{key}] Not quite. Hint: {ex.hint}")
    return False


# One module per notebook registers its exercises on import.
from helper.exercises import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08  # noqa: E402,F401
