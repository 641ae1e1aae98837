"""Exercises of notebook 03: picking the target's log-probability.

The data live here once and the notebook's exercise cells show the same literals under their own
names (``ex_logits``, ``ex_targets`` ...), so re-running a lesson cell after the exercises still
shows the lesson's numbers.
"""

import torch
import torch.nn.functional as F

from helper.exercises import Mistake, exercise

# A batch the notebook has not shown: 3 examples, 5 classes.
_LOGITS = torch.tensor([[0.5, -1.0, 2.0, 0.0, 1.0], [3.0, 0.0, -2.0, 1.0, 0.5], [-1.0, 0.0, 0.0, 1.0, 2.5]])
_TARGETS = torch.tensor([2, 0, 4])
_ROWS = torch.arange(len(_TARGETS))

# A sequence batch: 2 sequences of 3 positions, 4 classes; targets (N, S).
_SEQ_LOGITS = torch.tensor(
    [
        [[1.0, 0.0, -1.0, 2.0], [0.5, 0.5, 0.0, -0.5], [2.0, -1.0, 0.0, 1.0]],
        [[0.0, 3.0, 1.0, -2.0], [-1.0, 0.0, 1.0, 0.0], [0.5, -0.5, 2.5, 1.0]],
    ]
)
_SEQ_TARGETS = torch.tensor([[3, 0, 1], [1, 2, 2]])

# A larger model for the memory exercise.
_N_BIG, _C_BIG = 4096, 128000


def _logprobs() -> torch.Tensor:
    return torch.log_softmax(_LOGITS, dim=1)


@exercise(
    "03.gather_flat",
    hint=(
        "gather wants an index with as many dimensions as ex_logprobs, so the targets need a column axis; "
        "this exercise checks the exact shape: (3,), as a loss of reduction='none' has.",
        "after gather the result is a column (N, 1): remove that axis of length 1 with squeeze on dim 1.",
    ),
    solution="answer = ex_logprobs.gather(1, ex_targets.unsqueeze(1)).squeeze(1)",
    shape="exact",
    mistakes=(
        Mistake(
            "(N,1) vs (N,)",
            lambda: _logprobs().gather(1, _TARGETS.unsqueeze(1)),
            "right values, but shape (3, 1): gather returns a column. Squeeze dim 1 to get shape (3,); "
            "this exercise checks the exact shape.",
        ),
        Mistake(
            "(1,N)",
            lambda: _logprobs().gather(1, _TARGETS.unsqueeze(1)).T,
            "right values, but shape (1, 3): a row, not a flat tensor of shape (3,).",
        ),
        Mistake(
            "sign",
            lambda: -_logprobs()[_ROWS, _TARGETS],
            "that is the loss (minus the log-probability); here you want the log-probabilities themselves.",
        ),
        Mistake(
            "logprobs[:, targets]",
            lambda: _logprobs()[:, _TARGETS],
            "a (3, 3) matrix: every target's column from every row (logprobs[:, targets]). Each row needs its own column.",
        ),
    ),
)
def _gather_flat() -> torch.Tensor:
    return _logprobs()[_ROWS, _TARGETS]


@exercise(
    "03.mean_loss",
    hint=(
        "one number: each example's loss is minus its picked log-probability; the batch loss averages them.",
        "pick with two index tensors (the row numbers and the targets), negate, then average over the batch.",
    ),
    solution="answer = -ex_logprobs[torch.arange(len(ex_targets)), ex_targets].mean()",
    mistakes=(
        Mistake(
            "sign",
            lambda: _logprobs()[_ROWS, _TARGETS].mean(),
            "the sign: a loss is minus the log-probability, so it is positive.",
        ),
        Mistake(
            "sum vs mean",
            lambda: -_logprobs()[_ROWS, _TARGETS].sum(),
            "that is the sum over the batch (reduction='sum'); the default 'mean' divides by N.",
        ),
        Mistake(
            "logprobs[:, targets]",
            lambda: -_logprobs()[:, _TARGETS].mean(),
            "that averages a (3, 3) matrix, logprobs[:, targets]: every target's column from every row.",
        ),
    ),
)
def _mean_loss() -> float:
    return F.cross_entropy(_LOGITS, _TARGETS).item()


@exercise(
    "03.gather_seq",
    hint=(
        "the class axis of ex_seq_logprobs is the last one (dim 2), and the index must have 3 dimensions too; "
        "this exercise checks the exact shape, (N, S) = (2, 3).",
        "give the targets a trailing axis of length 1 (unsqueeze(-1)), gather along the class axis, "
        "then remove that trailing axis again.",
    ),
    solution="answer = ex_seq_logprobs.gather(2, ex_seq_targets.unsqueeze(2)).squeeze(2)",
    transfer=True,
    shape="exact",
    mistakes=(
        Mistake(
            "(N,S,1)",
            lambda: torch.log_softmax(_SEQ_LOGITS, dim=2).gather(2, _SEQ_TARGETS.unsqueeze(2)),
            "right values, but shape (2, 3, 1): squeeze the trailing axis to get (2, 3).",
        ),
        Mistake(
            "sign",
            lambda: -torch.log_softmax(_SEQ_LOGITS, dim=2).gather(2, _SEQ_TARGETS.unsqueeze(2)).squeeze(2),
            "that is the loss (minus the log-probability); here you want the log-probabilities themselves.",
        ),
    ),
)
def _gather_seq() -> torch.Tensor:
    logprobs = torch.log_softmax(_SEQ_LOGITS, dim=2)
    n, s = torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")
    return logprobs[n, s, _SEQ_TARGETS]


@exercise(
    "03.onehot_bytes",
    hint=(
        "count the entries of an (N, C) matrix, then multiply by the bytes of one float32 entry.",
        "element_size() of a float32 tensor is its bytes per entry; a meta tensor tells you without allocating.",
    ),
    solution="answer = ex_N * ex_C * torch.empty(0, dtype=torch.float32).element_size()",
    rtol=0.0,
    atol=0.5,
    transfer=True,
    mistakes=(
        Mistake(
            "int64",
            lambda: _N_BIG * _C_BIG * 8,
            "that is the size of F.one_hot's int64 matrix (8 bytes per entry); the question asks for float32.",
        ),
        Mistake("MiB", lambda: _N_BIG * _C_BIG * 4 / 2**20, "that is in mebibytes; the question asks for bytes."),
        Mistake("entries", lambda: _N_BIG * _C_BIG, "that counts entries; each float32 entry takes several bytes."),
    ),
)
def _onehot_bytes() -> int:
    onehot = torch.empty((_N_BIG, _C_BIG), dtype=torch.float32, device="meta")
    return onehot.numel() * onehot.element_size()
