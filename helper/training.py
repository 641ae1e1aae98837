r"""Train a small softmax classifier and measure its calibration (notebook 08).

Everything here is small and plain on purpose: the model is ``logits = X W^T + b``
(a linear layer), trained with full-batch gradient descent, so each piece can be
written by hand in a notebook cell and checked against torch.

- :func:`make_blobs`: seeded 2-D points of three classes (three Gaussian blobs).
- :func:`gradients_by_hand`: the gradient of the mean cross-entropy with respect to
  ``W`` and ``b`` from ``(softmax - onehot) / N`` and two matrix products.
- :func:`train`: gradient descent, with the hand-derived gradient or with autograd,
  optionally with the softmax-before-cross-entropy bug; returns a :class:`History`.
- :func:`calibration_bins`, :func:`expected_calibration_error`: predicted confidence
  against accuracy, per confidence bin, and their weighted gap (ECE).
- :func:`fit_temperature`: the temperature ``T`` minimising the cross-entropy of
  ``logits / T`` on held-out data (a 1-D search on a log grid, refined once).
- :func:`training_curves`, :func:`reliability_diagram`: matplotlib figures
  (:class:`matplotlib.figure.Figure`, never pyplot state).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from helper._format import check_int as _check_int
from helper.palette import OKABE_ITO
from helper.plots import _style  # the course's one figure style (fonts, grid, spines)

__all__ = [
    "CENTRES",
    "History",
    "make_blobs",
    "gradients_by_hand",
    "train",
    "calibration_bins",
    "expected_calibration_error",
    "fit_temperature",
    "training_curves",
    "reliability_diagram",
]

#: Centres of the three blobs: the corners of a triangle around the origin.
CENTRES = torch.tensor([[0.0, 1.5], [-1.3, -0.75], [1.3, -0.75]])

_COLOURS = tuple(OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "reddish_purple"))
_FONT = 12


def _check_positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__} {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def _check_batch(X: torch.Tensor, y: torch.Tensor, names: tuple[str, str] = ("X", "y")) -> None:
    x_name, y_name = names
    if not isinstance(X, torch.Tensor) or not X.is_floating_point() or X.dim() != 2:
        raise TypeError(f"{x_name} must be a 2-D float tensor (N, D), got {type(X).__name__} {getattr(X, 'shape', '')}")
    if not isinstance(y, torch.Tensor) or y.dtype != torch.long or y.dim() != 1:
        raise TypeError(
            f"{y_name} must be a 1-D int64 tensor of class indices, got {type(y).__name__} {getattr(y, 'dtype', '')}"
        )
    if len(X) != len(y):
        raise ValueError(f"{x_name} and {y_name} must have the same length, got {len(X)} and {len(y)}")


def _check_probs(probs: torch.Tensor, labels: torch.Tensor) -> None:
    if not isinstance(probs, torch.Tensor) or not probs.is_floating_point() or probs.dim() != 2:
        raise TypeError(f"probs must be a 2-D float tensor (N, C) of probabilities, got {type(probs).__name__}")
    _check_batch(probs, labels, ("probs", "labels"))


def make_blobs(n_per_class: int, *, seed: int, spread: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n_per_class`` points of each of three classes, in a seeded random order.

    Class ``k``'s points are ``CENTRES[k]`` plus Gaussian noise of standard deviation
    ``spread``. Returns ``X`` (float32, shape ``(3 n, 2)``) and ``y`` (int64, ``(3 n,)``).
    Uses its own ``torch.Generator``, so the global seed is left alone.
    """
    _check_int("n_per_class", n_per_class, 1)
    _check_int("seed", seed, 0)
    spread = _check_positive("spread", spread)
    gen = torch.Generator().manual_seed(seed)
    y = torch.arange(len(CENTRES)).repeat_interleave(n_per_class)
    X = CENTRES[y] + spread * torch.randn(len(y), 2, generator=gen)
    order = torch.randperm(len(y), generator=gen)
    return X[order], y[order]


def gradients_by_hand(
    W: torch.Tensor, b: torch.Tensor, X: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Gradient of ``F.cross_entropy(X @ W.T + b, y)`` (mean) with respect to ``W`` and ``b``.

    With ``G = (softmax(Z) - onehot(y)) / N`` (the gradient with respect to the logits
    ``Z``), the chain rule through ``Z = X W^T + b`` gives ``dW = G^T X`` and
    ``db = G`` summed over the batch.
    """
    _check_batch(X, y)
    Z = X @ W.T + b
    G = (torch.softmax(Z, dim=1) - F.one_hot(y, W.shape[0]).to(Z.dtype)) / len(y)
    return G.T @ X, G.sum(dim=0)


@dataclass(frozen=True)
class History:
    """Everything recorded while training, one entry per parameter snapshot.

    Entry ``k`` is taken after ``k`` steps (entry 0 is the start), so every tensor has
    ``steps + 1`` rows. ``loss`` is what the optimiser minimised (with the softmax bug,
    the buggy loss); ``cross_entropy`` is always the real ``F.cross_entropy`` of the
    logits; ``logit_norm`` is the mean over examples of the length of a logit vector.
    """

    W: torch.Tensor  # (steps + 1, C, D)
    b: torch.Tensor  # (steps + 1, C)
    loss: torch.Tensor  # (steps + 1,)
    cross_entropy: torch.Tensor  # (steps + 1,)
    accuracy: torch.Tensor  # (steps + 1,)
    logit_norm: torch.Tensor  # (steps + 1,)

    @property
    def steps(self) -> int:
        """The number of gradient steps taken."""
        return len(self.loss) - 1

    def logits(self, X: torch.Tensor, step: int = -1) -> torch.Tensor:
        """The model's logits for ``X`` after ``step`` steps (default: the last)."""
        return X @ self.W[step].T + self.b[step]


def train(
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    steps: int,
    lr: float,
    num_classes: int = 3,
    gradient: str = "by_hand",
    softmax_first: bool = False,
) -> History:
    """Full-batch gradient descent on ``logits = X W^T + b`` from ``W = 0, b = 0``.

    ``gradient`` is ``"by_hand"`` (:func:`gradients_by_hand`) or ``"autograd"``
    (``loss.backward()``). ``softmax_first=True`` trains with the common bug,
    ``F.cross_entropy(softmax(logits), y)``; it needs ``gradient="autograd"``.
    Starting from zero makes every first loss exactly ``log C``.
    """
    _check_batch(X, y)
    _check_int("steps", steps, 0)
    lr = _check_positive("lr", lr)
    _check_int("num_classes", num_classes, 2)
    if gradient not in ("by_hand", "autograd"):
        raise ValueError(f"gradient must be 'by_hand' or 'autograd', got {gradient!r}")
    if softmax_first and gradient != "autograd":
        raise ValueError("softmax_first=True is trained with gradient='autograd' (no hand-derived gradient here)")
    W = torch.zeros(num_classes, X.shape[1], dtype=X.dtype)
    b = torch.zeros(num_classes, dtype=X.dtype)
    rows: dict[str, list] = {k: [] for k in ("W", "b", "loss", "cross_entropy", "accuracy", "logit_norm")}
    for step in range(steps + 1):
        if gradient == "autograd":
            W.requires_grad_(True)
            b.requires_grad_(True)
        Z = X @ W.T + b
        loss = F.cross_entropy(torch.softmax(Z, dim=1) if softmax_first else Z, y)
        rows["W"].append(W.detach().clone())
        rows["b"].append(b.detach().clone())
        rows["loss"].append(loss.detach())
        rows["cross_entropy"].append(F.cross_entropy(Z.detach(), y))
        rows["accuracy"].append((Z.detach().argmax(dim=1) == y).to(X.dtype).mean())
        rows["logit_norm"].append(Z.detach().norm(dim=1).mean())
        if step == steps:
            break
        if gradient == "autograd":
            dW, db = torch.autograd.grad(loss, (W, b))
            W, b = W.detach(), b.detach()
        else:
            dW, db = gradients_by_hand(W, b, X, y)
        W = W - lr * dW
        b = b - lr * db
    return History(**{k: torch.stack(v) for k, v in rows.items()})


def calibration_bins(probs: torch.Tensor, labels: torch.Tensor, *, bins: int = 10) -> dict[str, torch.Tensor]:
    """Predicted confidence against accuracy in ``bins`` equal-width confidence bins.

    The confidence of an example is its largest probability; it is correct when that
    class is its label. Bin ``k`` holds confidences in ``(k / bins, (k + 1) / bins]``.
    Returns float64 tensors of length ``bins``: ``lower``, ``upper`` (edges), ``count``,
    ``confidence`` and ``accuracy`` (means in the bin; ``nan`` where the bin is empty).
    """
    _check_probs(probs, labels)
    _check_int("bins", bins, 1)
    conf, pred = probs.detach().to(torch.float64).max(dim=1)
    correct = (pred == labels).to(torch.float64)
    edges = torch.linspace(0.0, 1.0, bins + 1, dtype=torch.float64)
    # Index of the bin (lo, hi] holding each confidence; a confidence of 0 goes to bin 0.
    index = (torch.searchsorted(edges, conf, right=False) - 1).clamp(0, bins - 1)
    count = torch.bincount(index, minlength=bins).to(torch.float64)
    conf_sum = torch.bincount(index, weights=conf, minlength=bins)
    correct_sum = torch.bincount(index, weights=correct, minlength=bins)
    return {
        "lower": edges[:-1],
        "upper": edges[1:],
        "count": count,
        "confidence": conf_sum / count,
        "accuracy": correct_sum / count,
    }


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor, *, bins: int = 10) -> float:
    r"""ECE: the gap between accuracy and confidence, averaged over bins weighted by their size.

    ``ECE = sum_k (n_k / N) |accuracy_k - confidence_k|`` over the non-empty bins of
    :func:`calibration_bins`. 0 for a perfectly calibrated model; in ``[0, 1]``.
    """
    table = calibration_bins(probs, labels, bins=bins)
    full = table["count"] > 0
    gap = (table["accuracy"][full] - table["confidence"][full]).abs()
    return float((table["count"][full] * gap).sum() / table["count"].sum())


def fit_temperature(
    logits: torch.Tensor, labels: torch.Tensor, *, lo: float = 0.05, hi: float = 20.0, points: int = 401
) -> float:
    """The temperature ``T`` in ``[lo, hi]`` minimising ``F.cross_entropy(logits / T, labels)``.

    A 1-D search: ``points`` values of ``T`` spaced evenly in ``log T``, then the same
    number again between the best one's neighbours. Fit it on held-out data, never on
    the training set. Dividing by ``T > 0`` keeps every argmax, so accuracy is unchanged.
    """
    _check_batch(logits, labels, ("logits", "labels"))
    lo, hi = _check_positive("lo", lo), _check_positive("hi", hi)
    _check_int("points", points, 3)
    if not lo < hi:
        raise ValueError(f"lo must be below hi, got lo={lo}, hi={hi}")
    z = logits.detach().to(torch.float64)
    coarse = torch.logspace(math.log10(lo), math.log10(hi), points, dtype=torch.float64)
    best = int(_nll_per_temperature(z, labels, coarse).argmin())
    fine = torch.linspace(
        float(coarse[max(best - 1, 0)]), float(coarse[min(best + 1, points - 1)]), points, dtype=torch.float64
    )
    return float(fine[int(_nll_per_temperature(z, labels, fine).argmin())])


def _nll_per_temperature(z: torch.Tensor, labels: torch.Tensor, temperatures: torch.Tensor) -> torch.Tensor:
    """``F.cross_entropy(z / t, labels)`` for every ``t`` at once: shape ``(len(temperatures),)``."""
    log_p = torch.log_softmax(z.unsqueeze(0) / temperatures.view(-1, 1, 1), dim=2)  # (P, N, C)
    picked = log_p.gather(2, labels.view(1, -1, 1).expand(len(temperatures), -1, 1)).squeeze(2)
    return -picked.mean(dim=1)


def training_curves(histories: dict[str, History], *, num_classes: int = 3) -> Figure:
    """Left: the real cross-entropy per step of each run, with ``log C`` marked. Right: the mean logit norm.

    ``histories`` maps a label to a :class:`History`; up to four runs, drawn in
    distinct colours and line styles (so they differ by more than colour).
    """
    if not isinstance(histories, dict) or not histories or len(histories) > len(_COLOURS):
        raise ValueError(f"histories must be a dict of 1 to {len(_COLOURS)} labelled History objects")
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    left, right = fig.subplots(1, 2)
    styles = ("-", "--", ":", "-.")
    for (label, hist), colour, dash in zip(histories.items(), _COLOURS, styles):
        if not isinstance(hist, History):
            raise TypeError(f"histories[{label!r}] must be a History, got {type(hist).__name__}")
        steps = range(hist.steps + 1)
        left.plot(steps, hist.cross_entropy.numpy(), color=colour, linestyle=dash, linewidth=2.4, label=label)
        right.plot(steps, hist.logit_norm.numpy(), color=colour, linestyle=dash, linewidth=2.4, label=label)
    left.axhline(math.log(num_classes), color="#000000", linewidth=1, linestyle=":")
    left.annotate(
        f"log {num_classes} = {math.log(num_classes):.4f}",
        (0, math.log(num_classes)),
        xytext=(4, 4),
        textcoords="offset points",
        fontsize=_FONT - 1,
    )
    _style(left, "Cross-entropy on the training set", "gradient step", "loss (nats)")
    _style(right, "Logits grow", "gradient step", "mean length of a logit vector")
    left.legend(fontsize=_FONT - 1, frameon=False)
    return fig


def reliability_diagram(panels: dict[str, tuple[torch.Tensor, torch.Tensor]], *, bins: int = 10) -> Figure:
    """One reliability diagram per ``title -> (probs, labels)``: accuracy against confidence per bin.

    Bars show each bin's accuracy, a dot its mean confidence; the diagonal is perfect
    calibration. Each panel's title carries its ECE (from :func:`expected_calibration_error`).
    """
    if not isinstance(panels, dict) or not 1 <= len(panels) <= 3:
        raise ValueError("panels must be a dict of 1 to 3 titles -> (probs, labels)")
    fig = Figure(figsize=(4.2 * len(panels), 3.9), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (title, (probs, labels)) in zip(axes, panels.items()):
        table = calibration_bins(probs, labels, bins=bins)
        ece = expected_calibration_error(probs, labels, bins=bins)
        centre = ((table["lower"] + table["upper"]) / 2).numpy()
        full = (table["count"] > 0).numpy()
        ax.bar(
            centre[full],
            table["accuracy"].numpy()[full],
            width=1 / bins,
            color=_COLOURS[0],
            alpha=0.75,
            edgecolor="#ffffff",
            label="accuracy in the bin",
        )
        ax.plot(
            centre[full],
            table["confidence"].numpy()[full],
            "o",
            color=_COLOURS[1],
            markersize=6,
            label="mean confidence in the bin",
        )
        ax.plot([0, 1], [0, 1], color="#000000", linewidth=1, linestyle=":", label="perfect calibration")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        _style(ax, f"{title}; ECE = {ece:.3f}", "confidence (largest probability)", "accuracy")
    axes[0].legend(fontsize=_FONT - 2, frameon=False, loc="upper left")
    return fig
