"""Exercises of notebook 05: entropy, KL divergence and cross-entropy.

Each oracle computes its answer with torch from the same data the notebook's
exercise cells show, so the check never depends on a number typed by hand.
"""

import math

import torch
import torch.nn.functional as F

from helper.exercises import exercise

_Q = torch.tensor([0.7, 0.1, 0.1, 0.1])
_C, _EPS = 4, 0.2
_LM_LOGITS = torch.tensor(
    [[[2.0, 0.0, -1.0], [0.5, 0.5, 0.0], [-1.0, 2.0, 0.0], [0.0, 0.0, 3.0], [9.0, -9.0, 0.0]]]
)
_LM_TARGETS = torch.tensor([[0, 1, 1, 2, -100]])


@exercise(
    "05.entropy_bits",
    hint="the entropy is minus the sum of q * log q; torch.log is the natural log (nats), "
    "and one bit is ln 2 nats.",
    solution="""
answer = (q_bits * torch.log(1 / q_bits)).sum() / torch.log(torch.tensor(2.0))
""",
)
def _entropy_bits() -> float:
    return (torch.special.entr(_Q).sum() / math.log(2)).item()


@exercise(
    "05.smoothing_floor",
    hint="the loss is H(q) + KL(q || p) and the KL part can reach 0, so the floor is the entropy of the "
    "smoothed target: 1 - eps + eps/C on the true class and eps/C on each of the other C - 1.",
    solution="""
q_smooth = torch.full((C,), eps / C)
q_smooth[0] += 1 - eps
answer = -(q_smooth * torch.log(q_smooth)).sum()  # H(q): the loss when softmax(z) = q
""",
)
def _smoothing_floor() -> float:
    # Reached by logits equal to log q: then softmax(z) = q and the KL part is 0.
    q = (1 - _EPS) * F.one_hot(torch.tensor(0), _C).double() + _EPS / _C
    return F.cross_entropy(q.log(), torch.tensor(0), label_smoothing=_EPS).item()


@exercise(
    "05.perplexity",
    hint="average the cross-entropy over the real positions only (leave the -100 one out, as "
    "ignore_index does), then take exp of that mean.",
    solution="""
V = logits.shape[-1]
mean_ce = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))  # ignore_index=-100 drops the padding
answer = torch.exp(mean_ce)
""",
)
def _perplexity() -> float:
    V = _LM_LOGITS.shape[-1]
    return torch.exp(F.cross_entropy(_LM_LOGITS.reshape(-1, V), _LM_TARGETS.reshape(-1))).item()
