"""Exercises of notebook 05: entropy, KL divergence, cross-entropy, distillation.

Each oracle computes its answer with torch from the same data the notebook's
exercise cells show (the ``ex_`` names below), so the check never depends on a
number typed by hand.
"""

import math

import torch
import torch.nn.functional as F

from helper.exercises import Mistake, exercise

# The exercise data, shown as the same literals in the notebook's exercise cells.
_Q = torch.tensor([0.7, 0.1, 0.1, 0.1])  # ex_q
_C, _EPS = 4, 0.2  # ex_C, ex_eps
_LM_LOGITS = torch.tensor(
    [[[2.0, 0.0, -1.0], [0.5, 0.5, 0.0], [-1.0, 2.0, 0.0], [0.0, 0.0, 3.0], [9.0, -9.0, 0.0]]]
)  # ex_logits
_LM_TARGETS = torch.tensor([[0, 1, 1, 2, -100]])  # ex_targets
_TEACHER = torch.tensor([[4.0, 1.0, -2.0], [0.0, 3.0, 1.0]])  # ex_teacher
_STUDENT = torch.tensor([[1.0, 0.5, 0.0], [0.5, 0.5, 0.5]])  # ex_student
_T = 2.0  # ex_T
# The lesson's explorer example: notebook 04's first example (seed 0) with label smoothing 0.1.
_LESSON_EPS, _LESSON_C = 0.1, 3


def _lesson_q() -> torch.Tensor:
    return (1 - _LESSON_EPS) * F.one_hot(torch.tensor(0), _LESSON_C).double() + _LESSON_EPS / _LESSON_C


def _lesson_z() -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    return torch.randn(4, 3, generator=g)[0].double()


@exercise(
    "05.predict_floor",
    hint=(
        "which of the two parts, H(q) or KL(q || p), depends on the logits at all?",
        "the KL part can be driven to 0 (at p = q); the other part is a property of q alone, and a cell "
        "above computed it for this q.",
    ),
    solution="""
q_target = torch.tensor([1 - 0.1 + 0.1 / 3, 0.1 / 3, 0.1 / 3])  # the explorer's smoothed target
answer = -(q_target * torch.log(q_target)).sum()  # H(q): the KL part can reach 0, this part cannot move
""",
    transfer=True,
    rtol=2e-3,
    atol=0.0,
    mistakes=(
        Mistake(
            "zero",
            lambda: 0.0,
            "0 needs a one-hot target; with a smoothed q the loss cannot go below "
            "the part that does not depend on the logits.",
        ),
        Mistake(
            "kl",
            lambda: F.kl_div(F.log_softmax(_lesson_z(), 0), _lesson_q(), reduction="sum").item(),
            "that is the KL part at the start; moving the logits can remove it, so it is not what stays.",
        ),
        Mistake(
            "start",
            lambda: F.cross_entropy(_lesson_z(), _lesson_q()).item(),
            "that is the loss at the start; the logits can still lower it.",
        ),
    ),
)
def _predict_floor() -> float:
    return torch.special.entr(_lesson_q()).sum().item()


@exercise(
    "05.entropy_bits",
    hint=(
        "the entropy is the q-weighted average of the surprise -log q_i.",
        "torch.log is the natural log, so it gives nats; one bit is ln 2 nats (or use torch.log2).",
    ),
    solution="answer = (ex_q * torch.log(1 / ex_q)).sum() / torch.log(torch.tensor(2.0))",
    mistakes=(
        Mistake(
            "nats",
            lambda: torch.special.entr(_Q).sum().item(),
            "that is the entropy in nats (natural log); the question asks for bits.",
        ),
        Mistake(
            "sign",
            lambda: -torch.special.entr(_Q).sum().item() / math.log(2),
            "an entropy is never negative: the surprise is MINUS log q.",
        ),
        Mistake("uniform", lambda: 2.0, "2 bits is the entropy of a uniform choice among four; ex_q is not uniform."),
    ),
)
def _entropy_bits() -> float:
    return (torch.special.entr(_Q).sum() / math.log(2)).item()


def _smoothed(C: int, eps: float, other: float) -> float:
    """H of a target with 1 - eps + (eps - (C - 1) * other) on the true class and `other` on the rest."""
    top = 1 - eps + (eps - (C - 1) * other)
    return -(top * math.log(top) + (C - 1) * other * math.log(other))


@exercise(
    "05.smoothing_floor",
    hint=(
        "the loss is H(q) + KL(q || p), and the logits can only move one of the two parts.",
        "the floor is the entropy of the smoothed target: 1 - eps + eps/C on the true class and eps/C on each "
        "of the other C - 1 (ex_C and ex_eps here).",
    ),
    solution="""
q_smooth = torch.full((ex_C,), ex_eps / ex_C)
q_smooth[0] += 1 - ex_eps
answer = -(q_smooth * torch.log(q_smooth)).sum()  # H(q): the loss when softmax(z) = q
""",
    mistakes=(
        Mistake("zero", lambda: 0.0, "0 is the floor without smoothing; with it, the target itself has entropy."),
        Mistake(
            "eps over C-1",
            lambda: _smoothed(_C, _EPS, _EPS / (_C - 1)),
            "PyTorch spreads eps over all C classes (eps/C each, the true class included), not over the other C - 1.",
        ),
        Mistake(
            "lesson",
            lambda: _smoothed(3, 0.1, 0.1 / 3),
            "that is the lesson's floor (C = 3, eps = 0.1); this exercise has ex_C = 4 and ex_eps = 0.2.",
        ),
    ),
)
def _smoothing_floor() -> float:
    # Reached by logits equal to log q: then softmax(z) = q and the KL part is 0.
    q = (1 - _EPS) * F.one_hot(torch.tensor(0), _C).double() + _EPS / _C
    return F.cross_entropy(q.log(), torch.tensor(0), label_smoothing=_EPS).item()


def _per_position() -> torch.Tensor:
    V = _LM_LOGITS.shape[-1]
    return F.cross_entropy(_LM_LOGITS.reshape(-1, V), _LM_TARGETS.reshape(-1), reduction="none")


@exercise(
    "05.perplexity",
    hint=(
        "perplexity is exp of the MEAN cross-entropy, and the mean is over the positions that count.",
        "flatten to (positions, vocabulary) and (positions,); F.cross_entropy already leaves out target -100 "
        "(its ignore_index) and divides by the number of the others.",
    ),
    solution="""
vocab = ex_logits.shape[-1]
ex_mean_ce = F.cross_entropy(ex_logits.reshape(-1, vocab), ex_targets.reshape(-1))  # ignore_index=-100 drops the padding
answer = torch.exp(ex_mean_ce)
""",
    transfer=True,
    mistakes=(
        Mistake(
            "padding in the count",
            lambda: math.exp(_per_position().sum().item() / 5),
            "the padding position adds 0 to the sum but still counts in your divisor: divide by the 4 real positions.",
        ),
        Mistake(
            "mean of exp",
            lambda: _per_position()[:4].exp().mean().item(),
            "that is the mean of per-position exp(loss); perplexity is exp of the mean loss.",
        ),
        Mistake(
            "no exp",
            lambda: _per_position()[:4].mean().item(),
            "that is the mean cross-entropy itself; perplexity is its exp.",
        ),
    ),
)
def _perplexity() -> float:
    return torch.exp(_per_position()[_LM_TARGETS.reshape(-1) != -100].mean()).item()


def _distill_grad(scale: float, per_example: bool = False, sign: float = 1.0) -> torch.Tensor:
    p_t = F.softmax(_STUDENT.double() / _T, dim=1)
    q_t = F.softmax(_TEACHER.double() / _T, dim=1)
    n = 1 if per_example else len(_STUDENT)
    return sign * scale * (p_t - q_t) / n


@exercise(
    "05.distill_grad",
    hint=(
        "start from the per-example gradient of KL(q_T || p_T) with respect to the student's logits, which the "
        "lesson derived, then account for the two factors the distillation loss adds.",
        "the loss multiplies the KL by T^2, and 'batchmean' divides the summed KL by the number of examples; "
        "check your tensor against torch.autograd.grad of the loss written with F.kl_div.",
    ),
    solution="""
student_p = F.softmax(ex_student / ex_T, dim=1)
teacher_q = F.softmax(ex_teacher / ex_T, dim=1)
answer = ex_T * (student_p - teacher_q) / len(ex_student)  # T^2 * (p_T - q_T) / T, averaged over the examples
""",
    transfer=True,
    mistakes=(
        Mistake(
            "no T^2",
            lambda: _distill_grad(1 / _T),
            "that is the gradient of the KL alone, (p_T - q_T) / T per example; the loss is multiplied by T^2.",
        ),
        Mistake(
            "no 1/N",
            lambda: _distill_grad(_T, per_example=True),
            "'batchmean' averages over the examples: divide by their number.",
        ),
        Mistake(
            "sign",
            lambda: _distill_grad(_T, sign=-1.0),
            "the sign is flipped: the gradient points from the teacher's probabilities to the student's.",
        ),
        Mistake(
            "T = 1",
            lambda: (F.softmax(_STUDENT, 1) - F.softmax(_TEACHER, 1)) / len(_STUDENT),
            "both softmaxes take the logits divided by ex_T, and the chain rule through z / T brings a 1/T.",
        ),
    ),
)
def _distill_grad_expected() -> torch.Tensor:
    student = _STUDENT.clone().requires_grad_(True)
    loss = F.kl_div(F.log_softmax(student / _T, dim=1), F.softmax(_TEACHER / _T, dim=1), reduction="batchmean") * _T**2
    (grad,) = torch.autograd.grad(loss, student)
    return grad
