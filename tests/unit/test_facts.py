"""The named PyTorch facts in helper.facts hold for the installed torch."""

from __future__ import annotations

import torch
import torch.nn as nn

from helper.facts import BCE_CLAMPED_LOSS, BCE_LOG_CLAMP


def test_bce_loss_clamps_the_log_where_sigmoid_rounds_to_one():
    p = torch.sigmoid(torch.tensor([20.0]))
    assert p.item() == 1.0  # float32 rounding: the prediction is exactly 1
    assert nn.BCELoss()(p, torch.tensor([0.0])).item() == BCE_CLAMPED_LOSS == -BCE_LOG_CLAMP
    assert nn.BCELoss()(torch.tensor([0.0]), torch.tensor([1.0])).item() == BCE_CLAMPED_LOSS
    assert nn.BCEWithLogitsLoss()(torch.tensor([20.0]), torch.tensor([0.0])).item() < BCE_CLAMPED_LOSS
