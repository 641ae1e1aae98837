"""BinaryExplorer: one logit, one label; BCELoss on sigmoid(z) against BCEWithLogitsLoss on z."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import torch
import torch.nn as nn

from helper import _svg
from helper.explorers._base import Explorer, as_binary_label, as_real

__all__ = ["BinaryExplorer"]

_C = _svg.OKABE_ITO
_FORMULA = (
    r"$\sigma(z) = \frac{1}{1 + e^{-z}}, \qquad "
    r"L = -\big[\, y \log \sigma(z) + (1 - y) \log\big(1 - \sigma(z)\big) \big]$"
    r" &nbsp; (BCELoss clamps each $\log$ at $-100$; BCEWithLogitsLoss works from $z$ directly)"
)
_CURVE_POINTS = 241
_BCE = nn.BCELoss()
_BCE_LOGITS = nn.BCEWithLogitsLoss()
_BCE_NONE = nn.BCELoss(reduction="none")
_BCE_LOGITS_NONE = nn.BCEWithLogitsLoss(reduction="none")


class BinaryExplorer(Explorer):
    """A slider for one logit ``z`` and a toggle for its label ``y`` in {0, 1}.

    Shows ``sigmoid(z)``, the loss curve over ``z`` for the chosen ``y`` with the
    current point on it, and the two ways torch computes binary cross-entropy:
    ``nn.BCELoss()(sigmoid(z), y)`` and ``nn.BCEWithLogitsLoss()(z, y)``, all in
    float32. From about ``z = 16.7`` float32 ``sigmoid(z)`` is exactly 1, so with
    ``y = 0`` BCELoss meets ``log(0)`` and returns its clamp (100 at ``z = 20``)
    while BCEWithLogitsLoss returns the true loss (20).

    Attributes
    ----------
    sliders: ``[z_slider]`` (a ``FloatSlider`` from -30 to 30, wider if ``z`` is).
    target: the ``ToggleButtons`` for ``y`` (``.value`` is 0 or 1).
    """

    def __init__(self, z: Any = 0.0, y: Any = 1) -> None:
        zv = as_real(z, "z")
        yv = as_binary_label(y, "y")
        super().__init__()
        lo, hi = min(-30.0, math.floor(zv)), max(30.0, math.ceil(zv))
        self.z = widgets.FloatSlider(
            value=zv, min=lo, max=hi, step=0.1, description="z", readout_format=".1f",
            layout=widgets.Layout(width="420px"),
        )
        self.z.add_class("l2l-logit")
        self.sliders = [self.z]
        self.target = widgets.ToggleButtons(options=[("y = 0", 0), ("y = 1", 1)], value=yv, description="y")
        self.target.add_class("l2l-target")
        self.target.add_class("widget-inline-hbox")  # label beside the buttons, aligned like the slider labels
        self.formula = widgets.HTMLMath(value=f'<div style="font-size:1.2em">{_FORMULA}</div>')
        self.formula.add_class("l2l-formula")
        self.loss = widgets.HTML()
        self.loss.add_class("l2l-loss")
        self.chart = widgets.HTML()
        self.chart.add_class("l2l-chart")
        controls = widgets.VBox([self.z, self.target])
        controls.add_class("l2l-controls")
        shown = widgets.VBox([self.loss, self.chart])
        shown.add_class("l2l-output")
        self._curves: dict[tuple[int, str], list[str]] = {}
        self._setup("l2l-binary-explorer", [self.formula, controls, shown], [self.z, self.target])

    # -- numbers
    def _compute(self) -> dict[str, Any]:
        zv, yv = self._value(self.z), int(self.target.value)
        z = torch.tensor(zv, dtype=torch.float32)
        y = torch.tensor(float(yv), dtype=torch.float32)
        with torch.no_grad():
            s = torch.sigmoid(z)
            bce = _BCE(s, y).item()
            bce_logits = _BCE_LOGITS(z, y).item()
        return {
            "z": zv,
            "y": yv,
            "sigmoid": s.item(),
            "bce_loss": bce,
            "bce_with_logits_loss": bce_logits,
            "loss": bce_logits,
            "gap": bce - bce_logits,
        }

    # -- drawing
    # plot box of the curve panel
    _X0, _Y0, _W, _H, _YMAX = 62, 40, 330, 220, 105.0

    def _xy(self, z: float, loss: float) -> tuple[float, float]:
        lo, hi = self.z.min, self.z.max
        x = self._X0 + self._W * (min(max(z, lo), hi) - lo) / (hi - lo)
        v = min(max(loss, 0.0), self._YMAX) if math.isfinite(loss) else self._YMAX
        return x, self._Y0 + self._H * (1 - v / self._YMAX)

    def _curve(self, y: int, theme: _svg.Theme) -> list[str]:
        """Both loss curves for label ``y`` over the slider range, computed once by torch in float32."""
        key = (y, theme.ink)
        if key not in self._curves:
            zs = torch.linspace(self.z.min, self.z.max, _CURVE_POINTS, dtype=torch.float32)
            ys = torch.full_like(zs, float(y))
            with torch.no_grad():
                exact = _BCE_LOGITS_NONE(zs, ys).tolist()
                clamped = _BCE_NONE(torch.sigmoid(zs), ys).tolist()
            zl = zs.tolist()
            self._curves[key] = [
                _svg.polyline([self._xy(a, b) for a, b in zip(zl, exact)], stroke=_C["sky_blue"], width=3),
                _svg.polyline([self._xy(a, b) for a, b in zip(zl, clamped)], stroke=_C["vermillion"], width=3,
                              dash="7 5"),
            ]
        return self._curves[key]

    def _draw(self, st: dict[str, Any], theme: _svg.Theme) -> str:
        w, h = 720, 330
        x0, y0, pw, ph = self._X0, self._Y0, self._W, self._H
        body: list[str] = [_svg.text(x0, 24, f"loss over z for y = {st['y']}", theme, size=16, bold=True)]
        for v in (0, 20, 40, 60, 80, 100):
            yy = y0 + ph * (1 - v / self._YMAX)
            body.append(_svg.line(x0, yy, x0 + pw, yy, stroke=theme.faint, width=0.5, dash="2 4"))
            body.append(_svg.text(x0 - 6, yy + 5, str(v), theme, size=13, anchor="end"))
        lo, hi = self.z.min, self.z.max
        for v in (lo, lo / 2, 0.0, hi / 2, hi):
            xx, _ = self._xy(v, 0.0)
            body.append(_svg.text(xx, y0 + ph + 20, _svg.fmt(v, ".0f"), theme, size=13, anchor="middle"))
        body.append(_svg.line(x0, y0 + ph, x0 + pw, y0 + ph, stroke=theme.ink, width=1.5))
        body.append(_svg.line(x0, y0, x0, y0 + ph, stroke=theme.ink, width=1.5))
        body.append(_svg.text(x0 + pw, y0 + ph + 40, "z", theme, size=15, anchor="end"))
        body += self._curve(st["y"], theme)
        # the current point on both curves, as two different shapes
        xz, _ = self._xy(st["z"], 0.0)
        body.append(_svg.line(xz, y0, xz, y0 + ph, stroke=theme.ink, width=1, dash="3 3"))
        body.append(_svg.square(*self._xy(st["z"], st["bce_loss"]), 7, fill=_C["vermillion"], stroke=theme.ink))
        body.append(_svg.circle(*self._xy(st["z"], st["bce_with_logits_loss"]), 6, fill=_C["sky_blue"],
                                stroke=theme.ink))
        # legend
        lx, ly = 420, 40
        body.append(_svg.line(lx, ly - 5, lx + 34, ly - 5, stroke=_C["sky_blue"], width=3))
        body.append(_svg.circle(lx + 17, ly - 5, 5, fill=_C["sky_blue"], stroke=theme.ink))
        body.append(_svg.text(lx + 42, ly, "BCEWithLogitsLoss(z, y)", theme, size=15))
        body.append(_svg.line(lx, ly + 20, lx + 34, ly + 20, stroke=_C["vermillion"], width=3, dash="7 5"))
        body.append(_svg.square(lx + 17, ly + 20, 5, fill=_C["vermillion"], stroke=theme.ink))
        body.append(_svg.text(lx + 42, ly + 25, "BCELoss(sigmoid(z), y)", theme, size=15))
        # the numbers
        s = st["sigmoid"]
        s_text = "1 (exactly)" if s == 1.0 else ("0 (exactly)" if s == 0.0 else _svg.fmt(s, ".9g"))
        rows = [
            f"z = {_svg.fmt(st['z'], '.2f')},  y = {st['y']}",
            f"sigmoid(z) = {s_text}",
            f"BCELoss = {_svg.fmt(st['bce_loss'], '.4f')}",
            f"BCEWithLogitsLoss = {_svg.fmt(st['bce_with_logits_loss'], '.4f')}",
        ]
        for i, r in enumerate(rows):
            body.append(_svg.text(lx, 110 + 26 * i, r, theme, size=16, cls="l2l-numbers"))
        parted = abs(st["gap"]) > 1e-3
        if not parted:
            verdict = ["they agree"]
        elif st["bce_loss"] >= 99.99:
            verdict = ["! they part: BCELoss met log(0)", "and returned its clamp, 100"]
        else:
            verdict = ["! they part (float32 rounding", "of 1 - sigmoid(z))"]
        for i, v in enumerate(verdict):
            body.append(_svg.text(lx, 110 + 26 * (4 + i) + 8, v, theme, size=16, bold=parted))
        label = f"binary cross-entropy at z = {_svg.fmt(st['z'], '.2f')}, y = {st['y']}"
        return _svg.document(w, h, body, theme, label)

    def _summary(self) -> str:
        st = self._state
        return (
            f"BinaryExplorer: z={_svg.fmt(st['z'], '.4g')}, y={st['y']}, sigmoid={_svg.fmt(st['sigmoid'], '.9g')}, "
            f"BCELoss={_svg.fmt(st['bce_loss'], '.4f')}, BCEWithLogitsLoss={_svg.fmt(st['bce_with_logits_loss'], '.4f')}"
        )
