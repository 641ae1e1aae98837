"""What every explorer shares: input checks, the torch verification loop, the display bundle."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import anywidget
import numpy as np
import torch
import traitlets

from helper import _svg
from helper._format import fmt
from helper.explorers import _esm as _esm_mod

__all__ = ["Explorer", "Control", "encode", "as_vector", "as_real", "as_index", "as_binary_label", "as_labels"]


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


def as_labels(labels: Any, n: int) -> list[str]:
    """Class names: ``n`` strings, or ``"0" .. "n-1"`` when ``labels`` is None."""
    if labels is None:
        return [str(i) for i in range(n)]
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"labels must be a list of {n} strings; got {type(labels).__name__}")
    if len(labels) != n or not all(isinstance(s, str) for s in labels):
        raise ValueError(f"labels must be {n} strings, one per class; got {list(labels)!r:.80}")
    return list(labels)


# ---------------------------------------------------------------- the explorer base
def encode(x: Any) -> Any:
    """A number or nested list for JSON: ``inf``, ``-inf``, ``nan`` become strings (JSON has none)."""
    if isinstance(x, (list, tuple)):
        return [encode(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


class Control:
    """One control of an explorer seen from Python, like an ipywidgets slider: ``.value`` reads
    and moves it (the page follows), ``.min``/``.max``/``.step``/``.description`` describe it.

    ``index`` selects one entry of a list trait (a logit); ``None`` the whole trait. A value
    set outside ``[min, max]`` is clamped to it, as a slider does.
    """

    def __init__(self, owner: Explorer, trait: str, index: int | None = None, *, description: str = "",
                 min: float | None = None, max: float | None = None, step: float | None = None,
                 options: list[Any] | None = None) -> None:
        self._owner, self._trait, self._index = owner, trait, index
        self.description, self.min, self.max, self.step, self.options = description, min, max, step, options

    @property
    def value(self) -> Any:
        v = getattr(self._owner, self._trait)
        return v[self._index] if self._index is not None else v

    @value.setter
    def value(self, new: Any) -> None:
        if self.min is not None and self.max is not None and isinstance(new, (int, float)) and not isinstance(new, bool):
            new = min(max(float(new), self.min), self.max)  # as a slider does (ipywidgets clamps too)
        if self._index is None:
            setattr(self._owner, self._trait, new)
        else:
            values = list(getattr(self._owner, self._trait))
            values[self._index] = new
            setattr(self._owner, self._trait, values)

    def __repr__(self) -> str:
        return f"Control({self.description or self._trait}={self.value!r})"


class Explorer(anywidget.AnyWidget):
    """Base of the explorers: an anywidget whose page computes and draws, and whose kernel verifies.

    A subclass declares its input traits (``sync=True``), lists them in ``_inputs``, sets
    ``_esm = compose("<name>.js")`` and implements :meth:`_compute` (torch's numbers for the
    current inputs), :meth:`_draw` (the static SVG of a state) and :meth:`_summary` (one line).
    Each change of an input, from the page or from Python, runs :meth:`_compute`; its numbers
    go to the page in the ``result`` trait (with the inputs they belong to), where the page
    compares them with its own and says "torch agrees" or shows the difference.
    """

    _css = _esm_mod.css()
    _inputs: tuple[str, ...] = ()

    result = traitlets.Dict().tag(sync=True)
    py_error = traitlets.Unicode("").tag(sync=True)
    js_error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **traits: Any) -> None:
        self.last_error: BaseException | None = None
        self._state: dict[str, Any] = {}
        super().__init__(**traits)
        self.observe(self._on_change, names=list(self._inputs))
        self._on_change()

    # -- the update loop
    def _on_change(self, change: Any = None) -> None:
        """Recompute with torch; any exception is shown inside the explorer, never raised."""
        try:
            state = self._compute()
        except Exception as exc:  # noqa: BLE001 - the point is to show every failure in the widget
            self.last_error = exc
            self.py_error = f"{type(exc).__name__}: {exc}"
            return
        self._state = state
        self.result = {
            "inputs": {k: encode(_plain(getattr(self, k))) for k in self._inputs},
            "values": {k: encode(v) for k, v in state.items() if isinstance(v, (int, float, list))},
        }
        if self.last_error is not None or self.py_error:
            self.last_error = None
            self.py_error = ""

    # -- public
    def state(self) -> dict[str, Any]:
        """Every number currently shown, as torch computes it (plain floats, ints, strings, lists)."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self._state.items()}

    def static_svg(self) -> str:
        """The current state as a standalone SVG (explicit colours on a white card)."""
        return self._draw(self._state, _svg.STATIC)

    # -- display
    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, meta = bundle
        data = {**data, "text/plain": self._summary(), "image/svg+xml": self.static_svg()}
        return data, meta

    def __repr__(self) -> str:
        if not getattr(self, "_state", None):
            return f"{type(self).__name__}()"
        return self._summary()

    # -- to implement
    def _compute(self) -> dict[str, Any]:
        raise NotImplementedError

    def _draw(self, state: dict[str, Any], theme: _svg.Theme) -> str:
        raise NotImplementedError

    def _summary(self) -> str:
        raise NotImplementedError


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, (list, tuple)) else v


def fmt_list(values: list[float], spec: str = ".4g", *, edge: int = 3) -> str:
    """``[0.1, 0.2]`` with a fixed number format, for the text/plain summaries.

    Longer than ``2 * edge + 2`` entries, only the first and last ``edge`` are shown,
    around ``...`` (the way torch summarises a long tensor).
    """
    items = [fmt(v, spec) for v in values]
    if len(items) > 2 * edge + 2:
        items = items[:edge] + ["..."] + items[-edge:]
    return "[" + ", ".join(items) + "]"
