"""Fixtures of the unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def fresh_hints() -> Iterator[None]:
    """Every test starts at an exercise's first hint: ``check`` stages its hints per key and session."""
    from helper.exercises import reset_hints

    reset_hints()
    yield
    reset_hints()
