"""Exercises of notebook 08: training a softmax classifier, convexity, priors, calibration, the bug's minimiser.

Each oracle computes its answer with torch (autograd where there is a gradient) from
the same data the notebook's exercise cells show (under ``ex_`` names, so no exercise
overwrites a lesson variable).
"""

import math

import torch
import torch.nn.functional as F

from helper.exercises import Mistake, exercise
from helper.training import expected_calibration_error

# The tiny batch of exercises 1 and 2: 4 points in 2-D, 3 classes.
_X = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-1.0, -1.0], [0.5, 0.5]])
_Y = torch.tensor([0, 1, 2, 0])
_W = torch.tensor([[0.5, -0.5], [0.0, 1.0], [-0.5, 0.0]])
_B = torch.tensor([0.1, 0.0, -0.1])
_PROBS = torch.tensor(
    [
        [0.95, 0.03, 0.02],
        [0.91, 0.05, 0.04],
        [0.15, 0.75, 0.10],
        [0.20, 0.72, 0.08],
        [0.10, 0.12, 0.78],
        [0.55, 0.40, 0.05],
        [0.30, 0.62, 0.08],
        [0.04, 0.04, 0.92],
    ]
)
_LABELS = torch.tensor([0, 1, 1, 1, 2, 1, 1, 2])


def _grad_W_value() -> torch.Tensor:
    W = _W.clone().requires_grad_(True)
    F.cross_entropy(_X @ W.T + _B, _Y).backward()
    return W.grad


@exercise(
    "08.predict_first_accuracy",
    hint=(
        "at step 0 every logit is 0: which class does the model predict for each point?",
        "argmax picks one class (the same one) for every point; what share of the 300 training points "
        "belongs to that class?",
    ),
    solution="answer = 100 / 300",
    transfer=True,
    mistakes=(
        Mistake(
            "zero",
            lambda: 0.0,
            "equal logits still make a prediction: argmax picks one class, the same "
            "for every point, and some points are of that class.",
        ),
        Mistake("percent", lambda: 100 / 3, "give the accuracy as a fraction between 0 and 1, not in percent."),
    ),
)
def _predict_first_accuracy() -> float:
    from helper.training import make_blobs

    X, y = make_blobs(100, seed=0)
    Z = X @ torch.zeros(3, 2).T + torch.zeros(3)
    return (Z.argmax(dim=1) == y).double().mean().item()


@exercise(
    "08.grad_W",
    hint=(
        "start from the gradient of the mean loss with respect to the logits (notebook 04): one row per "
        "example, softmax minus one-hot, divided by the number of examples.",
        "the logit of class c for example n is ex_W[c] . x_n + ex_b[c], so the loss's derivative in weight (c, d) adds up, over the examples, "
        "the logit gradient of class c times feature d of that example. Which matrix product of the logit "
        "gradient (4, 3) and the inputs (4, 2) sums over the examples and has shape (3, 2)?",
    ),
    solution="""
G = (torch.softmax(ex_X @ ex_W.T + ex_b, dim=1) - F.one_hot(ex_y, 3)) / len(ex_y)
answer = G.T @ ex_X
""",
    mistakes=(
        Mistake(
            "sum, not mean",
            lambda: _grad_W_value() * len(_Y),
            "that is the gradient of the summed loss: F.cross_entropy averages over the 4 examples.",
        ),
        Mistake(
            "sign",
            lambda: -_grad_W_value(),
            "the sign is flipped: the logit gradient is softmax minus one-hot, not one-hot minus softmax.",
        ),
    ),
)
def _grad_W() -> torch.Tensor:
    return _grad_W_value()


def _one_step_loss(update_bias: bool = True) -> float:
    W = torch.zeros(3, 2, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    F.cross_entropy(_X @ W.T + b, _Y).backward()
    with torch.no_grad():
        return F.cross_entropy(_X @ (W - W.grad).T + (b - b.grad if update_bias else b), _Y).item()


@exercise(
    "08.one_step",
    hint=(
        "from W = 0 and b = 0 every probability is 1/3; compute both gradients there, step, then take the "
        "mean cross-entropy of the new logits.",
        "the bias gradient is the logit gradient summed over the examples (one number per class); the weight "
        "gradient is the one of exercise 1. Update W and b with ex_lr, then evaluate F.cross_entropy once more.",
    ),
    solution="""
W1, b1 = torch.zeros(3, 2), torch.zeros(3)
G = (torch.softmax(ex_X @ W1.T + b1, dim=1) - F.one_hot(ex_y, 3)) / len(ex_y)
W1, b1 = W1 - ex_lr * G.T @ ex_X, b1 - ex_lr * G.sum(dim=0)
answer = F.cross_entropy(ex_X @ W1.T + b1, ex_y)
""",
    mistakes=(
        Mistake(
            "before the step", lambda: math.log(3), "that is the loss before the step (log 3); take the step first."
        ),
        Mistake(
            "bias not updated",
            lambda: _one_step_loss(update_bias=False),
            "W moved but b did not: b's gradient (the logit gradient summed over examples) is not zero here.",
        ),
    ),
)
def _one_step() -> float:
    return _one_step_loss()


_PRIOR = torch.tensor([0.9, 0.1], dtype=torch.float64)


@exercise(
    "08.prior_first_loss",
    hint=(
        "with W = 0 every example gets the same probabilities, softmax(log pi): which are they?",
        "softmax(log pi) = pi, so 90 % of the examples score -log 0.9 and 10 % score -log 0.1; average those.",
    ),
    solution="answer = -(ex_prior * ex_prior.log()).sum()",
    transfer=True,
    mistakes=(
        Mistake(
            "log 2", lambda: math.log(2), "log 2 is the first loss at bias 0; with the bias at log pi it is lower."
        ),
        Mistake(
            "bits",
            lambda: -(_PRIOR * _PRIOR.log2()).sum().item(),
            "that is in bits; PyTorch's losses use the natural log (nats).",
        ),
        Mistake(
            "majority only",
            lambda: -math.log(0.9),
            "that is the loss of a class-0 example only; the rare class's examples count too (10 % of them).",
        ),
    ),
)
def _prior_first_loss() -> float:
    n = 1000
    labels = (torch.arange(n) >= round(_PRIOR[0].item() * n)).long()  # 900 of class 0, 100 of class 1
    logits = torch.zeros(n, 2, dtype=torch.float64) + _PRIOR.log()  # W = 0, b = log pi
    return F.cross_entropy(logits, labels).item()


@exercise(
    "08.ece",
    hint=(
        "confidence is the largest probability of a row and a row is correct when that class is its label; "
        "group the rows into the 10 bins by confidence.",
        "in each non-empty bin take |accuracy - mean confidence|, weight it by the bin's share of the 8 rows, "
        "and add the weighted gaps.",
    ),
    rtol=1e-4,
    atol=1e-5,
    solution="""
conf, pred = ex_probs.max(dim=1)
correct = (pred == ex_labels).float()
answer = 0.0
for k in range(10):
    in_bin = (conf > k / 10) & (conf <= (k + 1) / 10)
    if in_bin.any():
        answer += in_bin.float().mean() * (correct[in_bin].mean() - conf[in_bin].mean()).abs()
""",
    mistakes=(
        Mistake(
            "one bin",
            lambda: abs((_PROBS.argmax(dim=1) == _LABELS).float().mean() - _PROBS.max(dim=1).values.mean()).item(),
            "that is one global gap (accuracy minus mean confidence over all rows): gaps of opposite sign "
            "cancel there. Take the gap per bin, then the weighted sum.",
        ),
    ),
)
def _ece() -> float:
    return expected_calibration_error(_PROBS, _LABELS, bins=10)


_ETA3 = torch.tensor([0.4, 0.35, 0.25], dtype=torch.float64)


def _bug_minimiser(eta: torch.Tensor) -> torch.Tensor:
    """Minimise sum_c eta_c * CE(p, c) over p with sum(p) = 1 (the double softmax's expected loss), numerically."""
    free = torch.zeros(len(eta) - 1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS(
        [free], max_iter=200, tolerance_grad=1e-14, tolerance_change=1e-16, line_search_fn="strong_wolfe"
    )

    def p_of(free: torch.Tensor) -> torch.Tensor:
        return torch.cat([free, (1 - free.sum()).unsqueeze(0)])

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = -(eta * torch.log_softmax(p_of(free), dim=0)).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return p_of(free.detach())


@exercise(
    "08.double_softmax_minimiser",
    hint=(
        "the bug's expected loss is cross-entropy with the probabilities p in the place of the logits: at its "
        "minimum, what must softmax(p) equal?",
        "softmax(p) = eta means p = log eta + c for one constant c; pick c so that p sums to 1. Check that "
        "every entry lies in [0, 1].",
    ),
    solution="""
log_eta = ex_eta.log()
answer = log_eta + (1 - log_eta.sum()) / 3
""",
    transfer=True,
    rtol=1e-4,
    atol=1e-4,
    mistakes=(
        Mistake(
            "proper",
            lambda: _ETA3,
            "that is eta, where cross-entropy is lowest; the double softmax's loss is "
            "not a proper scoring rule, so its minimum sits elsewhere.",
        ),
        Mistake(
            "no constant",
            lambda: _ETA3.log(),
            "log eta alone does not sum to 1: add the constant that makes it a probability vector.",
        ),
        Mistake(
            "sums to 0",
            lambda: _ETA3.log() - _ETA3.log().mean(),
            "these sum to 0, not 1: the constant must make p a probability vector.",
        ),
        Mistake(
            "one-hot",
            lambda: torch.tensor([1.0, 0.0, 0.0]),
            "here the log-ratios of eta are small, so every entry of the minimiser lies strictly between 0 and 1: not one-hot.",
        ),
    ),
)
def _double_softmax_minimiser() -> torch.Tensor:
    return _bug_minimiser(_ETA3)


# Exercise 6: a linear model with D = 3 features and C = 6 classes on 20 seeded points.
_D, _C_FLAT = 3, 6


def _flat_data() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(8)
    points = torch.randn(20, _D, generator=g)
    classes = torch.randint(0, _C_FLAT, (20,), generator=g)
    return points, classes


@exercise(
    "08.flat_directions",
    hint=(
        "which changes of W and b leave every example's probabilities unchanged? Softmax ignores a shift "
        "that is the same for all classes of one example.",
        "adding the same vector v to every row of W shifts example n's logits all by v . x_n; adding the same "
        "number to every entry of b shifts them all by that number. How many independent such directions are there?",
    ),
    solution="""
X64 = ex_points.double()
def mean_loss(theta):
    return F.cross_entropy(X64 @ theta[:18].view(6, 3).T + theta[18:], ex_classes)
eigenvalues = torch.linalg.eigvalsh(torch.autograd.functional.hessian(mean_loss, torch.zeros(24, dtype=torch.float64)))
tol = 24 * torch.finfo(torch.float64).eps * eigenvalues.abs().max()
answer = int((eigenvalues.abs() <= tol).sum())
""",
    transfer=True,
    mistakes=(
        Mistake(
            "the lesson's",
            lambda: 3,
            "3 is the count for the lesson's model with D = 2 features; count the directions again for D = 3.",
        ),
        Mistake(
            "classes",
            lambda: _C_FLAT,
            "the count does not grow with the classes: a shift must be the same for "
            "every class, so it is one vector of W's row size plus one number for b.",
        ),
        Mistake(
            "bias only",
            lambda: 1,
            "the bias shift is one direction; adding the same vector to every row of W gives more.",
        ),
        Mistake(
            "none",
            lambda: 0,
            "softmax ignores a common shift of an example's logits, and some changes of W and b "
            "make exactly such a shift for every example.",
        ),
    ),
)
def _flat_directions() -> int:
    points, classes = _flat_data()
    X64 = points.double()

    def mean_loss(theta: torch.Tensor) -> torch.Tensor:
        W, b = theta[: _C_FLAT * _D].view(_C_FLAT, _D), theta[_C_FLAT * _D :]
        return F.cross_entropy(X64 @ W.T + b, classes)

    n = _C_FLAT * (_D + 1)
    theta = torch.randn(n, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    eigenvalues = torch.linalg.eigvalsh(torch.autograd.functional.hessian(mean_loss, theta))
    tol = n * torch.finfo(torch.float64).eps * eigenvalues.abs().max()
    return int((eigenvalues.abs() <= tol).sum())
