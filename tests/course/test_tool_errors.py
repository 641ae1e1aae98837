"""Course tools take bad input like a tool: one line on stderr, exit status 2, nothing overwritten (#18)."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helper.course.notebooks import NOTEBOOK_DIR, ROOT, notebooks
from helper.course.setup import MARKER


@pytest.fixture(autouse=True)
def _capture(capsys, monkeypatch):
    global _CAPSYS
    _CAPSYS = capsys
    monkeypatch.chdir(ROOT)


def _run(module: str, *args: str) -> subprocess.CompletedProcess:
    """The tool's main() in this process (as `python -m helper.course.<module>` runs it), its exit and output."""
    main = importlib.import_module(f"helper.course.{module}").main
    _CAPSYS.readouterr()
    code = main(list(args))
    out, err = _CAPSYS.readouterr()
    return subprocess.CompletedProcess([module, *args], code, out, err)


def test_the_tools_run_as_modules_and_fail_in_one_line(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "helper.course.solutions",
            str(tmp_path / "missing.ipynb"),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    _one_line_error(done, "solutions", "no such notebook")


def _one_line_error(done: subprocess.CompletedProcess, tool: str, *words: str) -> None:
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"{tool}: ")
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], lines[0]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.ipynb"))}


@pytest.fixture
def broken(tmp_path):
    files = {
        "01_empty_object.ipynb": "{}",
        "02_not_json.ipynb": "{ this is not json",
        "03_no_cells.ipynb": json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
        "04_list.ipynb": "[1, 2, 3]",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "notes.txt").write_text("hello")
    return tmp_path


@pytest.mark.parametrize("tool", ["outputs", "solutions"])
@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("01_empty_object.ipynb", ["not a valid notebook"]),
        ("02_not_json.ipynb", ["not valid JSON"]),
        ("03_no_cells.ipynb", ["no cells"]),
        ("04_list.ipynb", ["not a valid notebook"]),
        ("missing.ipynb", ["no such notebook"]),
        ("notes.txt", ["expected a .ipynb"]),
    ],
)
def test_a_bad_notebook_is_one_line(broken, tool, name, words):
    args = [str(broken / name)]
    if tool == "solutions":
        args += ["--out", str(broken / "out")]
    _one_line_error(_run(tool, *args), tool, *words)


def test_a_bad_file_among_good_ones_stops_before_anything_is_rewritten(broken, tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    copy = good / notebooks()[0].name
    copy.write_bytes(notebooks()[0].read_bytes())
    before = copy.read_bytes()
    _one_line_error(_run("outputs", str(copy), str(broken / "02_not_json.ipynb")), "outputs", "not valid JSON")
    assert copy.read_bytes() == before


@pytest.mark.parametrize("out", ["notebooks", "notebooks/sub", "helper", "tests/x"])
def test_solutions_refuse_to_write_into_the_course(out):
    before = _digest(NOTEBOOK_DIR)
    done = _run("solutions", str(notebooks()[0]), "--out", out)
    _one_line_error(done, "solutions", "inside the course")
    assert _digest(NOTEBOOK_DIR) == before
    assert not (ROOT / "notebooks" / "sub").exists() and not (ROOT / "tests" / "x").exists()


def test_solutions_refuse_the_folder_of_their_input(tmp_path):
    nb = tmp_path / "01_copy.ipynb"
    nb.write_bytes(notebooks()[0].read_bytes())
    before = nb.read_bytes()
    _one_line_error(_run("solutions", str(nb), "--out", str(tmp_path)), "solutions", "would replace it")
    assert nb.read_bytes() == before


def test_solutions_refuse_a_file_or_unwritable_out(tmp_path):
    target = tmp_path / "a_file"
    target.write_text("keep me")
    _one_line_error(_run("solutions", str(notebooks()[0]), "--out", str(target)), "solutions", "is a file")
    _one_line_error(_run("solutions", str(notebooks()[0]), "--out", str(target / "sub")), "solutions", "cannot create")
    assert target.read_text() == "keep me"


def test_two_notebooks_with_one_name_are_refused(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "01_same.ipynb").write_bytes(notebooks()[0].read_bytes())
    done = _run(
        "solutions",
        str(tmp_path / "a" / "01_same.ipynb"),
        str(tmp_path / "b" / "01_same.ipynb"),
        "--out",
        str(tmp_path / "out"),
    )
    _one_line_error(done, "solutions", "two notebooks are named 01_same.ipynb")
    assert not (tmp_path / "out" / "01_same.ipynb").exists()


@pytest.mark.parametrize("venv", ["/", "HOME", "OTHER_VENV", "FILE", "PREFIX"])
def test_setup_installs_only_into_a_venv_it_made(venv, tmp_path):
    if venv == "HOME":
        path = tmp_path / "home"
        (path / "documents").mkdir(parents=True)
    elif venv == "OTHER_VENV":
        path = tmp_path / "other"
        path.mkdir()
        (path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    elif venv == "FILE":
        path = tmp_path / "file"
        path.write_text("x")
    elif venv == "PREFIX":
        path = Path(sys.base_prefix)
    else:
        path = Path(venv)
    done = _run("setup", "--venv", str(path), "--dry-run", "--torch-index", "")
    assert done.returncode == 2, done
    assert done.stderr.startswith("setup: --venv ") and len(done.stderr.strip().splitlines()) == 1
    assert "+ " not in done.stdout  # no step was even printed


def test_setup_accepts_a_new_folder_and_its_own_venv(tmp_path):
    new = _run("setup", "--venv", str(tmp_path / "new"), "--dry-run", "--torch-index", "")
    assert new.returncode == 0 and "-m venv" in new.stdout
    ours = tmp_path / "ours"
    (ours / "bin").mkdir(parents=True)
    (ours / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (ours / MARKER).write_text("made by python -m helper.course.setup\n")
    done = _run("setup", "--venv", str(ours), "--dry-run", "--torch-index", "")
    assert done.returncode == 0, done.stderr
    assert "-m pip install" in done.stdout
