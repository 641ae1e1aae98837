"""`make solutions`: every course notebook answered and executed, and every check says Correct."""

from __future__ import annotations

import re

import nbformat
import pytest

from helper.course import solutions
from helper.course.notebooks import notebooks
from helper.exercises import EXERCISES

CHECK_CALL = re.compile(r"""\bcheck\(\s*["']""")


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    out = tmp_path_factory.mktemp("solutions")
    return {path.name: solutions.write_solutions(path, out) for path in notebooks()}


def test_every_check_in_every_solutions_notebook_prints_correct(solved):
    seen = set()
    for name, result in solved.items():
        assert result.path.parent.name != "notebooks"
        assert not result.from_oracle, (
            f"{name}: exercises without worked code (Exercise.solution): {result.from_oracle}"
        )
        for key, verdict in result.verdicts.items():
            assert verdict.startswith("Correct"), f"{name}: check({key!r}) printed {verdict!r}"
            seen.add(key)
    assert seen == set(EXERCISES), f"exercises never answered: {sorted(set(EXERCISES) - seen)}"


def test_solutions_replace_the_blank_and_keep_the_check(solved):
    for result in solved.values():
        nb = nbformat.read(result.path, as_version=4)
        assert "Worked solutions, for instructors" in nb.cells[0].source
        for cell in nb.cells:
            if cell.cell_type == "code" and CHECK_CALL.search(cell.source):  # not torch.autograd.gradcheck(...)
                assert not solutions.ANSWER_LINE.search(cell.source), cell.source
                assert "# Worked solution" in cell.source


def test_a_wrong_solution_is_reported_and_fails_the_build(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('from helper import check\nanswer = ...\ncheck("01.equal_logits", answer)')]
    source = tmp_path / "01_wrong.ipynb"
    nbformat.write(nb, source)
    monkeypatch.setattr(solutions, "solution_code", lambda key: ("answer = 0.3", False))
    result = solutions.write_solutions(source, tmp_path / "out")
    assert result.verdicts["01.equal_logits"].startswith("Not quite")
    assert solutions.main([str(source), "--out", str(tmp_path / "out2")]) == 1


def test_bad_solution_code_and_unknown_keys_are_refused(monkeypatch):
    from types import SimpleNamespace

    key = next(iter(EXERCISES))
    monkeypatch.setitem(EXERCISES, key, SimpleNamespace(solution="x = 1"))
    with pytest.raises(ValueError, match="must assign `answer`"):
        solutions.solution_code(key)
    with pytest.raises(ValueError, match="unknown exercise '99.nope'"):
        solutions.solution_code("99.nope")
