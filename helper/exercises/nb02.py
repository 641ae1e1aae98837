"""Exercises of notebook 02: log-sum-exp and numerical stability.

Each oracle computes its answer with torch from the tensors the notebook's exercise cells show
(under ``ex_`` names, so the lesson's ``logits``, ``z``, ``C`` keep their values).
"""

import torch
import torch.nn.functional as F

from helper.exercises import Mistake, exercise

# Row 0 of the seed's worked batch (torch.manual_seed(0); torch.randn(2, 5)[0]), as the notebook prints it.
_ROW0 = torch.tensor([1.5410, -0.2934, -2.1788, 0.5684, -1.0845], dtype=torch.float64)
_LOG_MAX32 = torch.tensor(torch.finfo(torch.float32).max, dtype=torch.float64).log().item()


@exercise(
    "02.predict_overflow_shift",
    hint=(
        "the naive formula fails when the sum of the exponentials overflows, not when the largest logit does.",
        "adding b to every logit adds b to the LSE: find b with LSE(ex_row) + b = log of float32's largest value.",
    ),
    solution="""
log_max = torch.tensor(torch.finfo(torch.float32).max, dtype=torch.float64).log()
answer = log_max - ex_row.double().logsumexp(dim=0)
""",
    transfer=True,
    rtol=0.0,
    atol=0.01,
    mistakes=(
        Mistake(
            "largest logit",
            lambda: _LOG_MAX32 - _ROW0.max().item(),
            "that is where the largest single e^{z} overflows; the sum of all five overflows a little earlier.",
        ),
        Mistake("log max", lambda: _LOG_MAX32, "that is where e^{b} alone overflows; the row's logits add to it."),
    ),
)
def _predict_overflow_shift() -> float:
    return _LOG_MAX32 - _ROW0.logsumexp(dim=0).item()


_C_EQUAL = 1000


@exercise(
    "02.overflow_float32",
    hint=(
        "the sum of C equal terms e^z is C e^z: when does it pass float32's largest value?",
        "it overflows once z + log C passes log(torch.finfo(torch.float32).max); or try "
        "torch.full((ex_C,), z).exp().sum() for whole numbers z.",
    ),
    solution="""
log_max = torch.tensor(torch.finfo(torch.float32).max, dtype=torch.float64).log()
answer = int(torch.floor(log_max - torch.log(torch.tensor(float(ex_C), dtype=torch.float64)))) + 1
""",
    rtol=0.0,
    atol=0.0,
    mistakes=(
        Mistake("one term", lambda: 89, "89 is where one e^z overflows; the sum of 1000 of them overflows sooner."),
        Mistake(
            "last finite",
            lambda: 81,
            "at 81 the sum is still finite: the question asks for the first whole z where it is inf.",
        ),
    ),
)
def _overflow_float32() -> int:
    # The smallest whole z for which the float32 sum of 1000 equal terms e^z is inf (82: 81.8 = 88.72 - log 1000).
    z = 0
    while torch.isfinite(torch.full((_C_EQUAL,), float(z), dtype=torch.float32).exp().sum()):
        z += 1
    return z


_BIG = torch.tensor([1000.0, 1000.0, 999.0])


@exercise(
    "02.max_trick",
    hint=(
        "shift by the largest entry before exponentiating, and undo the shift after the log.",
        "with m = ex_z.max(): exp of ex_z - m, sum, log, then add m back.",
    ),
    solution="""
m = ex_z.max()
answer = m + (ex_z - m).exp().sum().log()
""",
    rtol=1e-6,
    mistakes=(
        Mistake(
            "m not added back",
            lambda: (_BIG - _BIG.max()).exp().sum().log(),
            "that is LSE(z - m); add m back: LSE(z) = m + LSE(z - m).",
        ),
    ),
)
def _max_trick() -> float:
    return torch.logsumexp(_BIG, dim=0).item()


# Rows where the naive exp overflows (first) and where every class is equal (second).
_WIDE = torch.tensor([[1000.0, 0.0, -1000.0], [-50.0, -50.0, -50.0]])


@exercise(
    "02.log_softmax",
    hint=(
        "log p = z - LSE(z), one LSE per row (per example), over the classes.",
        "the LSE of each row must stay a column, shape (2, 1), to be subtracted from that row: which "
        "argument of logsumexp keeps the dimension it sums over? The second row has three equal logits: "
        "predict it first (its probabilities are 1/3 each).",
    ),
    solution="answer = ex_logits - ex_logits.logsumexp(dim=1, keepdim=True)",
    mistakes=(
        Mistake(
            "over the batch",
            lambda: _WIDE - _WIDE.logsumexp(dim=0, keepdim=True),
            "that takes the LSE down each column, over the examples; log-probabilities need it along each row, "
            "over the classes (dim=1).",
        ),
        Mistake(
            "probabilities",
            lambda: torch.softmax(_WIDE, dim=1),
            "these are probabilities; the exercise asks for their logs.",
        ),
    ),
)
def _log_softmax() -> torch.Tensor:
    return torch.log_softmax(_WIDE, dim=1)


_TIGHT_C, _TIGHT_GAP = 4, 1e-3


@exercise(
    "02.lse_bound_tight",
    hint=(
        "max z <= LSE(z) <= max z + log C: the lower bound is tight when the other terms are negligible next "
        "to e^{max z}. For (0, -d, -d, -d), write LSE - max as a log.",
        "LSE(0, -d, -d, -d) - 0 = log(1 + 3 e^{-d}); solve log(1 + 3 e^{-d}) < 0.001 for d, or try whole d "
        "with torch.logsumexp and a float64 tensor.",
    ),
    solution="""
d = 0
while torch.logsumexp(torch.tensor([0.0] + [-float(d)] * 3, dtype=torch.float64), dim=0) >= ex_gap:
    d += 1
answer = d
""",
    transfer=True,
    rtol=0.0,
    atol=0.0,
    mistakes=(
        Mistake(
            "one other class",
            lambda: 7,
            "e^{-7} < 0.001 holds for one other class; here three classes each add e^{-d}.",
        ),
        Mistake("rounded", lambda: 8, "at d = 8 the gap is still just above 0.001: compute it."),
    ),
)
def _lse_bound_tight() -> int:
    # The smallest whole d with LSE(0, -d, -d, -d) - max < 0.001, in float64.
    d = 0
    while torch.logsumexp(torch.tensor([0.0] + [-float(d)] * (_TIGHT_C - 1), dtype=torch.float64), dim=0) >= _TIGHT_GAP:
        d += 1
    return d


# Yes/no logits where log(sigmoid(z)) and -log(1 + exp(-z)) fail (z = -800: e^{800} overflows float64).
_ZS = torch.tensor([-800.0, -20.0, 0.0, 20.0, 800.0], dtype=torch.float64)


@exercise(
    "02.stable_logsigmoid",
    hint=(
        "log sigma(z) = -log(1 + e^{-z}) = -log(e^0 + e^{-z}): a log-sum-exp of two terms. Where does the naive "
        "form overflow?",
        "stack a zero and -z along a new first dimension and take the LSE over it, then negate; the max trick "
        "inside torch.logsumexp keeps e^{800} from ever being formed.",
    ),
    solution="answer = -torch.logsumexp(torch.stack([torch.zeros_like(ex_zs), -ex_zs]), dim=0)",
    transfer=True,
    rtol=1e-6,
    atol=0.0,
    mistakes=(
        Mistake("sign", lambda: F.softplus(_ZS), "log sigma(z) is never positive: check the sign."),
        Mistake("flipped z", lambda: F.logsigmoid(-_ZS), "that is log sigma(-z) = log(1 - sigma(z)), the other class."),
        Mistake(
            "probability",
            lambda: torch.sigmoid(_ZS),
            "these are the probabilities sigma(z); the exercise asks for their logs.",
        ),
    ),
)
def _stable_logsigmoid() -> torch.Tensor:
    return F.logsigmoid(_ZS)
