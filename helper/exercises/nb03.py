"""Exercises of notebook 03: picking the target's log-probability."""

import torch
import torch.nn.functional as F

from helper.exercises import exercise


def _seed_batch() -> tuple[torch.Tensor, torch.Tensor]:
    """The notebook's batch: seed 0, logits randn(2, 5), then targets randint(0, 5, (2,)).

    The global random state is restored, so checking an answer never changes
    what the learner's next random call returns.
    """
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(0)
        logits = torch.randn(2, 5)
        targets = torch.randint(0, 5, size=(2,))
    finally:
        torch.random.set_rng_state(state)
    return logits, targets


@exercise(
    "03.gather_flat",
    hint="gather needs an index of shape (N, 1) and returns (N, 1): unsqueeze the targets, then squeeze(1) the result.",
)
def _gather_flat() -> torch.Tensor:
    logits, targets = _seed_batch()
    return torch.log_softmax(logits, dim=1)[torch.arange(len(targets)), targets]


@exercise(
    "03.mean_loss",
    hint="cross-entropy is the mean over the batch of minus the picked log-probabilities.",
)
def _mean_loss() -> float:
    logits, targets = _seed_batch()
    return F.cross_entropy(logits, targets).item()


@exercise(
    "03.onehot_bytes",
    hint="a float32 element takes 4 bytes; count the elements of a (1024, 32000) one-hot matrix.",
    rtol=0.0,
    atol=0.5,
)
def _onehot_bytes() -> int:
    onehot = torch.empty((1024, 32000), dtype=torch.float32, device="meta")
    return onehot.numel() * onehot.element_size()
