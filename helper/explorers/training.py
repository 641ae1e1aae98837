r"""TrainingPlayer: press Play (or Step, or move the step slider) and watch gradient descent train.

The whole run is computed once with torch (:func:`helper.training.train`, the
hand-derived gradient) and carried to the page in the widget's traits: the parameters
``W, b`` after every step, the recorded loss, accuracy and mean logit length, the points
and the plot bounds. The page (``js/training.js``) draws each frame itself: the decision
regions (softmax of a 22 x 22 grid of points' logits, lossmath.js in float32), the points,
the loss curve so far against ``log 3`` and a readout, all computed from that step's
``W, b``. So Play, Step and Back never wait for a kernel, and the player stays live in an
exported page or slide deck. When a kernel runs, each step shown is recomputed with torch
(the recorded numbers of the run and the grid's softmax) and the page says whether they
agree.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

import torch
import traitlets

from helper import _svg
from helper._format import fmt
from helper.explorers._base import Control, Explorer, checked, short
from helper.explorers._esm import compose
from helper.palette import OKABE_ITO

if TYPE_CHECKING:
    from helper.training import History

__all__ = ["TrainingPlayer"]

_CLASS_COLOURS = tuple(OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green"))
_WIDTH, _HEIGHT = 760, 330
_PLOT = (20, 40, 270, 270)  # x, y, w, h of the data panel (training.js has the same numbers)
_CURVE = (380, 40, 350, 240)  # x, y, w, h of the loss panel
_GRID = 22  # decision-region cells per side
_CLASSES = 3
_MAX_STEPS = 500
_INTERVAL_MS = 120  # one step per 120 ms while playing


def _check_data(X: Any, y: Any) -> None:
    """The player's own checks (helper.training.train checks dtype and lengths after them)."""
    if not isinstance(X, torch.Tensor) or X.dim() != 2 or X.shape[1] != 2:
        raise ValueError(f"X must be a float tensor of shape (N, 2), got {getattr(X, 'shape', type(X).__name__)}")
    if (
        isinstance(y, torch.Tensor)
        and y.dtype == torch.long
        and y.numel()
        and not 0 <= int(y.min()) <= int(y.max()) <= 2
    ):
        raise ValueError("y must hold class indices 0, 1 or 2")


def _bounds(X: torch.Tensor) -> list[float]:
    """``[x0, x1, y0, y1]``: the points' extent plus 0.3 on every side (float32 values)."""
    lo = X.min(dim=0).values - 0.3
    hi = X.max(dim=0).values + 0.3
    return [float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])]


def _cell_centres(lo: float, hi: float, n: int) -> list[float]:
    """The centres of ``n`` equal cells from ``lo`` to ``hi`` in float64 (lossmath.js cellCentres)."""
    return [lo + (hi - lo) * (i + 0.5) / n for i in range(n)]


def _grid_points(box: list[float]) -> torch.Tensor:
    """The ``GRID * GRID`` cell centres as float32 ``(x, y)`` rows, row-major from the bottom row."""
    xs = _cell_centres(box[0], box[1], _GRID)
    ys = _cell_centres(box[2], box[3], _GRID)
    return torch.tensor([[x, y] for y in ys for x in xs], dtype=torch.float32)


class TrainingPlayer(Explorer):
    """Play, step through or rewind ``steps`` of gradient descent on ``X, y``.

    Parameters
    ----------
    X, y:
        2-D inputs (float tensor ``(N, 2)``) and class indices (int64 ``(N,)``, 3 classes).
    steps:
        Number of gradient steps (int, 1 to 500).
    lr:
        Learning rate (> 0).

    Traits (synced with the page): ``step`` (int, the step shown; set it from Python to move
    the player), and the run: ``W`` (``steps + 1`` lists of 3 rows of 2 weights), ``b``,
    ``loss``, ``accuracy``, ``logit_norm`` (one value per step, as recorded by torch),
    ``points``, ``classes``, ``box`` (``[x0, x1, y0, y1]``), ``steps``, ``lr``,
    ``interval_ms``; ``result`` (torch's numbers for the step shown), ``py_error``, ``js_error``.

    Attributes
    ----------
    history: the :class:`~helper.training.History` of the run.
    sliders: ``[the step slider]``, a :class:`Control` (``.value`` reads/moves the step).
    """

    _esm = compose("training.js")
    _inputs = ("step",)

    step = traitlets.Any(0).tag(sync=True)
    steps = traitlets.Int(1).tag(sync=True)
    lr = traitlets.Float(0.5).tag(sync=True)
    W = traitlets.List(traitlets.List(traitlets.List(traitlets.Float()))).tag(sync=True)
    b = traitlets.List(traitlets.List(traitlets.Float())).tag(sync=True)
    loss = traitlets.List(traitlets.Float()).tag(sync=True)
    accuracy = traitlets.List(traitlets.Float()).tag(sync=True)
    logit_norm = traitlets.List(traitlets.Float()).tag(sync=True)
    points = traitlets.List(traitlets.List(traitlets.Float())).tag(sync=True)
    classes = traitlets.List(traitlets.Int()).tag(sync=True)
    box = traitlets.List(traitlets.Float()).tag(sync=True)
    grid = traitlets.Int(_GRID).tag(sync=True)
    interval_ms = traitlets.Int(_INTERVAL_MS).tag(sync=True)

    def __init__(self, X: torch.Tensor, y: torch.Tensor, *, steps: int = 60, lr: float = 0.5) -> None:
        if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= _MAX_STEPS:
            raise ValueError(f"steps must be an int from 1 to {_MAX_STEPS}, got {steps!r}")
        _check_data(X, y)
        from helper.training import train  # here: it imports matplotlib, which the other explorers never need

        history = train(X, y, steps=steps, lr=lr, num_classes=_CLASSES)
        self.history: History = history
        box = _bounds(X.detach())
        self._grid = _grid_points(box)
        super().__init__(
            steps=steps,
            lr=float(lr),
            W=history.W.tolist(),
            b=history.b.tolist(),
            loss=history.loss.tolist(),
            accuracy=history.accuracy.tolist(),
            logit_norm=history.logit_norm.tolist(),
            points=X.detach().tolist(),
            classes=y.tolist(),
            box=box,
        )
        self.sliders = [Control(self, "step", description="training step", min=0, max=steps, step=1)]

    @checked("step")
    def _valid_step(self, value: Any) -> int:
        """An integer step, clamped to ``0 .. steps`` as the slider does."""
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"step must be an integer from 0 to {self.steps}; got {type(value).__name__} {short(value)}"
            )
        return max(0, min(int(value), self.steps))

    # -- numbers
    def _compute(self) -> dict[str, Any]:
        k, h = self.step, self.history
        with torch.no_grad():
            probs = torch.softmax(self._grid @ h.W[k].T + h.b[k], dim=1)
            confidence, region = probs.max(dim=1)
        return {
            "step": k,
            "steps": h.steps,
            "loss": h.loss[k].item(),
            "accuracy": h.accuracy[k].item(),
            "logit_norm": h.logit_norm[k].item(),
            "log_C": math.log(_CLASSES),
            "confidence": confidence.tolist(),
            "region": region.tolist(),
        }

    # -- drawing (the static SVG; training.js draws the same frame in the page)
    def _draw(self, st: dict[str, Any], theme: _svg.Theme) -> str:
        body = self._regions(st) + self._points(theme) + self._loss_panel(st, theme)
        label = (
            f"Training step {st['step']} of {st['steps']}: loss {fmt(st['loss'], '.4f')}, "
            f"accuracy {fmt(100 * st['accuracy'], '.1f')}%. "
            "Left: the training points (circle, square, triangle for classes 0, 1, 2) on the model's "
            "decision regions, stronger where it is more confident. Right: the loss per step."
        )
        return _svg.document(_WIDTH, _HEIGHT, body, theme, label)

    def _to_px(self, x: float, y: float) -> tuple[float, float]:
        x0, x1, y0, y1 = self.box
        px, py, pw, ph = _PLOT
        return px + pw * (x - x0) / (x1 - x0), py + ph * (y1 - y) / (y1 - y0)

    def _regions(self, st: dict[str, Any]) -> list[str]:
        px, py, pw, ph = _PLOT
        cw, ch = pw / _GRID, ph / _GRID
        out = []
        for i, (conf, cls) in enumerate(zip(st["confidence"], st["region"])):
            col, row = i % _GRID, i // _GRID
            out.append(
                f'<rect x="{px + col * cw:.1f}" y="{py + ph - (row + 1) * ch:.1f}" width="{cw + 0.3:.1f}" '
                f'height="{ch + 0.3:.1f}" fill="{_CLASS_COLOURS[cls]}" fill-opacity="{_tint(conf):.2f}"/>'
            )
        out.append(_svg.rect(px, py, pw, ph, fill="none", stroke="#8a8a8a"))
        return out

    def _points(self, theme: _svg.Theme) -> list[str]:
        out = []
        for (x, y), c in zip(self.points, self.classes):
            sx, sy = self._to_px(x, y)
            colour = _CLASS_COLOURS[c]
            if c == 0:
                out.append(
                    f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="3" fill="{colour}" stroke="#ffffff" stroke-width="0.8"/>'
                )
            elif c == 1:
                out.append(
                    f'<rect x="{sx - 2.8:.1f}" y="{sy - 2.8:.1f}" width="5.6" height="5.6" fill="{colour}" '
                    'stroke="#ffffff" stroke-width="0.8"/>'
                )
            else:
                out.append(
                    f'<polygon points="{sx:.1f},{sy - 3.6:.1f} {sx + 3.3:.1f},{sy + 2.4:.1f} '
                    f'{sx - 3.3:.1f},{sy + 2.4:.1f}" fill="{colour}" stroke="#ffffff" stroke-width="0.8"/>'
                )
        px, py, _, _ = _PLOT
        out.append(_svg.text(px, py - 14, "training points and decision regions", theme, size=15, bold=True))
        return out

    def _loss_panel(self, st: dict[str, Any], theme: _svg.Theme) -> list[str]:
        x, y, w, hgt = _CURVE
        k, steps = st["step"], st["steps"]
        log_c = st["log_C"]
        top = log_c * 1.1

        def pos(step: int, value: float) -> tuple[float, float]:
            return x + w * step / steps, y + hgt * (1 - min(value, top) / top)

        out = [_svg.text(x, y - 14, "loss per step", theme, size=15, bold=True)]
        out.append(_svg.line(x, y, x, y + hgt, stroke=theme.ink))
        out.append(_svg.line(x, y + hgt, x + w, y + hgt, stroke=theme.ink))
        ly = pos(0, log_c)[1]
        out.append(_svg.line(x, ly, x + w, ly, stroke=theme.faint, dash="4 4"))
        out.append(_svg.text(x + w, ly - 6, f"log 3 = {fmt(log_c, '.4f')}", theme, size=13, anchor="end"))
        out.append(_svg.text(x - 6, y + hgt + 5, "0", theme, size=13, anchor="end"))
        out.append(_svg.text(x, y + hgt + 22, "0", theme, size=13, anchor="middle"))
        out.append(_svg.text(x + w, y + hgt + 22, str(steps), theme, size=13, anchor="middle"))
        out.append(_svg.text(x + w / 2, y + hgt + 22, "gradient step", theme, size=13, anchor="middle"))
        losses = self.loss[: k + 1]
        if k >= 1:
            out.append(_svg.polyline([pos(i, v) for i, v in enumerate(losses)], stroke=_CLASS_COLOURS[0], width=2.5))
        cx, cy = pos(k, losses[-1])
        out.append(_svg.circle(cx, cy, 5, fill=_CLASS_COLOURS[1], stroke=theme.ink))
        return out

    def _summary(self) -> str:
        st = self._state
        return (
            f"TrainingPlayer: step {st['step']}/{st['steps']}, loss={fmt(st['loss'], '.4f')} "
            f"(log 3 = {fmt(st['log_C'], '.4f')}), accuracy={fmt(st['accuracy'], '.3f')}, "
            f"mean logit length={fmt(st['logit_norm'], '.3f')}"
        )


def _tint(confidence: float) -> float:
    """A region cell's opacity: 0.05 for a coin toss among 3 classes, 0.55 when certain (training.js tint)."""
    return 0.05 + 0.5 * (confidence - 1 / _CLASSES) * 1.5
