"""Exercises of notebook 05: binary cross-entropy.

Each oracle computes its answer with torch from the tensors the notebook's
exercise cells show.
"""

import torch
import torch.nn.functional as F

from helper.exercises import exercise


@exercise(
    "05.pos_weight",
    hint="pos_weight multiplies only the positive term, -y log(sigmoid(z)); the term for y = 0 is unchanged.",
    solution="answer = -(pos_weight * y * F.logsigmoid(z) + (1 - y) * F.logsigmoid(-z))",
)
def _pos_weight() -> torch.Tensor:
    z = torch.tensor([0.0, 2.0, -1.0, 0.5])
    y = torch.tensor([1.0, 0.0, 1.0, 0.0])
    return F.binary_cross_entropy_with_logits(z, y, pos_weight=torch.tensor(3.0), reduction="none")


@exercise(
    "05.stable_bce",
    hint="never form sigmoid(z) first: use max(z, 0) - z * y + log(1 + exp(-|z|)), "
    "with torch.clamp, torch.abs and torch.log1p.",
    solution="answer = z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z.abs()))",
)
def _stable_bce() -> torch.Tensor:
    z = torch.tensor([-60.0, -3.0, 0.0, 3.0, 60.0])
    y = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0])
    return F.binary_cross_entropy_with_logits(z, y, reduction="none")


@exercise(
    "05.multilabel_mean",
    hint="each of the N x K entries is its own yes/no question; 'mean' averages over all N * K of them.",
    solution="answer = (Z.clamp(min=0) - Z * Y + torch.log1p(torch.exp(-Z.abs()))).mean()",
)
def _multilabel_mean() -> float:
    z = torch.tensor([[1.5, -0.5, 0.0], [-2.0, 0.5, 3.0]])
    y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    return F.binary_cross_entropy_with_logits(z, y).item()
