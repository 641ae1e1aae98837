"""What every explorer shares: input checks, the update/error loop, the display bundle."""

from __future__ import annotations

import html
import math
import numbers
from typing import Any

import ipywidgets as widgets
import numpy as np
import torch

from helper import _svg
from helper.palette import HIGHLIGHT

__all__ = ["Explorer", "as_vector", "as_real", "as_index", "as_binary_label"]


# ---------------------------------------------------------------- input checks
def as_vector(x: Any, name: str, *, min_len: int = 1, max_len: int = 64) -> list[float]:
    """A 1-D sequence of finite real numbers as a list of Python floats.

    Accepts a torch tensor, a numpy array, a list or a tuple.
    """
    if isinstance(x, torch.Tensor):
        t = x.detach().cpu()
    elif isinstance(x, (np.ndarray, list, tuple)):
        try:
            arr = np.asarray(x)
        except ValueError as exc:  # ragged nesting
            raise ValueError(f"{name} must be a 1-D sequence of numbers; got a ragged nesting ({exc})") from None
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers; got elements of dtype {arr.dtype} ({x!r:.60})")
        t = torch.as_tensor(arr)
    else:
        raise TypeError(
            f"{name} must be a 1-D torch tensor, numpy array, list or tuple of numbers; got {type(x).__name__}"
        )
    if t.dtype == torch.bool or t.is_complex() or not (t.is_floating_point() or t.dtype in _INT_DTYPES):
        raise TypeError(f"{name} must hold real numbers (float or int); got dtype {t.dtype}")
    if t.dim() != 1:
        raise ValueError(f"{name} must be 1-D (one logit per class); got shape {tuple(t.shape)}")
    if not min_len <= t.numel() <= max_len:
        raise ValueError(f"{name} must have between {min_len} and {max_len} entries; got {t.numel()}")
    values = [float(v) for v in t.to(torch.float64).tolist()]
    bad = [v for v in values if not math.isfinite(v)]
    if bad:
        raise ValueError(f"{name} must be finite; got {bad[0]} (the explorer starts from finite values)")
    return values


_INT_DTYPES = {torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8}


def _scalar(x: Any, name: str) -> Any:
    """Unwrap a 0-d tensor/array or a one-element one; reject bools and non-numbers."""
    if isinstance(x, (torch.Tensor, np.ndarray)):
        count = x.size if isinstance(x, np.ndarray) else x.numel()
        if count == 1:
            x = x.item()
        else:
            raise ValueError(f"{name} must be a single number; got shape {tuple(x.shape)}")
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number, not a bool ({x!r})")
    return x


def as_real(x: Any, name: str, *, positive: bool = False) -> float:
    """A finite real number (int, float, numpy scalar or one-element tensor) as a float."""
    x = _scalar(x, name)
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(x).__name__} {x!r:.40}")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite; got {v}")
    if positive and v <= 0:
        raise ValueError(f"{name} must be > 0; got {v}")
    return v


def as_index(x: Any, name: str, n: int) -> int:
    """A class index: an integer in ``range(n)`` (int, numpy integer or one-element integer tensor)."""
    if isinstance(x, torch.Tensor) and x.is_floating_point():
        raise TypeError(f"{name} must be an integer class index; got a {x.dtype} tensor")
    x = _scalar(x, name)
    if not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer class index in 0..{n - 1}; got {type(x).__name__} {x!r:.40}")
    i = int(x)
    if not 0 <= i < n:
        raise ValueError(f"{name} must be a class index in 0..{n - 1}; got {i}")
    return i


def as_binary_label(x: Any, name: str = "y") -> int:
    """A binary label: 0 or 1, given as an int or a float equal to 0.0 or 1.0."""
    x = _scalar(x, name)
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be 0 or 1; got {type(x).__name__} {x!r:.40}")
    if x not in (0, 1):
        raise ValueError(f"{name} must be 0 or 1; got {x!r}")
    return int(x)


# ---------------------------------------------------------------- the explorer base
class Explorer(widgets.VBox):
    """Base of the live explorers: a VBox whose outputs are trait values of HTML widgets.

    Subclasses build their controls (with a ``loss`` and a ``chart`` HTML widget, or
    their own :meth:`_show`), call :meth:`_setup`, and implement :meth:`_compute`
    (numbers, from torch), :meth:`_draw` (SVG of a state for a theme) and
    :meth:`_summary` (one line of text).
    """

    _css = "l2l-explorer"

    def _setup(self, kind_class: str, children: list[widgets.Widget], watched: list[widgets.Widget]) -> None:
        # Exact values of FloatSliders, kept while the front end only snaps them to the slider's grid.
        self._pinned: dict[int, float] = {
            id(w): float(w.value) for w in watched if isinstance(w, widgets.FloatSlider)
        }
        self.error = widgets.HTML(value="", layout=widgets.Layout(display="none"))
        self.error.add_class("l2l-error")
        self.last_error: BaseException | None = None
        self.children = (*children, self.error)
        self.add_class("l2l-explorer")
        self.add_class(kind_class)
        self._state: dict[str, Any] = {}
        for w in watched:
            w.observe(self._on_change, names="value")
        self._on_change()

    # -- the update loop
    def _value(self, slider: widgets.FloatSlider) -> float:
        """The number a slider stands for: its exact value unless the learner has moved it since.

        The browser's slider snaps every value it is given to its grid (``min + k * step``)
        and sends the snapped value back, so ``LogitsExplorer([1.5410, ...])`` would
        silently become ``[1.5, ...]`` as soon as it is shown. A value set from Python
        (construction or ``slider.value = x``) is therefore pinned, and a change from
        the front end within half a step of it is taken as that snap, not as a move.
        """
        return self._pinned.get(id(slider), float(slider.value))

    def _on_change(self, change: Any = None) -> None:
        """Recompute and redraw; any exception is shown inside the explorer, never raised."""
        try:
            if change is not None and isinstance(change.get("owner"), widgets.FloatSlider):
                owner = change["owner"]
                if "value" not in owner._property_lock:  # set from Python: keep it exactly
                    self._pinned[id(owner)] = float(change["new"])
                else:
                    pinned = self._pinned.get(id(owner))
                    if pinned is not None and abs(float(change["new"]) - pinned) <= owner.step / 2 + 1e-9:
                        return  # the front end snapping a pinned value: nothing moved
                    self._pinned.pop(id(owner), None)
            state = self._compute()
            self._show(state)
            self._state = state
        except Exception as exc:  # noqa: BLE001 - the point is to show every failure in the widget
            self._show_error(exc)
        else:
            if self.last_error is not None:
                self.last_error = None
                self.error.value = ""
                self.error.layout.display = "none"

    def _show_error(self, exc: BaseException) -> None:
        self.last_error = exc
        msg = html.escape(f"{type(exc).__name__}: {exc}")
        self.error.value = (
            f'<div role="alert" style="border:2px solid {HIGHLIGHT};padding:4px 8px;font-size:15px">'
            f"<b>The explorer could not update.</b> <code>{msg}</code></div>"
        )
        self.error.layout.display = ""

    # -- public
    def state(self) -> dict[str, Any]:
        """Every number currently shown, as plain Python floats, ints, strings and lists."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self._state.items()}

    def static_svg(self) -> str:
        """The current state as a standalone SVG (explicit colours on a white card)."""
        return self._draw(self._state, _svg.STATIC)

    # -- display
    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        data = super()._repr_mimebundle_(**kwargs)
        if data is None:  # closed widget
            return None
        data["text/plain"] = self._summary()
        data["image/svg+xml"] = self.static_svg()
        return data

    def __repr__(self) -> str:
        if not getattr(self, "_state", None):
            return f"{type(self).__name__}()"
        return self._summary()

    # -- to implement
    def _compute(self) -> dict[str, Any]:
        raise NotImplementedError

    def _show(self, state: dict[str, Any]) -> None:
        """Assign the new state to the widgets: the loss line and the live chart."""
        self.loss.value = (
            f'<span style="font-size:20px;font-weight:bold">loss = {_svg.fmt(state["loss"], ".4f")}</span>'
        )
        self.chart.value = self._draw(state, _svg.LIVE)

    def _draw(self, state: dict[str, Any], theme: _svg.Theme) -> str:
        raise NotImplementedError

    def _summary(self) -> str:
        raise NotImplementedError


def fmt_list(values: list[float], spec: str = ".4g", *, edge: int = 3) -> str:
    """``[0.1, 0.2]`` with a fixed number format, for the text/plain summaries.

    Longer than ``2 * edge + 2`` entries, only the first and last ``edge`` are shown,
    around ``...`` (the way torch summarises a long tensor).
    """
    items = [_svg.fmt(v, spec) for v in values]
    if len(items) > 2 * edge + 2:
        items = items[:edge] + ["..."] + items[-edge:]
    return "[" + ", ".join(items) + "]"
