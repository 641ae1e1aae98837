"""Worked solutions of the exercises of notebooks 01-03, written the way a learner would.

The data of every exercise comes from the notebook itself: the exercise cells of a
notebook are run in order, each with its ``answer = ...`` line and everything after
it removed, so the data a learner sees and the data the oracle in
``helper/exercises/nbNN.py`` uses cannot drift apart. For each exercise one solution
must be accepted and one plausible mistake (the common bug the notebook warns about)
must be rejected with the hint, never showing the expected answer.
"""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F

from exercise_cells import ANSWER_LINE, answer, cell_data, exercise_cells, notebook
from helper.exercises import EXERCISES, check

PREFIXES = ("01", "02", "03")


# ---------------------------------------------------------------- notebook 01

def sol_softmax_by_hand(z):
    e = z.exp()
    return e / e.sum()


def bug_softmax_by_hand(z):
    return z / z.sum()  # normalised without exponentiating


def sol_equal_logits():
    return 1 / 4


def bug_equal_logits():
    return 7.5 / 4  # thinking the logit value itself is shared out


def sol_temperature(z, T):
    e = (z / T).exp()
    return e / e.sum()


def bug_temperature(z, T):
    return torch.softmax(z * T, dim=0)  # multiplied by T instead of dividing


def sol_shift_changes_nothing(z):
    return torch.allclose(torch.softmax(z + 5.0, dim=0), torch.softmax(z, dim=0))


def bug_shift_changes_nothing(z):
    return bool(torch.equal(z + 5.0, z))  # compared the logits, not the probabilities


# ---------------------------------------------------------------- notebook 02

def sol_overflow_float32():
    z = 0
    while not torch.isinf(torch.exp(torch.tensor(float(z)))):
        z += 1
    return z


def bug_overflow_float32():
    return 88  # the last finite one, not the first infinite one


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
    return logprobs.gather(1, targets.unsqueeze(1))  # the (N, 1) shape the notebook warns about


def sol_mean_loss(logprobs, targets):
    return -logprobs[torch.arange(len(targets)), targets].mean()


def bug_mean_loss(logprobs, targets):
    return -logprobs[:, targets].mean()  # (N, N): every target's column from every row


def sol_onehot_bytes(N, C):
    onehot = torch.zeros(1, C, dtype=torch.float32)
    return N * onehot.numel() * onehot.element_size()


def bug_onehot_bytes(N, C):
    return N * C * F.one_hot(torch.tensor([0])).element_size()  # the int64 size of F.one_hot


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
    registered = sorted(k for k in EXERCISES if k[:2] in PREFIXES)
    in_notebooks = sorted(key for prefix in PREFIXES for key, _ in exercise_cells(prefix))
    assert registered == in_notebooks == sorted(CASES)


@pytest.mark.parametrize("key", sorted(CASES))
def test_worked_solution_is_accepted(key, capsys):
    solution, _ = CASES[key]
    assert check(key, answer(key, solution)) is True
    assert capsys.readouterr().out.startswith(f"[{key}] Correct")


@pytest.mark.parametrize("key", sorted(CASES))
def test_plausible_mistake_is_rejected_with_the_hint_and_without_theanswer(key, capsys):
    _, mistake = CASES[key]
    assert check(key, answer(key, mistake)) is False
    out = capsys.readouterr().out
    assert out.startswith(f"[{key}] Not quite.")
    assert EXERCISES[key].hint in out
    expected = EXERCISES[key].expected()
    if not isinstance(expected, bool):
        for value in torch.as_tensor(expected, dtype=torch.float64).flatten().tolist():
            assert f"{value:.3f}" not in out and f"{value:g}" not in out, f"{key} printed its answer"


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_committed_exercise_cell_is_unanswered(key):
    (src,) = [s for k, s in exercise_cells(key[:2]) if k == key]
    assert ANSWER_LINE.search(src), f"{key}: the committed cell should hold 'answer = ...'"
    nb = json.loads(notebook(key[:2]).read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]) == src]
    shown = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))
    assert shown == f"[{key}] Not answered yet: replace ... with your answer and run this cell again.\n"


def test_the_worked_batch_is_the_seeds():
    data = cell_data("03.gather_flat")
    assert data["targets"].tolist() == [1, 4]
    loss = F.cross_entropy(data["logits"], data["targets"], reduction="none")
    assert torch.allclose(loss, torch.tensor([2.3257, 2.0541]), atol=1e-4)
    assert torch.allclose(data["logits"].logsumexp(dim=1), torch.tensor([2.0323, 1.6507]), atol=1e-4)


def test_checking_does_not_disturb_the_learners_random_stream():
    torch.manual_seed(123)
    first = torch.randn(3)
    torch.manual_seed(123)
    for key in CASES:
        EXERCISES[key].expected()
    assert torch.equal(torch.randn(3), first)
