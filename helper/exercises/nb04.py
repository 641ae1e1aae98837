"""Exercises of notebook 04: cross-entropy and its options.

The data live here once and the notebook's exercise cells show the same literals under their own
names (``ex_logits``, ``ex_targets`` ...), so re-running a lesson cell after the exercises still
shows the lesson's numbers. Each oracle computes its answer with torch, so a check never depends on
a number typed by hand.
"""

import torch
import torch.nn.functional as F

from helper.exercises import Mistake, exercise

# The batch the exercises of this notebook show: 4 examples, 3 classes.
_LOGITS = torch.tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 0.0], [-0.5, 0.2, 1.5], [1.0, 1.0, 1.0]])
_TARGETS = torch.tensor([0, 2, 1, 2])
_WEIGHT = torch.tensor([1.0, 3.0, 0.5])
_EPS = 0.1
_PADDED = torch.tensor([0, -100, 1, 2])
_C = 3
_ROWS = torch.arange(len(_TARGETS))


def _per_example() -> torch.Tensor:
    return -torch.log_softmax(_LOGITS, dim=1)[_ROWS, _TARGETS]


def _p_minus_onehot(targets: torch.Tensor) -> torch.Tensor:
    """p - onehot(y) per row; a row whose target is -100 gets p (its one-hot is all zeros)."""
    onehot = F.one_hot(targets.clamp(min=0), _C) * (targets >= 0).unsqueeze(1)
    return torch.softmax(_LOGITS, dim=1) - onehot


def _smoothed(q_weights: torch.Tensor) -> torch.Tensor:
    """The class-weighted smoothed target rows: (1 - eps) w_y onehot(y) + (eps / C) w (columns weighted)."""
    return (1 - _EPS) * _WEIGHT[_TARGETS].unsqueeze(1) * F.one_hot(_TARGETS, _C) + _EPS / _C * q_weights


@exercise(
    "04.weighted_mean",
    hint=(
        "one number: each example's loss counts with the weight of its own target class.",
        "after summing the weighted losses, divide by the sum of the weights of the targets, not by N.",
    ),
    solution="ex_per = -torch.log_softmax(ex_logits, dim=1)[torch.arange(len(ex_targets)), ex_targets]\n"
    "answer = (ex_weight[ex_targets] * ex_per).sum() / ex_weight[ex_targets].sum()",
    mistakes=(
        Mistake(
            "divided by N",
            lambda: (_WEIGHT[_TARGETS] * _per_example()).mean(),
            "you divided the weighted sum by N = 4; with class weights 'mean' divides by the sum of "
            "the targets' weights.",
        ),
        Mistake("unweighted", lambda: _per_example().mean(), "that is the plain mean, without the class weights."),
        Mistake(
            "sum",
            lambda: (_WEIGHT[_TARGETS] * _per_example()).sum(),
            "that is the weighted sum (reduction='sum'); 'mean' divides it by the summed target weights.",
        ),
    ),
)
def _weighted_mean() -> float:
    return F.cross_entropy(_LOGITS, _TARGETS, weight=_WEIGHT).item()


@exercise(
    "04.label_smoothing",
    hint=(
        "build the smoothed target q first: every class, the target included, gets eps / C; "
        "the target keeps 1 - eps on top.",
        "each example's loss is minus the sum over its classes of q times the log-probabilities (4 values).",
    ),
    solution="ex_q = (1 - ex_eps) * F.one_hot(ex_targets, 3) + ex_eps / 3\n"
    "answer = -(ex_q * torch.log_softmax(ex_logits, dim=1)).sum(dim=1)",
    mistakes=(
        Mistake(
            "no smoothing",
            _per_example,
            "that is the loss without smoothing: the target still holds 1 instead of 1 - eps + eps / C.",
        ),
        Mistake(
            "eps/(C-1)",
            lambda: (
                -(
                    ((1 - _EPS) * F.one_hot(_TARGETS, _C) + _EPS / (_C - 1) * (1 - F.one_hot(_TARGETS, _C)))
                    * torch.log_softmax(_LOGITS, dim=1)
                ).sum(dim=1)
            ),
            "you shared eps among the wrong classes only (eps / (C - 1)); PyTorch spreads it over all C "
            "classes, the target included.",
        ),
        Mistake(
            "mean",
            lambda: F.cross_entropy(_LOGITS, _TARGETS, label_smoothing=_EPS),
            "one number: that is the mean; the question asks for each example's loss.",
        ),
    ),
)
def _label_smoothing() -> torch.Tensor:
    return F.cross_entropy(_LOGITS, _TARGETS, label_smoothing=_EPS, reduction="none")


@exercise(
    "04.grad_ignored",
    hint=(
        "a (4, 3) tensor: an ignored example adds nothing to the loss, so what is its row of the gradient?",
        "the other rows are p - onehot(y), and 'mean' divides them by the number of examples that count, not by N.",
    ),
    solution="ex_kept = ex_padded_targets != -100\n"
    "ex_onehot = F.one_hot(ex_padded_targets.clamp(min=0), 3) * ex_kept.unsqueeze(1)\n"
    "answer = (torch.softmax(ex_logits, dim=1) - ex_onehot) * ex_kept.unsqueeze(1) / ex_kept.sum()",
    transfer=True,
    mistakes=(
        Mistake(
            "divided by N",
            lambda: _p_minus_onehot(_PADDED) * (_PADDED >= 0).unsqueeze(1) / 4,
            "you divided by N = 4; 'mean' divides by the number of targets that are not ignored.",
        ),
        Mistake(
            "no 1/N",
            lambda: _p_minus_onehot(_PADDED) * (_PADDED >= 0).unsqueeze(1),
            "right up to a factor: under 'mean' every row is divided by the number of counted examples.",
        ),
        Mistake(
            "ignored row p",
            lambda: _p_minus_onehot(_PADDED) / 3,
            "the ignored row is not zero: an ignored example adds nothing to the loss, so its gradient is 0.",
        ),
    ),
)
def _grad_ignored() -> torch.Tensor:
    leaf = _LOGITS.clone().requires_grad_(True)
    F.cross_entropy(leaf, _PADDED).backward()
    return leaf.grad


@exercise(
    "04.smooth_weight_grad",
    hint=(
        "write each example's loss as -sum_c qw_c log p_c, where qw weights the target part (1 - eps) by the "
        "target's class weight and each class's share eps / C by that class's own weight; 'mean' divides "
        "by the sum of the targets' weights.",
        "the gradient of -sum_c a_c log p_c in the logits is (sum_c a_c) p - a: the row sums of qw are not 1 here.",
    ),
    solution="ex_qw = ((1 - ex_eps) * ex_weight[ex_targets].unsqueeze(1) * F.one_hot(ex_targets, 3)\n"
    "         + ex_eps / 3 * ex_weight)\n"
    "answer = (ex_qw.sum(dim=1, keepdim=True) * torch.softmax(ex_logits, dim=1) - ex_qw) "
    "/ ex_weight[ex_targets].sum()",
    transfer=True,
    mistakes=(
        Mistake(
            "target weight only",
            lambda: (
                _WEIGHT[_TARGETS].unsqueeze(1)
                * (torch.softmax(_LOGITS, dim=1) - ((1 - _EPS) * F.one_hot(_TARGETS, _C) + _EPS / _C))
                / _WEIGHT[_TARGETS].sum()
            ),
            "you scaled the whole row p - q by the target's weight; PyTorch weights each class's smoothing share "
            "eps / C by that class's own weight.",
        ),
        Mistake(
            "divided by N",
            lambda: (_smoothed(_WEIGHT).sum(1, keepdim=True) * torch.softmax(_LOGITS, dim=1) - _smoothed(_WEIGHT)) / 4,
            "the right rows, divided by N = 4; with class weights 'mean' divides by the sum of the targets' weights.",
        ),
        Mistake(
            "row sum taken as 1",
            lambda: (torch.softmax(_LOGITS, dim=1) - _smoothed(_WEIGHT)) / _WEIGHT[_TARGETS].sum(),
            "p - qw assumes the weighted target sums to 1 in every row; with class weights it does not.",
        ),
    ),
)
def _smooth_weight_grad() -> torch.Tensor:
    leaf = _LOGITS.clone().requires_grad_(True)
    F.cross_entropy(leaf, _TARGETS, weight=_WEIGHT, label_smoothing=_EPS).backward()
    return leaf.grad


@exercise(
    "04.predict_target_bar",
    hint=(
        "the explorer divides the logits by T before the softmax; by the chain rule, what does that do "
        "to the gradient in the logits?",
        "at T = 1 the target's bar tends to -1 as its probability goes to 0; the page differentiates through "
        "z / T, whose derivative in z is 1 / T.",
    ),
    solution="answer = -1 / 2",
    transfer=True,
    rtol=0.0,
    atol=1e-3,
    mistakes=(
        Mistake("T = 1", lambda: -1.0, "that is the limit at T = 1; at T = 2 the gradient is (p - onehot(y)) / T."),
        Mistake("times T", lambda: -2.0, "you multiplied by T; dividing the logits by T divides the gradient by T."),
        Mistake("zero", lambda: 0.0, "the target's bar goes to 0 when the target wins, not when a wrong class wins."),
    ),
)
def _predict_target_bar() -> float:
    big = torch.tensor([0.0, 40.0, 0.0], requires_grad=True)  # class 1 wins by a wide margin; target 0
    F.cross_entropy((big / 2).unsqueeze(0), torch.tensor([0])).backward()
    return big.grad[0].item()
