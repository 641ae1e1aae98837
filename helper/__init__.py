"""Logits to Loss: the code the notebooks share.

- :func:`look`, :func:`to_latex`, :func:`to_markdown`: show tensors as LaTeX inline with prose.
- :class:`LogitsExplorer`, :class:`BinaryExplorer`, :class:`StabilityExplorer`,
  :class:`DistributionExplorer`: live sliders.
- :func:`check`: the self-check behind every exercise.
"""

from helper.look import LookSettings, look, to_latex, to_markdown
from helper.explorers import BinaryExplorer, DistributionExplorer, LogitsExplorer, StabilityExplorer
from helper.exercises import check

__all__ = [
    "LookSettings",
    "look",
    "to_latex",
    "to_markdown",
    "LogitsExplorer",
    "BinaryExplorer",
    "StabilityExplorer",
    "DistributionExplorer",
    "check",
]
