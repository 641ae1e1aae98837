"""Exercises of notebook 07: the other losses (Brier, hinge, focal), the double-softmax bug, proper scoring.

Each oracle computes its answer with torch from the tensors the notebook's exercise cells show.
"""

import math

import torch
import torch.nn.functional as F

from helper.exercises import Mistake, exercise


@exercise(
    "07.predict_equal_logits",
    hint=(
        "with all three logits equal, what is each probability?",
        "the loss is minus the log of the target's probability; equal logits give every class the same share.",
    ),
    solution="answer = torch.log(torch.tensor(3.0))",
    transfer=True,
    mistakes=(
        Mistake("zero", lambda: 0.0, "equal logits are not a correct prediction: the target gets only a third."),
        Mistake("bits", lambda: math.log2(3), "that is in bits; PyTorch's losses use the natural log (nats)."),
        Mistake("probability", lambda: 1 / 3, "that is the target's probability; the loss is minus its log."),
    ),
)
def _predict_equal_logits() -> float:
    return F.cross_entropy(torch.zeros(1, 3, dtype=torch.float64), torch.tensor([0])).item()


# The number of classes of the double-softmax exercise (the notebook works out C = 3).
_C_FLOOR = 10


@exercise(
    "07.double_softmax_floor",
    hint=(
        "as the model's softmax tends to one-hot, the bug applies softmax once more to [1, 0, ..., 0].",
        "what is -log of the first entry of softmax([1, 0, ..., 0]) with ex_C entries? The notebook's "
        "floor for C = 3 has the same form.",
    ),
    solution="answer = F.cross_entropy(torch.eye(ex_C)[:1], torch.tensor([0]))",
    mistakes=(
        Mistake(
            "no bug",
            lambda: 0.0,
            "0 is what a perfect model gets without the bug; with it, the loss stays above a floor.",
        ),
        Mistake(
            "three classes", lambda: math.log(1 + 2 / math.e), "that is the floor for C = 3; this exercise has C = 10."
        ),
        Mistake(
            "log C",
            lambda: math.log(_C_FLOOR),
            "log C is the loss of equal logits; the floor is the limit at a one-hot softmax.",
        ),
    ),
)
def _double_softmax_floor() -> float:
    # The infimum: the limit as the first logit grows; no finite logits reach an exact one-hot.
    onehot = torch.eye(_C_FLOOR, dtype=torch.float64)[:1]
    return F.cross_entropy(onehot, torch.tensor([0])).item()


_ETA = (0.6, 0.4)


@exercise(
    "07.double_softmax_minimiser",
    hint=(
        "write the expected loss eta_0 L(p, 0) + eta_1 L(p, 1) with L(p, y) = -log softmax(p)_y, and set its "
        "derivative to zero: which probabilities must softmax(p) equal?",
        "softmax(p) = eta means p_0 - p_1 = log(eta_0 / eta_1); with p_0 + p_1 = 1, solve for p_0. A grid over s "
        "in (0, 1) checks it.",
    ),
    solution="""
s = torch.linspace(0, 1, 100001, dtype=torch.float64)
logits_s = torch.stack([s, 1 - s], dim=1)
expected_loss = sum(ex_eta[c] * F.cross_entropy(logits_s, torch.full((len(s),), c), reduction="none") for c in range(2))
answer = s[expected_loss.argmin()]
""",
    transfer=True,
    rtol=1e-4,
    atol=1e-4,
    mistakes=(
        Mistake(
            "proper",
            lambda: _ETA[0],
            "0.6 is where cross-entropy is lowest; the double softmax's loss is "
            "not a proper scoring rule, so its minimum sits elsewhere.",
        ),
        Mistake(
            "one-hot", lambda: 1.0, "here log(eta_0 / eta_1) is below 1, so the minimum is inside (0, 1), not one-hot."
        ),
    ),
)
def _double_softmax_minimiser() -> float:
    # softmax((s, 1 - s)) = eta  <=>  2 s - 1 = log(eta_0 / eta_1).
    return (1 + math.log(_ETA[0] / _ETA[1])) / 2


_TARGETS = torch.tensor([0, 1, 2, 0])
_PROBS_A = torch.tensor([[0.98, 0.01, 0.01], [0.01, 0.98, 0.01], [0.01, 0.01, 0.98], [0.001, 0.998, 0.001]])
_PROBS_B = torch.tensor([[0.4, 0.3, 0.3], [0.3, 0.4, 0.3], [0.3, 0.3, 0.4], [0.4, 0.3, 0.3]])


def _ce_and_brier(probs: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and mean Brier score of probabilities against the exercise's targets."""
    ce = F.nll_loss(probs.double().log(), _TARGETS).item()
    brier = ((probs.double() - F.one_hot(_TARGETS, 3)) ** 2).sum(dim=1).mean().item()
    return ce, brier


@exercise(
    "07.ce_vs_brier_ranking",
    hint=(
        "compute both losses for both models; which model has the lower mean in each?",
        "cross-entropy is the mean of -log p_y; the Brier score is the mean over examples of the sum over "
        "classes of (p_c - onehot_c)^2. One confident mistake costs at most 2 in Brier, but without bound in CE.",
    ),
    solution="""
def ce_brier(probs):
    onehot = F.one_hot(ex_targets, 3).float()
    return F.nll_loss(probs.log(), ex_targets).item(), ((probs - onehot) ** 2).sum(dim=1).mean().item()
(ce_A, brier_A), (ce_B, brier_B) = ce_brier(ex_probs_A), ce_brier(ex_probs_B)
answer = [ce_A < ce_B, brier_A < brier_B]
""",
    transfer=True,
    mistakes=(
        Mistake(
            "ce prefers A",
            lambda: [True, True],
            "cross-entropy cannot prefer A: its one confident mistake costs -log 0.001 on its own.",
        ),
    ),
)
def _ce_vs_brier_ranking() -> list[bool]:
    (ce_a, brier_a), (ce_b, brier_b) = _ce_and_brier(_PROBS_A), _ce_and_brier(_PROBS_B)
    return [ce_a < ce_b, brier_a < brier_b]
