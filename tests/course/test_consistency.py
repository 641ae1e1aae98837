"""The three descriptions of the environment agree: pyproject.toml, the lock, environment.yml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]

# conda-forge names that differ from PyPI names.
CONDA_NAME = {"torch": "pytorch", "matplotlib": "matplotlib-base"}


def _pyproject_requirements() -> list[Requirement]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        reqs += extra
    return [Requirement(r) for r in reqs]


def _lock() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        assert m, f"requirements.txt line is not an exact pin: {line!r}"
        pins[canonicalize_name(m[1])] = Version(m[2])
    return pins


def _environment() -> dict[str, str]:
    """Package -> version spec from environment.yml (conda and pip sections)."""
    text = (ROOT / "environment.yml").read_text()
    found = {}
    for m in re.finditer(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*(==|=|>=)?\s*([^\s=]*)", text, re.M):
        found[canonicalize_name(m[1])] = m[3]
    return found


def test_lock_pins_every_direct_dependency_compatibly():
    lock = _lock()
    for req in _pyproject_requirements():
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} is in pyproject.toml but not pinned in requirements.txt"
        assert req.specifier.contains(lock[name], prereleases=True), (
            f"lock pins {req.name}=={lock[name]}, outside pyproject's {req.specifier}"
        )


def test_torch_is_pinned_exactly_to_2_13_0():
    assert _lock()["torch"] == Version("2.13.0")


def test_environment_yml_has_every_direct_dependency_at_the_lock_version():
    lock, env = _lock(), _environment()
    for req in _pyproject_requirements():
        name = canonicalize_name(req.name)
        conda = CONDA_NAME.get(name, name)
        assert conda in env, f"{req.name} (conda: {conda}) missing from environment.yml"
        pinned = env[conda]
        assert pinned, f"environment.yml does not pin {conda}"
        assert Version(pinned) == lock[name], f"environment.yml has {conda}={pinned}, lock has {lock[name]}"


def test_environment_yml_installs_helper_editable():
    assert re.search(r"^\s*-\s+-e \.\s*$", (ROOT / "environment.yml").read_text(), re.M)


@pytest.mark.parametrize("dep", ["python", "pip"])
def test_environment_yml_names_the_basics(dep):
    assert canonicalize_name(dep) in _environment()
