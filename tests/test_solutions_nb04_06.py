"""Worked solutions of the exercises of notebooks 04-06, written the way a learner would.

The data of every exercise is taken from the notebook itself: the exercise cell is
run with its ``answer = ...`` line replaced, so the data a learner sees and the data
the oracle in ``helper/exercises/nbNN.py`` uses cannot drift apart. For each exercise
one solution built by hand must be accepted and one plausible mistake (the common bug
the notebook warns about) must be rejected with the hint, never showing the answer.
"""

from __future__ import annotations


import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from exercise_cells import answer, cell_data, exercise_cell
from helper.exercises import EXERCISES, check

PREFIXES = ("04", "05", "06")


# ---------------------------------------------------------------- notebook 04

def sol_weighted_mean(logits, targets, weight):
    per = -F.log_softmax(logits, dim=1)[torch.arange(len(targets)), targets]
    w = weight[targets]
    return ((w * per).sum() / w.sum()).item()


def bug_weighted_mean(logits, targets, weight):
    per = -F.log_softmax(logits, dim=1)[torch.arange(len(targets)), targets]
    return (weight[targets] * per).mean().item()  # divided by N, not by the target weights


def sol_label_smoothing(logits, targets, eps):
    C = logits.shape[1]
    q = (1 - eps) * F.one_hot(targets, C) + eps / C
    return -(q * F.log_softmax(logits, dim=1)).sum(dim=1)


def bug_label_smoothing(logits, targets, eps):
    C = logits.shape[1]
    onehot = F.one_hot(targets, C)
    q = (1 - eps) * onehot + eps / (C - 1) * (1 - onehot)  # eps shared among the wrong classes only
    return -(q * F.log_softmax(logits, dim=1)).sum(dim=1)


def sol_grad_mean(logits, targets):
    p = torch.softmax(logits, dim=1)
    return (p - F.one_hot(targets, logits.shape[1])) / len(targets)


def bug_grad_mean(logits, targets):
    return torch.softmax(logits, dim=1) - F.one_hot(targets, logits.shape[1])  # forgot the 1/N of 'mean'


# ---------------------------------------------------------------- notebook 05

def sol_pos_weight(z, y, pos_weight):
    p = 1 / (1 + torch.exp(-z))
    return -(pos_weight * y * torch.log(p) + (1 - y) * torch.log(1 - p))


def bug_pos_weight(z, y, pos_weight):
    p = torch.sigmoid(z)
    return -pos_weight * (y * torch.log(p) + (1 - y) * torch.log(1 - p))  # weighted both terms


def sol_stable_bce(z, y):
    return torch.clamp(z, min=0) - z * y + torch.log1p(torch.exp(-torch.abs(z)))


def bug_stable_bce(z, y):
    p = torch.sigmoid(z)  # rounds to 1 at z = 60: log(0) = -inf
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p))


def bug_stable_bce_clamped(z, y):
    return nn.BCELoss(reduction="none")(torch.sigmoid(z), y)  # finite, but clamped at 100


def sol_multilabel_mean(Z, Y):
    return (F.softplus(Z) - Y * Z).mean().item()


def bug_multilabel_mean(Z, Y):
    return (F.softplus(Z) - Y * Z).sum(dim=1).mean().item()  # averaged over photos, not entries


# ---------------------------------------------------------------- notebook 06

def sol_nll_input(logits, targets):
    return logits - torch.logsumexp(logits, dim=1, keepdim=True)


def bug_nll_input(logits, targets):
    return torch.softmax(logits, dim=1)  # probabilities, not log-probabilities


def sol_double_softmax_floor():
    import math

    return math.log(1 + 2 / math.e)  # -log(e / (e + 2)): softmax of [1, 0, 0], target 0


def bug_double_softmax_floor():
    return 0.0  # what a perfect model would get without the bug


def sol_mse_vs_ce_grad(z, target):
    grads = []
    for kind in ("ce", "mse"):
        leaf = z.clone().requires_grad_(True)
        if kind == "ce":
            loss = F.cross_entropy(leaf, target)
        else:
            loss = F.mse_loss(torch.softmax(leaf, dim=1), F.one_hot(target, 2).float(), reduction="sum")
        loss.backward()
        grads.append(leaf.grad[0, 0].item())
    return grads


def bug_mse_vs_ce_grad(z, target):
    leaf = z.clone().requires_grad_(True)
    F.cross_entropy(leaf, target).backward()
    ce_grad = leaf.grad[0, 0].item()
    loss = F.mse_loss(torch.softmax(leaf, dim=1), F.one_hot(target, 2).float(), reduction="sum")
    loss.backward()  # gradients accumulate: the MSE one is added to the CE one
    return [ce_grad, leaf.grad[0, 0].item()]


SOLUTIONS = {
    "04.weighted_mean": (sol_weighted_mean, [bug_weighted_mean]),
    "04.label_smoothing": (sol_label_smoothing, [bug_label_smoothing]),
    "04.grad_mean": (sol_grad_mean, [bug_grad_mean]),
    "05.pos_weight": (sol_pos_weight, [bug_pos_weight]),
    "05.stable_bce": (sol_stable_bce, [bug_stable_bce, bug_stable_bce_clamped]),
    "05.multilabel_mean": (sol_multilabel_mean, [bug_multilabel_mean]),
    "06.nll_input": (sol_nll_input, [bug_nll_input]),
    "06.double_softmax_floor": (sol_double_softmax_floor, [bug_double_softmax_floor]),
    "06.mse_vs_ce_grad": (sol_mse_vs_ce_grad, [bug_mse_vs_ce_grad]),
}


def test_every_exercise_of_04_06_has_a_worked_solution():
    registered = sorted(k for k in EXERCISES if k[:2] in PREFIXES)
    assert registered == sorted(SOLUTIONS)


@pytest.mark.parametrize("key", sorted(SOLUTIONS))
def test_worked_solution_is_accepted(key, capsys):
    solution, _ = SOLUTIONS[key]
    assert check(key, answer(key, solution)) is True
    assert capsys.readouterr().out.strip() == f"[{key}] Correct. Well done."


@pytest.mark.parametrize(
    "key, bug", [(k, b) for k, (_, bugs) in sorted(SOLUTIONS.items()) for b in bugs], ids=lambda v: getattr(v, "__name__", v)
)
def test_plausible_mistake_is_rejected_with_the_hint_and_without_theanswer(key, bug, capsys):
    wrong = answer(key, bug)
    assert check(key, wrong) is False
    out = capsys.readouterr().out
    assert out.startswith(f"[{key}] Not quite. Hint: ")
    assert EXERCISES[key].hint in out
    expected = torch.as_tensor(EXERCISES[key].expected(), dtype=torch.float64).flatten()
    for value in expected.tolist():
        for shown in {f"{value:.3f}", f"{value:.4f}", f"{value:.3g}"}:
            assert shown not in out, f"the message leaks the expected value {shown}"


@pytest.mark.parametrize("key", sorted(SOLUTIONS))
def test_the_committed_exercise_cell_is_unanswered(key, capsys):
    src = exercise_cell(key)
    namespace = {"torch": torch, "F": F, "nn": nn, "check": check}
    exec(src, namespace)
    assert capsys.readouterr().out.strip() == (
        f"[{key}] Not answered yet: replace ... with your answer and run this cell again."
    )


def test_the_naive_formula_really_breaks_where_the_exercise_says():
    """05.stable_bce is only an exercise if the textbook formula fails on its data."""
    data = cell_data("05.stable_bce")
    naive = bug_stable_bce(data["z"], data["y"])
    assert torch.isinf(naive).any()
    assert bug_stable_bce_clamped(data["z"], data["y"]).max().item() == 100.0
