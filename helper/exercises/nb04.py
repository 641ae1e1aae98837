"""Exercises of notebook 04: cross-entropy and its options.

Each oracle computes its answer with torch from the same small batch the
notebook's exercise cells show, so the check never depends on a number typed by hand.
"""

import torch
import torch.nn.functional as F

from helper.exercises import exercise

# The batch the exercises of this notebook share: 4 samples, 3 classes.
_LOGITS = torch.tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 0.0], [-0.5, 0.2, 1.5], [1.0, 1.0, 1.0]])
_TARGETS = torch.tensor([0, 2, 1, 2])
_WEIGHT = torch.tensor([1.0, 3.0, 0.5])


@exercise(
    "04.weighted_mean",
    hint="weight each sample's loss by the weight of its target class, then divide by the sum of "
    "those target weights, not by the number of samples.",
    solution="per_example = -torch.log_softmax(logits, dim=1)[torch.arange(len(targets)), targets]\n"
    "w = weight[targets]\n"
    "answer = (w * per_example).sum() / w.sum()",
)
def _weighted_mean() -> float:
    return F.cross_entropy(_LOGITS, _TARGETS, weight=_WEIGHT).item()


@exercise(
    "04.label_smoothing",
    hint="the smoothed target is (1 - eps) * onehot + eps / C, with C counting every class; "
    "the loss of a sample is minus the sum of target * log_softmax over its classes.",
    solution="C = logits.shape[1]\n"
    "q = (1 - eps) * F.one_hot(targets, C) + eps / C\n"
    "answer = -(q * torch.log_softmax(logits, dim=1)).sum(dim=1)",
)
def _label_smoothing() -> torch.Tensor:
    return F.cross_entropy(_LOGITS, _TARGETS, label_smoothing=0.1, reduction="none")


@exercise(
    "04.grad_mean",
    hint="the gradient of each sample's loss is softmax minus one-hot; the default reduction "
    "'mean' divides every row by the number of samples.",
    solution="answer = (torch.softmax(logits, dim=1) - F.one_hot(targets, logits.shape[1])) / len(targets)",
)
def _grad_mean() -> torch.Tensor:
    z = _LOGITS.clone().requires_grad_(True)
    F.cross_entropy(z, _TARGETS).backward()
    return z.grad
