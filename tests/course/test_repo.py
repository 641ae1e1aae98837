"""Repository hygiene: the set-up contract and the safety rules, checked on the files themselves."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if (ROOT / line).is_file()]


def _texts():
    for path in _tracked():
        if path == Path(__file__).resolve():  # this file spells the patterns it looks for
            continue
        if path.suffix in {".png", ".svg", ".whl"} or "package-lock" in path.name:
            continue
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def test_layout_is_the_agreed_one():
    for name in [
        "notebooks",
        "helper",
        "tests",
        "environment.yml",
        "README.md",
        "pyproject.toml",
        "requirements.txt",
        "Makefile",
        ".ci/run",
    ]:
        assert (ROOT / name).exists(), f"{name} is missing"


def test_ci_runs_make_test_and_requires_the_browser_tests():
    run = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\s*$", run, re.M)
    assert "REQUIRE_BROWSER=1" in run
    assert "set -euo pipefail" in run


def test_lab_binds_loopback_and_keeps_its_token():
    make = (ROOT / "Makefile").read_text()
    lab = re.search(r"^lab:.*\n((?:\t.*\n)+)", make, re.M)[1]
    assert "--ip=127.0.0.1" in lab
    for path, text in _texts():
        assert not re.search(r"token=(''|\"\")(\s|$)|token=\s*$|NotebookApp\.token|disable_check_xsrf", text, re.M), (
            f"{path.relative_to(ROOT)} seems to disable JupyterLab's token"
        )


def test_no_local_absolute_paths_are_committed():
    for path, text in _texts():
        hits = re.findall(r"/(?:work|root|home)/[\w.\-]+", text)
        assert not hits, f"{path.relative_to(ROOT)} names a path of this machine: {hits[:3]}"


def test_nothing_is_downloaded_at_run_time():
    """The course itself (helper and notebooks) never fetches; tests may poll their local server."""
    for path, text in _texts():
        if path.suffix in {".py", ".ipynb"} and path.relative_to(ROOT).parts[0] in {"helper", "notebooks"}:
            assert not re.search(r"\b(requests\.get|urlopen|urlretrieve|wget |curl )", text), (
                f"{path.relative_to(ROOT)} fetches from the network"
            )
