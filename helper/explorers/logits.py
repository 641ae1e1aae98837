"""LogitsExplorer: move the logits of one example and watch softmax, loss and gradient follow."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
import traitlets

from helper import _svg
from helper.explorers._base import (
    LOGIT_LIMIT,
    Control,
    Explorer,
    as_index,
    as_labels,
    as_real,
    as_vector,
    checked,
    fmt_list,
)
from helper.explorers._esm import compose

__all__ = ["LogitsExplorer"]

_C = _svg.OKABE_ITO
T_MIN, T_MAX = 0.001, 1000.0  # with |z| <= LOGIT_LIMIT, z / T stays finite in float32


def _check_logits(value: Any) -> list[float]:
    return as_vector(value, "logits", min_len=2, max_len=20, limit=LOGIT_LIMIT)


def _check_temperature(value: Any) -> float:
    return as_real(value, "temperature", lo=T_MIN, hi=T_MAX)


class LogitsExplorer(Explorer):
    """Sliders for the logits ``z`` of one example, a target class ``y`` and a temperature ``T``.

    The page computes and draws, on every input event: ``p = softmax(z/T)`` as bars (the
    target bar hatched, outlined and tagged), the loss ``cross_entropy(z/T, y) = -log p_y``,
    ``logsumexp(z/T)`` and the gradient ``dL/dz = (p - onehot(y)) / T`` (lossmath.js, in
    float32 as torch). The kernel recomputes each state with torch (``F.softmax``,
    ``F.cross_entropy``, ``torch.logsumexp``, autograd) and the page shows whether they agree.

    Parameters
    ----------
    logits:
        1-D tensor, numpy array or list of 2 to 20 finite numbers, one per class.
    target:
        The true class, an integer in ``0..C-1``.
    labels:
        Optional class names (``C`` strings), shown under the bars, in the selector and in
        the sliders' accessible names ("logit z_2 (fox)").
    temperature:
        ``T > 0``; the logits are divided by it before the softmax.

    Traits (synced with the page, named as the constructor's arguments and :meth:`state`'s keys):
    ``logits`` (list of float), ``target`` (int), ``temperature`` (float), ``labels``; ``result``
    (torch's numbers), ``py_error``, ``js_error``. Set one to move the explorer (``ex.target = 2``).

    Attributes
    ----------
    sliders: one :class:`Control` per class (``.value`` reads/moves logit ``i``).
    """

    _esm = compose("logits.js")
    _inputs = ("logits", "target", "temperature")

    logits = traitlets.Any([]).tag(sync=True)
    target = traitlets.Any(0).tag(sync=True)
    temperature = traitlets.Any(1.0).tag(sync=True)
    labels = traitlets.Any([]).tag(sync=True)
    named = traitlets.Bool(False).tag(sync=True)
    lo = traitlets.Float(-6.0).tag(sync=True)
    hi = traitlets.Float(6.0).tag(sync=True)
    temperature_min = traitlets.Float(0.1).tag(sync=True)
    temperature_max = traitlets.Float(5.0).tag(sync=True)

    def __init__(
        self,
        logits: Any,
        target: Any = 0,
        *,
        labels: Sequence[str] | None = None,
        temperature: float = 1.0,
    ) -> None:
        self._classes: int | None = None  # fixed once made: the page has one slider per class
        z = _check_logits(logits)
        t = _check_temperature(temperature)
        n = len(z)
        lo, hi = min(-6.0, math.floor(min(z))), max(6.0, math.ceil(max(z)))
        t_min, t_max = min(0.1, t), max(5.0, math.ceil(t))
        super().__init__(
            logits=z,
            target=target,
            temperature=t,
            labels=as_labels(labels, n),
            named=labels is not None,
            lo=lo,
            hi=hi,
            temperature_min=t_min,
            temperature_max=t_max,
        )
        self._classes = n
        self._bar_labels = [s if len(s) <= 8 else s[:7] + "\u2026" for s in self.labels]
        self.sliders = [Control(self, "logits", i, description=f"z_{i}", min=lo, max=hi, step=0.1) for i in range(n)]

    # -- the one check of each input, whatever sets it (constructor, Python, the page)
    @checked("logits")
    def _valid_logits(self, value: Any) -> list[float]:
        z = _check_logits(value)
        if self._classes is not None and len(z) != self._classes:
            raise ValueError(f"logits must have {self._classes} entries, one per class; got {len(z)}")
        return z

    @checked("target")
    def _valid_target(self, value: Any) -> int:
        return as_index(value, "target", len(self.logits))

    @checked("temperature")
    def _valid_temperature(self, value: Any) -> float:
        return _check_temperature(value)

    @checked("labels")
    def _valid_labels(self, value: Any) -> list[str]:
        return as_labels(value, len(self.logits))

    @checked("lo", "hi", "temperature_min", "temperature_max")
    def _valid_range(self, value: Any) -> float:
        return as_real(value, "a slider's end")

    # -- numbers
    def _compute(self) -> dict[str, Any]:
        values, y, t = list(self.logits), int(self.target), float(self.temperature)
        z = torch.tensor(values, dtype=torch.float32, requires_grad=True)
        scaled = z / t
        loss = F.cross_entropy(scaled.unsqueeze(0), torch.tensor([y]))
        (grad,) = torch.autograd.grad(loss, z)
        with torch.no_grad():
            p = F.softmax(scaled, dim=0)
            lse = torch.logsumexp(scaled, dim=0)
        return {
            "logits": values,
            "target": y,
            "temperature": t,
            "probs": p.tolist(),
            "loss": loss.item(),
            "logsumexp": lse.item(),
            "grad": grad.tolist(),
        }

    # -- drawing
    def _draw(self, st: dict[str, Any], theme: _svg.Theme) -> str:
        w, h = 660, 330
        y, t = st["target"], st["temperature"]
        g = st["grad"]
        gmax = max(1.0, max(abs(v) for v in g))
        body: list[str] = []
        body += _svg.bars(
            56,
            46,
            262,
            190,
            st["probs"],
            self._bar_labels,
            theme,
            lo=0.0,
            hi=1.0,
            value_fmt=".3f",
            colour=_C["sky_blue"],
            mark=y,
            mark_colour=_C["orange"],
            title="p = softmax(z/T)",
        )
        for v in (0.0, 0.5, 1.0):
            yy = 46 + 190 * (1 - v)
            body.append(_svg.text(48, yy + 5, _svg.fmt(v, ".1f"), theme, size=13, anchor="end"))
        body += _svg.bars(
            388,
            46,
            262,
            190,
            g,
            self._bar_labels,
            theme,
            lo=-gmax,
            hi=gmax,
            value_fmt="+.3f",
            colour=_C["vermillion"],
            neg_colour=_C["bluish_green"],
            mark=y,
            title="dL/dz = (p - onehot)/T",
        )
        body.append(_svg.text(380, 46 + 5, _svg.fmt(gmax, "+.1f"), theme, size=13, anchor="end"))
        body.append(_svg.text(380, 236 + 5, _svg.fmt(-gmax, "+.1f"), theme, size=13, anchor="end"))
        numbers = [
            (20, f"loss = -log p[{y}] = {_svg.fmt(st['loss'], '.4f')}"),
            (280, f"logsumexp(z/T) = {_svg.fmt(st['logsumexp'], '.4f')}"),
            (530, f"T = {_svg.fmt(t, '.2f')}"),
        ]
        for x, s in numbers:
            body.append(_svg.text(x, 312, s, theme, size=16, cls="l2l-numbers"))
        label = f"softmax probabilities and gradient; loss {_svg.fmt(st['loss'], '.4f')}"
        return _svg.document(w, h, body, theme, label)

    def _summary(self) -> str:
        st = self._state
        return (
            f"LogitsExplorer: z={fmt_list(st['logits'])}, target={st['target']}, "
            f"T={_svg.fmt(st['temperature'], '.4g')}, p={fmt_list(st['probs'])}, "
            f"loss={_svg.fmt(st['loss'], '.4f')}"
        )
