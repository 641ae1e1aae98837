r"""DistributionExplorer: move a target distribution q and the logits z; see H(q), KL and the cross-entropy.

Cross-entropy against a target distribution splits into the target's own entropy and the
divergence of the model from it: :math:`H(q, p) = H(q) + \mathrm{KL}(q \,\|\, p)`. With a
soft target (label smoothing, distillation) :math:`H(q) > 0` is a floor the loss cannot go
below, whatever the logits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
import traitlets

from helper import _svg
from helper._format import fmt
from helper.explorers._base import (
    LOGIT_LIMIT,
    Control,
    Explorer,
    as_choice,
    as_labels,
    as_real,
    as_vector,
    checked,
    fmt_list,
)
from helper.explorers._esm import compose

__all__ = ["DistributionExplorer", "renormalise", "check_q"]

_C = _svg.OKABE_ITO
_UNITS = ("nats", "bits")


def renormalise(q: Sequence[float], i: int, v: float) -> list[float]:
    """Put q back on the simplex after entry ``i`` was set to ``v`` (clipped to [0, 1]): the
    other entries share ``1 - v`` in their old ratios, or equally if they were all 0.
    The same rule as ``renormalise`` in lossmath.js (the page)."""
    n = len(q)
    val = min(1.0, max(0.0, float(v)))
    rest = sum(x for j, x in enumerate(q) if j != i)
    return [val if j == i else (x / rest * (1 - val) if rest > 0 else (1 - val) / (n - 1)) for j, x in enumerate(q)]


def _check_logits(value: Any) -> list[float]:
    return as_vector(value, "logits", min_len=2, max_len=10, limit=LOGIT_LIMIT)


def check_q(value: Any, n: int) -> list[float]:
    """A target distribution of ``n`` entries: non-negative, finite, not all 0; divided by its sum
    unless it already sums to 1 (within 1e-12), so the page's own renormalised q is kept as sent."""
    qv = as_vector(value, "q", min_len=n, max_len=n)
    if any(v < 0 for v in qv):
        raise ValueError(f"q must be non-negative (a distribution); got {fmt_list(qv)}")
    top = max(qv)
    if top <= 0:
        raise ValueError("q must have a positive entry (a distribution); got all zeros")
    if top <= 1.0 and abs(math.fsum(qv) - 1.0) <= 1e-12:
        return qv
    qv = [v / top for v in qv]  # first by the largest: a sum of huge entries would overflow
    total = math.fsum(qv)
    return [v / total for v in qv]


class _QControl(Control):
    """A control for ``q_i``: setting it moves the others so that q still sums to 1."""

    @property
    def value(self) -> Any:
        return self._owner.q[self._index]

    @value.setter
    def value(self, new: Any) -> None:
        self._owner.q = renormalise(list(self._owner.q), self._index, float(new))  # clips to [0, 1]


class DistributionExplorer(Explorer):
    r"""Sliders for logits ``z`` and for a target distribution ``q`` (kept normalised).

    The page computes (lossmath.js, float32) and draws ``q`` and ``p = softmax(z)`` as bars,
    and the cross-entropy ``H(q, p) = -sum q log p`` as a stacked bar: its floor, the entropy
    ``H(q) = -sum q log q``, plus ``KL(q || p) = sum q log(q / p)``; in nats (natural log) or
    bits (log base 2). The kernel verifies with torch: ``torch.special.entr(q).sum()``,
    ``F.kl_div(F.log_softmax(z), q, reduction="sum")`` and ``F.cross_entropy(z, q)`` with a
    probability target.

    Parameters
    ----------
    logits:
        1-D tensor, numpy array or list of 2 to 10 finite numbers.
    q:
        The target distribution: as many non-negative finite numbers, not all 0; it is
        divided by its sum (so ``[1, 1, 2]`` means ``[0.25, 0.25, 0.5]``).
    labels:
        Optional class names, used under the bars and in the sliders' accessible names.
    unit:
        ``"nats"`` (default) or ``"bits"``.

    Traits (synced): ``logits``, ``q``, ``unit``, ``labels``; ``result``, ``py_error``, ``js_error``.

    Attributes
    ----------
    sliders: one :class:`Control` per logit. q_sliders: one per ``q_i``; setting ``.value``
    rescales the others so that q sums to 1.
    """

    _esm = compose("distribution.js")
    _inputs = ("logits", "q", "unit")

    logits = traitlets.Any([]).tag(sync=True)
    q = traitlets.Any([]).tag(sync=True)
    unit = traitlets.Any("nats").tag(sync=True)
    labels = traitlets.Any([]).tag(sync=True)
    named = traitlets.Bool(False).tag(sync=True)
    lo = traitlets.Float(-6.0).tag(sync=True)
    hi = traitlets.Float(6.0).tag(sync=True)

    def __init__(self, logits: Any, q: Any, *, labels: Sequence[str] | None = None, unit: str = "nats") -> None:
        self._classes: int | None = None
        z = _check_logits(logits)
        n = len(z)
        lo, hi = min(-6.0, math.floor(min(z))), max(6.0, math.ceil(max(z)))
        super().__init__(logits=z, q=q, unit=unit, labels=as_labels(labels, n), named=labels is not None, lo=lo, hi=hi)
        self._classes = n
        self._bar_labels = [s if len(s) <= 8 else s[:7] + "\u2026" for s in self.labels]
        self.sliders = [Control(self, "logits", i, description=f"z_{i}", min=lo, max=hi, step=0.1) for i in range(n)]
        self.q_sliders = [_QControl(self, "q", i, description=f"q_{i}", min=0.0, max=1.0, step=0.01) for i in range(n)]

    # -- the one check of each input, whatever sets it (constructor, Python, the page)
    @checked("logits")
    def _valid_logits(self, value: Any) -> list[float]:
        z = _check_logits(value)
        if self._classes is not None and len(z) != self._classes:
            raise ValueError(f"logits must have {self._classes} entries, one per class; got {len(z)}")
        return z

    @checked("q")
    def _valid_q(self, value: Any) -> list[float]:
        return check_q(value, len(self.logits))

    @checked("unit")
    def _valid_unit(self, value: Any) -> str:
        return as_choice(value, "unit", _UNITS)

    @checked("labels")
    def _valid_labels(self, value: Any) -> list[str]:
        return as_labels(value, len(self.logits))

    @checked("lo", "hi")
    def _valid_range(self, value: Any) -> float:
        return as_real(value, "a slider's end")

    # -- numbers
    def _compute(self) -> dict[str, Any]:
        unit = str(self.unit)
        k = 1 / math.log(2) if unit == "bits" else 1.0
        z = torch.tensor(list(self.logits), dtype=torch.float32)
        q = torch.tensor(list(self.q), dtype=torch.float32)
        with torch.no_grad():
            logp = F.log_softmax(z, dim=0)
            h = torch.special.entr(q).sum().item()
            kl = F.kl_div(logp, q, reduction="sum").item()
            ce = F.cross_entropy(z.unsqueeze(0), q.unsqueeze(0)).item()
        return {
            "logits": [float(v) for v in self.logits],
            "q": [float(v) for v in self.q],
            "unit": unit,
            "probs": F.softmax(z, dim=0).tolist(),
            "entropy": h * k,
            "kl": kl * k,
            "cross_entropy": ce * k,
            "floor": h * k,
            "loss": ce * k,
        }

    # -- drawing
    def _draw(self, st: dict[str, Any], theme: _svg.Theme) -> str:
        labs = self._bar_labels
        body: list[str] = []
        body += _svg.bars(
            40,
            46,
            270,
            170,
            st["q"],
            labs,
            theme,
            lo=0.0,
            hi=1.0,
            value_fmt=".3f",
            colour=_C["orange"],
            title="target q",
        )
        body += _svg.bars(
            370,
            46,
            270,
            170,
            st["probs"],
            labs,
            theme,
            lo=0.0,
            hi=1.0,
            value_fmt=".3f",
            colour=_C["sky_blue"],
            title="p = softmax(z)",
        )
        unit = st["unit"]
        scale_max = max(1, math.ceil(st["cross_entropy"]))
        bx, by, bw = 40, 290, 600

        def x(v: float) -> float:
            return bx + bw * min(v, scale_max) / scale_max

        body.append(_svg.text(bx, by - 12, f"H(q, p) = H(q) + KL(q || p) in {unit}", theme, size=16, bold=True))
        body.append(_svg.rect(bx, by, x(st["entropy"]) - bx, 24, fill=_C["orange"], stroke=theme.ink))
        body.append(
            _svg.rect(
                x(st["entropy"]),
                by,
                max(0.0, x(st["cross_entropy"]) - x(st["entropy"])),
                24,
                fill=_C["sky_blue"],
                stroke=theme.ink,
                dash="4 2",
            )
        )
        body.append(_svg.line(x(st["entropy"]), by - 6, x(st["entropy"]), by + 30, stroke=theme.ink, width=3))
        body.append(
            _svg.text(bx, by + 48, f"floor H(q) = {fmt(st['entropy'], '.4f')}", theme, size=15, cls="l2l-numbers")
        )
        body.append(_svg.text(bx + 220, by + 48, f"KL = {fmt(st['kl'], '.4f')}", theme, size=15, cls="l2l-numbers"))
        body.append(
            _svg.text(
                bx + 380,
                by + 48,
                f"H(q, p) = {fmt(st['cross_entropy'], '.4f')}",
                theme,
                size=15,
                bold=True,
                cls="l2l-numbers",
            )
        )
        body.append(_svg.text(bx + bw, by + 70, f"scale 0 to {scale_max} {unit}", theme, size=13, anchor="end"))
        label = (
            f"target q and p = softmax(z); H(q) {fmt(st['entropy'], '.4f')}, KL {fmt(st['kl'], '.4f')}, "
            f"H(q, p) {fmt(st['cross_entropy'], '.4f')} {unit}"
        )
        return _svg.document(660, 380, body, theme, label)

    def _summary(self) -> str:
        st = self._state
        return (
            f"DistributionExplorer: z={fmt_list(st['logits'])}, q={fmt_list(st['q'])}, "
            f"H(q)={fmt(st['entropy'], '.4f')}, KL={fmt(st['kl'], '.4f')}, "
            f"H(q,p)={fmt(st['cross_entropy'], '.4f')} {st['unit']}"
        )
