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
import re

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
# Bugs listed here get the generic hint; each exercise's named mistakes (helper/exercises/nb01.py)
# are recognised with their own message (test_named_mistakes_of_01_and_02 below).


def sol_predict_fox_logit(ex_photo, ex_p_fox):
    others = torch.cat([ex_photo[:2], ex_photo[3:]])
    return math.log(ex_p_fox / (1 - ex_p_fox)) + math.log(others.exp().sum().item())


def sol_predict_fox_logit_read_off_the_slider():
    return 4.5  # dragged until p_fox showed 0.900


def bug_predict_fox_logit_beat_the_sum_of_logits(ex_photo, ex_p_fox):
    return math.log(ex_p_fox / (1 - ex_p_fox)) + (ex_photo.sum() - ex_photo[2]).item()  # logits added, not exponentials


def sol_softmax_by_hand(ex_logits):
    e = ex_logits.exp()
    return e / e.sum()


def bug_softmax_by_hand_dim_sum(ex_logits):
    e = ex_logits.exp()
    return e / e.max()  # divided by the largest exponential, not the sum


def sol_equal_logits():
    return 1 / 4


def bug_equal_logits():
    return 1 / 7.5  # the logit in the denominator


def sol_temperature(ex_logits, ex_T):
    e = (ex_logits / ex_T).exp()
    return e / e.sum()


def bug_temperature_not_normalised(ex_logits, ex_T):
    return (ex_logits / ex_T).exp()  # exponentials of z / T, never divided by their sum


def sol_shift_changes_nothing(ex_logits):
    same = torch.softmax(ex_logits, dim=0)
    return [
        torch.allclose(torch.softmax(ex_logits - ex_logits.max(), dim=0), same),
        torch.allclose(torch.softmax(2 * ex_logits, dim=0), same),
    ]


def bug_shift_changes_nothing_swapped(ex_logits):
    return [False, True]  # the two predictions the wrong way round


def sol_logits_from_probabilities(ex_probs):
    return torch.log(ex_probs / ex_probs[-1])


def sol_logits_from_probabilities_list(ex_probs):
    return [math.log(v / ex_probs[-1].item()) for v in ex_probs.tolist()]


def bug_logits_from_probabilities_reversed(ex_probs):
    return torch.log(ex_probs[-1] / ex_probs)  # the ratio upside down: every sign flipped


# ---------------------------------------------------------------- notebook 02


def sol_predict_overflow_shift(ex_row):
    log_max = math.log(torch.finfo(torch.float32).max)
    return log_max - ex_row.double().logsumexp(dim=0).item()


def sol_predict_overflow_shift_from_the_printed_numbers():
    return 88.72 - 2.0323  # log(max) and LSE of row 0, as the notebook prints them


def bug_predict_overflow_shift_minus_mean(ex_row):
    return math.log(torch.finfo(torch.float32).max) - ex_row.mean().item()  # the mean logit, not the LSE


def sol_overflow_float32(ex_C):
    z = 0
    while not torch.isinf(torch.full((ex_C,), float(z)).exp().sum()):
        z += 1
    return z


def bug_overflow_float32_log2(ex_C):
    return int(88.72 - math.log2(ex_C)) + 1  # log base 2 of C


def sol_max_trick(ex_z):
    m = ex_z.max()
    return m + (ex_z - m).exp().sum().log()


def bug_max_trick_mean_shift(ex_z):
    m = ex_z.max()
    return m + (ex_z - m).exp().mean().log()  # mean instead of sum: off by log C


def sol_log_softmax(ex_logits):
    return ex_logits - ex_logits.logsumexp(dim=1, keepdim=True)


def sol_log_softmax_max_trick(ex_logits):
    m = ex_logits.max(dim=1, keepdim=True).values
    return ex_logits - m - (ex_logits - m).exp().sum(dim=1, keepdim=True).log()


def bug_log_softmax_naive(ex_logits):
    return ex_logits - ex_logits.exp().sum(dim=1, keepdim=True).log()  # naive LSE: inf in row 0


def bug_log_softmax_plus(ex_logits):
    return ex_logits + ex_logits.logsumexp(dim=1, keepdim=True)  # sign of the LSE


def sol_lse_bound_tight(ex_gap):
    # log(1 + 3 e^{-d}) < gap  <=>  d > log(3 / (e^{gap} - 1))
    return math.floor(math.log(3 / math.expm1(ex_gap))) + 1


def bug_lse_bound_tight_one_past(ex_gap):
    d = 0
    while torch.logsumexp(torch.tensor([0.0] + [-float(d)] * 3), dim=0) >= ex_gap:
        d += 1
    return d + 1  # one past the answer


def sol_stable_logsigmoid(ex_zs):
    return ex_zs.clamp(max=0) - torch.log1p(torch.exp(-ex_zs.abs()))


def sol_stable_logsigmoid_lse(ex_zs):
    return -torch.logsumexp(torch.stack([torch.zeros_like(ex_zs), -ex_zs]), dim=0)


def bug_stable_logsigmoid_clamped(ex_zs):
    return -torch.log1p(torch.exp(-ex_zs.clamp(min=-80.0)))  # clamped to dodge the overflow: -80 at z = -800


def bug_stable_logsigmoid_naive(ex_zs):
    return torch.log(torch.sigmoid(ex_zs))  # -inf at z = -800


def bug_stable_logsigmoid_one_plus(ex_zs):
    return -torch.log(1 + torch.exp(-ex_zs))  # e^{800} overflows


@pytest.mark.parametrize("key", sorted(k for k in EXERCISES if k[:2] in ("01", "02")))
def test_named_mistakes_of_01_and_02_get_their_own_message(key, capsys):
    """Each named mistake is refused with its own message, never as correct, and differs from the answer."""
    ex = EXERCISES[key]
    assert ex.mistakes, f"{key}: name its plausible mistakes"
    for mistake in ex.mistakes:
        assert check(key, mistake.wrong()) is False, f"{key}: accepted the mistake {mistake.name!r}"
        assert mistake.message in capsys.readouterr().out


@pytest.mark.parametrize("prefix", ["01", "02"])
def test_at_least_half_of_01_and_02_exercises_are_transfer(prefix):
    keys = [k for k, _ in exercise_cells(prefix)]
    assert 2 * sum(EXERCISES[k].transfer for k in keys) >= len(keys)


@pytest.mark.parametrize("key", sorted(k for k in EXERCISES if k[:2] in ("01", "02")))
def test_01_02_hints_hold_no_solution_and_exercise_data_no_lesson_names(key):
    ex = EXERCISES[key]
    code = [line.strip().removeprefix("answer = ") for line in ex.solution.splitlines()]
    for hint in ex.hints:
        for line in code:
            assert len(line) < 15 or line not in hint, f"{key}: a hint hands out the solution's {line!r}"
    data = exercise_cell(key)[: ANSWER_LINE.search(exercise_cell(key)).start()]
    assigned = re.findall(r"^(\w+)\s*=", data, re.M)
    assert all(name.startswith("ex_") for name in assigned), f"{key}: exercise data must use ex_ names, got {assigned}"


def test_02_stable_logsigmoid_data_break_the_naive_forms():
    """The stable-logsigmoid exercise only teaches something if the textbook forms fail on its data."""
    zs = cell_data("02.stable_logsigmoid")["ex_zs"]
    assert torch.isinf(bug_stable_logsigmoid_naive(zs)).any()
    assert torch.isinf(bug_stable_logsigmoid_one_plus(zs)).any()
    assert check("02.stable_logsigmoid", bug_stable_logsigmoid_naive(zs)) is False
    assert check("02.stable_logsigmoid", bug_stable_logsigmoid_one_plus(zs)) is False


def test_02_log_softmax_naive_form_fails_on_the_first_row():
    data = cell_data("02.log_softmax")
    assert not torch.isfinite(bug_log_softmax_naive(data["ex_logits"])[0]).all()
    assert check("02.log_softmax", bug_log_softmax_naive(data["ex_logits"])) is False


def test_02_the_lse_bounds_hold_and_each_is_tight_somewhere():
    """max z <= LSE(z) <= max z + log C, with equality at equal logits (upper) and in the limit of one dominant logit (lower)."""
    g = torch.Generator().manual_seed(0)
    Z = 10 * torch.randn(1000, 7, generator=g, dtype=torch.float64)
    lse, top = Z.logsumexp(dim=1), Z.max(dim=1).values
    assert (top <= lse).all() and (lse <= top + math.log(7)).all()
    assert torch.allclose(
        torch.zeros(7, dtype=torch.float64).logsumexp(dim=0), torch.tensor(math.log(7), dtype=torch.float64)
    )
    assert torch.tensor([0.0, -50.0, -50.0], dtype=torch.float64).logsumexp(dim=0).item() < 1e-20


# ---------------------------------------------------------------- notebook 03


def sol_gather_flat(ex_logprobs, ex_targets):
    return ex_logprobs.gather(1, ex_targets.unsqueeze(1)).squeeze(1)


def bug_gather_flat(ex_logprobs, ex_targets):
    return ex_logprobs.exp().gather(1, ex_targets.unsqueeze(1)).squeeze(1)  # probabilities, not log-probabilities


def bug_gather_flat_next_column(ex_logprobs, ex_targets):
    return ex_logprobs.gather(1, (ex_targets.unsqueeze(1) + 1) % 5).squeeze(1)  # off by one class


def sol_mean_loss(ex_logprobs, ex_targets):
    return -ex_logprobs[torch.arange(len(ex_targets)), ex_targets].mean()


def bug_mean_loss(ex_logprobs, ex_targets):
    return -ex_logprobs.exp()[torch.arange(len(ex_targets)), ex_targets].mean()  # minus p, not minus log p


def sol_gather_seq(ex_seq_logprobs, ex_seq_targets):
    return ex_seq_logprobs.gather(2, ex_seq_targets.unsqueeze(2)).squeeze(2)


def bug_gather_seq(ex_seq_logprobs, ex_seq_targets):
    return ex_seq_logprobs.exp().gather(2, ex_seq_targets.unsqueeze(2)).squeeze(2)  # probabilities


def sol_onehot_bytes(ex_N, ex_C):
    onehot = torch.zeros(1, ex_C, dtype=torch.float32)
    return ex_N * onehot.numel() * onehot.element_size()


def bug_onehot_bytes(ex_N, ex_C):
    return ex_N * ex_C * 2  # float16's 2 bytes per entry


# ---------------------------------------------------------------- notebook 04
# Bugs listed here get the generic hint; each exercise's named mistakes (helper/exercises/nb04.py)
# are tested with their own messages below.


def sol_weighted_mean(ex_logits, ex_targets, ex_weight):
    per = -F.log_softmax(ex_logits, dim=1)[torch.arange(len(ex_targets)), ex_targets]
    w = ex_weight[ex_targets]
    return ((w * per).sum() / w.sum()).item()


def bug_weighted_mean(ex_logits, ex_targets, ex_weight):
    per = -F.log_softmax(ex_logits, dim=1)[torch.arange(len(ex_targets)), ex_targets]
    w = ex_weight[ex_logits.argmax(dim=1)]  # the weight of the predicted class, not of the target
    return ((w * per).sum() / w.sum()).item()


def sol_label_smoothing(ex_logits, ex_targets, ex_eps):
    C = ex_logits.shape[1]
    q = (1 - ex_eps) * F.one_hot(ex_targets, C) + ex_eps / C
    return -(q * F.log_softmax(ex_logits, dim=1)).sum(dim=1)


def bug_label_smoothing(ex_logits, ex_targets, ex_eps):
    C = ex_logits.shape[1]
    q = F.one_hot(ex_targets, C) + ex_eps / C  # forgot the (1 - eps): q no longer sums to 1
    return -(q * F.log_softmax(ex_logits, dim=1)).sum(dim=1)


def sol_grad_ignored(ex_logits, ex_padded_targets):
    kept = ex_padded_targets != -100
    p = torch.softmax(ex_logits, dim=1)
    onehot = torch.zeros_like(p)
    onehot[kept, ex_padded_targets[kept]] = 1.0
    return (p - onehot) * kept.unsqueeze(1) / kept.sum()


def sol_grad_ignored_by_rows(ex_logits, ex_padded_targets):
    rows = [i for i, t in enumerate(ex_padded_targets.tolist()) if t != -100]
    grad = torch.zeros(4, 3)
    for i in rows:
        grad[i] = torch.softmax(ex_logits[i], dim=0) - F.one_hot(ex_padded_targets[i], 3)
    return (grad / len(rows)).numpy()


def bug_grad_ignored(ex_logits, ex_padded_targets):
    wrapped = ex_padded_targets % 3  # -100 wraps round to class 2 instead of being ignored
    return (torch.softmax(ex_logits, dim=1) - F.one_hot(wrapped, 3)) / 4


def sol_smooth_weight_grad(ex_logits, ex_targets, ex_weight, ex_eps):
    C = ex_logits.shape[1]
    a = (1 - ex_eps) * ex_weight[ex_targets].unsqueeze(1) * F.one_hot(ex_targets, C) + ex_eps / C * ex_weight
    p = torch.softmax(ex_logits, dim=1)
    return (a.sum(dim=1, keepdim=True) * p - a) / ex_weight[ex_targets].sum()


def bug_smooth_weight_grad(ex_logits, ex_targets, ex_weight, ex_eps):
    w = ex_weight[ex_targets].unsqueeze(1)  # smoothing forgotten: the weighted gradient without eps
    return w * (torch.softmax(ex_logits, dim=1) - F.one_hot(ex_targets, 3)) / w.sum()


def sol_predict_target_bar():
    return -1 / 2


def bug_predict_target_bar():
    return -1 / 4  # divided by T twice


# ---------------------------------------------------------------- notebook 06


def sol_predict_no_jump():
    z = torch.arange(-300, 301) / 10
    return bool((F.binary_cross_entropy(torch.sigmoid(z), torch.ones_like(z), reduction="none") == 100).any())


def bug_predict_no_jump():
    return True  # "like y = 0, it jumps on the other side"


def sol_log_odds(ex_p):
    return math.log(ex_p / (1 - ex_p))


def bug_log_odds_log10(ex_p):
    return math.log10(ex_p / (1 - ex_p))  # decimal log of the odds


def bug_log_odds_log_p(ex_p):
    return math.log(ex_p)


def sol_prior_savings(ex_pi):
    h = -(ex_pi * math.log(ex_pi) + (1 - ex_pi) * math.log(1 - ex_pi))
    return math.log(2) - h


def sol_prior_savings_torch(ex_pi):
    y = torch.zeros(50)
    y[0] = 1.0  # 1 positive in 50
    b = torch.logit(torch.tensor(ex_pi))
    return (
        F.binary_cross_entropy_with_logits(torch.zeros(50), y) - F.binary_cross_entropy_with_logits(b.expand(50), y)
    ).item()


def bug_prior_savings_bits(ex_pi):
    return sol_prior_savings(ex_pi) / math.log(2)  # bits


def bug_prior_savings_prior_loss(ex_pi):
    return -(ex_pi * math.log(ex_pi) + (1 - ex_pi) * math.log(1 - ex_pi))


def sol_pos_weight(ex_z, ex_y, ex_pos_weight):
    p = 1 / (1 + torch.exp(-ex_z))
    return -(ex_pos_weight * ex_y * torch.log(p) + (1 - ex_y) * torch.log(1 - p))


def bug_pos_weight(ex_z, ex_y, ex_pos_weight):
    p = torch.sigmoid(ex_z)
    return -(ex_y * torch.log(p) + ex_pos_weight * (1 - ex_y) * torch.log(1 - p))  # weighted the negatives


def bug_pos_weight_both(ex_z, ex_y, ex_pos_weight):
    p = torch.sigmoid(ex_z)
    return -ex_pos_weight * (ex_y * torch.log(p) + (1 - ex_y) * torch.log(1 - p))  # weighted both terms


def sol_stable_bce(ex_z, ex_y):
    return torch.clamp(ex_z, min=0) - ex_z * ex_y + torch.log1p(torch.exp(-torch.abs(ex_z)))


def sol_stable_bce_logsigmoid(ex_z, ex_y):
    return -(ex_y * F.logsigmoid(ex_z) + (1 - ex_y) * F.logsigmoid(-ex_z))


def sol_stable_bce_torch_form(ex_z, ex_y):
    return ((1 - ex_y) * ex_z - F.logsigmoid(ex_z)).tolist()


def bug_stable_bce(ex_z, ex_y):
    p = torch.sigmoid(ex_z)  # rounds to 1 at z = 60: log(0) = -inf
    return -(ex_y * torch.log(p) + (1 - ex_y) * torch.log(1 - p))


def bug_stable_bce_log(ex_z, ex_y):
    return torch.clamp(ex_z, min=0) - ex_z * ex_y + torch.log(1 + torch.exp(-torch.abs(ex_z)))


def bug_stable_bce_softplus(ex_z, ex_y):
    return F.softplus(ex_z) - ex_y * ex_z


def bug_stable_bce_clamped(ex_z, ex_y):
    return nn.BCELoss(reduction="none")(torch.sigmoid(ex_z), ex_y)  # finite, but clamped at 100


def sol_multilabel_mean(ex_Z, ex_Y):
    return (F.softplus(ex_Z) - ex_Y * ex_Z).mean().item()


def bug_multilabel_mean(ex_Z, ex_Y):
    return (F.softplus(ex_Z) - ex_Y * ex_Z).sum().item()  # summed, not averaged


def bug_multilabel_mean_per_example(ex_Z, ex_Y):
    return (F.softplus(ex_Z) - ex_Y * ex_Z).sum(dim=1).mean().item()


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
# Bugs listed in CASES get the generic hint; NAMED_MISTAKES below are recognised with their own message.


def sol_predict_floor():
    q = torch.tensor([0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3])
    return float(torch.special.entr(q).sum())


def bug_predict_floor_uniform():
    return math.log(3)  # the loss at equal logits, not the lowest one


def sol_entropy_bits(ex_q):
    return -(ex_q * torch.log2(ex_q)).sum()


def sol_entropy_bits_float(ex_q):
    return float(-(ex_q * torch.log(ex_q)).sum() / math.log(2))


def bug_entropy_bits(ex_q):
    return -(ex_q * torch.log10(ex_q)).sum()  # decimal digits, not bits


def bug_entropy_bits_nats(ex_q):
    return -(ex_q * torch.log(ex_q)).sum()  # nats, not bits


def sol_smoothing_floor(ex_C, ex_eps):
    top, rest = 1 - ex_eps + ex_eps / ex_C, ex_eps / ex_C
    return -(top * math.log(top) + (ex_C - 1) * rest * math.log(rest))


def sol_smoothing_floor_numpy(ex_C, ex_eps):
    q = np.full(ex_C, ex_eps / ex_C)
    q[0] += 1 - ex_eps
    return np.float32(-(q * np.log(q)).sum())


def bug_smoothing_floor(ex_C, ex_eps):
    top, rest = 1 - ex_eps, ex_eps / ex_C  # forgot the true class's share: q does not sum to 1
    return -(top * math.log(top) + (ex_C - 1) * rest * math.log(rest))


def bug_smoothing_floor_zero(ex_C, ex_eps):
    return 0.0  # "a perfect model reaches 0"


def bug_smoothing_floor_wrong_q(ex_C, ex_eps):
    top, rest = 1 - ex_eps, ex_eps / (ex_C - 1)  # eps shared among the wrong classes only
    return -(top * math.log(top) + (ex_C - 1) * rest * math.log(rest))


def sol_perplexity(ex_logits, ex_targets):
    V = ex_logits.shape[-1]
    keep = ex_targets.reshape(-1) != -100
    logp = F.log_softmax(ex_logits.reshape(-1, V), dim=1)[keep]
    picked = logp[torch.arange(len(logp)), ex_targets.reshape(-1)[keep]]
    return torch.exp(-picked.mean())


def bug_perplexity_exp_of_sum(ex_logits, ex_targets):
    V = ex_logits.shape[-1]
    return torch.exp(F.cross_entropy(ex_logits.reshape(-1, V), ex_targets.reshape(-1), reduction="sum"))


def bug_perplexity_padding_counted(ex_logits, ex_targets):
    V = ex_logits.shape[-1]
    per = F.cross_entropy(ex_logits.reshape(-1, V), ex_targets.reshape(-1), reduction="none")
    return torch.exp(per.sum() / per.numel())  # the padding's 0 counted in the mean


def bug_perplexity_mean_of_exp(ex_logits, ex_targets):
    V = ex_logits.shape[-1]
    per = F.cross_entropy(ex_logits.reshape(-1, V), ex_targets.reshape(-1), reduction="none")
    return torch.exp(per[ex_targets.reshape(-1) != -100]).mean()  # mean of exp, not exp of mean


def sol_distill_grad(ex_teacher, ex_student, ex_T):
    p = torch.exp(ex_student / ex_T) / torch.exp(ex_student / ex_T).sum(dim=1, keepdim=True)
    q = torch.exp(ex_teacher / ex_T) / torch.exp(ex_teacher / ex_T).sum(dim=1, keepdim=True)
    return ex_T**2 * (p - q) / ex_T / ex_student.shape[0]


def sol_distill_grad_autograd_list(ex_teacher, ex_student, ex_T):
    s = ex_student.clone().requires_grad_(True)
    loss = ex_T**2 * F.kl_div(
        F.log_softmax(s / ex_T, dim=1), F.log_softmax(ex_teacher / ex_T, dim=1), reduction="batchmean", log_target=True
    )
    loss.backward()
    return s.grad.tolist()


def bug_distill_grad_log_diff(ex_teacher, ex_student, ex_T):
    diff = F.log_softmax(ex_student / ex_T, dim=1) - F.log_softmax(ex_teacher / ex_T, dim=1)
    return ex_T * diff / len(ex_student)  # log-probabilities where probabilities belong


def bug_distill_grad_no_T2(ex_teacher, ex_student, ex_T):
    return (F.softmax(ex_student / ex_T, dim=1) - F.softmax(ex_teacher / ex_T, dim=1)) / ex_T / len(ex_student)


def bug_distill_grad_swapped(ex_teacher, ex_student, ex_T):
    return ex_T * (F.softmax(ex_teacher / ex_T, dim=1) - F.softmax(ex_student / ex_T, dim=1)) / len(ex_student)


NAMED_MISTAKES = [
    ("05.entropy_bits", "nats", bug_entropy_bits_nats),
    ("05.smoothing_floor", "zero", bug_smoothing_floor_zero),
    ("05.smoothing_floor", "eps over C-1", bug_smoothing_floor_wrong_q),
    ("05.perplexity", "padding in the count", bug_perplexity_padding_counted),
    ("05.perplexity", "mean of exp", bug_perplexity_mean_of_exp),
    ("05.distill_grad", "no T^2", bug_distill_grad_no_T2),
    ("05.distill_grad", "sign", bug_distill_grad_swapped),
    ("06.log_odds", "log p", bug_log_odds_log_p),
    ("06.prior_savings", "prior loss", bug_prior_savings_prior_loss),
    ("06.pos_weight", "both terms", bug_pos_weight_both),
    ("06.stable_bce", "lost 2e-9", bug_stable_bce_log),
    ("06.stable_bce", "lost 2e-9", bug_stable_bce_softplus),
    ("06.stable_bce", "clamped", bug_stable_bce_clamped),
    ("06.multilabel_mean", "per example", bug_multilabel_mean_per_example),
]


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
    "01.predict_fox_logit": (sol_predict_fox_logit, [bug_predict_fox_logit_beat_the_sum_of_logits]),
    "01.softmax_by_hand": (sol_softmax_by_hand, [bug_softmax_by_hand_dim_sum]),
    "01.equal_logits": (sol_equal_logits, [bug_equal_logits]),
    "01.temperature": (sol_temperature, [bug_temperature_not_normalised]),
    "01.shift_changes_nothing": (sol_shift_changes_nothing, [bug_shift_changes_nothing_swapped]),
    "01.logits_from_probabilities": (sol_logits_from_probabilities, [bug_logits_from_probabilities_reversed]),
    "02.predict_overflow_shift": (sol_predict_overflow_shift, [bug_predict_overflow_shift_minus_mean]),
    "02.overflow_float32": (sol_overflow_float32, [bug_overflow_float32_log2]),
    "02.max_trick": (sol_max_trick, [bug_max_trick_mean_shift]),
    "02.log_softmax": (sol_log_softmax, [bug_log_softmax_plus]),
    "02.lse_bound_tight": (sol_lse_bound_tight, [bug_lse_bound_tight_one_past]),
    "02.stable_logsigmoid": (sol_stable_logsigmoid, [bug_stable_logsigmoid_clamped]),
    "03.gather_flat": (sol_gather_flat, [bug_gather_flat, bug_gather_flat_next_column]),
    "03.mean_loss": (sol_mean_loss, [bug_mean_loss]),
    "03.gather_seq": (sol_gather_seq, [bug_gather_seq]),
    "03.onehot_bytes": (sol_onehot_bytes, [bug_onehot_bytes]),
    "04.weighted_mean": (sol_weighted_mean, [bug_weighted_mean]),
    "04.label_smoothing": (sol_label_smoothing, [bug_label_smoothing]),
    "04.grad_ignored": (sol_grad_ignored, [bug_grad_ignored]),
    "04.smooth_weight_grad": (sol_smooth_weight_grad, [bug_smooth_weight_grad]),
    "04.predict_target_bar": (sol_predict_target_bar, [bug_predict_target_bar]),
    "06.predict_no_jump": (sol_predict_no_jump, [bug_predict_no_jump]),
    "06.log_odds": (sol_log_odds, [bug_log_odds_log10]),
    "06.prior_savings": (sol_prior_savings, [bug_prior_savings_bits]),
    "06.pos_weight": (sol_pos_weight, [bug_pos_weight]),
    "06.stable_bce": (sol_stable_bce, [bug_stable_bce]),
    "06.multilabel_mean": (sol_multilabel_mean, [bug_multilabel_mean]),
    "07.predict_equal_logits": (sol_predict_equal_logits, [bug_predict_equal_logits_start]),
    "07.double_softmax_floor": (sol_double_softmax_floor, [bug_double_softmax_floor_off_by_one]),
    "07.double_softmax_minimiser": (sol_double_softmax_minimiser, [bug_double_softmax_minimiser_no_constant]),
    "07.ce_vs_brier_ranking": (sol_ce_vs_brier_ranking, [bug_ce_vs_brier_ranking_no_log]),
    "05.predict_floor": (sol_predict_floor, [bug_predict_floor_uniform]),
    "05.entropy_bits": (sol_entropy_bits, [bug_entropy_bits]),
    "05.smoothing_floor": (sol_smoothing_floor, [bug_smoothing_floor]),
    "05.perplexity": (sol_perplexity, [bug_perplexity_exp_of_sum]),
    "05.distill_grad": (sol_distill_grad, [bug_distill_grad_log_diff]),
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
    ("01.predict_fox_logit", sol_predict_fox_logit_read_off_the_slider),
    ("01.logits_from_probabilities", sol_logits_from_probabilities_list),
    ("02.predict_overflow_shift", sol_predict_overflow_shift_from_the_printed_numbers),
    ("02.log_softmax", sol_log_softmax_max_trick),
    ("02.stable_logsigmoid", sol_stable_logsigmoid_lse),
    ("04.grad_ignored", sol_grad_ignored_by_rows),
    ("05.entropy_bits", sol_entropy_bits_float),
    ("05.smoothing_floor", sol_smoothing_floor_numpy),
    ("05.distill_grad", sol_distill_grad_autograd_list),
    ("06.stable_bce", sol_stable_bce_logsigmoid),
    ("06.stable_bce", sol_stable_bce_torch_form),
    ("06.prior_savings", sol_prior_savings_torch),
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
    # The hint, or (tests/unit/test_check_diagnosis.py) what kind of wrong it is: a shape, inf, a named mistake.
    assert out.startswith(f"[{key}] Not quite: ") or out.startswith(f"[{key}] Not quite. Hint: {EXERCISES[key].hint}")
    expected = EXERCISES[key].expected()
    if not _is_yes_no(expected):
        for value in torch.as_tensor(expected, dtype=torch.float64).flatten().tolist():
            if len(f"{value:g}") < 3:
                continue  # 0 or 1 appear in any sentence ("1e-04"); only real numbers can leak
            for shown in {f"{value:.3f}", f"{value:.4f}", f"{value:.3g}", f"{value:g}"}:
                assert shown not in out, f"{key}: the message leaks the expected value {shown}"


DECLARED = [(key, m) for key in sorted(EXERCISES) for m in EXERCISES[key].mistakes]


@pytest.mark.parametrize("key, mistake", DECLARED, ids=lambda v: getattr(v, "name", v))
def test_each_named_mistake_is_recognised_with_its_own_message(key, mistake, capsys):
    """A common wrong answer gets its own diagnosis, not the generic hint."""
    assert check(key, mistake.wrong()) is False
    assert capsys.readouterr().out.strip() == f"[{key}] Not quite: {mistake.message}"


def test_an_exercise_that_teaches_a_shape_refuses_the_right_values_in_another_shape(capsys):
    expected = EXERCISES["03.gather_flat"].expected()
    assert check("03.gather_flat", expected.clone()) is True
    for other in (expected.unsqueeze(1), expected.unsqueeze(0), expected.tolist()[:2]):
        assert check("03.gather_flat", other) is False
    assert "(3, 1)" in capsys.readouterr().out


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
    """06.stable_bce is only an exercise if the textbook formula fails on its data, and log1p matters there."""
    data = cell_data("06.stable_bce")
    z, y = data["ex_z"], data["ex_y"]
    assert torch.isinf(bug_stable_bce(z, y)).any()
    assert bug_stable_bce_clamped(z, y).max().item() == BCE_CLAMPED_LOSS
    tiny = (z == 20) & (y == 1)
    assert bug_stable_bce_log(z, y)[tiny].item() == 0.0 == bug_stable_bce_softplus(z, y)[tiny].item()
    assert math.isclose(sol_stable_bce(z, y)[tiny].item(), math.exp(-20), rel_tol=1e-6)


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


def _correct_forms(expected, exact_shape: bool = False) -> list:
    """The expected answer as a learner might hand it in: tensors of any squeezable shape (only the
    expected shape where the exercise teaches one), numpy, Python."""
    if _is_yes_no(expected):
        flags = [expected] if isinstance(expected, bool) else expected
        forms = [
            list(flags),
            tuple(flags),
            [np.bool_(f) for f in flags],
            [torch.tensor(f) for f in flags],
            torch.tensor(flags),
            np.array(flags),
        ]
        if len(flags) == 1:
            forms += [flags[0], np.bool_(flags[0]), torch.tensor(flags[0]), torch.tensor([flags[0]])]
        return forms
    t = torch.as_tensor(expected, dtype=torch.float64)
    forms = [t, t.float(), t.numpy(), t.tolist()]
    if exact_shape:
        return forms
    forms += [t.unsqueeze(0), t.unsqueeze(-1)]
    if t.ndim == 0:
        value = t.item()
        forms += [value, np.float64(value), np.float32(value), torch.tensor([[value]])]
        if float(value).is_integer():
            forms += [int(value), np.int64(int(value)), torch.tensor(int(value))]
    return forms


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_every_correct_form_is_accepted(key, capsys):
    expected = EXERCISES[key].expected()
    for form in _correct_forms(expected, EXERCISES[key].shape == "exact"):
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
        assert out.startswith(f"[{key}] Not quite"), out  # which message: tests/unit/test_check_diagnosis.py


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


@pytest.mark.parametrize("key, name, bug", NAMED_MISTAKES, ids=lambda v: getattr(v, "__name__", v))
def test_a_named_mistake_gets_its_own_message(key, name, bug, capsys):
    """A plausible mistake of notebooks 05/06 is recognised and named, not met with the generic hint."""
    (mistake,) = [m for m in EXERCISES[key].mistakes if m.name == name]
    assert check(key, answer(key, bug)) is False
    assert capsys.readouterr().out.strip() == f"[{key}] Not quite: {mistake.message}"


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
