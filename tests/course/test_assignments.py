"""Autograded assignments: hidden tests accept what check accepts, and otter grades for real.

The hidden tests compare plain data (helper.course.assignments.accepts); the end-to-end test builds
notebook 01's assignment with `otter assign` and grades three submissions with `otter run`:
the worked solutions (full marks), the blank student notebook (zero), and one with a wrong answer
and a tensor subclass whose allclose always says yes (which fools `check`, not the grader).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import nbformat
import numpy as np
import pytest
import torch
from exercise_cells import ANSWER_LINE, cell_data

from helper.course.assignments import accepts, build, grade, plain, spec
from helper.course.notebooks import notebook
from helper.exercises import EXERCISES, check

LIAR = '''
class AlwaysClose(torch.Tensor):
    """A tensor that tells every comparison it is equal."""
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in ("allclose", "isclose", "equal", "eq", "__eq__"):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})
    def tolist(self):
        return EXPECTED
'''


def _liar(expected):
    ns = {"torch": torch, "EXPECTED": expected}
    exec(LIAR, ns)
    return torch.zeros(3).as_subclass(ns["AlwaysClose"])


def _solution_answer(key: str):
    ns = cell_data(key)
    exec(EXERCISES[key].solution, ns)
    return ns["answer"]


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_hidden_test_accepts_the_worked_solution_and_the_oracle(key):
    want = spec(key)
    assert accepts(EXERCISES[key].expected(), want)
    assert accepts(_solution_answer(key), want), f"{key}: the worked solution is not accepted"
    assert not accepts(..., want) and not accepts(None, want)


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_hidden_test_refuses_a_wrong_answer(key):
    want = spec(key)
    if want["kind"] == "bools":
        wrong = [not b for b in want["value"]]
    elif want["kind"] == "str":
        wrong = want["value"] + " not"
    else:
        wrong = (np.asarray(want["value"], dtype=np.float64) + 1.0).tolist()
    assert not accepts(wrong, want)


def test_accepted_forms_match_check():
    want = spec("01.softmax_by_hand")
    value = torch.softmax(torch.tensor([2.0, 1.0, 0.1]), dim=0)
    for form in (
        value,
        value.tolist(),
        value.numpy(),
        value.reshape(3, 1),
        value.double(),
        [float(v) for v in value],
        tuple(value.tolist()),
    ):
        assert accepts(form, want), type(form)
    for form in (value[:2], "0.66", True, value.reshape(3, 1).tolist() + [[0.0]]):
        assert not accepts(form, want)
    # yes/no answers: Python, numpy and one-element torch bools; never 1/0
    bools = spec("01.shift_changes_nothing")
    assert bools["kind"] == "bools"
    right = bools["value"]
    assert accepts(right, bools) and accepts([np.bool_(b) for b in right], bools)
    assert accepts([torch.tensor(b) for b in right], bools) and accepts(torch.tensor(right), bools)
    assert not accepts([int(b) for b in right], bools)


def test_the_exact_shape_rule_is_kept():
    gathered = torch.tensor([[0.5], [1.5], [2.5], [3.5]])  # e.g. gather's (N, 1), never squeezed
    want = {
        "kind": "numbers",
        "value": gathered.tolist(),
        "shape": [4, 1],
        "exact_shape": True,
        "rtol": 1e-4,
        "atol": 1e-6,
    }
    assert accepts(gathered, want) and accepts(gathered.numpy(), want)
    assert not accepts(gathered.reshape(4), want) and not accepts(gathered.reshape(1, 4), want)
    assert not accepts(gathered.tolist(), want)  # a list has no shape, as in check
    assert accepts(gathered.reshape(4), want | {"exact_shape": False})
    for key in [k for k, ex in EXERCISES.items() if ex.shape == "exact"]:  # the registry's own
        assert spec(key)["exact_shape"] and accepts(EXERCISES[key].expected(), spec(key))


def test_a_tensor_that_lies_about_equality_fools_neither_check_nor_the_hidden_test(capsys):
    key = "01.softmax_by_hand"
    liar = _liar(spec(key)["value"])
    assert check(key, liar) is False  # check reads plain data too (helper.exercises)
    assert not accepts(liar, spec(key))
    assert plain(liar)[1] == [0.0, 0.0, 0.0]


def _answered(student: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(student)
    for cell in nb.cells:
        m = re.search(r"""check\(\s*["']([^"']+)["']""", cell.source) if cell.cell_type == "code" else None
        if m and m[1] in answers:
            cell.source = ANSWER_LINE.sub(lambda _, key=m[1]: answers[key], cell.source, count=1)
    return nb


def test_otter_grades_solutions_blank_and_a_partly_wrong_submission(tmp_path):
    made = build(notebook("01"), tmp_path / "assignments")
    keys = made["keys"]
    assert len(keys) >= 3 and made["autograder"].is_file()
    student = nbformat.read(made["student"], as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert "# BEGIN SOLUTION" not in text and "# HIDDEN" not in text
    for key in keys:  # no worked solution leaks into the handout
        assert EXERCISES[key].solution not in text
    # a partly wrong submission: first right, second wrong, third the lying tensor, the rest right
    right = {k: EXERCISES[k].solution for k in keys}
    answers = dict(right)
    answers[keys[1]] = "answer = 12345.0"
    answers[keys[2]] = (
        LIAR.replace("EXPECTED", repr(spec(keys[2])["value"])) + "answer = torch.zeros(3).as_subclass(AlwaysClose)"
    )
    subs = {
        "solutions": made["autograder"].parent / made["student"].name,
        "blank": made["student"],
        "partial": tmp_path / "partial.ipynb",
    }
    nbformat.write(_answered(student, answers), subs["partial"])
    with ThreadPoolExecutor(3) as pool:
        scores = dict(zip(subs, pool.map(lambda kv: grade(made["autograder"], kv[1], tmp_path / kv[0]), subs.items())))
    full = len(keys)
    assert sum(scores["solutions"].values()) == full, scores["solutions"]
    assert sum(scores["blank"].values()) == 0, scores["blank"]
    assert sum(scores["partial"].values()) == full - 2, scores["partial"]
