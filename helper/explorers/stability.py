"""StabilityExplorer: push logits toward overflow and compare three ways to compute log-sum-exp."""

from __future__ import annotations

import math
from typing import Any

import torch
import traitlets

from helper import _svg
from helper._format import fmt
from helper.explorers._base import Control, Explorer, as_real, as_vector, checked, fmt_list, short
from helper.explorers._esm import compose

__all__ = ["StabilityExplorer"]

_C = _svg.OKABE_ITO
_DTYPES = {"float16": torch.float16, "float32": torch.float32, "float64": torch.float64}


def _dtype_name(dtype: Any) -> str:
    if isinstance(dtype, torch.dtype):
        for name, dt in _DTYPES.items():
            if dt == dtype:
                return name
    elif isinstance(dtype, str) and dtype.removeprefix("torch.") in _DTYPES:
        return dtype.removeprefix("torch.")
    if not isinstance(dtype, (str, torch.dtype)):
        raise TypeError(
            f"dtype must be a string or torch.dtype (float16, float32, float64); got {type(dtype).__name__}"
        )
    raise ValueError(f"dtype must be one of float16, float32, float64; got {short(dtype)}")


def _check_logits(value: Any) -> list[float]:
    return as_vector(value, "logits", min_len=1, max_len=10)


def _check_shift(value: Any) -> float:
    return as_real(value, "shift")


def _check_scale(value: Any) -> float:
    sc = as_real(value, "scale")
    if sc < 0:
        raise ValueError(f"scale must be >= 0; got {sc:g}")
    return sc


def _num(x: float) -> str:
    """Fixed decimals for ordinary sizes, scientific beyond; inf and nan as such."""
    return fmt(x, ".4f") if math.isfinite(x) and abs(x) < 1e6 else fmt(x, ".5g")


def _flag(x: float, z: float | None = None) -> str:
    """A word that says what went wrong, so a bad value is not marked by colour alone (as stability.js)."""
    if math.isnan(x):
        return "  <- nan"
    if math.isinf(x):
        return "  <- overflow" if x > 0 else "  <- underflow"
    if x == 0.0 and z is not None and math.isfinite(z):
        return "  <- underflow to 0"
    return ""


def _word(x: float) -> str:
    """What a non-finite result box says: nan, overflow (inf) or underflow (-inf: the sum rounded to 0)."""
    return "nan!" if math.isnan(x) else ("overflow!" if x > 0 else "underflow!")


def log_tiny(dtype: torch.dtype) -> float:
    """Below this z, exp(z) rounds to 0 in ``dtype``: log of half the smallest subnormal."""
    fi = torch.finfo(dtype)
    return math.log(fi.smallest_normal) + math.log(fi.eps) - math.log(2)  # 2**-1075 is not a float64


class StabilityExplorer(Explorer):
    """Shift and scale the logits (``z = scale * logits + shift``) in a chosen dtype.

    The page computes (lossmath.js, rounding as torch's CPU kernels) and shows, side by side:
    the naive ``log(sum(exp(z)))``, the max trick ``m + log(sum(exp(z - m)))`` and
    ``torch.logsumexp(z)``, with ``exp(z)`` per entry; ``inf``/``nan``/0 appear exactly where
    the dtype produces them. The gauge shows what actually overflows: the naive SUM overflows
    once ``logsumexp(z)`` passes ``log(finfo.max)`` (11.09 float16, 88.72 float32, 709.78
    float64), and underflows to 0 (the log gives ``-inf``, labelled "underflow") once every
    ``exp(z_i)`` rounds to 0; ``max z`` is marked beside it. The kernel verifies with torch.

    Traits (synced, named as the constructor's arguments and :meth:`state`'s keys): ``logits`` (z0),
    ``shift`` (b), ``scale`` (a), ``dtype`` (``"float16"``, ``"float32"`` or ``"float64"``).

    Attributes
    ----------
    sliders: ``[shift, scale]`` (:class:`Control`; shift from -1000 to 1000 in steps of 0.1,
        PageUp/PageDown move 10; scale from 0 to 10, PageUp/PageDown move 1).
    """

    _esm = compose("stability.js")
    _inputs = ("logits", "shift", "scale", "dtype")

    logits = traitlets.Any([]).tag(sync=True)
    shift = traitlets.Any(0.0).tag(sync=True)
    scale = traitlets.Any(1.0).tag(sync=True)
    dtype = traitlets.Any("float32").tag(sync=True)
    shift_min = traitlets.Float(-1000.0).tag(sync=True)
    shift_max = traitlets.Float(1000.0).tag(sync=True)
    scale_max = traitlets.Float(10.0).tag(sync=True)

    def __init__(self, logits: Any, *, shift: Any = 0.0, scale: Any = 1.0, dtype: Any = "float32") -> None:
        self._classes: int | None = None
        base = _check_logits(logits)
        sh, sc = _check_shift(shift), _check_scale(scale)
        b_min, b_max = min(-1000.0, math.floor(sh)), max(1000.0, math.ceil(sh))
        a_max = max(10.0, math.ceil(sc))
        super().__init__(
            logits=base, shift=sh, scale=sc, dtype=dtype, shift_min=b_min, shift_max=b_max, scale_max=a_max
        )
        self._classes = len(base)
        self.sliders = [
            Control(self, "shift", description="shift b", min=b_min, max=b_max, step=0.1),
            Control(self, "scale", description="scale a", min=0.0, max=a_max, step=0.1),
        ]

    # -- the one check of each input, whatever sets it (constructor, Python, the page)
    @checked("logits")
    def _valid_logits(self, value: Any) -> list[float]:
        z = _check_logits(value)
        if self._classes is not None and len(z) != self._classes:
            raise ValueError(f"logits must have {self._classes} entries; got {len(z)}")
        return z

    @checked("shift")
    def _valid_shift(self, value: Any) -> float:
        return _check_shift(value)

    @checked("scale")
    def _valid_scale(self, value: Any) -> float:
        return _check_scale(value)

    @checked("dtype")
    def _valid_dtype(self, value: Any) -> str:
        return _dtype_name(value)

    @checked("shift_min", "shift_max", "scale_max")
    def _valid_range(self, value: Any) -> float:
        return as_real(value, "a slider's end")

    # -- numbers
    def _compute(self) -> dict[str, Any]:
        name = str(self.dtype)
        dt = _DTYPES[name]
        sh, sc = float(self.shift), float(self.scale)
        with torch.no_grad():
            z = torch.tensor(list(self.logits), dtype=dt) * sc + sh
            e = torch.exp(z)
            total = e.sum()
            naive = torch.log(total)
            m = z.max()
            trick = m + torch.log(torch.exp(z - m).sum())
            lse = torch.logsumexp(z, dim=0)
        return {
            "logits": list(self.logits),
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
            "underflow_at": log_tiny(dt),
        }

    # -- drawing
    def _draw(self, st: dict[str, Any], theme: _svg.Theme) -> str:
        n = len(st["z"])
        w = 680
        over, under = st["overflow_at"], st["underflow_at"]
        lse = st["logsumexp"] if math.isfinite(st["logsumexp"]) else st["max"]
        total = st["sum_exp"]
        sum_state = (
            "the sum overflows (inf)"
            if total == math.inf
            else "the sum underflows to 0"
            if total == 0.0
            else "the sum is finite"
        )
        body: list[str] = [
            _svg.text(
                20,
                24,
                f"{st['dtype']}: the sum of exp overflows once logsumexp(z) > {fmt(over, '.2f')}",
                theme,
                size=16,
                bold=True,
            )
        ]
        # gauge (as stability.js): logsumexp(z), the log of the sum that overflows, and max z
        gx, gy, gw, lo, hi = 20, 44, 640, 1.25 * under, 1.25 * over

        def gpos(v: float) -> float:
            v = v if math.isfinite(v) else (hi if v > 0 else lo)
            return gx + gw * (min(max(v, lo), hi) - lo) / (hi - lo)

        body.append(_svg.rect(gx, gy, gpos(under) - gx, 16, fill=_C["blue"]))
        body.append(_svg.rect(gpos(under), gy, gpos(over) - gpos(under), 16, fill=_C["sky_blue"]))
        body.append(_svg.rect(gpos(over), gy, gx + gw - gpos(over), 16, fill=_C["vermillion"]))
        body.append(_svg.text(gpos(under), gy + 32, f"underflow {fmt(under, '.2f')}", theme, size=13, anchor="middle"))
        body.append(_svg.text(gpos(0.0), gy + 32, "0", theme, size=13, anchor="middle"))
        body.append(_svg.text(gpos(over), gy + 32, f"overflow {fmt(over, '.2f')}", theme, size=13, anchor="middle"))

        def off(v: float) -> str:
            return "" if math.isfinite(v) and lo <= v <= hi else " (off the scale)"

        xl, xm = gpos(lse), gpos(st["max"])
        body.append(_svg.line(xl, gy - 8, xl, gy + 24, stroke=theme.ink, width=4))
        body.append(
            f'<path d="M{xm:.1f},{gy - 2} l-7,-12 h14 z" fill="{_C["orange"]}" stroke="{theme.ink}" '
            'stroke-width="1.5"/>'
        )
        body.append(
            _svg.text(gx, gy + 58, f"| logsumexp(z) = {_num(lse)}{off(lse)}: {sum_state}", theme, size=15, bold=True)
        )
        body.append(_svg.text(gx, gy + 78, f"\u25bc max z = {_num(st['max'])}{off(st['max'])}", theme, size=15))
        # table of z and exp(z)
        n = len(st["z"])
        ty = 150
        body.append(_svg.text(20, ty, "i", theme, size=15, bold=True))
        body.append(_svg.text(60, ty, "z_i", theme, size=15, bold=True))
        body.append(_svg.text(300, ty, "exp(z_i)", theme, size=15, bold=True))
        for i, (zi, ei) in enumerate(zip(st["z"], st["exp"])):
            yy = ty + 22 * (i + 1)
            body.append(_svg.text(20, yy, str(i), theme, size=15))
            body.append(_svg.text(60, yy, _num(zi) + _flag(zi), theme, size=15))
            body.append(_svg.text(300, yy, _num(ei) + _flag(ei, zi), theme, size=15, bold=bool(_flag(ei, zi))))
        yy = ty + 22 * (n + 1)
        body.append(_svg.text(60, yy, "sum", theme, size=15, bold=True))
        body.append(_svg.text(300, yy, _num(total) + _flag(total, 0.0), theme, size=15, bold=True))
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
            body.append(
                _svg.rect(
                    cx,
                    ry - 20,
                    205,
                    86,
                    fill="none",
                    stroke=theme.ink if ok else _C["vermillion"],
                    stroke_width=1 if ok else 3,
                    dash=None if ok else "6 3",
                )
            )
            body.append(_svg.text(cx + 8, ry, title, theme, size=16, bold=True))
            body.append(_svg.text(cx + 8, ry + 20, how, theme, size=13))
            body.append(_svg.text(cx + 8, ry + 50, _num(v), theme, size=20, bold=True, cls="l2l-numbers"))
            if not ok:
                body.append(_svg.text(cx + 197, ry + 50, _word(v), theme, size=14, anchor="end"))
        h = ry + 80
        label = f"log-sum-exp in {st['dtype']}: naive {_num(st['naive'])}, torch {_num(st['logsumexp'])}"
        return _svg.document(w, h, body, theme, label)

    def _summary(self) -> str:
        st = self._state
        return (
            f"StabilityExplorer: dtype={st['dtype']}, shift={fmt(st['shift'], '.4g')}, "
            f"scale={fmt(st['scale'], '.4g')}, z={fmt_list(st['z'])}, naive={_num(st['naive'])}, "
            f"max_trick={_num(st['max_trick'])}, logsumexp={_num(st['logsumexp'])}"
        )
