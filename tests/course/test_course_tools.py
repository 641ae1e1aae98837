"""helper.course: the one notebook list, the npm folder, and no course module in a learner's import."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from helper.course import node_modules
from helper.course.notebooks import notebook, notebooks, title


def _write(path, heading):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": [heading]}] if heading else []
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_notebooks_are_the_numbered_ones_in_order(tmp_path):
    for name in ["10_ten.ipynb", "02_two.ipynb", "scratch.ipynb", "2_bad.ipynb", "01_one.ipynb", "03_three.txt"]:
        _write(tmp_path / name, "# x")
    assert [p.name for p in notebooks(tmp_path)] == ["01_one.ipynb", "02_two.ipynb", "10_ten.ipynb"]
    assert notebook("02", tmp_path).name == "02_two.ipynb"
    with pytest.raises(ValueError, match=r"expected one notebook 04_\*.ipynb"):
        notebook("04", tmp_path)


def test_title_is_the_first_heading(tmp_path):
    _write(tmp_path / "01_a.ipynb", "Some text\n\n## Logits and softmax\n# Later")
    _write(tmp_path / "02_b.ipynb", None)
    assert title(tmp_path / "01_a.ipynb") == "Logits and softmax"
    assert title(tmp_path / "02_b.ipynb") == "02_b"
    assert all(title(p) for p in notebooks())


def test_node_modules_can_be_pointed_elsewhere(monkeypatch, tmp_path):
    assert node_modules().name == "node_modules"
    monkeypatch.setenv("L2L_NODE_MODULES", str(tmp_path))
    assert node_modules() == tmp_path.resolve()


def test_import_helper_stays_light():
    code = "import sys, helper; print(sorted(m for m in sys.modules if m.startswith(('helper.course', 'nbconvert', 'nbclient'))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"


def test_nothing_outside_tests_reads_tests(tmp_path):
    """Product code (helper/) and the Makefile's product recipes never name the tests/ folder."""
    from helper.course.notebooks import ROOT

    for py in sorted((ROOT / "helper").rglob("*.py")):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node) is not None
        }
        # A key of a mapping is not a path: results["tests"] / results.get("tests") read another tool's report.
        keys = {id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript)} | {
            id(n.args[0])
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and n.args
        }
        strings = [
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings | keys
        ]
        bad = [s for s in strings if s == "tests" or s.startswith("tests/") or "/tests/" in s]
        assert not bad, f"{py.relative_to(ROOT)} names the tests folder in code: {bad}"
    make = (ROOT / "Makefile").read_text()
    for target in ("lab", "outputs", "slides", "present", "node"):
        recipe = make.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
        assert "tests/" not in recipe, f"make {target} reads tests/: {recipe}"
