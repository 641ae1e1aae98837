"""Bench fixture: the OLD kernel-computed LogitsExplorer, kept runnable for `make bench-lab`.

Before the explorers became anywidgets, every slider move went to the kernel, which
recomputed with torch and sent back a new loss line and a new ~8 KB SVG chart as
``HTML.value`` traits; the page waited for that round trip before anything but the
slider itself changed. This is the minimal version of that logic (same sliders, same
torch computation, same SVG chart drawn by ``helper._svg``), so the bench can print the
old path beside the new one, measured in the same JupyterLab session. Not product code.
"""

from __future__ import annotations

import ipywidgets as widgets
import torch
import torch.nn.functional as F

from helper import _svg

_C = _svg.OKABE_ITO


class OldLogitsExplorer(widgets.VBox):
    """FloatSliders for the logits; the kernel computes softmax, loss and gradient on each move."""

    def __init__(self, logits: list[float], target: int = 0) -> None:
        self.y = target
        self.labels = [str(i) for i in range(len(logits))]
        self.sliders = [
            widgets.FloatSlider(value=v, min=-6.0, max=6.0, step=0.1, description=f"z_{i}", readout_format=".1f")
            for i, v in enumerate(logits)
        ]
        for i, s in enumerate(self.sliders):
            s.add_class(f"l2l-old-logit-{i}")
            s.observe(self._update, names="value")
        self.loss = widgets.HTML()
        self.chart = widgets.HTML()
        super().__init__([*self.sliders, self.loss, self.chart])
        self.add_class("bench-old-logits")
        self._update()

    def _update(self, change: object = None) -> None:
        z = torch.tensor([s.value for s in self.sliders], dtype=torch.float32, requires_grad=True)
        loss = F.cross_entropy(z.unsqueeze(0), torch.tensor([self.y]))
        (grad,) = torch.autograd.grad(loss, z)
        with torch.no_grad():
            p = F.softmax(z, dim=0).tolist()
            lse = torch.logsumexp(z, dim=0).item()
        g = grad.tolist()
        gmax = max(1.0, max(abs(v) for v in g))
        theme = _svg.LIVE
        body: list[str] = []
        body += _svg.bars(
            56,
            46,
            262,
            190,
            p,
            self.labels,
            theme,
            lo=0.0,
            hi=1.0,
            value_fmt=".3f",
            colour=_C["sky_blue"],
            mark=self.y,
            mark_colour=_C["orange"],
            title="p = softmax(z/T)",
        )
        body += _svg.bars(
            388,
            46,
            262,
            190,
            g,
            self.labels,
            theme,
            lo=-gmax,
            hi=gmax,
            value_fmt="+.3f",
            colour=_C["vermillion"],
            neg_colour=_C["bluish_green"],
            mark=self.y,
            title="dL/dz = (p - onehot)/T",
        )
        body.append(_svg.text(20, 312, f"loss = {loss.item():.4f}   logsumexp(z) = {lse:.4f}", theme, size=16))
        self.loss.value = f"loss = {loss.item():.4f}"
        self.chart.value = _svg.document(660, 330, body, theme, "softmax probabilities and gradient")
