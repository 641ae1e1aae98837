"""Exercises of notebook 02: log-sum-exp and numerical stability."""

import torch

from helper.exercises import exercise


@exercise(
    "02.overflow_float32",
    hint="the sum of C equal terms e^z is C e^z: it overflows once z + log C passes log(torch.finfo(torch.float32).max); "
    "or try torch.full((C,), z).exp().sum() for whole numbers z.",
    solution="""
log_max = torch.tensor(torch.finfo(torch.float32).max, dtype=torch.float64).log()
answer = int(torch.floor(log_max - torch.log(torch.tensor(float(C), dtype=torch.float64)))) + 1
""",
    rtol=0.0,
    atol=0.0,
)
def _overflow_float32() -> int:
    # The smallest whole z for which the float32 sum of 1000 equal terms e^z is inf (82: 81.8 = 88.72 - log 1000).
    z = 0
    while torch.isfinite(torch.full((1000,), float(z), dtype=torch.float32).exp().sum()):
        z += 1
    return z


@exercise(
    "02.max_trick",
    hint="subtract the row's maximum m before exp, take the log of the sum, then add m back.",
    solution="""
m = z.max()
answer = m + (z - m).exp().sum().log()
""",
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
