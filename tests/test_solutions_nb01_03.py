"""Worked solutions of the exercises of notebooks 01-03, written the way a learner would.

Each exercise gets one solution that ``check`` must accept and one plausible
mistake (the common bug the notebook warns about) that it must reject, with the
exercise's hint and without ever printing the expected answer.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from helper.exercises import EXERCISES, check

NB01_03 = [key for key in EXERCISES if key[:2] in {"01", "02", "03"}]


def _seed_batch() -> tuple[torch.Tensor, torch.Tensor]:
    """The worked batch of notebooks 02 and 03, drawn as the notebooks draw it."""
    torch.manual_seed(0)
    logits = torch.randn(2, 5)
    targets = torch.randint(0, 5, size=(2,))
    return logits, targets


# ---------------------------------------------------------------- notebook 01

def sol_softmax_by_hand():
    z = torch.tensor([2.0, 1.0, 0.1])
    return z.exp() / z.exp().sum()


def bug_softmax_by_hand():
    z = torch.tensor([2.0, 1.0, 0.1])
    return z / z.sum()  # normalised without exponentiating


def sol_equal_logits():
    return 1 / 4


def bug_equal_logits():
    return 7.5 / (4 * 7.5) * 2  # guessing the logit value matters: 0.5


def sol_temperature():
    z = torch.tensor([2.0, 1.0, 0.1])
    e = (z / 0.5).exp()
    return e / e.sum()


def bug_temperature():
    z = torch.tensor([2.0, 1.0, 0.1])
    return torch.softmax(z * 0.5, dim=0)  # multiplied by T instead of dividing


def sol_shift_changes_nothing():
    z = torch.tensor([2.0, 1.0, 0.1])
    return torch.allclose(torch.softmax(z + 5.0, dim=0), torch.softmax(z, dim=0))


def bug_shift_changes_nothing():
    return False


# ---------------------------------------------------------------- notebook 02

def sol_overflow_float32():
    z = 0
    while not torch.isinf(torch.exp(torch.tensor(float(z)))):
        z += 1
    return z


def bug_overflow_float32():
    return 88  # the last finite one, not the first infinite one


def sol_max_trick():
    z = torch.tensor([1000.0, 1000.0, 999.0])
    m = z.max()
    return m + (z - m).exp().sum().log()


def bug_max_trick():
    z = torch.tensor([1000.0, 1000.0, 999.0])
    m = z.max()
    return (z - m).exp().sum().log()  # forgot to add the maximum back


def sol_log_softmax():
    logits, _ = _seed_batch()
    return logits - logits.logsumexp(dim=1, keepdim=True)


def bug_log_softmax():
    logits, _ = _seed_batch()
    return logits - logits.logsumexp(dim=0, keepdim=True)  # LSE down the batch instead of the classes


# ---------------------------------------------------------------- notebook 03

def sol_gather_flat():
    logits, targets = _seed_batch()
    logprobs = torch.log_softmax(logits, dim=1)
    return logprobs.gather(1, targets.unsqueeze(1)).squeeze(1)


def bug_gather_flat():
    logits, targets = _seed_batch()
    logprobs = torch.log_softmax(logits, dim=1)
    return logprobs.gather(1, targets.unsqueeze(1))  # the (N, 1) shape the notebook warns about


def sol_mean_loss():
    logits, targets = _seed_batch()
    logprobs = torch.log_softmax(logits, dim=1)
    return -logprobs[torch.arange(len(targets)), targets].mean()


def bug_mean_loss():
    logits, targets = _seed_batch()
    logprobs = torch.log_softmax(logits, dim=1)
    return -logprobs[:, targets].mean()  # (N, N): averages every target over every row


def sol_onehot_bytes():
    onehot = F.one_hot(torch.tensor([0, 31999]), num_classes=32000).float()
    return 1024 * onehot.shape[1] * onehot.element_size()


def bug_onehot_bytes():
    return 1024 * 32000 * 8  # the int64 size of F.one_hot, not float32


CASES = {
    "01.softmax_by_hand": (sol_softmax_by_hand, bug_softmax_by_hand),
    "01.equal_logits": (sol_equal_logits, bug_equal_logits),
    "01.temperature": (sol_temperature, bug_temperature),
    "01.shift_changes_nothing": (sol_shift_changes_nothing, bug_shift_changes_nothing),
    "02.overflow_float32": (sol_overflow_float32, bug_overflow_float32),
    "02.max_trick": (sol_max_trick, bug_max_trick),
    "02.log_softmax": (sol_log_softmax, bug_log_softmax),
    "03.gather_flat": (sol_gather_flat, bug_gather_flat),
    "03.mean_loss": (sol_mean_loss, bug_mean_loss),
    "03.onehot_bytes": (sol_onehot_bytes, bug_onehot_bytes),
}


def test_every_exercise_of_notebooks_01_to_03_has_a_worked_solution():
    assert sorted(NB01_03) == sorted(CASES)


@pytest.mark.parametrize("key", sorted(CASES))
def test_worked_solution_is_accepted(key, capsys):
    solution, _ = CASES[key]
    assert check(key, solution()) is True
    out = capsys.readouterr().out
    assert out.startswith(f"[{key}] Correct")


@pytest.mark.parametrize("key", sorted(CASES))
def test_plausible_mistake_is_rejected_with_the_hint(key, capsys):
    _, mistake = CASES[key]
    assert check(key, mistake()) is False
    out = capsys.readouterr().out
    assert out.startswith(f"[{key}] Not quite.")
    assert EXERCISES[key].hint in out


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_answer_is_never_printed(key, capsys):
    solution, mistake = CASES[key]
    check(key, solution())
    check(key, mistake())
    out = capsys.readouterr().out
    expected = EXERCISES[key].expected()
    if not isinstance(expected, bool):
        for value in torch.as_tensor(expected, dtype=torch.float64).flatten().tolist():
            assert f"{value:.3f}" not in out, f"{key} printed its answer"


def test_the_seed_batch_matches_the_worked_example():
    logits, targets = _seed_batch()
    assert targets.tolist() == [1, 4]
    loss = F.cross_entropy(logits, targets, reduction="none")
    assert torch.allclose(loss, torch.tensor([2.3257, 2.0541]), atol=1e-4)
    assert torch.allclose(logits.logsumexp(dim=1), torch.tensor([2.0323, 1.6507]), atol=1e-4)


def test_checking_does_not_disturb_the_learners_random_stream():
    torch.manual_seed(123)
    first = torch.randn(3)
    torch.manual_seed(123)
    for key in CASES:
        EXERCISES[key].expected()
    assert torch.equal(torch.randn(3), first)
