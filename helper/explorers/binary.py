"""BinaryExplorer: one logit, one label; BCELoss on sigmoid(z) against BCEWithLogitsLoss on z."""

from __future__ import annotations

import functools
import math
from typing import Any

import torch
import torch.nn as nn
import traitlets

from helper import _svg
from helper._format import fmt
from helper.explorers._base import Control, Explorer, as_binary_label, as_real, checked
from helper.explorers._esm import compose
from helper.facts import BCE_CLAMPED_LOSS

__all__ = ["BinaryExplorer"]

_C = _svg.OKABE_ITO
_CURVE_POINTS = 241
_BCE = nn.BCELoss()
_BCE_LOGITS = nn.BCEWithLogitsLoss()
_BCE_NONE = nn.BCELoss(reduction="none")
_BCE_LOGITS_NONE = nn.BCEWithLogitsLoss(reduction="none")
_STEP = 0.1


def verdict(bce: float, bce_logits: float, sig: float, y: int) -> tuple[str, list[str]]:
    """("agree" | "drift" | "jump", lines of text): how BCELoss on sigmoid(z) compares with the exact loss.

    The same rule as binary.js: they agree within 1e-4 relative (or 1e-6 absolute); a jump
    is sigmoid(z) rounded to exactly the wrong end (log 0, clamped); anything else is drift.
    """
    gap = bce - bce_logits
    if abs(gap) <= 1e-6 or abs(gap) / max(abs(bce_logits), 1e-30) <= 1e-4:
        return "agree", ["they agree"]
    if (y == 0 and sig == 1.0) or (y == 1 and sig == 0.0):
        return "jump", [
            f"JUMP: sigmoid(z) is exactly {1 - y},",
            "so BCELoss met log(0) and",
            f"returned its clamp, {fmt(bce, '.0f')}",
        ]
    what = "1 - sigmoid(z)" if y == 0 else "sigmoid(z)"
    return "drift", [f"DRIFT: BCELoss is {fmt(100 * gap / bce_logits, '+.2f')} % off", f"(float32 rounding of {what})"]


Z_LIMIT = 1000.0  # |z| beyond: float32 sigmoid(z) is exactly 0 or 1 from |z| = 104 on; the slider stays usable
_LANDMARK_SPAN = 30.0  # both landmarks lie below z = 17, so a fixed grid finds them whatever the slider's span


def _check_logit(value: Any) -> float:
    return as_real(value, "logit", lo=-Z_LIMIT, hi=Z_LIMIT)


@functools.cache
def _landmarks() -> tuple[float, float]:
    """On the slider grid (step 0.1, from an integer), for y = 0: the first z > 0 where :func:`verdict`
    says "drift" (BCELoss more than 0.01 % off the exact loss) and the first z where float32
    sigmoid(z) is exactly 1 (the jump), by torch. A fixed grid over [0, 30]: the work never grows
    with the slider's span."""
    n = round(_LANDMARK_SPAN / _STEP)
    zs = torch.tensor([_STEP * k for k in range(n + 1)], dtype=torch.float64).to(torch.float32)
    with torch.no_grad():
        s = torch.sigmoid(zs)
        exact = _BCE_LOGITS_NONE(zs, torch.zeros_like(zs))
        bce = _BCE_NONE(s, torch.zeros_like(zs))
    grid = [round(_STEP * k, 10) for k in range(n + 1)]
    kinds = [verdict(b, e, sv, 0)[0] for b, e, sv in zip(bce.tolist(), exact.tolist(), s.tolist())]
    drift = next((z for z, k in zip(grid, kinds) if k == "drift" and z > 0), math.nan)
    jump = next((z for z, sv in zip(grid, s.tolist()) if sv == 1.0), math.nan)
    return drift, jump


class BinaryExplorer(Explorer):
    """A slider for one logit ``z`` and a toggle for its label ``y`` in {0, 1}.

    The page computes (lossmath.js, float32 as torch) and draws ``sigmoid(z)``, the loss
    curves over ``z`` for the chosen ``y`` with the current point on them, and the two
    ways torch computes binary cross-entropy: ``nn.BCELoss()(sigmoid(z), y)`` and
    ``nn.BCEWithLogitsLoss()(z, y)``. With ``y = 0`` BCELoss first DRIFTS off the exact
    loss (float32 ``1 - sigmoid(z)`` keeps few digits; the hint gives the first slider value
    off by more than 0.1 %) and then JUMPS to its clamp, 100, from the first slider value
    where float32 ``sigmoid(z)`` is exactly 1 (16.7 on the 0.1 grid); both points are
    computed by torch when the explorer is made (``.landmarks``). The kernel recomputes each
    state with torch and the page says whether it agrees.

    Parameters and traits (synced, the same names in :meth:`state`): ``logit`` (the logit z, a float
    from -1000 to 1000) and ``target`` (the label y, 0 or 1); also ``result``, ``py_error``, ``js_error``.

    Attributes
    ----------
    sliders: ``[the logit's slider]``, a :class:`Control` (from -30 to 30 in steps of 0.1, wider if
    the logit is).
    landmarks: ``{"drift_from": z, "jump_at": z}`` for ``y = 0`` on the slider grid.
    """

    _esm = compose("binary.js")
    _inputs = ("logit", "target")

    logit = traitlets.Any(0.0).tag(sync=True)
    target = traitlets.Any(1).tag(sync=True)
    lo = traitlets.Float(-30.0).tag(sync=True)
    hi = traitlets.Float(30.0).tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)

    def __init__(self, logit: Any = 0.0, target: Any = 1) -> None:
        zv = _check_logit(logit)
        lo, hi = min(-30.0, math.floor(zv)), max(30.0, math.ceil(zv))
        drift, jump = _landmarks()
        self.landmarks = {"drift_from": drift, "jump_at": jump}
        hint = (
            "With y = 0, move z up: BCELoss drifts off the exact loss (a float32 staircase) "
            f"from about z = {fmt(drift, '.1f')} (more than 0.01 % off), then jumps to {fmt(BCE_CLAMPED_LOSS, '.0f')} at z = {fmt(jump, '.1f')}, "
            "where float32 sigmoid(z) is exactly 1. BCEWithLogitsLoss stays exact."
        )
        self._curves: dict[tuple[int, str], list[str]] = {}
        super().__init__(logit=zv, target=target, lo=lo, hi=hi, hint=hint)
        self.sliders = [Control(self, "logit", description="logit z", min=lo, max=hi, step=_STEP)]

    # -- the one check of each input, whatever sets it (constructor, Python, the page)
    @checked("logit")
    def _valid_logit(self, value: Any) -> float:
        return _check_logit(value)

    @checked("target")
    def _valid_target(self, value: Any) -> int:
        return as_binary_label(value, "target")

    @checked("lo")
    def _valid_lo(self, value: Any) -> float:
        lo = as_real(value, "lo", lo=-Z_LIMIT, hi=Z_LIMIT)
        if not lo < self.hi:
            raise ValueError(f"lo must be < hi ({self.hi:g}): the slider's span must be > 0; got {lo:g}")
        return lo

    @checked("hi")
    def _valid_hi(self, value: Any) -> float:
        hi = as_real(value, "hi", lo=-Z_LIMIT, hi=Z_LIMIT)
        if not self.lo < hi:
            raise ValueError(f"hi must be > lo ({self.lo:g}): the slider's span must be > 0; got {hi:g}")
        return hi

    # -- numbers
    def _compute(self) -> dict[str, Any]:
        zv, yv = float(self.logit), int(self.target)
        z = torch.tensor(zv, dtype=torch.float32)
        y = torch.tensor(float(yv), dtype=torch.float32)
        with torch.no_grad():
            s = torch.sigmoid(z)
            bce = _BCE(s, y).item()
            bce_logits = _BCE_LOGITS(z, y).item()
        return {
            "logit": zv,
            "target": yv,
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
        lo, hi = self.lo, self.hi
        x = self._X0 + self._W * (min(max(z, lo), hi) - lo) / (hi - lo)
        v = min(max(loss, 0.0), self._YMAX) if math.isfinite(loss) else self._YMAX
        return x, self._Y0 + self._H * (1 - v / self._YMAX)

    def _curve(self, y: int, theme: _svg.Theme) -> list[str]:
        """Both loss curves for label ``y`` over the slider range, computed once by torch in float32."""
        key = (y, theme.ink)
        if key not in self._curves:
            zs = torch.linspace(self.lo, self.hi, _CURVE_POINTS, dtype=torch.float32)
            ys = torch.full_like(zs, float(y))
            with torch.no_grad():
                exact = _BCE_LOGITS_NONE(zs, ys).tolist()
                clamped = _BCE_NONE(torch.sigmoid(zs), ys).tolist()
            zl = zs.tolist()
            self._curves[key] = [
                _svg.polyline([self._xy(a, b) for a, b in zip(zl, exact)], stroke=_C["sky_blue"], width=3),
                _svg.polyline(
                    [self._xy(a, b) for a, b in zip(zl, clamped)], stroke=_C["vermillion"], width=3, dash="7 5"
                ),
            ]
        return self._curves[key]

    def _draw(self, st: dict[str, Any], theme: _svg.Theme) -> str:
        w, h = 760, 330
        x0, y0, pw, ph = self._X0, self._Y0, self._W, self._H
        body: list[str] = [_svg.text(x0, 24, f"loss over z for y = {st['target']}", theme, size=16, bold=True)]
        for v in (0, 20, 40, 60, 80, 100):
            yy = y0 + ph * (1 - v / self._YMAX)
            body.append(_svg.line(x0, yy, x0 + pw, yy, stroke=theme.faint, width=0.5, dash="2 4"))
            body.append(_svg.text(x0 - 6, yy + 5, str(v), theme, size=13, anchor="end"))
        lo, hi = self.lo, self.hi
        for v in (lo, lo / 2, 0.0, hi / 2, hi):
            xx, _ = self._xy(v, 0.0)
            body.append(_svg.text(xx, y0 + ph + 20, fmt(v, ".0f"), theme, size=13, anchor="middle"))
        body.append(_svg.line(x0, y0 + ph, x0 + pw, y0 + ph, stroke=theme.ink, width=1.5))
        body.append(_svg.line(x0, y0, x0, y0 + ph, stroke=theme.ink, width=1.5))
        body.append(_svg.text(x0 + pw, y0 + ph + 40, "z", theme, size=15, anchor="end"))
        body += self._curve(st["target"], theme)
        # the current point on both curves, as two different shapes
        xz, _ = self._xy(st["logit"], 0.0)
        body.append(_svg.line(xz, y0, xz, y0 + ph, stroke=theme.ink, width=1, dash="3 3"))
        body.append(_svg.square(*self._xy(st["logit"], st["bce_loss"]), 7, fill=_C["vermillion"], stroke=theme.ink))
        body.append(
            _svg.circle(*self._xy(st["logit"], st["bce_with_logits_loss"]), 6, fill=_C["sky_blue"], stroke=theme.ink)
        )
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
        s_text = "1 (exactly)" if s == 1.0 else ("0 (exactly)" if s == 0.0 else fmt(s, ".9g"))
        rows = [
            f"z = {fmt(st['logit'], '.2f')},  y = {st['target']}",
            f"sigmoid(z) = {s_text}",
            f"BCELoss = {fmt(st['bce_loss'], '.4f')}",
            f"BCEWithLogitsLoss = {fmt(st['bce_with_logits_loss'], '.4f')}",
        ]
        for i, r in enumerate(rows):
            body.append(_svg.text(lx, 110 + 26 * i, r, theme, size=16, cls="l2l-numbers"))
        kind, lines = verdict(st["bce_loss"], st["bce_with_logits_loss"], st["sigmoid"], st["target"])
        for i, v in enumerate(lines):
            body.append(_svg.text(lx, 226 + 22 * i, v, theme, size=15, bold=kind != "agree"))
        label = f"binary cross-entropy at z = {fmt(st['logit'], '.2f')}, y = {st['target']}"
        return _svg.document(w, h, body, theme, label)

    def _summary(self) -> str:
        st = self._state
        return (
            f"BinaryExplorer: z={fmt(st['logit'], '.4g')}, y={st['target']}, sigmoid={fmt(st['sigmoid'], '.9g')}, "
            f"BCELoss={fmt(st['bce_loss'], '.4f')}, BCEWithLogitsLoss={fmt(st['bce_with_logits_loss'], '.4f')}"
        )
