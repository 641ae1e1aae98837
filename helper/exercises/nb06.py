"""Exercises of notebook 06: binary cross-entropy.

Each oracle computes its answer with torch from the tensors the notebook's exercise
cells show (the ``ex_`` names below, the same literals).
"""

import math

import torch
import torch.nn.functional as F

from helper.exercises import Mistake, exercise

_PW_Z = torch.tensor([0.0, 2.0, -1.0, 0.5])  # ex_z of 06.pos_weight
_PW_Y = torch.tensor([1.0, 0.0, 1.0, 0.0])  # ex_y
_PW = 3.0  # ex_pos_weight
_SB_Z = torch.tensor([-60.0, -3.0, 0.0, 3.0, 20.0, 60.0])  # ex_z of 06.stable_bce
_SB_Y = torch.tensor([1.0, 0.0, 1.0, 1.0, 1.0, 0.0])  # ex_y
_ML_Z = torch.tensor([[1.5, -0.5, 0.0], [-2.0, 0.5, 3.0]])  # ex_Z of 06.multilabel_mean
_ML_Y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])  # ex_Y
_P_CLASS_1 = 0.8  # ex_p of 06.log_odds
_PI = 0.02  # ex_pi of 06.prior_savings


@exercise(
    "06.predict_no_jump",
    hint=(
        "BCELoss with y = 1 takes log sigmoid(z): it meets log 0 only where float32 sigmoid(z) is exactly 0.",
        "float32 is dense near 0 (numbers as small as 1e-38 keep all their digits) but sparse near 1; how small "
        "is sigmoid(-30)?",
    ),
    solution="answer = bool((torch.sigmoid(torch.tensor(-30.0)) == 0).item())  # is sigmoid ever exactly 0 on the slider?",
    transfer=True,
)
def _predict_no_jump() -> bool:
    z = torch.arange(-300, 301) / 10  # the explorer's slider, 0.1 steps
    loss = F.binary_cross_entropy(torch.sigmoid(z), torch.ones_like(z), reduction="none")
    return bool((loss == 100).any())


@exercise(
    "06.log_odds",
    hint=(
        "the sigmoid is a two-class softmax: what does softmax([z0, z1]) give class 1, in terms of z1 - z0?",
        "sigma(z1 - z0) = p; invert the sigmoid (the lesson named its inverse).",
    ),
    solution="answer = torch.logit(torch.tensor(ex_p))  # log(p / (1 - p)), the log-odds of class 1",
    transfer=True,
    mistakes=(
        Mistake(
            "log p",
            lambda: math.log(_P_CLASS_1),
            "that is log p, a log-probability; the logit gap is the log of the odds p / (1 - p).",
        ),
        Mistake(
            "odds",
            lambda: _P_CLASS_1 / (1 - _P_CLASS_1),
            "that is the odds p / (1 - p) itself; the logit gap is its log.",
        ),
        Mistake(
            "sign",
            lambda: -math.log(_P_CLASS_1 / (1 - _P_CLASS_1)),
            "class 1 is the likelier one, so its logit is the larger: z1 - z0 is positive.",
        ),
    ),
)
def _log_odds() -> float:
    # The two-class softmax with z0 = 0 gives class 1 sigmoid(z1); invert it.
    return torch.logit(torch.tensor(_P_CLASS_1, dtype=torch.float64)).item()


def _bce_const(b: float, pi: float) -> float:
    """Mean BCE of the constant logit b on data with positive rate pi (exact, float64)."""
    z, y = torch.tensor([b, b], dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64)
    per = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    return (pi * per[0] + (1 - pi) * per[1]).item()


@exercise(
    "06.prior_savings",
    hint=(
        "two first losses: one with the output bias at 0 (p = 1/2 for every example), one with the bias "
        "that predicts the positive rate for every example. Subtract.",
        "at bias 0 every example costs log 2; at the prior bias the mean loss is the entropy of the rate, "
        "H(ex_pi) = -ex_pi log ex_pi - (1 - ex_pi) log(1 - ex_pi).",
    ),
    solution="""
rate = torch.tensor(ex_pi)
loss_zero = torch.log(torch.tensor(2.0))                                # sigma(0) = 1/2 for everyone
loss_prior = -(rate * torch.log(rate) + (1 - rate) * torch.log(1 - rate))  # bias log(pi / (1 - pi)): p = pi
answer = loss_zero - loss_prior
""",
    transfer=True,
    mistakes=(
        Mistake(
            "prior loss",
            lambda: _bce_const(math.log(_PI / (1 - _PI)), _PI),
            "that is the first loss at the prior bias; the question asks how much lower it is than at bias 0.",
        ),
        Mistake(
            "zero loss", lambda: math.log(2), "that is the first loss at bias 0; subtract the loss at the prior bias."
        ),
    ),
)
def _prior_savings() -> float:
    return _bce_const(0.0, _PI) - _bce_const(math.log(_PI / (1 - _PI)), _PI)


@exercise(
    "06.pos_weight",
    hint=(
        "write the two terms of the loss separately; which one does pos_weight touch?",
        "pos_weight multiplies only the positive term, -y log sigma(z); the term for y = 0 is unchanged.",
    ),
    solution="answer = -(ex_pos_weight * ex_y * F.logsigmoid(ex_z) + (1 - ex_y) * F.logsigmoid(-ex_z))",
    mistakes=(
        Mistake(
            "both terms",
            lambda: _PW * F.binary_cross_entropy_with_logits(_PW_Z, _PW_Y, reduction="none"),
            "pos_weight scales only the positive term; you weighted the y = 0 term too.",
        ),
        Mistake(
            "unweighted",
            lambda: F.binary_cross_entropy_with_logits(_PW_Z, _PW_Y, reduction="none"),
            "that is the loss without pos_weight: the positive entries should be 3 times larger.",
        ),
    ),
)
def _pos_weight() -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(_PW_Z, _PW_Y, pos_weight=torch.tensor(_PW), reduction="none")


@exercise(
    "06.stable_bce",
    hint=(
        "never form sigmoid(z): it rounds to exactly 1 at z = 60, and log(1 - 1) is -inf.",
        "the lesson rewrote the loss as a part linear in z plus a log term that never exponentiates a "
        "positive number: use that form.",
        "at z = 20, y = 1 the loss is about 2e-9: float32 1 + 2e-9 is exactly 1, so the log term needs "
        "the function that computes log(1 + x) without forming 1 + x.",
    ),
    solution="answer = ex_z.clamp(min=0) - ex_z * ex_y + torch.log1p(torch.exp(-ex_z.abs()))",
    rtol=1e-4,
    atol=0.0,
    mistakes=(
        Mistake(
            "lost 2e-9",
            lambda: _SB_Z.clamp(min=0) - _SB_Z * _SB_Y + torch.log(1 + torch.exp(-_SB_Z.abs())),
            "your loss is 0 at z = 20, y = 1, where it is about 2e-9 (compared with a relative tolerance): "
            "float32 rounds 1 + 2e-9 to 1. If you wrote log(1 + ...), use torch.log1p; if you subtracted y z "
            "from softplus(z), the two cancel: split the softplus into max(z, 0) and a log1p term first.",
        ),
        Mistake(
            "clamped",
            lambda: F.binary_cross_entropy(torch.sigmoid(_SB_Z), _SB_Y, reduction="none"),
            "that is BCELoss on sigmoid(z): finite only because it clamps each log at -100 (100 at z = 60).",
        ),
    ),
)
def _stable_bce() -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(_SB_Z, _SB_Y, reduction="none")


@exercise(
    "06.multilabel_mean",
    hint=(
        "each of the N x K entries is its own yes/no question.",
        "'mean' averages over all N * K entries, not over the examples.",
    ),
    solution="answer = (ex_Z.clamp(min=0) - ex_Z * ex_Y + torch.log1p(torch.exp(-ex_Z.abs()))).mean()",
    mistakes=(
        Mistake(
            "per example",
            lambda: F.binary_cross_entropy_with_logits(_ML_Z, _ML_Y, reduction="none").sum(1).mean().item(),
            "you summed the labels of each example, then averaged over examples; 'mean' averages all N x K entries.",
        ),
        Mistake(
            "softmax",
            lambda: F.cross_entropy(_ML_Z, _ML_Y).item(),
            "that treats the labels as competing classes (softmax); multi-label asks one yes/no per label.",
        ),
    ),
)
def _multilabel_mean() -> float:
    return F.binary_cross_entropy_with_logits(_ML_Z, _ML_Y).item()
