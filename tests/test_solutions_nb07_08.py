"""Worked solutions of the exercises of notebooks 07-08, written the way a learner would.

The data of every exercise is taken from the notebook itself (see ``exercise_cells``). For
each exercise, solutions built by hand in several forms (tensor, Python float, numpy) must
be accepted, and plausible mistakes (the bug the notebook warns about) rejected with the
hint, never showing the answer.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from exercise_cells import answer, exercise_cell
from helper.exercises import EXERCISES, check

PREFIXES = ("07", "08")


# ---------------------------------------------------------------- notebook 07

def sol_entropy_bits(q_bits):
    return -(q_bits * torch.log2(q_bits)).sum()


def sol_entropy_bits_float(q_bits):
    return float(-(q_bits * torch.log(q_bits)).sum() / math.log(2))


def bug_entropy_bits(q_bits):
    return -(q_bits * torch.log(q_bits)).sum()  # nats, not bits


def sol_smoothing_floor(C, eps):
    top, rest = 1 - eps + eps / C, eps / C
    return -(top * math.log(top) + (C - 1) * rest * math.log(rest))


def sol_smoothing_floor_numpy(C, eps):
    q = np.full(C, eps / C)
    q[0] += 1 - eps
    return np.float32(-(q * np.log(q)).sum())


def bug_smoothing_floor(C, eps):
    return 0.0  # "a perfect model reaches 0"


def bug_smoothing_floor_wrong_q(C, eps):
    top, rest = 1 - eps, eps / (C - 1)  # eps shared among the wrong classes only
    return -(top * math.log(top) + (C - 1) * rest * math.log(rest))


def sol_perplexity(logits, targets):
    V = logits.shape[-1]
    keep = targets.reshape(-1) != -100
    logp = F.log_softmax(logits.reshape(-1, V), dim=1)[keep]
    picked = logp[torch.arange(len(logp)), targets.reshape(-1)[keep]]
    return torch.exp(-picked.mean())


def bug_perplexity_padding_counted(logits, targets):
    V = logits.shape[-1]
    t = targets.reshape(-1).clone()
    t[t == -100] = 0  # padding scored as token 0
    return torch.exp(F.cross_entropy(logits.reshape(-1, V), t))


def bug_perplexity_mean_of_exp(logits, targets):
    V = logits.shape[-1]
    per = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), reduction="none")
    return torch.exp(per[targets.reshape(-1) != -100]).mean()  # mean of exp, not exp of mean


# ---------------------------------------------------------------- notebook 08

def sol_grad_W(X_tiny, y_tiny, W_tiny, b_tiny):
    G = (torch.softmax(X_tiny @ W_tiny.T + b_tiny, dim=1) - F.one_hot(y_tiny, 3)) / len(y_tiny)
    return G.T @ X_tiny


def sol_grad_W_numpy_list(X_tiny, y_tiny, W_tiny, b_tiny):
    return sol_grad_W(X_tiny, y_tiny, W_tiny, b_tiny).numpy().tolist()


def bug_grad_W_no_mean(X_tiny, y_tiny, W_tiny, b_tiny):
    G = torch.softmax(X_tiny @ W_tiny.T + b_tiny, dim=1) - F.one_hot(y_tiny, 3)  # forgot 1/N
    return G.T @ X_tiny


def bug_grad_W_transposed(X_tiny, y_tiny, W_tiny, b_tiny):
    G = (torch.softmax(X_tiny @ W_tiny.T + b_tiny, dim=1) - F.one_hot(y_tiny, 3)) / len(y_tiny)
    return (X_tiny.T @ G).T.flip(0)  # rows in the wrong order


def sol_one_step(X_tiny, y_tiny, lr):
    W, b = torch.zeros(3, 2), torch.zeros(3)
    G = (torch.softmax(X_tiny @ W.T + b, dim=1) - F.one_hot(y_tiny, 3)) / len(y_tiny)
    W, b = W - lr * G.T @ X_tiny, b - lr * G.sum(dim=0)
    return F.cross_entropy(X_tiny @ W.T + b, y_tiny).item()


def bug_one_step_loss_before(X_tiny, y_tiny, lr):
    return math.log(3)  # the loss before the step


def bug_one_step_no_bias(X_tiny, y_tiny, lr):
    W = torch.zeros(3, 2)
    G = (torch.softmax(X_tiny @ W.T, dim=1) - F.one_hot(y_tiny, 3)) / len(y_tiny)
    W = W - lr * G.T @ X_tiny  # b never updated
    return F.cross_entropy(X_tiny @ W.T, y_tiny).item()


def sol_ece(probs, labels):
    conf, pred = probs.max(dim=1)
    correct = (pred == labels).float()
    total = 0.0
    for k in range(10):
        in_bin = (conf > k / 10) & (conf <= (k + 1) / 10)
        if in_bin.any():
            total += in_bin.float().mean() * (correct[in_bin].mean() - conf[in_bin].mean()).abs()
    return total


def bug_ece_unweighted(probs, labels):
    conf, pred = probs.max(dim=1)
    correct = (pred == labels).float()
    gaps = []
    for k in range(10):
        in_bin = (conf > k / 10) & (conf <= (k + 1) / 10)
        if in_bin.any():
            gaps.append((correct[in_bin].mean() - conf[in_bin].mean()).abs())
    return torch.stack(gaps).mean()  # bins not weighted by their size


def bug_ece_no_bins(probs, labels):
    conf, pred = probs.max(dim=1)
    return ((pred == labels).float().mean() - conf.mean()).abs()  # one global gap


SOLUTIONS = {
    "07.entropy_bits": ([sol_entropy_bits, sol_entropy_bits_float], [bug_entropy_bits]),
    "07.smoothing_floor": ([sol_smoothing_floor, sol_smoothing_floor_numpy], [bug_smoothing_floor, bug_smoothing_floor_wrong_q]),
    "07.perplexity": ([sol_perplexity], [bug_perplexity_padding_counted, bug_perplexity_mean_of_exp]),
    "08.grad_W": ([sol_grad_W, sol_grad_W_numpy_list], [bug_grad_W_no_mean, bug_grad_W_transposed]),
    "08.one_step": ([sol_one_step], [bug_one_step_loss_before, bug_one_step_no_bias]),
    "08.ece": ([sol_ece], [bug_ece_unweighted, bug_ece_no_bins]),
}


def test_every_exercise_of_07_08_has_worked_solutions():
    registered = sorted(k for k in EXERCISES if k[:2] in PREFIXES)
    assert registered == sorted(SOLUTIONS)


@pytest.mark.parametrize(
    "key, solution", [(k, s) for k, (sols, _) in sorted(SOLUTIONS.items()) for s in sols],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_worked_solution_is_accepted(key, solution, capsys):
    assert check(key, answer(key, solution)) is True
    assert capsys.readouterr().out.strip() == f"[{key}] Correct. Well done."


@pytest.mark.parametrize(
    "key, bug", [(k, b) for k, (_, bugs) in sorted(SOLUTIONS.items()) for b in bugs],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_plausible_mistake_is_rejected_with_the_hint_and_without_the_answer(key, bug, capsys):
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
    namespace = {"torch": torch, "F": F, "nn": nn, "check": check}
    exec(exercise_cell(key), namespace)
    assert capsys.readouterr().out.strip() == (
        f"[{key}] Not answered yet: replace ... with your answer and run this cell again."
    )


def test_the_ece_exercise_has_a_bin_with_several_rows_and_differs_from_its_mistakes():
    """The ECE exercise only tests the weighting if its bins differ in size."""
    probs = answer("08.ece", lambda probs, labels: probs)
    conf = probs.max(dim=1).values
    counts = torch.bincount(((conf * 10).ceil().long() - 1).clamp(0, 9), minlength=10)
    assert counts.max() >= 2 and (counts == 1).any()
