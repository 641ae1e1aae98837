"""The explorers' Python side: torch's numbers for every state, the result sent to the page,
errors caught and shown, a deterministic display bundle, no leaks.

Moves are simulated by assigning ``.value`` (Python) or ``set_state`` (what the page sends
through the widget comm). What the page computes itself is tested against torch in
test_explorer_js.py (Node) and in tests/browser/test_explorers_in_lab.py (Chromium).
"""

from __future__ import annotations

import gc
import math
import random
import re
import tracemalloc

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from helper.explorers import BinaryExplorer, DistributionExplorer, LogitsExplorer, StabilityExplorer  # noqa: E402
from helper.explorers._base import Control  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

SEED_LOGITS = [1.5410, -0.2934, -2.1788, 0.5684, -1.0845]


def _texts(markup: str) -> list[str]:
    """The text nodes of an HTML/SVG string, in order."""
    return [t.strip() for t in re.findall(r">([^<>]+)<", markup) if t.strip()]


def _shown_number(markup: str, prefix: str) -> float:
    """The number after ``prefix`` in the text of ``markup`` (e.g. ``"loss = "``)."""
    for t in _texts(markup):
        if t.startswith(prefix):
            return float(t[len(prefix) :].split()[0])
    raise AssertionError(f"no text starting with {prefix!r} in {_texts(markup)}")


def _torch_logits(z: list[float], y: int, t: float) -> dict:
    zt = torch.tensor(z, dtype=torch.float32, requires_grad=True)
    loss = F.cross_entropy((zt / t).unsqueeze(0), torch.tensor([y]))
    loss.backward()
    return {
        "probs": F.softmax(zt.detach() / t, dim=0).tolist(),
        "loss": loss.item(),
        "logsumexp": torch.logsumexp(zt.detach() / t, dim=0).item(),
        "grad": zt.grad.tolist(),
    }


# ---------------------------------------------------------------- LogitsExplorer
def test_logits_explorer_matches_the_seed_notebook():
    ex = LogitsExplorer(SEED_LOGITS, 1)
    st = ex.state()
    assert st["loss"] == pytest.approx(2.3257, abs=1e-4)
    assert st["logsumexp"] == pytest.approx(2.0323, abs=1e-4)
    assert ex.result["values"]["loss"] == st["loss"] and "loss = -log p[1] = 2.3257" in _texts(ex.static_svg())


@pytest.mark.parametrize("t", [1.0, 0.3, 2.5])
def test_logits_explorer_numbers_equal_torch_after_moves(t):
    ex = LogitsExplorer(torch.tensor(SEED_LOGITS), 1, temperature=t)
    rng = random.Random(1)
    for _ in range(20):
        ex.sliders[rng.randrange(5)].value = round(rng.uniform(-6, 6), 1)
        ex.target = rng.randrange(5)
        z, y = [s.value for s in ex.sliders], ex.target
        want = _torch_logits(z, y, t)
        st = ex.state()
        assert st["logits"] == z and st["target"] == y and st["temperature"] == t
        for key in ("probs", "grad"):
            assert st[key] == pytest.approx(want[key], rel=1e-6, abs=1e-7), key
        assert st["loss"] == pytest.approx(want["loss"], rel=1e-6)
        assert st["logsumexp"] == pytest.approx(want["logsumexp"], rel=1e-6)
        # ... and the text the learner reads says the same.
        assert ex.result["inputs"] == {"logits": z, "target": y, "temperature": t}  # what the page compares with
        assert ex.result["values"]["loss"] == st["loss"]
        chart = ex.static_svg()
        assert _shown_number(chart, f"loss = -log p[{y}] = ") == pytest.approx(want["loss"], abs=5e-5)
        assert _shown_number(chart, "logsumexp(z/T) = ") == pytest.approx(want["logsumexp"], abs=5e-5)
        shown = [float(x) for x in _texts(chart) if re.fullmatch(r"[+-]?\d\.\d{3}", x)]
        assert shown[:5] == pytest.approx(want["probs"], abs=5e-4)
        assert shown[5:10] == pytest.approx(want["grad"], abs=5e-4)


def test_logits_explorer_gradient_is_softmax_minus_onehot():
    ex = LogitsExplorer([0.5, 2.0, -1.0], 2)
    p = torch.tensor(ex.state()["probs"])
    assert ex.state()["grad"] == pytest.approx((p - F.one_hot(torch.tensor(2), 3)).tolist(), abs=1e-6)


def test_logits_explorer_temperature_slider_changes_the_loss():
    ex = LogitsExplorer([2.0, 0.0, -1.0], 1)
    ex.temperature = 4.0
    assert ex.state()["loss"] == pytest.approx(
        F.cross_entropy(torch.tensor([[0.5, 0.0, -0.25]]), torch.tensor([1])).item()
    )


def test_logits_explorer_widgets_follow_the_contract():
    ex = LogitsExplorer(np.array([0.0, 1.0, 2.0, 3.0]), 3, labels=["a", "b", "c", "d"])
    assert [s.description for s in ex.sliders] == ["z_0", "z_1", "z_2", "z_3"]
    assert all(s.min <= -6 and s.max >= 6 and s.step == pytest.approx(0.1) for s in ex.sliders)
    assert ex.target == 3
    assert ex.labels == ["a", "b", "c", "d"] and ex.named
    for css in ("l2l-logits-explorer", "l2l-loss", "l2l-error", "l2l-check", "l2l-logit-"):
        assert css in ex._esm
    # Logits beyond +-6 widen the slider range instead of being clipped.
    wide = LogitsExplorer([-9.5, 12.0], 0)
    assert [s.value for s in wide.sliders] == [-9.5, 12.0]


def test_many_classes_keep_the_summary_short():
    ex = LogitsExplorer(list(range(12)), 11)
    text = ex._repr_mimebundle_()[0]["text/plain"]
    assert "..." in text and len(text) < 200
    assert len(ex.sliders) == 12 and ex.state()["probs"] == pytest.approx(F.softmax(torch.arange(12.0), 0).tolist())


def test_target_is_marked_by_more_than_colour():
    ex = LogitsExplorer([0.0, 1.0, 2.0], 1)
    texts = _texts(ex.static_svg())
    assert texts.count("target") == 2  # under the probability bar and under the gradient bar
    assert 'stroke-width="3"' in ex.static_svg()  # thick outline


# ---------------------------------------------------------------- BinaryExplorer
def _torch_binary(z: float, y: int) -> dict:
    zt, yt = torch.tensor(z, dtype=torch.float32), torch.tensor(float(y))
    return {
        "sigmoid": torch.sigmoid(zt).item(),
        "bce_loss": torch.nn.BCELoss()(torch.sigmoid(zt), yt).item(),
        "bce_with_logits_loss": torch.nn.BCEWithLogitsLoss()(zt, yt).item(),
    }


def test_binary_explorer_shows_where_bce_and_bce_with_logits_part():
    ex = BinaryExplorer(20.0, 0)
    st = ex.state()
    assert st["sigmoid"] == 1.0
    assert st["bce_loss"] == pytest.approx(100.0) and st["bce_with_logits_loss"] == pytest.approx(20.0)
    assert st["loss"] == st["bce_with_logits_loss"]
    texts = _texts(ex.static_svg())
    assert "BCELoss = 100.0000" in texts and "BCEWithLogitsLoss = 20.0000" in texts
    assert "sigmoid(z) = 1 (exactly)" in texts and any(t.startswith("JUMP") for t in texts)
    # Below the float32 rounding point sigmoid is not 1 and the clamp is not hit.
    ex.logit = 16.6
    assert ex.state()["sigmoid"] < 1.0 and ex.state()["bce_loss"] < 20
    ex.logit = 16.7
    assert ex.state()["sigmoid"] == 1.0 and ex.state()["bce_loss"] == pytest.approx(100.0)
    # With y = 1 the two agree at z = 20.
    ex.logit = 20.0
    ex.target = 1
    assert ex.state()["bce_loss"] == pytest.approx(ex.state()["bce_with_logits_loss"], abs=1e-6)
    assert "they agree" in _texts(ex.static_svg())


def test_binary_explorer_numbers_equal_torch_modules():
    ex = BinaryExplorer(0.0, 1)
    rng = random.Random(2)
    for _ in range(30):
        ex.logit = round(rng.uniform(-30, 30), 1)
        ex.target = rng.randrange(2)
        want = _torch_binary(ex.logit, ex.target)
        st = ex.state()
        assert st["logit"] == ex.logit and st["target"] == ex.target
        for key, value in want.items():
            assert st[key] == value, key  # same float32 computation, same modules: exactly equal
        assert _shown_number(ex.static_svg(), "BCELoss = ") == pytest.approx(want["bce_loss"], abs=5e-5)
        assert _shown_number(ex.static_svg(), "BCEWithLogitsLoss = ") == pytest.approx(
            want["bce_with_logits_loss"], abs=5e-5
        )


def test_binary_explorer_contract_and_range():
    ex = BinaryExplorer(torch.tensor(2.5), np.float64(0.0))
    assert len(ex.sliders) == 1 and ex.sliders[0].min <= -30 and ex.sliders[0].max >= 30
    assert ex.target == 0 and ex.state()["target"] == 0 and ex.state()["logit"] == 2.5
    assert "l2l-binary-explorer" in ex._esm
    assert BinaryExplorer(45.0, 1).sliders[0].value == 45.0  # the range widens rather than clipping


@pytest.mark.parametrize(
    "z, y, error, words",
    [
        (0.0, 2, ValueError, "0 or 1"),
        (0.0, 0.5, ValueError, "0 or 1"),
        (0.0, "1", TypeError, "0 or 1"),
        (0.0, True, TypeError, "bool"),
        (float("nan"), 1, ValueError, "finite"),
        (float("inf"), 1, ValueError, "finite"),
        ("3", 1, TypeError, "real number"),
        ([1.0, 2.0], 1, TypeError, "real number"),
        (torch.tensor([1.0, 2.0]), 1, ValueError, "single number"),
    ],
)
def test_binary_explorer_rejects_bad_input(z, y, error, words):
    with pytest.raises(error, match=re.escape(words)):
        BinaryExplorer(z, y)


# ---------------------------------------------------------------- StabilityExplorer
def _torch_stability(logits, shift, scale, dtype):
    z = torch.tensor(logits, dtype=dtype) * scale + shift
    m = z.max()
    return {
        "z": z.tolist(),
        "exp": torch.exp(z).tolist(),
        "sum_exp": torch.exp(z).sum().item(),
        "max": m.item(),
        "overflow_at": torch.log(torch.tensor(torch.finfo(dtype).max, dtype=torch.float64)).item(),
        "naive": torch.log(torch.exp(z).sum()).item(),
        "max_trick": (m + torch.log(torch.exp(z - m).sum())).item(),
        "logsumexp": torch.logsumexp(z, dim=0).item(),
    }


def _same(a, b):
    """Equal floats, where nan equals nan and inf equals inf."""
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize(
    "dtype, safe, overflow",
    [("float16", 11.0, 11.2), ("float32", 88.7, 88.8), ("float64", 709.7, 709.8)],
)
def test_stability_explorer_overflows_exactly_where_the_dtype_does(dtype, safe, overflow):
    ex = StabilityExplorer([0.0], dtype=dtype)
    ex.shift = safe
    assert math.isfinite(ex.state()["naive"]) and math.isfinite(ex.state()["exp"][0])
    ex.shift = overflow
    st = ex.state()
    assert st["exp"] == [math.inf] and st["naive"] == math.inf
    assert math.isfinite(st["max_trick"]) and math.isfinite(st["logsumexp"])
    assert "naive=inf" in repr(ex)
    texts = _texts(ex.static_svg())
    assert "inf" in texts and "overflow!" in texts and any("the sum overflows" in t for t in texts)


def test_stability_explorer_1000_shift_and_dtype_switch_match_torch():
    ex = StabilityExplorer(torch.tensor([1000.0, 1000.0]))
    st = ex.state()
    assert st["naive"] == math.inf and st["logsumexp"] == pytest.approx(1000.6931, abs=1e-4)
    assert st["max_trick"] == pytest.approx(1000.6931, abs=1e-4)
    for dtype in ("float16", "float32", "float64"):
        ex.dtype = dtype
        for shift in (-1000.0, -50.0, 0.0, 5.0, 12.0, 90.0, 700.0, 1000.0):
            ex.shift = shift
            ex.scale = 0.5
            want = _torch_stability([1000.0, 1000.0], shift, 0.5, getattr(torch, dtype))
            st = ex.state()
            assert st["dtype"] == dtype
            for key, value in want.items():
                assert _same(st[key], value), (dtype, shift, key, st[key], value)


def test_stability_explorer_shows_nan_where_the_max_trick_meets_inf():
    # 60000 + 10000 is beyond float16's largest finite value: z = inf, and inf - inf = nan.
    ex = StabilityExplorer([60000.0, 1.0], shift=10000.0, dtype="float16")
    st = ex.state()
    assert st["z"][0] == math.inf and math.isnan(st["max_trick"])
    assert st["naive"] == math.inf and st["logsumexp"] == math.inf  # torch's own answer
    assert "max_trick=nan" in repr(ex) and "nan!" in _texts(ex.static_svg())
    assert ex.result["values"]["max_trick"] == "nan" and ex.result["values"]["naive"] == "inf"  # JSON has no inf
    ex.dtype = "float32"
    assert math.isfinite(ex.state()["max_trick"])


def test_stability_explorer_underflow_gives_minus_inf_for_the_naive_sum():
    ex = StabilityExplorer([0.0, 1.0], shift=-1000.0)
    st = ex.state()
    assert st["exp"] == [0.0, 0.0] and st["naive"] == -math.inf
    assert st["logsumexp"] == pytest.approx(-998.6867, abs=1e-3)


@pytest.mark.parametrize(
    "args, kwargs, error, words",
    [
        (([],), {}, ValueError, "between 1"),
        (([[1.0]],), {}, ValueError, "1-D"),
        (([float("inf")],), {}, ValueError, "finite"),
        ((None,), {}, TypeError, "tensor"),
        (([1.0],), {"dtype": "int32"}, ValueError, "float16, float32, float64"),
        (([1.0],), {"dtype": 3}, TypeError, "dtype"),
        (([1.0],), {"scale": -1.0}, ValueError, "scale"),
        (([1.0],), {"shift": "a"}, TypeError, "shift"),
    ],
)
def test_stability_explorer_rejects_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=re.escape(words)):
        StabilityExplorer(*args, **kwargs)


def test_stability_explorer_accepts_torch_dtypes():
    assert StabilityExplorer([1.0], dtype=torch.float64).dtype == "float64"


# ---------------------------------------------------------------- moves from the page
def test_a_move_from_the_page_is_recomputed_by_torch_and_values_set_in_python_stay_exact():
    """The page sends the new trait values; Python keeps exact values it was given (no grid snapping)."""
    ex = LogitsExplorer(SEED_LOGITS, 1)
    assert ex.state()["logits"] == SEED_LOGITS and ex.state()["loss"] == pytest.approx(2.3257, abs=1e-4)
    ex.set_state({"logits": [1.7, *SEED_LOGITS[1:]]})  # what the comm does when a slider moves
    assert ex.sliders[0].value == 1.7 and ex.state()["logits"][0] == 1.7
    assert ex.state()["loss"] == pytest.approx(_torch_logits([1.7, *SEED_LOGITS[1:]], 1, 1.0)["loss"], rel=1e-6)
    assert ex.result["inputs"]["logits"][0] == 1.7
    ex.set_state({"target": 3, "temperature": 0.5})
    assert ex.target == 3 and ex.temperature == 0.5 and ex.state()["target"] == 3
    b = BinaryExplorer(2.37, 0)
    assert b.state()["bce_with_logits_loss"] == _torch_binary(2.37, 0)["bce_with_logits_loss"]
    b.set_state({"logit": 2.4, "target": 1})
    assert b.state()["logit"] == 2.4 and b.state()["target"] == 1 and b.logit == 2.4 and b.target == 1


def test_a_bad_value_from_the_page_is_shown_not_raised():
    ex = LogitsExplorer([0.0, 1.0], 0)
    ex.set_state({"target": 5})
    assert isinstance(ex.last_error, ValueError) and "0..1" in ex.py_error
    ex.set_state({"target": 1})
    assert ex.last_error is None and ex.py_error == "" and ex.state()["target"] == 1


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "args, kwargs, error, words",
    [
        (([], 0), {}, ValueError, "between 2"),
        (([1.0], 0), {}, ValueError, "between 2"),
        (([[1.0, 2.0]], 0), {}, ValueError, "1-D"),
        ((torch.zeros(2, 3), 0), {}, ValueError, "1-D"),
        (([1.0, float("nan")], 0), {}, ValueError, "finite"),
        (([1.0, float("inf")], 0), {}, ValueError, "finite"),
        (("abc", 0), {}, TypeError, "tensor"),
        ((["a", "b"], 0), {}, TypeError, "real numbers"),
        ((torch.tensor([True, False]), 0), {}, TypeError, "real numbers"),
        (([1.0, 2.0], 2), {}, ValueError, "0..1"),
        (([1.0, 2.0], -1), {}, ValueError, "0..1"),
        (([1.0, 2.0], 1.0), {}, TypeError, "integer"),
        (([1.0, 2.0], True), {}, TypeError, "bool"),
        (([1.0, 2.0], "1"), {}, TypeError, "integer"),
        (([1.0, 2.0], 0), {"temperature": 0.0}, ValueError, "between 0.001 and 1000"),
        (([1.0, 2.0], 0), {"temperature": -1}, ValueError, "between 0.001 and 1000"),
        (([1.0, 2.0], 0), {"temperature": "hot"}, TypeError, "real number"),
        (([1.0, 2.0], 0), {"labels": ["a"]}, ValueError, "2 strings"),
        (([1.0, 2.0], 0), {"labels": "ab"}, TypeError, "list of 2 strings"),
    ],
)
def test_logits_explorer_rejects_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=re.escape(words)):
        LogitsExplorer(*args, **kwargs)


def test_logits_explorer_accepts_tensors_arrays_lists_and_integer_targets():
    for z in ([1, 2, 3], (1.0, 2.0, 3.0), np.array([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.0], requires_grad=True)):
        for y in (2, np.int64(2), torch.tensor(2)):
            assert LogitsExplorer(z, y).state()["target"] == 2


# ---------------------------------------------------------------- errors in callbacks
def test_an_error_during_an_update_shows_inside_the_explorer(monkeypatch):
    ex = LogitsExplorer([0.0, 1.0], 0)
    assert ex.py_error == "" and ex.last_error is None

    def broken():
        raise RuntimeError("forced failure for the test")

    monkeypatch.setattr(ex, "_compute", broken)
    ex.sliders[0].value = 1.0  # must not raise
    assert ex.py_error == "RuntimeError: forced failure for the test"  # the page shows this trait
    assert isinstance(ex.last_error, RuntimeError)
    monkeypatch.undo()
    ex.sliders[0].value = 2.0
    assert ex.py_error == "" and ex.last_error is None
    assert ex.state()["logits"] == [2.0, 1.0]


# ---------------------------------------------------------------- display bundle
def test_display_bundle_has_widget_view_svg_and_text_and_is_deterministic():
    bundles = [LogitsExplorer(SEED_LOGITS, 1)._repr_mimebundle_()[0] for _ in range(2)]
    for b in bundles:
        assert WIDGET_VIEW in b and b["image/svg+xml"].startswith("<svg") and b["text/plain"]
    assert bundles[0]["image/svg+xml"] == bundles[1]["image/svg+xml"]
    assert bundles[0]["text/plain"] == bundles[1]["text/plain"]
    assert bundles[0][WIDGET_VIEW] != bundles[1][WIDGET_VIEW]  # two different live models
    text = bundles[0]["text/plain"]
    assert text.startswith("LogitsExplorer: ") and "loss=2.3257" in text and len(text) < 200
    svg = bundles[0]["image/svg+xml"]
    assert "currentColor" not in svg and "var(--" not in svg and 'fill="#ffffff"' in svg
    assert " id=" not in svg


@pytest.mark.parametrize(
    "make, head",
    [
        (lambda: BinaryExplorer(20.0, 0), "BinaryExplorer: z=20, y=0"),
        (lambda: StabilityExplorer([1.0, 2.0], shift=100.0), "StabilityExplorer: dtype=float32"),
    ],
)
def test_every_explorer_bundle_is_deterministic(make, head):
    a, b = make()._repr_mimebundle_()[0], make()._repr_mimebundle_()[0]
    assert WIDGET_VIEW in a and a["text/plain"].startswith(head)
    assert a["image/svg+xml"] == b["image/svg+xml"] and a["text/plain"] == b["text/plain"]
    assert "currentColor" not in a["image/svg+xml"] and " id=" not in a["image/svg+xml"]


def test_static_svg_follows_the_current_state():
    ex = LogitsExplorer([0.0, 0.0], 0)
    before = ex._repr_mimebundle_()[0]["image/svg+xml"]
    ex.sliders[1].value = 3.0
    after = ex._repr_mimebundle_()[0]
    assert after["image/svg+xml"] != before
    assert f"loss={ex.state()['loss']:.4f}" in after["text/plain"]


def test_live_view_follows_the_theme():
    ex = LogitsExplorer([0.0, 1.0], 0)
    assert "--jp-ui-font-color1" in ex._css and "--jp-layout-color0" in ex._css
    assert '"currentColor"' in ex._esm  # chart ink follows the theme's text colour


# ---------------------------------------------------------------- fuzz
def _fuzz(ex, moves, rng, controls):
    for _ in range(moves):
        widget, values = rng.choice(controls)
        widget.value = rng.choice(values) if isinstance(values, list) else rng.uniform(*values)


def _extremes_and_range(slider):
    return [slider.min, slider.max, 0.0, slider.min + slider.step, slider.max - slider.step]


def test_fuzzing_the_logits_explorer_never_raises_leaks_or_grows():
    ex = LogitsExplorer(SEED_LOGITS, 1)
    rng = random.Random(0)
    controls = [(s, _extremes_and_range(s)) for s in ex.sliders]
    controls += [(s, (s.min, s.max)) for s in ex.sliders]
    target, temperature = (
        Control(ex, "target"),
        Control(ex, "temperature", min=ex.temperature_min, max=ex.temperature_max, step=0.05),
    )
    controls += [(target, list(range(5))), (temperature, _extremes_and_range(temperature))]
    controls += [(temperature, (temperature.min, temperature.max))]
    figs = len(plt.get_fignums())
    _fuzz(ex, 1700, rng, controls)  # 1,700 + 300 = 2,000 moves
    assert ex.last_error is None, ex.py_error
    gc.collect()
    objects = len(gc.get_objects())
    tracemalloc.start()  # slows every allocation down: measure growth over a shorter run
    base = tracemalloc.get_traced_memory()[0]
    _fuzz(ex, 300, rng, controls)
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    gc.collect()
    assert len(gc.get_objects()) - objects < 200, "Python objects grew over 300 updates"
    assert ex.last_error is None, ex.py_error
    assert len(plt.get_fignums()) == figs
    assert grown < 256 * 1024, f"memory grew by {grown} bytes over 300 updates"
    st = ex.state()
    want = _torch_logits(st["logits"], st["target"], st["temperature"])
    assert st["loss"] == pytest.approx(want["loss"], rel=1e-6) and math.isfinite(st["loss"])


def test_fuzzing_binary_stability_distribution_explorers_shows_extremes_and_never_raises():
    rng = random.Random(3)
    b = BinaryExplorer(0.0, 1)
    s = StabilityExplorer([1.5, -0.3, 2.0])
    figs = len(plt.get_fignums())
    bz = b.sliders[0]
    b_controls = [(bz, _extremes_and_range(bz)), (bz, (bz.min, bz.max)), (Control(b, "target"), [0, 1])]
    s_controls = [(w, _extremes_and_range(w)) for w in s.sliders] + [(w, (w.min, w.max)) for w in s.sliders]
    s_controls += [(Control(s, "dtype"), ["float16", "float32", "float64"])]
    d = DistributionExplorer([1.0, 0.0, -1.0], [0.5, 0.3, 0.2])
    d_controls = [(w, (w.min, w.max)) for w in d.sliders + d.q_sliders] + [(Control(d, "unit"), ["nats", "bits"])]
    _fuzz(b, 1800, rng, b_controls)  # 1,800 + 200 = 2,000 moves each
    _fuzz(s, 1800, rng, s_controls)
    _fuzz(d, 1800, rng, d_controls)
    gc.collect()
    objects = len(gc.get_objects())
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    _fuzz(b, 200, rng, b_controls)
    _fuzz(s, 200, rng, s_controls)
    _fuzz(d, 200, rng, d_controls)
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    gc.collect()
    assert len(gc.get_objects()) - objects < 200, "Python objects grew over 600 updates"
    assert d.last_error is None and sum(d.q) == pytest.approx(1.0)
    assert b.last_error is None and s.last_error is None, (b.py_error, s.py_error)
    assert len(plt.get_fignums()) == figs
    assert grown < 256 * 1024
    # the extreme corner renders inf, as float16 produces it
    s.dtype, s.shift, s.scale = "float16", s.sliders[0].max, s.sliders[1].max
    assert s.last_error is None and s.state()["naive"] == math.inf and "naive=inf" in repr(s)


# ---------------------------------------------------------------- fixes from issues 11 and 12
def test_binary_hint_gives_drift_and_jump_points_that_torch_confirms_on_the_slider_grid():
    ex = BinaryExplorer(0.0, 0)
    drift, jump = ex.landmarks["drift_from"], ex.landmarks["jump_at"]
    assert 8 < drift < jump and 16 < jump < 17 and ex.sliders[0].step == pytest.approx(0.1)
    assert f"z = {drift:.1f}" in ex.hint and f"z = {jump:.1f}" in ex.hint and "100" in ex.hint
    ex.logit = jump
    assert ex.state()["sigmoid"] == 1.0 and ex.state()["bce_loss"] == pytest.approx(100.0)
    ex.logit = round(jump - 0.1, 1)
    st = ex.state()
    assert st["sigmoid"] < 1.0 and st["bce_loss"] < st["bce_with_logits_loss"]  # drifted, not jumped
    assert any(t.startswith("DRIFT") for t in _texts(ex.static_svg()))
    ex.logit = drift
    assert abs(ex.state()["gap"]) / ex.state()["bce_with_logits_loss"] > 1e-4
    ex.logit = round(drift - 0.1, 1)
    assert abs(ex.state()["gap"]) / ex.state()["bce_with_logits_loss"] <= 1e-4


def test_stability_gauge_shows_logsumexp_and_underflow_is_called_underflow():
    # logsumexp of [1, 2, 3] + b passes 88.72 before max z does: the gauge marks logsumexp
    ex = StabilityExplorer([1.0, 2.0, 3.0], shift=85.4)
    st = ex.state()
    assert st["max"] < st["overflow_at"] < torch.logsumexp(torch.tensor([86.4, 87.4, 88.4]), 0).item()
    assert st["naive"] == math.inf
    texts = _texts(ex.static_svg())
    assert any(t.startswith("| logsumexp(z) = 88.80") and "the sum overflows" in t for t in texts), texts
    ex.shift = -200.0
    texts = _texts(ex.static_svg())
    assert ex.state()["naive"] == -math.inf and "underflow!" in texts and "overflow!" not in texts
    assert any("underflow to 0" in t for t in texts)
    assert ex.state()["underflow_at"] == pytest.approx(math.log(2.0**-150))


# ---------------------------------------------------------------- DistributionExplorer
def test_distribution_explorer_equals_torch_and_cross_entropy_is_entropy_plus_kl():
    ex = DistributionExplorer([2.0, 0.5, -1.0], [0.9, 0.05, 0.05], labels=["cat", "dog", "fox"])
    rng = random.Random(5)
    for _ in range(20):
        ex.sliders[rng.randrange(3)].value = round(rng.uniform(-6, 6), 1)
        ex.q_sliders[rng.randrange(3)].value = round(rng.uniform(0, 1), 2)
        z, q = torch.tensor(ex.logits), torch.tensor(ex.q)
        assert sum(ex.q) == pytest.approx(1.0, abs=1e-12) and min(ex.q) >= 0
        st = ex.state()
        assert st["entropy"] == pytest.approx(-(q * q.log()).nan_to_num().sum().item(), abs=1e-6)
        assert st["kl"] == pytest.approx(F.kl_div(F.log_softmax(z, 0), q, reduction="sum").item(), abs=1e-6)
        assert st["cross_entropy"] == pytest.approx(F.cross_entropy(z[None], q[None]).item(), abs=1e-6)
        assert st["cross_entropy"] == pytest.approx(st["entropy"] + st["kl"], abs=1e-5)
        assert st["cross_entropy"] >= st["floor"] - 1e-6 and st["kl"] >= -1e-6
    bits = ex.state()["cross_entropy"] / math.log(2)
    ex.unit = "bits"
    assert ex.state()["cross_entropy"] == pytest.approx(bits, rel=1e-6) and "bits" in repr(ex)


def test_distribution_q_stays_normalised_like_the_page_does():
    from helper.explorers.distribution import renormalise

    assert renormalise([0.5, 0.25, 0.25], 0, 0.8) == pytest.approx([0.8, 0.1, 0.1])
    assert renormalise([1.0, 0.0, 0.0], 0, 0.4) == pytest.approx([0.4, 0.3, 0.3])  # others were all 0
    assert renormalise([0.2, 0.8], 1, 1.7) == pytest.approx([0.0, 1.0])  # clipped to [0, 1]
    ex = DistributionExplorer([0.0, 0.0, 0.0, 0.0], [1, 1, 1, 1])
    assert ex.q == [0.25] * 4 and ex.state()["entropy"] == pytest.approx(math.log(4), rel=1e-6)
    assert ex.state()["kl"] == pytest.approx(0.0, abs=1e-6)  # p = q: the loss sits on its floor


@pytest.mark.parametrize(
    "args, kwargs, error, words",
    [
        (([0.0, 1.0], [0.5]), {}, ValueError, "between 2 and 2"),
        (([0.0, 1.0], [-0.5, 1.5]), {}, ValueError, "non-negative"),
        (([0.0, 1.0], [0.0, 0.0]), {}, ValueError, "positive entry"),
        (([0.0, 1.0], [0.5, 0.5]), {"unit": "bytes"}, ValueError, "'nats' or 'bits'"),
        (([0.0, 1.0], [0.5, 0.5]), {"unit": 2}, TypeError, "'nats' or 'bits'"),
        (([0.0, 1.0], "ab"), {}, TypeError, "tensor"),
        (([0.0, 1.0], [0.5, 0.5]), {"labels": ["a"]}, ValueError, "2 strings"),
    ],
)
def test_distribution_explorer_rejects_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=re.escape(words)):
        DistributionExplorer(*args, **kwargs)


def test_distribution_bundle_is_deterministic():
    a = DistributionExplorer([1.0, 0.0], [0.7, 0.3])._repr_mimebundle_()[0]
    b = DistributionExplorer([1.0, 0.0], [0.7, 0.3])._repr_mimebundle_()[0]
    assert a["text/plain"] == b["text/plain"] and a["image/svg+xml"] == b["image/svg+xml"]
    assert a["text/plain"].startswith("DistributionExplorer: z=[1, 0], q=[0.7, 0.3], H(q)=0.6109")
    assert WIDGET_VIEW in a and " id=" not in a["image/svg+xml"]
