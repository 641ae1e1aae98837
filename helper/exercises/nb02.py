"""Exercises of notebook 02: log-sum-exp and numerical stability."""

import torch

from helper.exercises import exercise


@exercise(
    "02.overflow_float32",
    hint="try torch.exp(torch.tensor(z)) for whole numbers z around log(torch.finfo(torch.float32).max).",
    solution="answer = int(torch.tensor(torch.finfo(torch.float32).max).log().floor()) + 1",
    rtol=0.0,
    atol=0.0,
)
def _overflow_float32() -> int:
    # The smallest whole number whose float32 exponential is inf (89: e^88.72... is the largest float32).
    z = 0
    while torch.isfinite(torch.exp(torch.tensor(float(z), dtype=torch.float32))):
        z += 1
    return z


@exercise(
    "02.max_trick",
    hint="subtract the row's maximum m before exp, take the log of the sum, then add m back.",
    solution="m = z.max()\nanswer = m + (z - m).exp().sum().log()",
    rtol=1e-6,
)
def _max_trick() -> float:
    return torch.logsumexp(torch.tensor([1000.0, 1000.0, 999.0]), dim=0).item()


# Rows where the naive exp overflows (first) and where every class is equal (second).
_WIDE = torch.tensor([[1000.0, 0.0, -1000.0], [-50.0, -50.0, -50.0]])


@exercise(
    "02.log_softmax",
    hint="z - z.logsumexp(dim=1, keepdim=True); without keepdim the shapes (2, 3) and (2,) do not line up. "
    "Before running it, predict the first row and the second row (three equal logits).",
    solution="answer = logits - logits.logsumexp(dim=1, keepdim=True)",
)
def _log_softmax() -> torch.Tensor:
    return torch.log_softmax(_WIDE, dim=1)
