"""What every explorer shares: input checks, the torch verification loop, the display bundle."""

from __future__ import annotations

import functools
import math
import numbers
import reprlib
from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import numpy as np
import torch
import traitlets

from helper import _svg
from helper._format import fmt
from helper.explorers import _esm as _esm_mod

__all__ = [
    "Explorer",
    "Control",
    "encode",
    "checked",
    "as_vector",
    "as_real",
    "as_index",
    "as_binary_label",
    "as_labels",
    "as_choice",
    "InputTypeError",
    "InputValueError",
    "short",
]


# ---------------------------------------------------------------- input checks
# Each function checks one kind of input and returns it in its plain form, or raises a TypeError or
# ValueError that names the field and says what is accepted. The explorers call them from ONE place
# per trait, a traitlets validator (:func:`checked`), which runs whatever the origin of the value:
# the constructor, an assignment in Python, or a message from the page.

F32_MAX = 3.4028234663852886e38
LOGIT_LIMIT = 1e30  # |z| <= 1e30 and T >= 0.001 keep z / T within float32's range (3.4e38)
LABEL_MAX_CHARS = 40
_INT_DTYPES = {torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8}


def short(x: Any, n: int = 40) -> str:
    """A bounded ``repr`` for error messages (a huge or hostile object never makes a huge message)."""
    try:
        text = _REPR.repr(x)
    except Exception:  # noqa: BLE001 - a repr that raises still gets a message
        text = f"<{type(x).__name__}>"
    return text if len(text) <= n else text[: n - 3] + "..."


_REPR = reprlib.Repr()
_REPR.maxlist = _REPR.maxtuple = 6
_REPR.maxstring = _REPR.maxother = 40


def _entry(v: Any, name: str) -> float:
    """One entry of a vector: a real number (not a bool, not a nested sequence) as a float."""
    if isinstance(v, (torch.Tensor, np.ndarray)) and v.ndim == 0 and not isinstance(v, bool):
        if v.dtype in (torch.bool, np.bool_) or getattr(v, "is_complex", lambda: False)():
            raise TypeError(f"{name} must hold real numbers (float or int); got {short(v)}")
        v = v.item()
    if isinstance(v, (list, tuple, np.ndarray, torch.Tensor)):
        raise ValueError(f"{name} must be 1-D (one number per entry); got a nested sequence {short(v)}")
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name} must hold real numbers (float or int); got {type(v).__name__} {short(v)}")
    try:
        return float(v)
    except OverflowError:
        raise ValueError(f"{name} must be finite; got an integer too large for a float ({short(v)})") from None


def as_vector(x: Any, name: str, *, min_len: int = 1, max_len: int = 64, limit: float = math.inf) -> list[float]:
    """A 1-D sequence of ``min_len..max_len`` finite real numbers with ``|v| <= limit``, as Python floats.

    Accepts a torch tensor, a numpy array, a list or a tuple. The length is checked before any
    entry is read, so a huge input is refused at once.
    """
    count = f"between {min_len} and {max_len} entries"
    if isinstance(x, torch.Tensor):
        if x.layout != torch.strided or x.device.type == "meta":
            raise TypeError(f"{name} must be a dense tensor with values; got a {x.layout} tensor on {x.device}")
        if x.dtype == torch.bool or x.is_complex() or not (x.is_floating_point() or x.dtype in _INT_DTYPES):
            raise TypeError(f"{name} must hold real numbers (float or int); got dtype {x.dtype}")
        if x.dim() != 1:
            raise ValueError(f"{name} must be 1-D (one logit per class); got shape {tuple(x.shape)}")
        if not min_len <= x.numel() <= max_len:
            raise ValueError(f"{name} must have {count}; got {x.numel()}")
        values = x.detach().to("cpu", torch.float64).tolist()
    elif isinstance(x, np.ndarray):
        if x.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold real numbers; got elements of dtype {x.dtype}")
        if x.ndim != 1:
            raise ValueError(f"{name} must be 1-D (one logit per class); got shape {x.shape}")
        if not min_len <= x.size <= max_len:
            raise ValueError(f"{name} must have {count}; got {x.size}")
        values = x.astype(np.float64).tolist()
    elif isinstance(x, (list, tuple)):
        if len(x) > max_len:  # before reading any entry: a huge list is refused at once
            raise ValueError(f"{name} must have {count}; got {len(x)}")
        values = [_entry(v, name) for v in x]
        if len(x) < min_len:
            raise ValueError(f"{name} must have {count}; got {len(x)}")
    else:
        raise TypeError(
            f"{name} must be a 1-D torch tensor, numpy array, list or tuple of numbers; got {type(x).__name__}"
        )
    for v in values:
        if not math.isfinite(v):
            raise ValueError(f"{name} must be finite; got {v}")
        if abs(v) > limit:
            raise ValueError(f"{name} must lie between {-limit:g} and {limit:g}; got {v:g}")
    return values


def _scalar(x: Any, name: str) -> Any:
    """Unwrap a 0-d tensor/array or a one-element one; reject bools and non-numbers."""
    if isinstance(x, (torch.Tensor, np.ndarray)):
        count = x.size if isinstance(x, np.ndarray) else x.numel()
        if isinstance(x, torch.Tensor) and (x.layout != torch.strided or x.device.type == "meta"):
            raise TypeError(f"{name} must be a number; got a {x.layout} tensor on {x.device}")
        if count == 1:
            x = x.item()
        else:
            raise ValueError(f"{name} must be a single number; got shape {tuple(x.shape)}")
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number, not a bool ({x!r})")
    return x


def as_real(x: Any, name: str, *, positive: bool = False, lo: float = -math.inf, hi: float = math.inf) -> float:
    """A finite real number in ``[lo, hi]`` (int, float, numpy scalar or one-element tensor) as a float."""
    x = _scalar(x, name)
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(x).__name__} {short(x)}")
    try:
        v = float(x)
    except OverflowError:
        raise ValueError(f"{name} must be finite; got an integer too large for a float") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite; got {v}")
    if positive and v <= 0:
        raise ValueError(f"{name} must be > 0; got {v}")
    if not lo <= v <= hi:
        raise ValueError(f"{name} must lie between {lo:g} and {hi:g}; got {v:g}")
    return v


def as_index(x: Any, name: str, n: int) -> int:
    """A class index: an integer in ``range(n)`` (int, numpy integer or one-element integer tensor)."""
    if isinstance(x, torch.Tensor) and x.is_floating_point():
        raise TypeError(f"{name} must be an integer class index; got a {x.dtype} tensor")
    x = _scalar(x, name)
    if not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer class index in 0..{n - 1}; got {type(x).__name__} {short(x)}")
    i = int(x)
    if not 0 <= i < n:
        raise ValueError(f"{name} must be a class index in 0..{n - 1}; got {short(i)}")
    return i


def as_binary_label(x: Any, name: str = "y") -> int:
    """A binary label: 0 or 1, given as an int or a float equal to 0.0 or 1.0."""
    x = _scalar(x, name)
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be 0 or 1; got {type(x).__name__} {short(x)}")
    if x not in (0, 1):
        raise ValueError(f"{name} must be 0 or 1; got {short(x)}")
    return int(x)


def as_labels(labels: Any, n: int) -> list[str]:
    """Class names: ``n`` non-empty strings of at most 40 characters, or ``"0" .. "n-1"`` when None."""
    if labels is None:
        return [str(i) for i in range(n)]
    if isinstance(labels, str) or not isinstance(labels, (list, tuple)):
        raise TypeError(f"labels must be a list of {n} strings; got {type(labels).__name__}")
    if len(labels) != n or not all(isinstance(s, str) for s in labels):
        raise ValueError(f"labels must be {n} strings, one per class; got {short(labels, 80)}")
    if not all(0 < len(s.strip()) and len(s) <= LABEL_MAX_CHARS for s in labels):
        raise ValueError(
            f"labels must be non-empty strings of at most {LABEL_MAX_CHARS} characters; got {short(labels, 80)}"
        )
    return list(labels)


def as_choice(x: Any, name: str, options: Sequence[str]) -> str:
    """One of ``options`` (strings)."""
    words = " or ".join(repr(o) for o in options)
    if not isinstance(x, str):
        raise TypeError(f"{name} must be {words}; got {type(x).__name__} {short(x)}")
    if x not in options:
        raise ValueError(f"{name} must be {words}; got {short(x)}")
    return x


class InputTypeError(traitlets.TraitError, TypeError):
    """A value of the wrong type for an explorer's input (a TraitError, so traitlets rolls back)."""


class InputValueError(traitlets.TraitError, ValueError):
    """A value out of what an explorer's input accepts (a TraitError, so traitlets rolls back)."""


def checked(*names: str) -> Callable[[Callable[[Any, Any], Any]], Any]:
    """``traitlets.validate(*names)`` for ``check(self, value) -> value``: the one place a trait is checked.

    The check's TypeError/ValueError (any other exception too) becomes an
    :class:`InputTypeError`/:class:`InputValueError`: still a TypeError/ValueError for the
    person who typed the value, and a TraitError, so that traitlets puts back the last valid
    values of every trait set with it (``hold_trait_notifications``).
    """

    def wrap(check: Callable[[Any, Any], Any]) -> Any:
        @functools.wraps(check)
        def validator(self: Any, proposal: Any) -> Any:
            try:
                return check(self, proposal["value"])
            except traitlets.TraitError:
                raise
            except TypeError as exc:
                raise InputTypeError(str(exc)) from None
            except Exception as exc:  # noqa: BLE001 - every failure of a check is a refusal with its words
                raise InputValueError(str(exc) or f"{names[0]}: {type(exc).__name__}") from None

        return traitlets.validate(*names)(validator)

    return wrap


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

    def __init__(
        self,
        owner: Explorer,
        trait: str,
        index: int | None = None,
        *,
        description: str = "",
        min: float | None = None,
        max: float | None = None,
        step: float | None = None,
        options: list[Any] | None = None,
    ) -> None:
        self._owner, self._trait, self._index = owner, trait, index
        self.description, self.min, self.max, self.step, self.options = description, min, max, step, options

    @property
    def value(self) -> Any:
        v = getattr(self._owner, self._trait)
        return v[self._index] if self._index is not None else v

    @value.setter
    def value(self, new: Any) -> None:
        if (
            self.min is not None
            and self.max is not None
            and isinstance(new, (int, float))
            and not isinstance(new, bool)
            and math.isfinite(new)
        ):
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

    @checked("js_error")
    def _check_js_error(self, value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError(f"js_error must be a string; got {type(value).__name__}")
        return value if len(value) <= 500 else value[:497] + "..."

    # -- values from the page
    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a message from the page, or refuse all of it and put the page back.

        The page may set only the inputs (``_inputs``) and ``js_error``. Each value is checked
        by its trait's validator (the same one as for the constructor and Python). A message
        with any refused value changes nothing in the kernel: the kernel sends the page its
        current (valid) values, so both sides end in the same state, and the explorer shows
        which field was refused and what it accepts (trait ``py_error``) until the next good
        update.
        """
        writable = (*self._inputs, "js_error")
        sync_data = sync_data if isinstance(sync_data, dict) else {}
        names = [k for k in sync_data if isinstance(k, str) and k in self.keys]
        problems = [f"{k} cannot be set from the page" for k in names if k not in writable]
        accepted: dict[str, Any] = {}
        for k in names:
            if k in writable and not problems:
                try:
                    accepted[k] = getattr(type(self), k)._cross_validate(self, sync_data[k])
                except traitlets.TraitError as exc:
                    problems.append(str(exc))
                    self.last_error = exc
        if problems:
            self._input_refused = True
            self.py_error = f"Refused a value from the page: {problems[0]} (the explorer keeps its last valid values)"
            self.send_state(names)
            return
        super().set_state({k: sync_data[k] for k in names})
        # Keep the checked form (traitlets keeps the page's spelling, e.g. -29 for -29.0, when it equals
        # the old value). A value the check really changed (q put back on the simplex, 1 for true) goes
        # back to the page; an equal one does not: a late "update" would pull a moving slider back.
        for k, v in accepted.items():
            if v is not sync_data[k]:
                self.set_trait(k, v)
        rewritten = [k for k, v in accepted.items() if not _same_value(v, sync_data[k])]
        if rewritten:
            self.send_state(rewritten)
        if getattr(self, "_input_refused", False) and any(k in self._inputs for k in names):
            self._input_refused = False
            if self.py_error.startswith("Refused a value from the page"):
                self.last_error = None
                self.py_error = ""

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


def _same_value(a: Any, b: Any) -> bool:
    """Equal as the page sees it: numbers by value (-29 == -29.0), but a bool is not a number."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    try:
        return bool(a == b) and type(a) in (int, float, str) and type(b) in (int, float, str)
    except Exception:  # noqa: BLE001 - whatever cannot be compared is not the same
        return False


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
