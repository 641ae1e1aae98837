r"""Static figures the notebooks show: built with :class:`matplotlib.figure.Figure`.

Each function returns a new :class:`~matplotlib.figure.Figure` that is *not*
registered with pyplot, so nothing leaks between cells and nothing needs closing.
As the last expression of a cell, the inline backend (``%matplotlib inline``)
shows it as a PNG with the text ``<Figure size ... with N Axes>``.

Every curve is computed with torch (autograd for gradients), never typed in, and
the colours come from the Okabe-Ito palette, which stays distinct for the common
forms of colour blindness.

- :func:`loss_curves`: cross-entropy vs mean squared error as functions of the
  probability of the target class, and their gradients (notebook 07).
- :func:`bce_parting`: ``BCELoss(sigmoid(z))`` vs ``BCEWithLogitsLoss(z)`` for a
  growing logit, where float32 rounding makes them part (notebook 06).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helper._format import check_int as _check_int
from helper.palette import OKABE_ITO

__all__ = [
    "PALETTE",
    "Described",
    "described",
    "loss_curves",
    "loss_curve_data",
    "bce_parting",
    "bce_parting_data",
    "first_z_where_sigmoid_is_one",
    "step_size_errors",
]

#: Okabe-Ito colours (name -> hex), safe for deuteranopia, protanopia and tritanopia (helper.palette).
PALETTE = OKABE_ITO

_FONT = 12
_LINE = 2.4


def _style(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=_FONT + 1)
    ax.set_xlabel(xlabel, fontsize=_FONT)
    ax.set_ylabel(ylabel, fontsize=_FONT)
    ax.tick_params(labelsize=_FONT - 1)
    ax.grid(True, color="#dddddd", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)


def _target_sweep(num_classes: int, points: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits (points, C) whose target (class 0) logit sweeps while the others stay 0."""
    # Chosen so that p_target runs from about 0.001 to 0.999 whatever C is.
    lo = -7.0 + float(torch.log(torch.tensor(num_classes - 1.0)))
    hi = 7.0 + float(torch.log(torch.tensor(num_classes - 1.0)))
    z_target = torch.linspace(lo, hi, points, dtype=torch.float64)
    logits = torch.zeros(points, num_classes, dtype=torch.float64)
    logits[:, 0] = z_target
    return logits, torch.zeros(points, dtype=torch.long)


def loss_curve_data(num_classes: int = 3, *, points: int = 301) -> dict[str, torch.Tensor]:
    r"""The numbers behind :func:`loss_curves`, computed with torch.

    The target is class 0; its logit sweeps while the other logits stay 0.
    Returns a dict of 1-D float64 tensors of length ``points``:

    - ``p_target``: softmax probability of the target class,
    - ``ce``: ``F.cross_entropy`` per sample,
    - ``mse``: squared error between softmax and one-hot, summed over classes,
    - ``ce_grad``, ``mse_grad``: derivative of each loss w.r.t. the target logit (autograd).
    """
    _check_int("num_classes", num_classes, 2)
    _check_int("points", points, 2)
    logits, target = _target_sweep(num_classes, points)
    logits.requires_grad_(True)
    probs = torch.softmax(logits, dim=1)
    onehot = F.one_hot(target, num_classes).to(probs.dtype)
    ce = F.cross_entropy(logits, target, reduction="none")
    mse = ((probs - onehot) ** 2).sum(dim=1)
    (ce_grad,) = torch.autograd.grad(ce.sum(), logits, retain_graph=True)
    (mse_grad,) = torch.autograd.grad(mse.sum(), logits)
    return {
        "p_target": probs[:, 0].detach(),
        "ce": ce.detach(),
        "mse": mse.detach(),
        "ce_grad": ce_grad[:, 0],
        "mse_grad": mse_grad[:, 0],
    }


def loss_curves(num_classes: int = 3, *, points: int = 301) -> Figure:
    r"""Cross-entropy vs MSE against the probability of the target class.

    Left: the losses. Cross-entropy ``-log p`` grows without bound as the target
    probability goes to 0; the squared error stays below 2. Right: the derivative
    of each loss with respect to the target logit. Cross-entropy's is ``p - 1``,
    close to -1 when the model is confidently wrong; MSE's vanishes there, so a
    confidently wrong model barely learns.

    ``num_classes`` (int >= 2) sets C; the target logit sweeps while the other
    ``C - 1`` logits stay 0. ``points`` (int >= 2) is the number of samples.
    """
    data = loss_curve_data(num_classes, points=points)
    p = data["p_target"].numpy()
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    left, right = fig.subplots(1, 2)
    ce_style = {"color": PALETTE["blue"], "linewidth": _LINE, "label": "cross-entropy"}
    mse_style = {"color": PALETTE["vermillion"], "linewidth": _LINE, "linestyle": "--", "label": "squared error"}

    left.plot(p, data["ce"].numpy(), **ce_style)
    left.plot(p, data["mse"].numpy(), **mse_style)
    left.set_ylim(0, 5)
    _style(left, "Loss", "probability of the target class", "loss")
    left.legend(fontsize=_FONT - 1, frameon=False)

    right.axhline(0, color=PALETTE["black"], linewidth=0.8)
    right.plot(p, data["ce_grad"].numpy(), **ce_style)
    right.plot(p, data["mse_grad"].numpy(), **mse_style)
    _style(right, "Gradient w.r.t. the target logit", "probability of the target class", "d loss / d z")
    right.legend(fontsize=_FONT - 1, frameon=False, loc="lower right")
    fig.suptitle(f"{num_classes} classes; the target logit moves, the others stay 0", fontsize=_FONT)
    return fig


def bce_parting_data(y: float = 0.0, *, z_max: float = 30.0, points: int = 601) -> dict[str, torch.Tensor]:
    r"""The numbers behind :func:`bce_parting`, computed with torch in float32.

    Returns 1-D tensors of length ``points``: ``z`` (0 to ``z_max``), ``bce``
    (``F.binary_cross_entropy(torch.sigmoid(z), y)``) and ``bce_logits``
    (``F.binary_cross_entropy_with_logits(z, y)``), both per element.
    """
    if isinstance(y, bool) or not isinstance(y, (int, float)):
        raise TypeError(f"y must be a number in [0, 1], got {type(y).__name__} {y!r}")
    if not 0.0 <= y <= 1.0:
        raise ValueError(f"y must be a number in [0, 1], got {y}")
    if isinstance(z_max, bool) or not isinstance(z_max, (int, float)) or not z_max > 0:
        raise ValueError(f"z_max must be a positive number, got {z_max!r}")
    _check_int("points", points, 2)
    z = torch.linspace(0.0, float(z_max), points, dtype=torch.float32)
    target = torch.full_like(z, float(y))
    return {
        "z": z,
        "bce": F.binary_cross_entropy(torch.sigmoid(z), target, reduction="none"),
        "bce_logits": F.binary_cross_entropy_with_logits(z, target, reduction="none"),
    }


def first_z_where_sigmoid_is_one(dtype: torch.dtype = torch.float32) -> float:
    """The smallest ``z`` of ``dtype`` for which ``torch.sigmoid(z)`` rounds to exactly 1 (16.6355 in float32)."""
    if dtype not in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        raise TypeError(f"dtype must be a torch floating dtype, got {dtype!r}")
    lo, hi = torch.tensor(0.0, dtype=dtype), torch.tensor(1000.0, dtype=dtype)
    # Bisect on representable values: sigmoid(lo) < 1 <= sigmoid(hi) throughout.
    while True:
        mid = ((lo.double() + hi.double()) / 2).to(dtype)
        if mid in (lo, hi):
            return float(hi)
        if torch.sigmoid(mid) == 1.0:
            hi = mid
        else:
            lo = mid


def bce_parting(y: float = 0.0, *, z_max: float = 30.0, points: int = 601) -> Figure:
    r"""``BCELoss(sigmoid(z), y)`` vs ``BCEWithLogitsLoss(z, y)`` as the logit ``z`` grows.

    In float32, ``sigmoid(z)`` rounds to exactly 1 from z = 16.64 on, so for
    ``y = 0`` BCELoss has to take ``log(0)``; PyTorch clamps the log at
    ``helper.facts.BCE_LOG_CLAMP`` (-100) and the loss jumps to ``BCE_CLAMPED_LOSS`` (100), while BCEWithLogitsLoss keeps growing like z. Before that,
    the rounding already makes BCELoss a staircase. ``y`` is the target in [0, 1].
    """
    data = bce_parting_data(y, z_max=z_max, points=points)
    z = data["z"].numpy()
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    ax.plot(z, data["bce_logits"].numpy(), color=PALETTE["blue"], linewidth=_LINE, label="BCEWithLogitsLoss(z, y)")
    ax.plot(
        z,
        data["bce"].numpy(),
        color=PALETTE["vermillion"],
        linewidth=_LINE,
        linestyle="--",
        label="BCELoss(sigmoid(z), y)",
    )
    z_one = first_z_where_sigmoid_is_one()
    if z_one <= float(data["z"][-1]):
        ax.axvline(
            z_one, color=PALETTE["black"], linewidth=1, linestyle=":", label=f"sigmoid(z) == 1.0 from z = {z_one:.2f}"
        )
    _style(ax, f"Same formula, two implementations: target y = {y:g}, float32", "logit z", "loss")
    ax.legend(fontsize=_FONT - 1, frameon=False, loc="upper left")
    return fig


class Described:
    """A figure with its text alternative: what a reader who cannot see it needs to know.

    As the last expression of a cell it shows as a PNG whose alt text is ``alt``; its text/plain
    form (what nbval compares and a terminal prints) is ``alt`` too, never a memory address.
    Make one with :func:`described`.
    """

    def __init__(self, figure: Figure, alt: str) -> None:
        self.figure = figure
        self.alt = alt

    def _png(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> tuple[dict, dict]:
        import base64

        png = base64.b64encode(self._png()).decode("ascii")
        return {"image/png": png, "text/plain": self.alt}, {"image/png": {"alt": self.alt}}

    def __repr__(self) -> str:
        return self.alt


def described(figure: Figure, alt: str) -> Described:
    r"""``figure`` with the text alternative ``alt`` (what it shows and the numbers that matter).

    Every figure in the course is shown through this, with ``alt`` written in the notebook for that
    figure: ``described(bce_parting(), alt="...")``. Pages and decks use ``alt`` as the image's alt
    text; JupyterLab shows it too.
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"described() takes a matplotlib Figure, got {type(figure).__name__}")
    if not isinstance(alt, str) or len(alt.strip()) < 20:
        raise ValueError("described() needs alt: a sentence or more (>= 20 characters) saying what the figure shows")
    return Described(figure, alt.strip())


def step_size_errors(h: torch.Tensor, errors: dict[str, torch.Tensor]) -> Figure:
    r"""Error of finite-difference derivatives against the step ``h``, on log-log axes.

    ``errors`` maps a method's name (e.g. "forward", "central") to its errors, one per entry of ``h``;
    zeros are drawn at the bottom of the axes, since a log axis cannot show them.
    """
    if not isinstance(h, torch.Tensor) or h.ndim != 1 or not bool((h > 0).all()):
        raise ValueError("h must be a 1-D tensor of positive steps")
    if not errors or any(not isinstance(e, torch.Tensor) or e.shape != h.shape for e in errors.values()):
        raise ValueError("errors must map names to tensors shaped like h")
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    floor = min(float(e[e > 0].min()) for e in errors.values() if bool((e > 0).any())) / 10
    for (name, err), style in zip(errors.items(), ("o-", "s--", "^:")):
        ax.loglog(h.numpy(), err.clamp(min=floor).numpy(), style, label=name, linewidth=2)
    _style(ax, "Finite differences in float64: error against step h", "step h", "|error| of the derivative")
    ax.legend(fontsize=_FONT - 1, frameon=False)
    return fig
