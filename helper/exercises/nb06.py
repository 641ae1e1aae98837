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
    solution="answer = torch.log_softmax(logits, dim=1)",
)
def _nll_input() -> torch.Tensor:
    z = torch.tensor([[1.0, -0.5, 2.0, 0.0], [0.3, 0.3, -1.2, 2.2]])
    return torch.log_softmax(z, dim=1)


# The number of classes of the double-softmax exercise (the notebook works out C = 3).
_C_FLOOR = 10


@exercise(
    "06.double_softmax_floor",
    hint="as the model's logit gap grows, its softmax tends to the one-hot [1, 0, ..., 0]; the bug then "
    "applies softmax once more to that one-hot. What is -log of the first entry of softmax([1, 0, ..., 0]) "
    "with C entries?",
    solution="answer = F.cross_entropy(torch.eye(C)[:1], torch.tensor([0]))",
)
def _double_softmax_floor() -> float:
    # The infimum: the limit as the first logit grows; no finite logits reach an exact one-hot.
    onehot = torch.eye(_C_FLOOR, dtype=torch.float64)[:1]
    return F.cross_entropy(onehot, torch.tensor([0])).item()


@exercise(
    "06.mse_vs_ce_grad",
    hint="make z a leaf with requires_grad=True, compute each loss from it, call backward, and read "
    "z.grad[0, 0]; zero the gradient (or use a fresh z) before the second loss.",
    solution="grads = []\n"
    "for kind in ('ce', 'mse'):\n"
    "    leaf = z.clone().requires_grad_(True)\n"
    "    if kind == 'ce':\n"
    "        loss = F.cross_entropy(leaf, target)\n"
    "    else:\n"
    "        loss = F.mse_loss(torch.softmax(leaf, dim=1), F.one_hot(target, 2).float(), reduction='sum')\n"
    "    loss.backward()\n"
    "    grads.append(leaf.grad[0, 0].item())\n"
    "answer = grads",
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
