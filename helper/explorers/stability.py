"""StabilityExplorer: push logits toward overflow and compare three ways to compute log-sum-exp."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import torch

from helper import _svg
from helper.explorers._base import Explorer, as_real, as_vector, fmt_list

__all__ = ["StabilityExplorer"]

_C = _svg.OKABE_ITO
_DTYPES = {"float16": torch.float16, "float32": torch.float32, "float64": torch.float64}
# Four pieces, each an inline block: MathJax 3 does not break a formula across lines, so a
# single long one ran past the right edge of a narrow notebook; the pieces wrap instead.
_FORMULA = " ".join(
    f'<span style="display:inline-block;margin-right:1.5em">{piece}</span>'
    for piece in (
        r"$\text{naive: } \log \sum_j e^{z_j},$",
        r"$\text{max trick: } m + \log \sum_j e^{z_j - m},\ m = \max_j z_j,$",
        r"$\texttt{torch.logsumexp}(z),$",
        r"$z = a \cdot z^{(0)} + b$",
    )
)


def _dtype_name(dtype: Any) -> str:
    if isinstance(dtype, torch.dtype):
        for name, dt in _DTYPES.items():
            if dt == dtype:
                return name
    elif isinstance(dtype, str) and dtype.removeprefix("torch.") in _DTYPES:
        return dtype.removeprefix("torch.")
    if not isinstance(dtype, (str, torch.dtype)):
        raise TypeError(f"dtype must be a string or torch.dtype (float16, float32, float64); got {type(dtype).__name__}")
    raise ValueError(f"dtype must be one of float16, float32, float64; got {dtype!r}")


def _num(x: float) -> str:
    """Fixed decimals for ordinary sizes, scientific beyond; inf and nan as such."""
    return _svg.fmt(x, ".4f") if math.isfinite(x) and abs(x) < 1e6 else _svg.fmt(x, ".5g")


def _flag(x: float) -> str:
    """A word that says what went wrong, so a bad value is not marked by colour alone."""
    if math.isnan(x):
        return "  <- nan"
    if math.isinf(x):
        return "  <- overflow" if x > 0 else "  <- underflow"
    return ""


class StabilityExplorer(Explorer):
    """Shift and scale the logits (``z = scale * logits + shift``) in a chosen dtype.

    Shows, side by side and computed in that dtype by torch: the naive
    ``log(sum(exp(z)))``, the max trick ``m + log(sum(exp(z - m)))`` and
    ``torch.logsumexp(z)``, with ``exp(z)`` per entry. ``inf`` and ``nan`` appear
    exactly where the dtype produces them: ``exp`` overflows past about 11.09 in
    float16, 88.72 in float32 and 709.78 in float64.

    Attributes
    ----------
    sliders: ``[shift, scale]`` (``FloatSlider``; shift from -1000 to 1000, scale from 0 to 10).
    dtype: ``ToggleButtons`` with values ``"float16"``, ``"float32"``, ``"float64"``.
    """

    def __init__(self, logits: Any, *, shift: Any = 0.0, scale: Any = 1.0, dtype: Any = "float32") -> None:
        base = as_vector(logits, "logits", min_len=1, max_len=10)
        sh = as_real(shift, "shift")
        sc = as_real(scale, "scale")
        if sc < 0:
            raise ValueError(f"scale must be >= 0; got {sc}")
        name = _dtype_name(dtype)
        super().__init__()
        self.logits = base
        self.shift = widgets.FloatSlider(
            value=sh, min=min(-1000.0, math.floor(sh)), max=max(1000.0, math.ceil(sh)), step=0.1,
            description="shift b", readout_format=".1f", layout=widgets.Layout(width="460px"),
        )
        self.shift.add_class("l2l-shift")
        self.scale = widgets.FloatSlider(
            value=sc, min=0.0, max=max(10.0, math.ceil(sc)), step=0.1, description="scale a", readout_format=".1f",
            layout=widgets.Layout(width="460px"),
        )
        self.scale.add_class("l2l-scale")
        self.sliders = [self.shift, self.scale]
        self.dtype = widgets.ToggleButtons(options=list(_DTYPES), value=name, description="dtype")
        self.dtype.add_class("l2l-dtype")
        self.dtype.add_class("widget-inline-hbox")  # label beside the buttons, aligned like the slider labels
        self.formula = widgets.HTMLMath(value=f'<div style="font-size:1.2em">{_FORMULA}</div>')
        self.formula.add_class("l2l-formula")
        self.results = widgets.HTML()
        self.results.add_class("l2l-results")
        self.chart = widgets.HTML()
        self.chart.add_class("l2l-chart")
        controls = widgets.VBox([self.shift, self.scale, self.dtype])
        controls.add_class("l2l-controls")
        shown = widgets.VBox([self.results, self.chart])
        shown.add_class("l2l-output")
        self._setup("l2l-stability-explorer", [self.formula, controls, shown], [self.shift, self.scale, self.dtype])

    # -- numbers
    def _compute(self) -> dict[str, Any]:
        name = str(self.dtype.value)
        dt = _DTYPES[name]
        sh, sc = self._value(self.shift), self._value(self.scale)
        with torch.no_grad():
            z = torch.tensor(self.logits, dtype=dt) * sc + sh
            e = torch.exp(z)
            total = e.sum()
            naive = torch.log(total)
            m = z.max()
            trick = m + torch.log(torch.exp(z - m).sum())
            lse = torch.logsumexp(z, dim=0)
        return {
            "dtype": name,
            "shift": sh,
            "scale": sc,
            "z": z.tolist(),
            "exp": e.tolist(),
            "sum_exp": total.item(),
            "max": m.item(),
            "naive": naive.item(),
            "max_trick": trick.item(),
            "logsumexp": lse.item(),
            "overflow_at": math.log(torch.finfo(dt).max),
        }

    # -- drawing
    def _show(self, state: dict[str, Any]) -> None:
        self.results.value = (
            '<span style="font-size:18px">'
            f"naive = {_num(state['naive'])} | max trick = {_num(state['max_trick'])} | "
            f"torch.logsumexp = {_num(state['logsumexp'])}</span>"
        )
        self.chart.value = self._draw(state, _svg.LIVE)

    def _draw(self, st: dict[str, Any], theme: _svg.Theme) -> str:
        n = len(st["z"])
        w = 680
        thr = st["overflow_at"]
        body: list[str] = [
            _svg.text(20, 26, f"{st['dtype']}: exp(z) overflows past z = {_svg.fmt(thr, '.2f')}", theme,
                      size=17, bold=True)
        ]
        # gauge: where max z sits relative to the overflow point of this dtype
        gx, gy, gw, top = 20, 44, 620, 1.5 * thr
        safe_w = gw * thr / top
        body.append(_svg.rect(gx, gy, safe_w, 16, fill=_C["sky_blue"]))
        body.append(_svg.rect(gx + safe_w, gy, gw - safe_w, 16, fill=_C["vermillion"]))
        body.append(_svg.text(gx + 4, gy + 33, "0", theme, size=13))
        body.append(_svg.text(gx + safe_w, gy + 33, f"overflow {_svg.fmt(thr, '.2f')}", theme, size=13,
                              anchor="middle"))
        m = st["max"]
        pos = gx + gw * min(max(m, 0.0), top) / top if math.isfinite(m) else gx + gw
        body.append(_svg.line(pos, gy - 6, pos, gy + 22, stroke=theme.ink, width=3))
        beyond = " (off the scale)" if not (math.isfinite(m) and 0.0 <= m <= top) else ""
        body.append(_svg.text(gx + gw, gy + 52, f"max z = {_num(m)}{beyond}", theme, size=14, anchor="end", bold=True))
        # table of z and exp(z)
        ty = 134
        body.append(_svg.text(20, ty, "i", theme, size=15, bold=True))
        body.append(_svg.text(60, ty, "z_i", theme, size=15, bold=True))
        body.append(_svg.text(260, ty, "exp(z_i)", theme, size=15, bold=True))
        for i, (zi, ei) in enumerate(zip(st["z"], st["exp"])):
            yy = ty + 22 * (i + 1)
            body.append(_svg.text(20, yy, str(i), theme, size=15))
            body.append(_svg.text(60, yy, _num(zi) + _flag(zi), theme, size=15))
            body.append(_svg.text(260, yy, _num(ei) + _flag(ei), theme, size=15, bold=not math.isfinite(ei)))
        yy = ty + 22 * (n + 1)
        body.append(_svg.text(60, yy, "sum", theme, size=15, bold=True))
        body.append(_svg.text(260, yy, _num(st["sum_exp"]) + _flag(st["sum_exp"]), theme, size=15, bold=True))
        # the three results side by side
        ry = yy + 40
        cols = [
            ("naive", "log(sum(exp(z)))", st["naive"]),
            ("max trick", "m + log(sum(exp(z - m)))", st["max_trick"]),
            ("torch.logsumexp", "torch.logsumexp(z, 0)", st["logsumexp"]),
        ]
        for k, (title, how, v) in enumerate(cols):
            cx = 20 + 220 * k
            ok = math.isfinite(v)
            body.append(_svg.rect(cx, ry - 20, 205, 86, fill="none", stroke=theme.ink if ok else _C["vermillion"],
                                  stroke_width=1 if ok else 3, dash=None if ok else "6 3"))
            body.append(_svg.text(cx + 8, ry, title, theme, size=16, bold=True))
            body.append(_svg.text(cx + 8, ry + 20, how, theme, size=13))
            body.append(_svg.text(cx + 8, ry + 50, _num(v), theme, size=20, bold=True, cls="l2l-numbers"))
            if not ok:
                body.append(_svg.text(cx + 197, ry + 50, "nan!" if math.isnan(v) else "overflow!", theme, size=14,
                                      anchor="end"))
        h = ry + 80
        label = f"log-sum-exp in {st['dtype']}: naive {_num(st['naive'])}, torch {_num(st['logsumexp'])}"
        return _svg.document(w, h, body, theme, label)

    def _summary(self) -> str:
        st = self._state
        return (
            f"StabilityExplorer: dtype={st['dtype']}, shift={_svg.fmt(st['shift'], '.4g')}, "
            f"scale={_svg.fmt(st['scale'], '.4g')}, z={fmt_list(st['z'])}, naive={_num(st['naive'])}, "
            f"max_trick={_num(st['max_trick'])}, logsumexp={_num(st['logsumexp'])}"
        )
