"""LogitsExplorer: move the logits of one example and watch softmax, loss and gradient follow."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import torch
import torch.nn.functional as F

from helper import _svg
from helper.explorers._base import Explorer, as_index, as_real, as_vector, fmt_list

__all__ = ["LogitsExplorer"]

_C = _svg.OKABE_ITO
_FORMULA = (
    r"$p = \operatorname{softmax}(z / T), \qquad "
    r"L = -\log p_y = \operatorname{logsumexp}(z / T) - z_y / T, \qquad "
    r"\frac{\partial L}{\partial z_i} = \frac{p_i - [i = y]}{T}$"
)


class LogitsExplorer(Explorer):
    """Sliders for the logits ``z`` of one example, a target class ``y`` and a temperature ``T``.

    Shows ``p = softmax(z/T)`` as bars (the target bar hatched, outlined and tagged),
    the loss ``cross_entropy(z/T, y) = -log p_y``, ``logsumexp(z/T)``, and the
    gradient ``dL/dz = (p - onehot(y)) / T`` as a second bar chart. Everything is
    computed in float32 by torch (``F.softmax``, ``F.cross_entropy``,
    ``torch.logsumexp``, autograd for the gradient).

    Parameters
    ----------
    logits:
        1-D tensor, numpy array or list of 2 to 20 finite numbers, one per class.
    target:
        The true class, an integer in ``0..C-1``.
    labels:
        Optional class names (``C`` strings) shown under the bars and in the selector.
    temperature:
        ``T > 0``; the logits are divided by it before the softmax.

    Attributes
    ----------
    sliders: one ``FloatSlider`` per class (description ``z_i``), in class order.
    target: the ``Dropdown`` choosing the target class (``.value`` is the index).
    temperature: the ``FloatSlider`` for ``T``.
    """

    def __init__(
        self,
        logits: Any,
        target: Any = 0,
        *,
        labels: Sequence[str] | None = None,
        temperature: float = 1.0,
    ) -> None:
        z = as_vector(logits, "logits", min_len=2, max_len=20)
        n = len(z)
        y = as_index(target, "target", n)
        t = as_real(temperature, "temperature", positive=True)
        if labels is None:
            names = [str(i) for i in range(n)]
        else:
            if isinstance(labels, str) or not isinstance(labels, Sequence):
                raise TypeError(f"labels must be a list of {n} strings; got {type(labels).__name__}")
            if len(labels) != n or not all(isinstance(s, str) for s in labels):
                raise ValueError(f"labels must be {n} strings, one per class; got {list(labels)!r:.80}")
            names = list(labels)
        super().__init__()
        self.labels = names
        self._bar_labels = [s if len(s) <= 8 else s[:7] + "\u2026" for s in names]
        lo, hi = min(-6.0, math.floor(min(z))), max(6.0, math.ceil(max(z)))
        self.sliders = [
            widgets.FloatSlider(
                value=v, min=lo, max=hi, step=0.1, description=f"z_{i}", readout_format=".1f",
                continuous_update=True, layout=widgets.Layout(width="360px"),
            )
            for i, v in enumerate(z)
        ]
        for i, s in enumerate(self.sliders):
            s.add_class("l2l-logit")
            s.add_class(f"l2l-logit-{i}")
        options = [(f"{i}: {s}" if labels is not None else str(i), i) for i, s in enumerate(names)]
        self.target = widgets.Dropdown(options=options, value=y, description="target y")
        self.target.add_class("l2l-target")
        self.temperature = widgets.FloatSlider(
            value=t, min=min(0.1, t), max=max(5.0, math.ceil(t)), step=0.05, description="T", readout_format=".2f"
        )
        self.temperature.add_class("l2l-temperature")
        self.formula = widgets.HTMLMath(value=f'<div style="font-size:1.2em">{_FORMULA}</div>')
        self.formula.add_class("l2l-formula")
        self.loss = widgets.HTML()
        self.loss.add_class("l2l-loss")
        self.chart = widgets.HTML()
        self.chart.add_class("l2l-chart")
        controls = widgets.VBox([*self.sliders, self.target, self.temperature])
        controls.add_class("l2l-controls")
        shown = widgets.VBox([self.loss, self.chart])
        shown.add_class("l2l-output")
        body = widgets.HBox([controls, shown], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        self._setup("l2l-logits-explorer", [self.formula, body], [*self.sliders, self.target, self.temperature])

    # -- numbers
    def _compute(self) -> dict[str, Any]:
        values = [self._value(s) for s in self.sliders]
        y = int(self.target.value)
        t = self._value(self.temperature)
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
            56, 46, 262, 190, st["probs"], self._bar_labels, theme, lo=0.0, hi=1.0, value_fmt=".3f",
            colour=_C["sky_blue"], mark=y, mark_colour=_C["orange"], title="p = softmax(z/T)",
        )
        for v in (0.0, 0.5, 1.0):
            yy = 46 + 190 * (1 - v)
            body.append(_svg.text(48, yy + 5, _svg.fmt(v, ".1f"), theme, size=13, anchor="end"))
        body += _svg.bars(
            388, 46, 262, 190, g, self._bar_labels, theme, lo=-gmax, hi=gmax, value_fmt="+.3f",
            colour=_C["vermillion"], neg_colour=_C["bluish_green"], mark=y, title="dL/dz = (p - onehot)/T",
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
