"""Exercises of notebook 06: multiclass losses (NLLLoss, CrossEntropyLoss, why not MSE).

Each oracle computes its answer with torch from the tensors the notebook's
exercise cells show.
"""

import torch
import torch.nn.functional as F

from helper.exercises import exercise


@exercise(
    "06.nll_input",
    hint="NLLLoss only picks the target entry and negates it, so it must be given log-probabilities: "
    "log_softmax of the logits, not the probabilities and not the logits.",
)
def _nll_input() -> torch.Tensor:
    z = torch.tensor([[1.0, -0.5, 2.0, 0.0], [0.3, 0.3, -1.2, 2.2]])
    return torch.log_softmax(z, dim=1)


@exercise(
    "06.double_softmax_floor",
    hint="a perfect model's softmax is exactly one-hot; cross_entropy then applies softmax once more "
    "to [1, 0, 0]. What is -log of the first entry of softmax([1, 0, 0])?",
)
def _double_softmax_floor() -> float:
    perfect = torch.softmax(torch.tensor([[100.0, 0.0, 0.0]], dtype=torch.float64), dim=1)
    return F.cross_entropy(perfect, torch.tensor([0])).item()


@exercise(
    "06.mse_vs_ce_grad",
    hint="make z a leaf with requires_grad=True, compute each loss from it, call backward, and read "
    "z.grad[0, 0]; zero the gradient (or use a fresh z) before the second loss.",
)
def _mse_vs_ce_grad() -> list[float]:
    grads = []
    for loss in ("ce", "mse"):
        z = torch.tensor([[-4.0, 0.0]], requires_grad=True)
        target = torch.tensor([0])
        if loss == "ce":
            value = F.cross_entropy(z, target)
        else:
            value = F.mse_loss(torch.softmax(z, dim=1), F.one_hot(target, 2).float(), reduction="sum")
        value.backward()
        grads.append(z.grad[0, 0].item())
    return grads
