r"""TrainingPlayer: press Play (or Step) and watch gradient descent train a softmax classifier.

The whole run is computed once with torch (:func:`helper.training.train`, the
hand-derived gradient); the controls only choose which step is shown, so playing,
stepping and going back are instant and every frame is reproducible. Each frame is
hand-built SVG in a ``widgets.HTML`` (a trait update, no ``Output`` capture, so the
saved notebook passes strict nbval): the points with the model's decision regions
(tinted by confidence), the loss curve so far against ``log C``, and a readout.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import torch

from helper import _svg
from helper.palette import OKABE_ITO
from helper.training import History, train

__all__ = ["TrainingPlayer"]

_CLASS_COLOURS = tuple(OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green"))
_WIDTH, _HEIGHT = 760, 330
_PLOT = (20, 40, 270, 270)  # x, y, w, h of the data panel
_CURVE = (380, 40, 350, 240)  # x, y, w, h of the loss panel
_GRID = 22  # decision-region cells per side


class TrainingPlayer(widgets.VBox):
    """Play, step through or rewind ``steps`` of gradient descent on ``X, y``.

    Parameters
    ----------
    X, y:
        2-D inputs (float tensor ``(N, 2)``) and class indices (int64 ``(N,)``, 3 classes).
    steps:
        Number of gradient steps (int, 1 to 500).
    lr:
        Learning rate (> 0).

    Attributes
    ----------
    play: the ``ipywidgets.Play`` whose value is the step shown (its own icon buttons are hidden).
    play_button: the ``ToggleButton`` "Play"/"Pause", linked in the browser to ``play.playing``.
    step_button, restart_button: ``Button`` widgets (one step forward; back to step 0).
    history: the :class:`~helper.training.History` of the run.
    """

    def __init__(self, X: torch.Tensor, y: torch.Tensor, *, steps: int = 60, lr: float = 0.5) -> None:
        if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 500:
            raise ValueError(f"steps must be an int from 1 to 500, got {steps!r}")
        if not isinstance(X, torch.Tensor) or X.dim() != 2 or X.shape[1] != 2:
            raise ValueError(f"X must be a float tensor of shape (N, 2), got {getattr(X, 'shape', type(X).__name__)}")
        if isinstance(y, torch.Tensor) and y.dtype == torch.long and y.numel() and not 0 <= int(y.min()) <= int(y.max()) <= 2:
            raise ValueError("y must hold class indices 0, 1 or 2")
        self.history: History = train(X, y, steps=steps, lr=lr, num_classes=3)
        self._X, self._y = X.detach(), y.detach()
        self._box = self._bounds()
        # ipywidgets' Play draws icon-only buttons with no accessible name, so its view stays hidden
        # and a named ToggleButton drives its `playing` trait in the browser (jslink, no kernel trip);
        # the hidden view still runs the timer that advances `value`. No icon: Font Awesome's glyph
        # would become part of the button's accessible name.
        self.play = widgets.Play(value=0, min=0, max=steps, step=1, interval=120, layout=widgets.Layout(display="none"))
        self.play_button = widgets.ToggleButton(
            value=False, description="Play", tooltip="play the training steps from here to the end"
        )
        self._link = widgets.jslink((self.play_button, "value"), (self.play, "playing"))
        self.step_button = widgets.Button(description="Step", tooltip="one gradient step forward")
        self.restart_button = widgets.Button(description="Back to step 0", tooltip="show the untrained model")
        self.readout = widgets.HTML()
        self.chart = widgets.HTML()
        self.step_button.on_click(lambda _: self._go(self.play.value + 1))
        self.restart_button.on_click(lambda _: self._go(0))
        self.play.observe(lambda _: self._redraw(), names="value")
        self.play.observe(self._on_playing, names="playing")
        controls = widgets.HBox([self.play_button, self.step_button, self.restart_button, self.play])
        super().__init__([controls, self.readout, self.chart])
        self.add_class("l2l-explorer")
        self._redraw()

    # -- state
    @property
    def step(self) -> int:
        """The step shown (0 is the untrained model)."""
        return int(self.play.value)

    def state(self) -> dict[str, Any]:
        """The numbers shown at the current step, as plain Python values."""
        k, h = self.step, self.history
        return {
            "step": k,
            "steps": h.steps,
            "loss": float(h.loss[k]),
            "accuracy": float(h.accuracy[k]),
            "logit_norm": float(h.logit_norm[k]),
            "log_C": math.log(3),
        }

    def _on_playing(self, change: dict[str, Any]) -> None:
        self.play_button.description = "Pause" if change["new"] else "Play"

    def _go(self, step: int) -> None:
        self.play.value = max(0, min(int(step), self.history.steps))

    # -- drawing
    def _bounds(self) -> tuple[float, float, float, float]:
        lo = self._X.min(dim=0).values - 0.3
        hi = self._X.max(dim=0).values + 0.3
        return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])

    def _summary(self) -> str:
        s = self.state()
        return (
            f"TrainingPlayer: step {s['step']}/{s['steps']}, loss={s['loss']:.4f} "
            f"(log 3 = {s['log_C']:.4f}), accuracy={s['accuracy']:.3f}, mean logit norm={s['logit_norm']:.3f}"
        )

    def _redraw(self) -> None:
        s = self.state()
        self.chart.value = self._draw(_svg.LIVE)  # chart first: the readout (aria-live) announces a drawn frame
        self.readout.value = (
            '<div aria-live="polite" style="font-size:16px;padding:2px 0">'
            f"step <b>{s['step']}</b> of {s['steps']} &middot; loss <b>{s['loss']:.4f}</b> "
            f"(started at log 3 = {s['log_C']:.4f}) &middot; accuracy <b>{100 * s['accuracy']:.1f}%</b> "
            f"&middot; mean logit length <b>{s['logit_norm']:.2f}</b></div>"
        )

    def static_svg(self) -> str:
        """The current frame as a standalone SVG on a white card."""
        return self._draw(_svg.STATIC)

    def _draw(self, theme: _svg.Theme) -> str:
        k, h = self.step, self.history
        body = self._regions(k) + self._points(theme) + self._loss_panel(k, theme)
        s = self.state()
        label = (
            f"Training step {s['step']} of {s['steps']}: loss {s['loss']:.4f}, accuracy {100 * s['accuracy']:.1f}%. "
            "Left: the training points (circle, square, triangle for classes 0, 1, 2) on the model's "
            "decision regions, stronger where it is more confident. Right: the loss per step."
        )
        return _svg.document(_WIDTH, _HEIGHT, body, theme, label)

    def _to_px(self, x: float, y: float) -> tuple[float, float]:
        x0, x1, y0, y1 = self._box
        px, py, pw, ph = _PLOT
        return px + pw * (x - x0) / (x1 - x0), py + ph * (y1 - y) / (y1 - y0)

    def _regions(self, k: int) -> list[str]:
        x0, x1, y0, y1 = self._box
        xs = torch.linspace(x0, x1, _GRID + 1)
        ys = torch.linspace(y0, y1, _GRID + 1)
        cx, cy = (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2
        gx, gy = torch.meshgrid(cx, cy, indexing="xy")
        pts = torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)
        probs = torch.softmax(pts @ self.history.W[k].T + self.history.b[k], dim=1)
        conf, cls = probs.max(dim=1)
        px, py, pw, ph = _PLOT
        cw, ch = pw / _GRID, ph / _GRID
        out = []
        for i in range(len(pts)):
            col, row = i % _GRID, i // _GRID
            # Opacity from 0.05 (a coin toss among 3) to 0.55 (certain).
            alpha = 0.05 + 0.5 * (float(conf[i]) - 1 / 3) * 1.5
            out.append(
                f'<rect x="{px + col * cw:.1f}" y="{py + ph - (row + 1) * ch:.1f}" width="{cw + 0.3:.1f}" '
                f'height="{ch + 0.3:.1f}" fill="{_CLASS_COLOURS[int(cls[i])]}" fill-opacity="{alpha:.2f}"/>'
            )
        out.append(_svg.rect(px, py, pw, ph, fill="none", stroke="#8a8a8a"))
        return out

    def _points(self, theme: _svg.Theme) -> list[str]:
        out = []
        for (x, y), c in zip(self._X.tolist(), self._y.tolist()):
            sx, sy = self._to_px(x, y)
            colour = _CLASS_COLOURS[c]
            if c == 0:
                out.append(f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="3" fill="{colour}" stroke="#ffffff" stroke-width="0.8"/>')
            elif c == 1:
                out.append(f'<rect x="{sx - 2.8:.1f}" y="{sy - 2.8:.1f}" width="5.6" height="5.6" fill="{colour}" '
                           'stroke="#ffffff" stroke-width="0.8"/>')
            else:
                out.append(f'<polygon points="{sx:.1f},{sy - 3.6:.1f} {sx + 3.3:.1f},{sy + 2.4:.1f} '
                           f'{sx - 3.3:.1f},{sy + 2.4:.1f}" fill="{colour}" stroke="#ffffff" stroke-width="0.8"/>')
        px, py, pw, _ = _PLOT
        out.append(_svg.text(px, py - 14, "training points and decision regions", theme, size=15, bold=True))
        return out

    def _loss_panel(self, k: int, theme: _svg.Theme) -> list[str]:
        x, y, w, hgt = _CURVE
        steps = self.history.steps
        top = math.log(3) * 1.1

        def pos(step: int, value: float) -> tuple[float, float]:
            return x + w * step / steps, y + hgt * (1 - min(value, top) / top)

        out = [_svg.text(x, y - 14, "loss per step", theme, size=15, bold=True)]
        out.append(_svg.line(x, y, x, y + hgt, stroke=theme.ink))
        out.append(_svg.line(x, y + hgt, x + w, y + hgt, stroke=theme.ink))
        ly = pos(0, math.log(3))[1]
        out.append(_svg.line(x, ly, x + w, ly, stroke=theme.faint, dash="4 4"))
        out.append(_svg.text(x + w, ly - 6, f"log 3 = {math.log(3):.4f}", theme, size=13, anchor="end"))
        out.append(_svg.text(x - 6, y + hgt + 5, "0", theme, size=13, anchor="end"))
        out.append(_svg.text(x, y + hgt + 22, "0", theme, size=13, anchor="middle"))
        out.append(_svg.text(x + w, y + hgt + 22, str(steps), theme, size=13, anchor="middle"))
        out.append(_svg.text(x + w / 2, y + hgt + 22, "gradient step", theme, size=13, anchor="middle"))
        losses = self.history.loss[: k + 1].tolist()
        if k >= 1:
            out.append(_svg.polyline([pos(i, v) for i, v in enumerate(losses)], stroke=_CLASS_COLOURS[0], width=2.5))
        cx, cy = pos(k, losses[-1])
        out.append(_svg.circle(cx, cy, 5, fill=_CLASS_COLOURS[1], stroke=theme.ink))
        return out

    # -- display
    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        data = super()._repr_mimebundle_(**kwargs)
        if data is None:
            return None
        data["text/plain"] = self._summary()
        data["image/svg+xml"] = self.static_svg()
        return data

    def __repr__(self) -> str:
        return self._summary()
