"""The exercise self-check: every registered exercise accepts its answer, rejects others, never leaks it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from exercise_cells import CHECK_KEY

from helper.course.notebooks import notebooks
from helper.exercises import EXERCISES, check

NOTEBOOKS = notebooks()


def _wrong(value):
    """A plausible but wrong answer of the same kind as ``value``."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, list) and value and all(isinstance(v, bool) for v in value):
        return [not v for v in value]
    if isinstance(value, str):
        return value + " (not it)"
    t = torch.as_tensor(value, dtype=torch.float64)
    return (t + 1.0).tolist() if t.ndim else float(t) + 1.0


def _checks_in(path: Path) -> list[str]:
    """Every exercise key a notebook's code calls ``check`` with (several per cell counted)."""
    nb = json.loads(path.read_text())
    src = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return CHECK_KEY.findall(src)


def test_there_are_exercises():
    assert len(EXERCISES) >= 12, "each of the six notebooks should register 2-4 exercises"


def _is_numeric(value) -> bool:
    """Numbers, not a yes/no (a bool or a list of bools) and not a word."""
    if isinstance(value, (bool, str)):
        return False
    return not (isinstance(value, (list, tuple)) and value and all(isinstance(v, bool) for v in value))


NUMERIC = sorted(k for k, ex in EXERCISES.items() if _is_numeric(ex.expected()))


def _tolerance(key: str) -> torch.Tensor:
    """How far an answer may be from the expected one for exercise ``key`` (elementwise)."""
    ex = EXERCISES[key]
    want = torch.as_tensor(ex.expected(), dtype=torch.float64)
    return ex.atol + ex.rtol * want.abs()


@pytest.mark.parametrize("key", NUMERIC)
def test_numeric_answer_is_judged_with_the_exercises_own_tolerance(key, capsys):
    """Inside half the stated tolerance is right (as a plain list too); three tolerances off is wrong."""
    want = torch.as_tensor(EXERCISES[key].expected(), dtype=torch.float64)
    tol = _tolerance(key)
    assert check(key, (want + tol / 2).tolist()) is True  # a nested list keeps the shape
    assert capsys.readouterr().out == f"[{key}] Correct. Well done.\n"
    off = torch.where(tol > 0, 3 * tol, want.abs() * 1e-9 + 1e-9)
    assert check(key, want + off) is False
    out = capsys.readouterr().out
    assert out.startswith(f"[{key}] Not quite.") and EXERCISES[key].hint in out


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_a_wrong_answer_of_the_right_kind_is_rejected_with_the_hint(key, capsys):
    ex = EXERCISES[key]
    wrong = _wrong(ex.expected())
    assert check(key, wrong) is False
    out = capsys.readouterr().out
    named = [m.message for m in ex.mistakes if out == f"[{key}] Not quite: {m.message}\n"]
    assert named or out.startswith(f"[{key}] Not quite. Hint: {ex.hint}"), out


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_unanswered_exercise_says_so(key, capsys):
    assert check(key, ...) is False
    assert "Not answered yet" in capsys.readouterr().out


def test_unknown_key_is_a_clear_value_error():
    with pytest.raises(ValueError, match="unknown exercise 'nope'"):
        check("nope", 1.0)


def test_shape_mismatch_is_not_correct(capsys):
    key = next(k for k, ex in EXERCISES.items() if not isinstance(ex.expected(), (bool, str)))
    assert check(key, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]) is False


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_two_to_eight_exercises_that_exist(path):
    keys = _checks_in(path)
    prefix = path.name[:2]
    assert 2 <= len(keys) <= 8, (
        f"{path.name} has {len(keys)} exercises; the course asks for 2-8 (graded predictions included)"
    )
    for key in keys:
        assert key in EXERCISES, f"{path.name} checks {key!r}, which no helper/exercises module registers"
        assert key.startswith(prefix + "."), f"{key!r} in {path.name} should start with {prefix}."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_at_least_half_of_a_notebooks_exercises_are_transfer(path):
    """Issue 17, item 23: most exercises ask for something the notebook did not just compute."""
    keys = sorted(set(_checks_in(path)) & set(EXERCISES))
    transfer = [k for k in keys if EXERCISES[k].transfer]
    assert keys and 2 * len(transfer) >= len(keys), (
        f"{path.name}: {len(transfer)} of {len(keys)} exercises are marked transfer=True "
        f"(at least half are wanted); not transfer: {sorted(set(keys) - set(transfer))}"
    )
