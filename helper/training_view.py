"""Where notebook 08 imports the TrainingPlayer from: it lives with the other explorers.

:class:`helper.explorers.TrainingPlayer` (``helper/explorers/training.py`` and its front end
``helper/explorers/js/training.js``) computes and draws each frame in the page, and torch
checks it when a kernel runs; this module keeps the name ``helper.training_view.TrainingPlayer``.
"""

from __future__ import annotations

from helper.explorers.training import TrainingPlayer

__all__ = ["TrainingPlayer"]
