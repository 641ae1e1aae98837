"""Logits to Loss: the code the notebooks share.

- :func:`look`, :func:`to_latex`, :func:`to_markdown`: show tensors as LaTeX inline with prose.
- :class:`LogitsExplorer`, :class:`BinaryExplorer`, :class:`StabilityExplorer`,
  :class:`DistributionExplorer`: live sliders; :class:`TrainingPlayer`: a training run to play.
- :func:`check`: the self-check behind every exercise.

The names are loaded on first use (PEP 562 module ``__getattr__``), so ``import helper``
and ``python -m helper.course.setup`` work before torch is installed: the set-up script
is what installs it.  ``from helper import look`` imports torch as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Public name -> the submodule that defines it.
_EXPORTS: dict[str, str] = {
    "LookSettings": "helper.look",
    "look": "helper.look",
    "to_latex": "helper.look",
    "to_markdown": "helper.look",
    "LogitsExplorer": "helper.explorers",
    "BinaryExplorer": "helper.explorers",
    "StabilityExplorer": "helper.explorers",
    "DistributionExplorer": "helper.explorers",
    "TrainingPlayer": "helper.explorers",
    "check": "helper.exercises",
}

__all__ = list(_EXPORTS)

if TYPE_CHECKING:  # for type checkers and IDEs; never executed
    from helper.exercises import check  # noqa: F401
    from helper.explorers import BinaryExplorer, DistributionExplorer, LogitsExplorer, StabilityExplorer, TrainingPlayer  # noqa: F401
    from helper.look import LookSettings, look, to_latex, to_markdown  # noqa: F401


def __getattr__(name: str) -> Any:
    """Import the submodule that defines `name` on first access, then cache the name."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'helper' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
