"""Exercises of notebook 01: logits and softmax.

Each oracle computes its answer with torch, so the check never depends on a
number typed by hand.
"""

import torch

from helper.exercises import exercise

# The logits every exercise of this notebook starts from.
_Z = torch.tensor([2.0, 1.0, 0.1])


@exercise(
    "01.softmax_by_hand",
    hint="exponentiate every logit with .exp(), then divide by the sum of those exponentials.",
    solution="answer = logits.exp() / logits.exp().sum()",
)
def _softmax_by_hand() -> torch.Tensor:
    return torch.softmax(_Z, dim=0)


@exercise(
    "01.equal_logits",
    hint="when all logits are equal, every exponential is the same; how is 1 shared among 4 classes?",
    solution="answer = 1 / 4",
)
def _equal_logits() -> float:
    return torch.softmax(torch.full((4,), 7.5), dim=0)[0].item()


@exercise(
    "01.temperature",
    hint="divide the logits by the temperature first, then apply softmax as before.",
    solution="answer = (logits / T).exp() / (logits / T).exp().sum()",
)
def _temperature() -> torch.Tensor:
    return torch.softmax(_Z / 0.5, dim=0)


@exercise(
    "01.shift_changes_nothing",
    hint="write softmax(z + c) and softmax(a * z) as fractions of exponentials: in which one does a "
    "common factor cancel between numerator and denominator? logits - logits.max() is z + c with c = -max.",
    solution="same = torch.softmax(logits, dim=0)\n"
    "answer = [torch.allclose(torch.softmax(logits - logits.max(), dim=0), same),\n"
    "          torch.allclose(torch.softmax(2 * logits, dim=0), same)]",
)
def _shift_changes_nothing() -> list[bool]:
    same = torch.softmax(_Z, dim=0)
    return [
        bool(torch.allclose(torch.softmax(_Z - _Z.max(), dim=0), same)),
        bool(torch.allclose(torch.softmax(2 * _Z, dim=0), same)),
    ]
