"""Exercises of notebook 03: picking the target's log-probability."""

import torch
import torch.nn.functional as F

from helper.exercises import exercise

# A batch the notebook has not shown: 3 examples, 5 classes.
_LOGITS = torch.tensor([[0.5, -1.0, 2.0, 0.0, 1.0], [3.0, 0.0, -2.0, 1.0, 0.5], [-1.0, 0.0, 0.0, 1.0, 2.5]])
_TARGETS = torch.tensor([2, 0, 4])


@exercise(
    "03.gather_flat",
    hint="gather needs an index of shape (N, 1) and returns (N, 1): unsqueeze the targets, then squeeze(1) the result.",
    solution="answer = logprobs.gather(1, targets.unsqueeze(1)).squeeze(1)",
)
def _gather_flat() -> torch.Tensor:
    return torch.log_softmax(_LOGITS, dim=1)[torch.arange(len(_TARGETS)), _TARGETS]


@exercise(
    "03.mean_loss",
    hint="cross-entropy is the mean over the batch of minus the picked log-probabilities "
    "(logprobs[rows, targets], not logprobs[:, targets]).",
    solution="answer = -logprobs[torch.arange(len(targets)), targets].mean()",
)
def _mean_loss() -> float:
    return F.cross_entropy(_LOGITS, _TARGETS).item()


@exercise(
    "03.onehot_bytes",
    hint="a float32 element takes 4 bytes; count the elements of an (N, C) one-hot matrix.",
    solution="answer = N * C * torch.tensor(0.0, dtype=torch.float32).element_size()",
    rtol=0.0,
    atol=0.5,
)
def _onehot_bytes() -> int:
    onehot = torch.empty((4096, 128000), dtype=torch.float32, device="meta")
    return onehot.numel() * onehot.element_size()
