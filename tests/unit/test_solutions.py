"""Worked solutions of every notebook's exercises, written the way a learner would.

The data of every exercise comes from the notebook itself: the exercise cells of a
notebook are run in order, each with its ``answer = ...`` line and everything after
it removed, so the data a learner sees and the data the oracle in
``helper/exercises/nbNN.py`` uses cannot drift apart. For each exercise one solution
must be accepted and each plausible mistake (the common bug the notebook warns about)
must be rejected with the hint, never showing the expected answer.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from exercise_cells import ANSWER_LINE, answer, cell_data, exercise_cell, exercise_cells, notebook
from helper.course.notebooks import notebooks
from helper.exercises import EXERCISES, check
from helper.facts import BCE_CLAMPED_LOSS


# ---------------------------------------------------------------- notebook 01

def sol_softmax_by_hand(logits):
    e = logits.exp()
    return e / e.sum()


def bug_softmax_by_hand(logits):
    return logits / logits.sum()  # normalised without exponentiating


def sol_equal_logits():
    return 1 / 4


def bug_equal_logits():
    return 7.5 / 4  # thinking the logit value itself is shared out


def sol_temperature(logits, T):
    e = (logits / T).exp()
    return e / e.sum()


def bug_temperature(logits, T):
    return torch.softmax(logits * T, dim=0)  # multiplied by T instead of dividing


def sol_shift_changes_nothing(logits):
    same = torch.softmax(logits, dim=0)
    return [torch.allclose(torch.softmax(logits - logits.max(), dim=0), same),
            torch.allclose(torch.softmax(2 * logits, dim=0), same)]


def bug_shift_changes_nothing(logits):
    return [True, True]  # thinking a scale cancels like a shift


def bug_shift_changes_nothing_swapped(logits):
    return [False, True]  # the two predictions the wrong way round


# ---------------------------------------------------------------- notebook 02

def sol_overflow_float32(C):
    z = 0
    while not torch.isinf(torch.full((C,), float(z)).exp().sum()):
        z += 1
    return z


def bug_overflow_float32(C):
    return 89  # where one e^z overflows, not the sum of C of them


def bug_overflow_float32_last_finite(C):
    return 81  # the last finite one, not the first infinite one


def sol_max_trick(z):
    m = z.max()
    return m + (z - m).exp().sum().log()


def bug_max_trick(z):
    m = z.max()
    return (z - m).exp().sum().log()  # forgot to add the maximum back


def sol_log_softmax(logits):
    return logits - logits.logsumexp(dim=1, keepdim=True)


def bug_log_softmax(logits):
    return logits - logits.logsumexp(dim=0, keepdim=True)  # LSE down the batch instead of the classes


# ---------------------------------------------------------------- notebook 03

def sol_gather_flat(logprobs, targets):
    return logprobs.gather(1, targets.unsqueeze(1)).squeeze(1)


def bug_gather_flat(logprobs, targets):
    return -logprobs.gather(1, targets.unsqueeze(1)).squeeze(1)  # negated: the loss, not the log-probability


def bug_gather_flat_columns(logprobs, targets):
    return logprobs[:, targets]  # (N, N): every target's column from every row  # the (N, 1) shape the notebook warns about


def sol_mean_loss(logprobs, targets):
    return -logprobs[torch.arange(len(targets)), targets].mean()


def bug_mean_loss(logprobs, targets):
    return -logprobs[:, targets].mean()  # (N, N): every target's column from every row


def sol_onehot_bytes(N, C):
    onehot = torch.zeros(1, C, dtype=torch.float32)
    return N * onehot.numel() * onehot.element_size()


def bug_onehot_bytes(N, C):
    return N * C * F.one_hot(torch.tensor([0])).element_size()  # the int64 size of F.one_hot


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


# ---------------------------------------------------------------- notebook 06

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


# ---------------------------------------------------------------- notebook 07
# Bugs listed here get the generic hint; each exercise's named mistakes (helper/exercises/nb07.py)
# are recognised with their own message instead.

def sol_predict_equal_logits():
    return F.cross_entropy(torch.zeros(1, 3), torch.tensor([0]))


def bug_predict_equal_logits_start():
    return F.cross_entropy(torch.tensor([[-4.0, 0.0, 0.0]]), torch.tensor([0]))  # the loss before the move


def sol_double_softmax_floor(ex_C):
    return math.log(1 + (ex_C - 1) / math.e)  # -log(e / (e + C - 1)): softmax of a one-hot, target 0


def bug_double_softmax_floor_off_by_one(ex_C):
    return math.log(1 + ex_C / math.e)  # C other classes instead of C - 1


def sol_double_softmax_minimiser(ex_eta):
    s = torch.linspace(0, 1, 100001, dtype=torch.float64)
    logits_s = torch.stack([s, 1 - s], dim=1)
    loss = sum(ex_eta[c] * F.cross_entropy(logits_s, torch.full((len(s),), c), reduction="none") for c in range(2))
    return s[loss.argmin()]


def sol_double_softmax_minimiser_closed_form(ex_eta):
    return float((1 + torch.log(ex_eta[0] / ex_eta[1])) / 2)


def bug_double_softmax_minimiser_no_constant(ex_eta):
    return torch.log(ex_eta[0]).item()  # p = log eta without the constant that makes p sum to 1


def _ce_brier(probs, targets):
    onehot = F.one_hot(targets, 3).float()
    return F.nll_loss(probs.log(), targets).item(), ((probs - onehot) ** 2).sum(dim=1).mean().item()


def sol_ce_vs_brier_ranking(ex_probs_A, ex_probs_B, ex_targets):
    (ce_a, brier_a), (ce_b, brier_b) = _ce_brier(ex_probs_A, ex_targets), _ce_brier(ex_probs_B, ex_targets)
    return [ce_a < ce_b, brier_a < brier_b]


def bug_ce_vs_brier_ranking_no_log(ex_probs_A, ex_probs_B, ex_targets):
    ce_a, ce_b = F.nll_loss(ex_probs_A, ex_targets), F.nll_loss(ex_probs_B, ex_targets)  # probabilities, not logs
    return [bool(ce_a < ce_b), False]  # and the Brier verdict read backwards


# ---------------------------------------------------------------- notebook 05

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
# Bugs listed in CASES get the generic hint; each exercise's named mistakes (helper/exercises/nb08.py)
# are recognised with their own message instead (NAMED_08 below checks real buggy code hits them).

def sol_predict_first_accuracy():
    return 1 / 3  # every point predicted as one class; 100 of the 300 are of it


def bug_predict_first_accuracy_half():
    return 0.5


def sol_grad_W(ex_X, ex_y, ex_W, ex_b):
    G = (torch.softmax(ex_X @ ex_W.T + ex_b, dim=1) - F.one_hot(ex_y, 3)) / len(ex_y)
    return G.T @ ex_X


def sol_grad_W_numpy_list(ex_X, ex_y, ex_W, ex_b):
    return sol_grad_W(ex_X, ex_y, ex_W, ex_b).numpy().tolist()


def bug_grad_W_no_mean(ex_X, ex_y, ex_W, ex_b):
    G = torch.softmax(ex_X @ ex_W.T + ex_b, dim=1) - F.one_hot(ex_y, 3)  # forgot 1/N
    return G.T @ ex_X


def bug_grad_W_sign(ex_X, ex_y, ex_W, ex_b):
    G = (F.one_hot(ex_y, 3) - torch.softmax(ex_X @ ex_W.T + ex_b, dim=1)) / len(ex_y)  # onehot - p
    return G.T @ ex_X


def bug_grad_W_transposed(ex_X, ex_y, ex_W, ex_b):
    G = (torch.softmax(ex_X @ ex_W.T + ex_b, dim=1) - F.one_hot(ex_y, 3)) / len(ex_y)
    return (ex_X.T @ G).T.flip(0)  # rows in the wrong order


def bug_grad_W_no_bias(ex_X, ex_y, ex_W, ex_b):
    G = (torch.softmax(ex_X @ ex_W.T, dim=1) - F.one_hot(ex_y, 3)) / len(ex_y)  # b left out of the logits
    return G.T @ ex_X


def sol_one_step(ex_X, ex_y, ex_lr):
    W, b = torch.zeros(3, 2), torch.zeros(3)
    G = (torch.softmax(ex_X @ W.T + b, dim=1) - F.one_hot(ex_y, 3)) / len(ex_y)
    W, b = W - ex_lr * G.T @ ex_X, b - ex_lr * G.sum(dim=0)
    return F.cross_entropy(ex_X @ W.T + b, ex_y).item()


def bug_one_step_loss_before(ex_X, ex_y, ex_lr):
    return math.log(3)  # the loss before the step


def bug_one_step_no_bias(ex_X, ex_y, ex_lr):
    W = torch.zeros(3, 2)
    G = (torch.softmax(ex_X @ W.T, dim=1) - F.one_hot(ex_y, 3)) / len(ex_y)
    W = W - ex_lr * G.T @ ex_X  # b never updated
    return F.cross_entropy(ex_X @ W.T, ex_y).item()


def bug_one_step_ascent(ex_X, ex_y, ex_lr):
    W, b = torch.zeros(3, 2), torch.zeros(3)
    G = (torch.softmax(ex_X @ W.T + b, dim=1) - F.one_hot(ex_y, 3)) / len(ex_y)
    W, b = W + ex_lr * G.T @ ex_X, b + ex_lr * G.sum(dim=0)  # a step up the gradient
    return F.cross_entropy(ex_X @ W.T + b, ex_y).item()


def sol_prior_first_loss(ex_prior):
    labels = torch.tensor([0] * 9 + [1])  # a batch with exactly the 90/10 proportions
    logits = torch.zeros(10, 2) + ex_prior.log()  # W = 0, b = log pi
    return F.cross_entropy(logits, labels)


def sol_prior_first_loss_formula(ex_prior):
    return -(0.9 * math.log(0.9) + 0.1 * math.log(0.1))


def bug_prior_first_loss_bias_zero(ex_prior):
    return F.cross_entropy(torch.zeros(10, 2), torch.tensor([0] * 9 + [1]))  # the bias left at 0


def bug_prior_first_loss_log_prior(ex_prior):
    return -ex_prior.log().mean()  # each class counted equally, not by its share


def sol_ece(ex_probs, ex_labels):
    conf, pred = ex_probs.max(dim=1)
    correct = (pred == ex_labels).float()
    total = 0.0
    for k in range(10):
        in_bin = (conf > k / 10) & (conf <= (k + 1) / 10)
        if in_bin.any():
            total += in_bin.float().mean() * (correct[in_bin].mean() - conf[in_bin].mean()).abs()
    return total


def bug_ece_unweighted(ex_probs, ex_labels):
    conf, pred = ex_probs.max(dim=1)
    correct = (pred == ex_labels).float()
    gaps = []
    for k in range(10):
        in_bin = (conf > k / 10) & (conf <= (k + 1) / 10)
        if in_bin.any():
            gaps.append((correct[in_bin].mean() - conf[in_bin].mean()).abs())
    return torch.stack(gaps).mean()  # bins not weighted by their size


def bug_ece_no_bins(ex_probs, ex_labels):
    conf, pred = ex_probs.max(dim=1)
    return ((pred == ex_labels).float().mean() - conf.mean()).abs()  # one global gap


def sol_minimiser3(ex_eta):
    log_eta = ex_eta.log()
    return log_eta + (1 - log_eta.sum()) / 3


def sol_minimiser3_numeric(ex_eta):
    """Gradient descent on the plane sum(p) = 1 (the gradient projected onto it), float64."""
    p = torch.full((3,), 1 / 3, dtype=torch.float64, requires_grad=True)
    for _ in range(3000):
        (grad,) = torch.autograd.grad(-(ex_eta * torch.log_softmax(p, dim=0)).sum(), p)
        with torch.no_grad():
            p -= 2.0 * (grad - grad.mean())
    return p.detach()


def bug_minimiser3_softmax(ex_eta):
    return torch.softmax(ex_eta, dim=0)  # softmax of eta, not its inverse


def bug_minimiser3_one_hot(ex_eta):
    return torch.tensor([1.0, 0.0, 0.0])


def sol_flat_directions(ex_points, ex_classes):
    X64 = ex_points.double()

    def loss(theta):
        return F.cross_entropy(X64 @ theta[:18].view(6, 3).T + theta[18:], ex_classes)

    g = torch.Generator().manual_seed(3)
    H = torch.autograd.functional.hessian(loss, torch.randn(24, dtype=torch.float64, generator=g))
    eig = torch.linalg.eigvalsh(H)
    return int((eig.abs() <= 24 * torch.finfo(torch.float64).eps * eig.abs().max()).sum())


def sol_flat_directions_reasoned(ex_points, ex_classes):
    return ex_points.shape[1] + 1  # the same vector added to every row of W (D), one number added to all of b


def bug_flat_directions_parameters(ex_points, ex_classes):
    return 24  # every parameter


def bug_flat_directions_matrix_rank(ex_points, ex_classes):
    return 6 * 3  # the W block only


CASES = {
    "01.softmax_by_hand": (sol_softmax_by_hand, [bug_softmax_by_hand]),
    "01.equal_logits": (sol_equal_logits, [bug_equal_logits]),
    "01.temperature": (sol_temperature, [bug_temperature]),
    "01.shift_changes_nothing": (sol_shift_changes_nothing, [bug_shift_changes_nothing, bug_shift_changes_nothing_swapped]),
    "02.overflow_float32": (sol_overflow_float32, [bug_overflow_float32, bug_overflow_float32_last_finite]),
    "02.max_trick": (sol_max_trick, [bug_max_trick]),
    "02.log_softmax": (sol_log_softmax, [bug_log_softmax]),
    "03.gather_flat": (sol_gather_flat, [bug_gather_flat, bug_gather_flat_columns]),
    "03.mean_loss": (sol_mean_loss, [bug_mean_loss]),
    "03.onehot_bytes": (sol_onehot_bytes, [bug_onehot_bytes]),
    "04.weighted_mean": (sol_weighted_mean, [bug_weighted_mean]),
    "04.label_smoothing": (sol_label_smoothing, [bug_label_smoothing]),
    "04.grad_mean": (sol_grad_mean, [bug_grad_mean]),
    "06.pos_weight": (sol_pos_weight, [bug_pos_weight]),
    "06.stable_bce": (sol_stable_bce, [bug_stable_bce, bug_stable_bce_clamped]),
    "06.multilabel_mean": (sol_multilabel_mean, [bug_multilabel_mean]),
    "07.predict_equal_logits": (sol_predict_equal_logits, [bug_predict_equal_logits_start]),
    "07.double_softmax_floor": (sol_double_softmax_floor, [bug_double_softmax_floor_off_by_one]),
    "07.double_softmax_minimiser": (sol_double_softmax_minimiser, [bug_double_softmax_minimiser_no_constant]),
    "07.ce_vs_brier_ranking": (sol_ce_vs_brier_ranking, [bug_ce_vs_brier_ranking_no_log]),
    "05.entropy_bits": (sol_entropy_bits, [bug_entropy_bits]),
    "05.smoothing_floor": (sol_smoothing_floor, [bug_smoothing_floor, bug_smoothing_floor_wrong_q]),
    "05.perplexity": (sol_perplexity, [bug_perplexity_padding_counted, bug_perplexity_mean_of_exp]),
    "08.predict_first_accuracy": (sol_predict_first_accuracy, [bug_predict_first_accuracy_half]),
    "08.grad_W": (sol_grad_W, [bug_grad_W_transposed, bug_grad_W_no_bias]),
    "08.one_step": (sol_one_step, [bug_one_step_ascent]),
    "08.prior_first_loss": (sol_prior_first_loss, [bug_prior_first_loss_log_prior]),
    "08.ece": (sol_ece, [bug_ece_unweighted]),
    "08.double_softmax_minimiser": (sol_minimiser3, [bug_minimiser3_softmax]),
    "08.flat_directions": (sol_flat_directions, [bug_flat_directions_parameters, bug_flat_directions_matrix_rank]),
}
# Other correct forms of the same answers (Python float, numpy scalar, nested list).
OTHER_FORMS = [
    ("05.entropy_bits", sol_entropy_bits_float),
    ("05.smoothing_floor", sol_smoothing_floor_numpy),
    ("07.double_softmax_minimiser", sol_double_softmax_minimiser_closed_form),
    ("08.grad_W", sol_grad_W_numpy_list),
    ("08.prior_first_loss", sol_prior_first_loss_formula),
    ("08.double_softmax_minimiser", sol_minimiser3_numeric),
    ("08.flat_directions", sol_flat_directions_reasoned),
]
MISTAKES = [(key, bug) for key, (_, bugs) in sorted(CASES.items()) for bug in bugs]


def test_every_exercise_has_a_worked_solution():
    """Registered oracles, exercise cells of the course notebooks and worked solutions: the same keys."""
    in_notebooks = sorted(key for path in notebooks() for key, _ in exercise_cells(path.name[:2]))
    assert sorted(EXERCISES) == in_notebooks == sorted(CASES)


@pytest.mark.parametrize("key", sorted(CASES))
def test_worked_solution_is_accepted(key, capsys):
    solution, _ = CASES[key]
    assert check(key, answer(key, solution)) is True
    assert capsys.readouterr().out.strip() == f"[{key}] Correct. Well done."


@pytest.mark.parametrize("key, bug", MISTAKES, ids=lambda v: getattr(v, "__name__", v))
def test_plausible_mistake_is_rejected_with_the_hint_and_without_the_answer(key, bug, capsys):
    assert check(key, answer(key, bug)) is False
    out = capsys.readouterr().out
    assert out.startswith(f"[{key}] Not quite. Hint: ")
    assert EXERCISES[key].hint in out
    expected = EXERCISES[key].expected()
    if not _is_yes_no(expected):
        for value in torch.as_tensor(expected, dtype=torch.float64).flatten().tolist():
            if len(f"{value:g}") < 3:
                continue  # 0 or 1 appear in any sentence ("1e-04"); only real numbers can leak
            for shown in {f"{value:.3f}", f"{value:.4f}", f"{value:.3g}", f"{value:g}"}:
                assert shown not in out, f"{key}: the message leaks the expected value {shown}"


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_committed_exercise_cell_is_unanswered(key, capsys):
    unanswered = f"[{key}] Not answered yet: replace ... with your answer and run this cell again.\n"
    src = exercise_cell(key)
    assert ANSWER_LINE.search(src), f"{key}: the committed cell should hold 'answer = ...'"
    # Its stored output says so...
    nb = json.loads(notebook(key[:2]).read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]) == src]
    assert "".join("".join(o.get("text", "")) for o in cell.get("outputs", [])) == unanswered
    # ...and so does running it.
    exec(src, {"torch": torch, "F": F, "nn": nn, "check": check})
    assert capsys.readouterr().out == unanswered


def test_the_worked_batch_is_the_seeds():
    """The seed's batch (seed 0, randn(2, 5), targets drawn next) and its numbers, as notebooks 02 and 03 show them."""
    torch.manual_seed(0)
    logits = torch.randn(2, 5)
    targets = torch.randint(0, 5, size=(2,))
    assert targets.tolist() == [1, 4]
    loss = F.cross_entropy(logits, targets, reduction="none")
    assert torch.allclose(loss, torch.tensor([2.3257, 2.0541]), atol=1e-4)
    assert torch.allclose(logits.logsumexp(dim=1), torch.tensor([2.0323, 1.6507]), atol=1e-4)
    assert "2.3257 & 2.0541" in notebook("03").read_text(encoding="utf-8")
    assert "2.0323 & 1.6507" in notebook("02").read_text(encoding="utf-8")


def test_checking_does_not_disturb_the_learners_random_stream():
    torch.manual_seed(123)
    first = torch.randn(3)
    torch.manual_seed(123)
    for key in CASES:
        EXERCISES[key].expected()
    assert torch.equal(torch.randn(3), first)


def test_the_naive_formula_really_breaks_where_the_exercise_says():
    """06.stable_bce is only an exercise if the textbook formula fails on its data."""
    data = cell_data("06.stable_bce")
    naive = bug_stable_bce(data["z"], data["y"])
    assert torch.isinf(naive).any()
    assert bug_stable_bce_clamped(data["z"], data["y"]).max().item() == BCE_CLAMPED_LOSS


# ---------------------------------------------------------------- the package's own solutions


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_the_registered_solution_code_is_accepted(key, capsys):
    """``Exercise.solution``, run where ``answer = ...`` stands (what ``make solutions`` does), is correct."""
    assert EXERCISES[key].solution, f"{key}: register a worked `solution=` with the exercise"
    namespace = cell_data(key)
    exec(EXERCISES[key].solution, namespace)
    assert check(key, namespace["answer"]) is True
    assert capsys.readouterr().out.strip() == f"[{key}] Correct. Well done."


# ---------------------------------------------------------------- every correct form, and wrong ones


def _is_yes_no(value) -> bool:
    return isinstance(value, bool) or (isinstance(value, list) and all(isinstance(v, bool) for v in value))


def _correct_forms(expected) -> list:
    """The expected answer as a learner might hand it in: tensors of any squeezable shape, numpy, Python."""
    if _is_yes_no(expected):
        flags = [expected] if isinstance(expected, bool) else expected
        forms = [list(flags), tuple(flags), [np.bool_(f) for f in flags], [torch.tensor(f) for f in flags],
                 torch.tensor(flags), np.array(flags)]
        if len(flags) == 1:
            forms += [flags[0], np.bool_(flags[0]), torch.tensor(flags[0]), torch.tensor([flags[0]])]
        return forms
    t = torch.as_tensor(expected, dtype=torch.float64)
    forms = [t, t.float(), t.unsqueeze(0), t.unsqueeze(-1), t.numpy(), t.tolist()]
    if t.ndim == 0:
        value = t.item()
        forms += [value, np.float64(value), np.float32(value), torch.tensor([[value]])]
        if float(value).is_integer():
            forms += [int(value), np.int64(int(value)), torch.tensor(int(value))]
    return forms


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_every_correct_form_is_accepted(key, capsys):
    expected = EXERCISES[key].expected()
    for form in _correct_forms(expected):
        assert check(key, form) is True, f"{key}: rejected a correct answer given as {type(form).__name__} {form!r}"
    capsys.readouterr()


def _wrong_forms(key: str, expected) -> list:
    """Answers that must be refused: off by more than the tolerance, the wrong shape, the wrong kind."""
    if _is_yes_no(expected):
        flags = [expected] if isinstance(expected, bool) else expected
        flipped = [not f for f in flags]
        return [flipped, torch.tensor(flipped), [1.0 if f else 0.0 for f in flags], "True", flags + [True]]
    ex = EXERCISES[key]
    t = torch.as_tensor(expected, dtype=torch.float64)
    beyond = 10 * (ex.atol + ex.rtol * t.abs().max().item()) + 1e-3
    wrong = [t + beyond, (t + beyond).tolist(), torch.cat([t.flatten(), t.flatten()]), "a number", True]
    if t.ndim:
        wrong.append(t.flatten()[:-1])  # one entry short
    return wrong


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_wrong_answers_are_refused_with_the_hint(key, capsys):
    expected = EXERCISES[key].expected()
    for form in _wrong_forms(key, expected):
        assert check(key, form) is False, f"{key}: accepted the wrong answer {form!r}"
        out = capsys.readouterr().out
        assert out.startswith(f"[{key}] Not quite. Hint: ") and EXERCISES[key].hint in out


@pytest.mark.parametrize("key", sorted(k for k, ex in EXERCISES.items() if not _is_yes_no(ex.expected())))
def test_the_tolerance_is_the_one_stated(key, capsys):
    """Inside the stated tolerance is correct, well outside is not, and the message states it."""
    ex = EXERCISES[key]
    t = torch.as_tensor(ex.expected(), dtype=torch.float64)
    inside = ex.atol / 2 + ex.rtol / 2 * t.abs()
    assert check(key, t + inside) is True
    outside = 3 * (ex.atol + ex.rtol * t.abs().max()) + (1e-9 if ex.atol == ex.rtol == 0 else 0)
    assert check(key, t + outside) is False
    assert ex.tolerance in capsys.readouterr().out


@pytest.mark.parametrize("key, solution", OTHER_FORMS, ids=lambda v: getattr(v, "__name__", v))
def test_other_forms_of_a_correct_answer_are_accepted(key, solution, capsys):
    assert check(key, answer(key, solution)) is True
    assert capsys.readouterr().out.strip() == f"[{key}] Correct. Well done."


def test_the_ece_exercise_has_a_bin_with_several_rows_and_differs_from_its_mistakes():
    """The ECE exercise only tests the weighting if its bins differ in size."""
    probs = answer("08.ece", lambda ex_probs, ex_labels: ex_probs)
    conf = probs.max(dim=1).values
    counts = torch.bincount(((conf * 10).ceil().long() - 1).clamp(0, 9), minlength=10)
    assert counts.max() >= 2 and (counts == 1).any()


# Notebook 08's named mistakes, each reached by the buggy code a learner would write.
NAMED_08 = [
    ("08.grad_W", bug_grad_W_no_mean, "sum, not mean"),
    ("08.grad_W", bug_grad_W_sign, "sign"),
    ("08.one_step", bug_one_step_loss_before, "before the step"),
    ("08.one_step", bug_one_step_no_bias, "bias not updated"),
    ("08.prior_first_loss", bug_prior_first_loss_bias_zero, "log 2"),
    ("08.ece", bug_ece_no_bins, "one bin"),
    ("08.double_softmax_minimiser", bug_minimiser3_one_hot, "one-hot"),
]


@pytest.mark.parametrize("key, bug, name", NAMED_08, ids=lambda v: getattr(v, "__name__", v))
def test_nb08_named_mistakes_are_recognised_with_their_own_message(key, bug, name, capsys):
    (mistake,) = [m for m in EXERCISES[key].mistakes if m.name == name]
    assert check(key, answer(key, bug)) is False
    out = capsys.readouterr().out
    assert mistake.message in out and EXERCISES[key].hint not in out


def test_nb08_double_softmax_minimiser_is_inside_the_simplex_and_not_eta():
    """The exercise's eta has small log-ratios, so the bug's minimiser is interior (p = log eta + c), and sharper than eta."""
    eta = cell_data("08.double_softmax_minimiser")["ex_eta"]
    p = sol_minimiser3_numeric(eta)
    assert (p > 0).all() and abs(p.sum().item() - 1) < 1e-12
    assert torch.allclose(torch.softmax(p, dim=0), eta, atol=1e-9)
    assert p[0] > eta[0] and p[2] < eta[2]  # more confident than the truth
