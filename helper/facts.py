"""Facts of PyTorch that the course's code, prose and tests rely on, named once.

Each is checked against torch itself in tests/unit/test_facts.py, so an upgrade that
changes one fails there first.
"""

from __future__ import annotations

__all__ = ["BCE_LOG_CLAMP", "BCE_CLAMPED_LOSS"]

#: ``nn.BCELoss`` clamps each ``log`` term at this value, so ``log(0)`` never gives ``-inf``.
BCE_LOG_CLAMP = -100.0

#: The loss ``nn.BCELoss`` reports where a prediction rounds to the wrong end (``log(0)`` clamped):
#: ``-BCE_LOG_CLAMP``, e.g. ``BCELoss(sigmoid(20.), 0.)`` in float32.
BCE_CLAMPED_LOSS = -BCE_LOG_CLAMP
