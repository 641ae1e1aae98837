"""Exercises of notebook 02: log-sum-exp and numerical stability."""

import torch

from helper.exercises import exercise


@exercise(
    "02.overflow_float32",
    hint="try torch.exp(torch.tensor(z)) for whole numbers z around log(torch.finfo(torch.float32).max).",
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
    rtol=1e-6,
)
def _max_trick() -> float:
    return torch.logsumexp(torch.tensor([1000.0, 1000.0, 999.0]), dim=0).item()


@exercise(
    "02.log_softmax",
    hint="z - z.logsumexp(dim=1, keepdim=True); without keepdim the shapes (2, 5) and (2,) do not line up.",
)
def _log_softmax() -> torch.Tensor:
    torch_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(0)
        logits = torch.randn(2, 5)
    finally:
        torch.random.set_rng_state(torch_state)
    return torch.log_softmax(logits, dim=1)
