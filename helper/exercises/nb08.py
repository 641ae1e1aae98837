"""Exercises of notebook 08: training a softmax classifier, calibration.

Each oracle computes its answer with torch (autograd where there is a gradient) from
the same data the notebook's exercise cells show.
"""

import torch
import torch.nn.functional as F

from helper.exercises import exercise
from helper.training import expected_calibration_error

# The tiny batch of exercises 1 and 2: 4 points in 2-D, 3 classes.
_X = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-1.0, -1.0], [0.5, 0.5]])
_Y = torch.tensor([0, 1, 2, 0])
_W = torch.tensor([[0.5, -0.5], [0.0, 1.0], [-0.5, 0.0]])
_B = torch.tensor([0.1, 0.0, -0.1])
_PROBS = torch.tensor(
    [[0.95, 0.03, 0.02], [0.91, 0.05, 0.04], [0.15, 0.75, 0.10], [0.20, 0.72, 0.08],
     [0.10, 0.12, 0.78], [0.55, 0.40, 0.05], [0.30, 0.62, 0.08], [0.04, 0.04, 0.92]]
)
_LABELS = torch.tensor([0, 1, 1, 1, 2, 1, 1, 2])


@exercise(
    "08.grad_W",
    hint="first the gradient with respect to the logits, G = (softmax(Z) - onehot(y)) / N with "
    "Z = X @ W.T + b; then the chain rule through Z gives G.T @ X (shape (3, 2)).",
    solution="""
G = (torch.softmax(X_tiny @ W_tiny.T + b_tiny, dim=1) - F.one_hot(y_tiny, 3)) / len(y_tiny)
answer = G.T @ X_tiny
""",
)
def _grad_W() -> torch.Tensor:
    W = _W.clone().requires_grad_(True)
    F.cross_entropy(_X @ W.T + _B, _Y).backward()
    return W.grad


@exercise(
    "08.one_step",
    hint="from W = 0 and b = 0 every probability is 1/3; compute the gradients there (G.T @ X for W, "
    "G summed over the batch for b), subtract lr times them, then the mean cross-entropy of the new logits.",
    solution="""
W1, b1 = torch.zeros(3, 2), torch.zeros(3)
G = (torch.softmax(X_tiny @ W1.T + b1, dim=1) - F.one_hot(y_tiny, 3)) / len(y_tiny)
W1, b1 = W1 - lr * G.T @ X_tiny, b1 - lr * G.sum(dim=0)
answer = F.cross_entropy(X_tiny @ W1.T + b1, y_tiny)
""",
)
def _one_step() -> float:
    W = torch.zeros(3, 2, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    F.cross_entropy(_X @ W.T + b, _Y).backward()
    with torch.no_grad():
        return F.cross_entropy(_X @ (W - W.grad).T + (b - b.grad), _Y).item()


@exercise(
    "08.ece",
    hint="confidence is the largest probability of a row and a row is correct when that class is its "
    "label; in each non-empty bin take |accuracy - mean confidence|, weight it by the bin's share of the "
    "8 rows, and add.",
    rtol=1e-4,
    atol=1e-5,
    solution="""
conf, pred = probs.max(dim=1)
correct = (pred == labels).float()
answer = 0.0
for k in range(10):
    in_bin = (conf > k / 10) & (conf <= (k + 1) / 10)
    if in_bin.any():
        answer += in_bin.float().mean() * (correct[in_bin].mean() - conf[in_bin].mean()).abs()
""",
)
def _ece() -> float:
    return expected_calibration_error(_PROBS, _LABELS, bins=10)
