"""Private half of :mod:`helper.look`: check a value, summarise it, and mark highlighted entries.

Everything a user can pass to ``look`` is validated here, up front, so a bad
value fails with one clear message instead of a traceback from deep inside the
printer.  The result is a :class:`Shown`: only the entries that will be printed,
as Python numbers in nested lists, with :data:`GAP` where hidden entries were
cut out (the way ``torch``'s own printer summarises big tensors).
"""

from __future__ import annotations

import numbers
import reprlib
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch

Kind = Literal["float", "int", "bool"]

ACCEPTED = (
    "a torch tensor of a real dtype, a numpy array or scalar of a real dtype, a Python int, float or bool, "
    "or a (nested, rectangular) list/tuple of those"
)
HIGHLIGHT_ACCEPTED = (
    "None, a boolean mask of the value's shape, or integer indices with one index per row "
    "(shape value.shape[:-1], e.g. targets of shape (N,) for an (N, C) value, a single int for a 1-D value)"
)


class _Gap:
    """Stands where summarising hid entries (a row, a column, or a block)."""

    _instance: _Gap | None = None

    def __new__(cls) -> _Gap:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "GAP"


GAP = _Gap()


@dataclass(frozen=True)
class Shown:
    """The part of a value that will be printed.

    ``values`` and ``marks`` are nested lists of the same structure (a bare
    number / bool for 0-D); a summarised dimension holds :data:`GAP` at the cut.
    ``indices[d]`` lists the original index of each shown position along
    dimension ``d`` (``None`` at the gap), used to label blocks of 3-D values.
    """

    kind: Kind
    shape: tuple[int, ...]
    noun: str  # "tensor" or "array", for "empty tensor of shape (0, 3)"
    values: Any
    marks: Any
    indices: tuple[tuple[int | None, ...], ...]
    highlighted: bool

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def empty(self) -> bool:
        return any(n == 0 for n in self.shape)


# --- validation: every accepted input becomes a torch tensor or a numpy array -----------------


def _describe(value: object) -> str:
    kind = type(value)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(value, torch.Tensor):
        return f"a torch tensor of dtype {value.dtype}"
    if isinstance(value, (np.ndarray, np.generic)):
        return f"numpy {name} of dtype {value.dtype}"
    return name


def _reject(what: str, value: object, accepted: str = ACCEPTED) -> TypeError:
    return TypeError(f"{what} got {_describe(value)}; it accepts {accepted}")


def _torch_kind(t: torch.Tensor, what: str) -> Kind:
    if t.layout != torch.strided:
        raise TypeError(
            f"{what} got a torch tensor with layout {t.layout}; call .to_dense() first. It accepts {ACCEPTED}"
        )
    if t.is_quantized or t.dtype.is_complex:
        raise _reject(what, t)
    if t.dtype == torch.bool:
        return "bool"
    if t.dtype.is_floating_point:
        return "float"
    if t.dtype in _TORCH_INTS:
        return "int"
    raise _reject(what, t)


_TORCH_INTS = {
    torch.uint8,
    torch.int8,
    torch.int16,
    torch.int32,
    torch.int64,
    *(getattr(torch, name) for name in ("uint16", "uint32", "uint64") if hasattr(torch, name)),
}


def _numpy_kind(a: np.ndarray | np.generic, what: str) -> Kind:
    code = a.dtype.kind
    if code == "b":
        return "bool"
    if code in "iu":
        return "int"
    if code == "f":
        return "float"
    raise _reject(what, a)


def _scalar_kind(x: object) -> Kind | None:
    """Kind of one Python/numpy/0-D-tensor number inside a list, or None if it is not one."""
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (np.integer,)) or (isinstance(x, numbers.Integral) and not isinstance(x, np.generic)):
        return "int"
    if isinstance(x, (float, np.floating)):
        return "float"
    if isinstance(x, torch.Tensor) and x.dim() == 0:
        try:
            return _torch_kind(x, "a list item")
        except TypeError:
            return None
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "biuf":
        return _numpy_kind(x, "a list item")
    return None


_RANK = {"bool": 0, "int": 1, "float": 2}


# Lists are walked in Python, one number at a time: beyond these, ask for a tensor or an array.
MAX_LIST_NUMBERS = 100_000
MAX_LIST_DEPTH = 32


def _short(value: object) -> str:
    """A repr of at most about 80 characters, whatever the object (messages stay bounded)."""
    try:
        return _REPR.repr(value)
    except Exception:  # a hostile __repr__
        return f"<{type(value).__name__} object>"


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


def _list_to_array(value: list | tuple, what: str) -> np.ndarray:
    """Check a nested list/tuple of numbers is rectangular; return it as a numpy array."""
    kinds: set[Kind] = set()
    count = [0]

    def shape_of(node: object, path: str, depth: int = 0) -> tuple[int, ...]:
        if isinstance(node, (list, tuple)):
            if depth >= MAX_LIST_DEPTH:
                raise ValueError(
                    f"{what} got lists nested more than {MAX_LIST_DEPTH} deep; pass a tensor or a numpy array"
                )
            count[0] += len(node)
            if count[0] > MAX_LIST_NUMBERS:
                raise ValueError(
                    f"{what} got a list of more than {MAX_LIST_NUMBERS:,} items; pass a torch tensor or a numpy array"
                )
            shapes = [shape_of(child, f"{path}[{i}]", depth + 1) for i, child in enumerate(node)]
            for i, s in enumerate(shapes[1:], start=1):
                if s != shapes[0]:
                    raise ValueError(
                        f"{what} got a ragged list: {path}[0] has shape {shapes[0]} but {path}[{i}] has shape {s}; "
                        "rows must all have the same length"
                    )
            return (len(node), *(shapes[0] if shapes else ()))
        kind = _scalar_kind(node)
        if kind is None:
            raise TypeError(
                f"{what} got a list holding {_describe(node)} at {path or 'the top'}: {_short(node)}; "
                f"lists must hold only real numbers. It accepts {ACCEPTED}"
            )
        kinds.add(kind)
        return ()

    shape = shape_of(value, "")
    kind = max(kinds, key=_RANK.__getitem__) if kinds else "float"
    dtype = {"bool": np.bool_, "int": np.int64, "float": np.float64}[kind]

    def plain(node: object) -> object:
        if isinstance(node, (list, tuple)):
            return [plain(child) for child in node]
        if isinstance(node, (torch.Tensor, np.ndarray, np.generic)):
            return node.item()
        return node

    try:
        array = np.array(plain(value), dtype=dtype)
    except OverflowError:
        raise ValueError(
            f"{what} got a list with an integer outside the int64 range; pass a float or a numpy array"
        ) from None
    return array.reshape(shape)


def as_array(value: object, what: str = "look") -> tuple[torch.Tensor | np.ndarray, Kind, str]:
    """Validate ``value``; return it as a detached CPU tensor or numpy array, its kind, and its noun."""
    if isinstance(value, torch.Tensor):
        kind = _torch_kind(value, what)
        if value.device.type == "meta":
            raise ValueError(f"{what} got a tensor on the meta device, which holds no values")
        return value.detach().cpu(), kind, "tensor"
    if isinstance(value, (np.ndarray, np.generic)):
        kind = _numpy_kind(value, what)
        return np.asarray(value), kind, "array"
    if isinstance(value, (list, tuple)):
        array = _list_to_array(value, what)
        return array, _numpy_kind(array, what), "array"
    kind = _scalar_kind(value)
    if kind is None:
        raise _reject(what, value)
    if kind == "int" and not _INT64_MIN <= int(value) <= _INT64_MAX:  # type: ignore[call-overload]
        return np.array(int(value), dtype=object), "int", "array"  # a big Python int stays exact
    return np.asarray(value), kind, "array"


_INT64_MIN, _INT64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)


# --- highlight: a boolean mask of the value's shape -------------------------------------------


def highlight_mask(highlight: object, shape: tuple[int, ...], what: str = "look") -> torch.Tensor | None:
    """Turn ``highlight`` (mask or per-row indices) into a bool tensor of ``shape``, or None."""
    if highlight is None:
        return None
    label = f"{what}(highlight=...)"
    try:
        array, _, _ = as_array(highlight, label)
        tensor = torch.as_tensor(array) if isinstance(array, np.ndarray) else array
    except (TypeError, RuntimeError):
        raise _reject(label, highlight, HIGHLIGHT_ACCEPTED) from None
    if isinstance(highlight, (list, tuple)) and tensor.numel() == 0:
        tensor = tensor.to(torch.bool)
    if tensor.dtype == torch.bool:
        if tuple(tensor.shape) != tuple(shape):
            raise ValueError(
                f"{label}: a boolean mask must have the value's shape {tuple(shape)}, got {tuple(tensor.shape)}"
            )
        return tensor.clone()
    if tensor.dtype.is_floating_point:
        raise TypeError(
            f"{label} got {_describe(highlight)}; indices must be integers. It accepts {HIGHLIGHT_ACCEPTED}"
        )
    if not shape:
        raise ValueError(f"{label}: a single number has no rows to index; use a boolean mask (True or False) instead")
    rows, width = tuple(shape[:-1]), shape[-1]
    if tuple(tensor.shape) != rows:
        raise ValueError(
            f"{label}: indices must have shape {rows} (one class index per row of a value of shape {tuple(shape)}), "
            f"got shape {tuple(tensor.shape)}; or pass a boolean mask of shape {tuple(shape)}"
        )
    index = tensor.to(torch.int64)
    bad = (index < 0) | (index >= width)
    if bool(bad.any()):
        first = index[bad].flatten()[0].item()
        raise ValueError(
            f"{label}: index {first} is out of range for a last dimension of size {width} (valid: 0 to {width - 1})"
        )
    mask = torch.zeros(shape, dtype=torch.bool)
    if mask.numel():
        mask.scatter_(-1, index.unsqueeze(-1), True)
    return mask


# --- summarising --------------------------------------------------------------------------------


# Hard bounds on what is printed, whatever the value and the settings: MathJax 3 refuses a formula
# with about 1,000 2-D blocks ("maximum substitution count exceeded"), and the page should stay small.
MAX_ENTRIES = 1000
MAX_BLOCKS = 100


def _ranges(n: int, kept: int) -> list[tuple[int, int]]:
    """The (start, length) spans kept of a dimension of size ``n``: all of it, or a head and a tail."""
    if kept >= n:
        return [(0, n)]
    head, tail = (kept + 1) // 2, kept // 2
    return [(0, head), (n - tail, tail)]


def _kept_per_dim(shape: tuple[int, ...], summarise: bool, edgeitems: int) -> list[int]:
    """How many entries each dimension keeps.

    First as torch prints: a summarised value keeps ``edgeitems`` at each end of every dimension longer
    than ``2 * edgeitems``. Then, while more than :data:`MAX_ENTRIES` entries or :data:`MAX_BLOCKS` 2-D
    blocks would be printed, the dimension keeping the most entries (blocks: among the leading ones)
    keeps one fewer, down to a single entry, so deep or wide values stay bounded too.
    """
    kept = [2 * edgeitems if summarise and n > 2 * edgeitems else n for n in shape]

    def product(values: list[int]) -> int:
        total = 1
        for v in values:
            total *= v
        return total

    leading = max(len(shape) - 2, 0)
    while True:
        if product(kept[:leading]) > MAX_BLOCKS:
            candidates = range(leading)
        elif product(kept) > MAX_ENTRIES:
            candidates = range(len(shape))
        else:
            return kept
        dim = max(candidates, key=lambda d: (kept[d], -d))
        if kept[dim] <= 1:  # pragma: no cover - a dimension at one entry each cannot exceed the bounds
            return kept
        kept[dim] -= 1


def _take(
    array: torch.Tensor | np.ndarray, ranges: list[list[tuple[int, int]]], kind: Kind
) -> list | float | int | bool:
    """The kept entries as nested Python lists (hidden entries are never converted)."""
    if isinstance(array, torch.Tensor):
        # Floats become float64 (bfloat16 and float8 included); integers keep their dtype so
        # uint64 stays exact.
        target = torch.float64 if kind == "float" else array.dtype
        for dim, spans in enumerate(ranges):
            if len(spans) > 1:
                array = torch.cat([array.narrow(dim, start, n).to(target) for start, n in spans], dim)
        return array.to(target).tolist()
    for dim, spans in enumerate(ranges):
        if len(spans) > 1:
            array = np.concatenate([np.take(array, range(start, start + n), axis=dim) for start, n in spans], axis=dim)
    return array.tolist()


def _insert_gaps(node: Any, heads: list[int | None], depth: int = 0) -> Any:
    """Put :data:`GAP` after the head of every cut dimension (``heads[d]`` is None where nothing is cut)."""
    if depth == len(heads):
        return node
    children = [_insert_gaps(child, heads, depth + 1) for child in node]
    if heads[depth] is not None:
        children.insert(heads[depth], GAP)
    return children


def prepare(value: object, *, highlight: object, threshold: int, edgeitems: int, what: str = "look") -> Shown:
    """Validate ``value`` and ``highlight`` and keep what will be printed."""
    array, kind, noun = as_array(value, what)
    shape = tuple(int(n) for n in array.shape)
    mask = highlight_mask(highlight, shape, what)
    numel = int(np.prod(shape)) if shape else 1
    kept = _kept_per_dim(shape, numel > threshold, edgeitems) if numel else list(shape)
    ranges = [_ranges(n, k) for n, k in zip(shape, kept)]
    heads = [spans[0][1] if len(spans) > 1 else None for spans in ranges]
    if numel == 0:
        values: Any = array.tolist()
        marks: Any = values
    else:
        values = _insert_gaps(_take(array, ranges, kind), heads)
        marks = _insert_gaps(_take(mask, ranges, "bool"), heads) if mask is not None else _no_marks(values)
    indices = tuple(
        tuple([*range(spans[0][1]), None, *range(spans[1][0], n)]) if len(spans) > 1 else tuple(range(n))
        for n, spans in zip(shape, ranges)
    )
    return Shown(kind, shape, noun, values, marks, indices, mask is not None)


def _no_marks(node: Any) -> Any:
    if isinstance(node, list):
        return [_no_marks(child) for child in node]
    return node if node is GAP else False
