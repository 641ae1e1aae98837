"""Hostile input for the explorers: each case gets a clear error naming the field, or a bounded result.

Three origins, one check (each trait's validator): the constructor, an assignment in Python
(``ex.T = nan``, ``ex.sliders[0].value = inf``), and a message from the page
(``ex.set_state(...)``, what the comm calls; the real-kernel version is
test_explorer_comm_fuzz.py). An assignment raises a TypeError/ValueError and leaves the
explorer as it was; a page message is refused, the explorer keeps its values and says why in
``py_error``.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

import numpy as np
import pytest
import torch

from helper.explorers import BinaryExplorer, DistributionExplorer, LogitsExplorer, StabilityExplorer, TrainingPlayer
from helper.explorers._base import F32_MAX


class Hostile:
    """An object whose repr is enormous and whose methods raise."""

    def __repr__(self) -> str:
        return "x" * 10_000_000

    def __float__(self) -> float:
        raise RuntimeError("no")


# ---------------------------------------------------------------- constructor
CONSTRUCTOR_CASES = [
    (LogitsExplorer, ([1.0, 2.0],), {"temperature": 1e-45}, ValueError, "temperature must lie between 0.001 and 1000"),
    (LogitsExplorer, ([1.0, 2.0],), {"temperature": float("inf")}, ValueError, "temperature must be finite"),
    (LogitsExplorer, ([1.0, 2.0],), {"temperature": float("nan")}, ValueError, "temperature must be finite"),
    (LogitsExplorer, ([1.0, 2.0],), {"temperature": 10**400}, ValueError, "temperature must be finite"),
    (LogitsExplorer, ([1e39, 0.0],), {}, ValueError, "logits must lie between -1e+30 and 1e+30"),
    (LogitsExplorer, ([F32_MAX, 0.0],), {}, ValueError, "logits must lie between"),
    (LogitsExplorer, ([10**400, 0],), {}, ValueError, "logits must be finite"),
    (LogitsExplorer, ([1.0] * 21,), {}, ValueError, "between 2 and 20 entries; got 21"),
    (LogitsExplorer, (list(range(200_000)),), {}, ValueError, "between 2 and 20 entries; got 200000"),
    (LogitsExplorer, (torch.zeros(200_000),), {}, ValueError, "between 2 and 20 entries; got 200000"),
    (LogitsExplorer, (np.zeros(3, dtype=object),), {}, TypeError, "real numbers"),
    (LogitsExplorer, (np.array([1 + 2j, 0]),), {}, TypeError, "real numbers"),
    (LogitsExplorer, (torch.zeros(3, device="meta"),), {}, TypeError, "dense tensor"),
    (LogitsExplorer, (torch.zeros(3).to_sparse(),), {}, TypeError, "dense tensor"),
    (LogitsExplorer, ([None, 1.0],), {}, TypeError, "logits must hold real numbers"),
    (LogitsExplorer, ([Hostile(), 1.0],), {}, TypeError, "logits must hold real numbers"),
    (LogitsExplorer, (Hostile(),), {}, TypeError, "logits must be a 1-D torch tensor"),
    (LogitsExplorer, ({"a": 1},), {}, TypeError, "logits must be a 1-D torch tensor"),
    (LogitsExplorer, ([1.0, 2.0], 10**400), {}, ValueError, "target must be a class index in 0..1"),
    (LogitsExplorer, ([1.0, 2.0], None), {}, TypeError, "target must be an integer class index"),
    (LogitsExplorer, ([1.0, 2.0], torch.tensor([0, 1])), {}, ValueError, "target must be a single number"),
    (LogitsExplorer, ([1.0, 2.0],), {"labels": []}, ValueError, "labels must be 2 strings"),
    (LogitsExplorer, ([1.0, 2.0],), {"labels": ["", "b"]}, ValueError, "non-empty"),
    (LogitsExplorer, ([1.0, 2.0],), {"labels": ["a" * 41, "b"]}, ValueError, "at most 40 characters"),
    (LogitsExplorer, ([1.0, 2.0],), {"labels": [1, 2]}, ValueError, "labels must be 2 strings"),
    (BinaryExplorer, (1e6, 0), {}, ValueError, "logit must lie between -1000 and 1000"),
    (BinaryExplorer, (1e30, 0), {}, ValueError, "logit must lie between -1000 and 1000"),
    (BinaryExplorer, (-1e308, 0), {}, ValueError, "logit must lie between -1000 and 1000"),
    (BinaryExplorer, (float("nan"), 0), {}, ValueError, "logit must be finite"),
    (BinaryExplorer, (0.0, 0.5), {}, ValueError, "target must be 0 or 1"),
    (BinaryExplorer, (0.0, "1"), {}, TypeError, "target must be 0 or 1"),
    (BinaryExplorer, (0.0, True), {}, TypeError, "not a bool"),
    (BinaryExplorer, ("3", 0), {}, TypeError, "logit must be a real number"),
    (StabilityExplorer, ([1.0] * 11,), {}, ValueError, "between 1 and 10 entries; got 11"),
    (StabilityExplorer, ([1.0],), {"scale": -1e-9}, ValueError, "scale must be >= 0"),
    (StabilityExplorer, ([1.0],), {"shift": float("-inf")}, ValueError, "shift must be finite"),
    (StabilityExplorer, ([1.0],), {"dtype": torch.int64}, ValueError, "float16, float32, float64"),
    (StabilityExplorer, ([1.0],), {"dtype": "x" * 1000}, ValueError, "float16, float32, float64"),
    (DistributionExplorer, ([0.0, 1.0], [float("nan"), 1.0]), {}, ValueError, "q must be finite"),
    (DistributionExplorer, ([0.0, 1.0], [float("inf"), 1.0]), {}, ValueError, "q must be finite"),
    (DistributionExplorer, ([0.0, 1.0], [0.5, 0.5, 0.0]), {}, ValueError, "q must have between 2 and 2"),
    (DistributionExplorer, ([0.0, 1.0], [-0.0, -1e-300]), {}, ValueError, "non-negative"),
    (DistributionExplorer, ([0.0, 1e31], [0.5, 0.5]), {}, ValueError, "logits must lie between"),
    (DistributionExplorer, ([0.0, 1.0], [0.5, 0.5]), {"unit": None}, TypeError, "unit must be 'nats' or 'bits'"),
]


@pytest.mark.parametrize("cls, args, kwargs, error, words", CONSTRUCTOR_CASES)
def test_the_constructor_refuses_with_a_clear_bounded_message(cls, args, kwargs, error, words):
    start = time.perf_counter()
    with pytest.raises(error, match=re.escape(words)) as info:
        cls(*args, **kwargs)
    assert len(str(info.value)) < 300  # a huge or hostile value never makes a huge message
    assert time.perf_counter() - start < 5  # refused at once, before any work grows with the input


# ---------------------------------------------------------------- bounded results
def test_a_distribution_of_huge_entries_is_normalised_not_zeroed():
    ex = DistributionExplorer([0.0, 1.0], [1e308, 1e308])
    assert ex.q == [0.5, 0.5] and ex.state()["entropy"] == pytest.approx(math.log(2), rel=1e-6)
    ex = DistributionExplorer([0.0, 1.0, 2.0], [1e-300, 2e-300, 1e-300])
    assert ex.q == pytest.approx([0.25, 0.5, 0.25])


def test_binary_explorers_of_any_allowed_z_are_made_fast():
    """The landmarks are found on a fixed grid: the work does not grow with the slider's span."""
    start = time.perf_counter()
    for z in (-1000.0, 1000.0, 999.9, 0.0):
        ex = BinaryExplorer(z, 0)
        assert ex.sliders[0].min <= z <= ex.sliders[0].max and 16 < ex.landmarks["jump_at"] < 17
        ex.static_svg()
    assert time.perf_counter() - start < 20  # was 18.9 s and 2 GB for one BinaryExplorer(1e6, 0)


def test_extreme_allowed_values_give_finite_numbers():
    ex = LogitsExplorer([1e30, -1e30, 0.0], 0, temperature=0.001)
    st = ex.state()
    assert all(math.isfinite(v) for v in st["probs"] + st["grad"]) and math.isfinite(st["loss"])
    st = LogitsExplorer([0.0, 0.0], 1, temperature=1000).state()
    assert st["probs"] == [0.5, 0.5]


# ---------------------------------------------------------------- assignment in Python
def _explorers() -> dict[str, Any]:
    return {
        "logits": LogitsExplorer([0.5, -1.0, 2.0], 1),
        "binary": BinaryExplorer(2.0, 0),
        "stability": StabilityExplorer([1.0, 2.0]),
        "distribution": DistributionExplorer([0.0, 1.0], [0.3, 0.7]),
    }


ASSIGN_CASES = [
    ("logits", "logits", [math.nan, 1.0, 2.0], ValueError, "logits must be finite"),
    ("logits", "logits", [1.0, 2.0], ValueError, "logits must have 3 entries"),
    ("logits", "temperature", math.inf, ValueError, "temperature must be finite"),
    ("logits", "temperature", 1e-45, ValueError, "temperature must lie between"),
    ("logits", "target", 3, ValueError, "target must be a class index in 0..2"),
    ("logits", "labels", ["a", "b"], ValueError, "labels must be 3 strings"),
    ("binary", "logit", math.nan, ValueError, "logit must be finite"),
    ("binary", "logit", 1e30, ValueError, "logit must lie between"),
    ("binary", "target", 2, ValueError, "target must be 0 or 1"),
    ("binary", "lo", 30.0, ValueError, "span must be > 0"),
    ("binary", "hi", -30.0, ValueError, "span must be > 0"),
    ("stability", "scale", -1.0, ValueError, "scale must be >= 0"),
    ("stability", "shift", "1", TypeError, "shift must be a real number"),
    ("stability", "dtype", "bfloat16", ValueError, "float16, float32, float64"),
    ("stability", "logits", [1.0, 2.0, 3.0], ValueError, "logits must have 2 entries"),
    ("distribution", "q", [0.0, 0.0], ValueError, "positive entry"),
    ("distribution", "q", [0.5, math.nan], ValueError, "q must be finite"),
    ("distribution", "unit", "bytes", ValueError, "unit must be 'nats' or 'bits'"),
]


@pytest.mark.parametrize("which, trait, value, error, words", ASSIGN_CASES)
def test_an_assignment_in_python_is_refused_and_nothing_changes(which, trait, value, error, words):
    ex = _explorers()[which]
    before, state = getattr(ex, trait), ex.state()
    with pytest.raises(error, match=re.escape(words)):
        setattr(ex, trait, value)
    assert getattr(ex, trait) == before and ex.state() == state and ex.py_error == ""


def test_a_control_set_to_nan_or_inf_is_refused_not_clamped():
    ex = LogitsExplorer([0.5, -1.0, 2.0], 1)
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="logits must be finite"):
            ex.sliders[0].value = bad
        with pytest.raises(ValueError, match="temperature must be finite"):
            ex.temperature = bad
    assert ex.sliders[0].value == 0.5 and ex.temperature == 1.0
    ex.sliders[0].value = 1e9  # a finite value beyond the slider is clamped, as a slider does
    assert ex.sliders[0].value == ex.sliders[0].max


# ---------------------------------------------------------------- messages from the page
PAGE_CASES = [
    ("logits", {"logits": [0.5, None, 2.0]}, "logits must hold real numbers"),
    ("logits", {"logits": list(range(200_000))}, "between 2 and 20 entries; got 200000"),
    ("logits", {"target": "2"}, "target must be an integer class index"),
    ("logits", {"temperature": None}, "temperature must be a real number"),
    ("logits", {"temperature": -1}, "temperature must lie between"),
    ("logits", {"labels": ["<b>x</b>", "y", "z"]}, "labels cannot be set from the page"),
    ("logits", {"result": {}}, "result cannot be set from the page"),
    ("logits", {"py_error": ""}, "py_error cannot be set from the page"),
    ("binary", {"logit": "inf"}, "logit must be a real number"),
    ("binary", {"target": True}, "not a bool"),
    ("binary", {"hi": 1e9}, "hi cannot be set from the page"),
    ("stability", {"scale": -0.1}, "scale must be >= 0"),
    ("stability", {"dtype": ["float16"]}, "dtype must be a string"),
    ("distribution", {"q": [0.2, -0.2]}, "non-negative"),
    ("distribution", {"q": [0.2, 0.3, 0.5]}, "q must have between 2 and 2"),
    ("distribution", {"unit": "NATS"}, "unit must be 'nats' or 'bits'"),
]


@pytest.mark.parametrize("which, message, words", PAGE_CASES)
def test_a_bad_message_from_the_page_is_refused_shown_and_undone(which, message, words):
    ex = _explorers()[which]
    before = {k: getattr(ex, k) for k in (*ex._inputs, "lo", "hi") if ex.has_trait(k)}
    state = ex.state()
    ex.set_state(message)  # what the comm calls
    assert words in ex.py_error and ex.py_error.startswith("Refused a value from the page")
    assert {k: getattr(ex, k) for k in before} == before and ex.state() == state
    assert len(ex.py_error) < 300


def test_a_rewritten_value_from_the_page_is_kept_in_its_checked_form():
    ex = DistributionExplorer([0.0, 1.0], [0.3, 0.7])
    ex.set_state({"q": [2, 2]})
    assert ex.q == [0.5, 0.5] and ex.py_error == ""
    b = BinaryExplorer(2.0, 1)
    b.set_state({"target": 1.0})  # equal to the old value: traitlets would keep the page's spelling silently
    assert b.target == 1 and type(b.target) is int


def test_the_training_player_refuses_a_step_that_is_not_an_integer():
    X = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    p = TrainingPlayer(X, torch.tensor([0, 1, 2]), steps=3)
    for bad, words in (
        ("1", "step must be an integer"),
        (None, "step must be an integer"),
        (True, "step must be an integer"),
        (1.5, "step must be an integer"),
    ):
        p.set_state({"step": bad})
        assert words in p.py_error and p.step == 0
    p.set_state({"step": 99})
    assert p.step == 3 and p.py_error == ""  # clamped to the last step, as the slider does
    with pytest.raises(TypeError, match="step must be an integer"):
        p.step = "2"
