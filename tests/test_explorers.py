"""The live explorers: every number they show equals torch's own, updates never raise or leak.

Slider moves and target changes are simulated by assigning ``.value``, exactly as
the front end does through the widget comm.
"""

from __future__ import annotations

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

from helper.explorers import LogitsExplorer  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

SEED_LOGITS = [1.5410, -0.2934, -2.1788, 0.5684, -1.0845]


def _texts(markup: str) -> list[str]:
    """The text nodes of an HTML/SVG string, in order."""
    return [t.strip() for t in re.findall(r">([^<>]+)<", markup) if t.strip()]


def _shown_number(markup: str, prefix: str) -> float:
    """The number after ``prefix`` in the text of ``markup`` (e.g. ``"loss = "``)."""
    for t in _texts(markup):
        if t.startswith(prefix):
            return float(t[len(prefix):].split()[0])
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
    assert _texts(ex.loss.value) == ["loss = 2.3257"]


@pytest.mark.parametrize("t", [1.0, 0.3, 2.5])
def test_logits_explorer_numbers_equal_torch_after_moves(t):
    ex = LogitsExplorer(torch.tensor(SEED_LOGITS), 1, temperature=t)
    rng = random.Random(1)
    for _ in range(20):
        ex.sliders[rng.randrange(5)].value = round(rng.uniform(-6, 6), 1)
        ex.target.value = rng.randrange(5)
        z, y = [s.value for s in ex.sliders], ex.target.value
        want = _torch_logits(z, y, t)
        st = ex.state()
        assert st["logits"] == z and st["target"] == y and st["temperature"] == t
        for key in ("probs", "grad"):
            assert st[key] == pytest.approx(want[key], rel=1e-6, abs=1e-7), key
        assert st["loss"] == pytest.approx(want["loss"], rel=1e-6)
        assert st["logsumexp"] == pytest.approx(want["logsumexp"], rel=1e-6)
        # ... and the text the learner reads says the same.
        assert _shown_number(ex.loss.value, "loss = ") == pytest.approx(want["loss"], abs=5e-5)
        chart = ex.chart.value
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
    ex.temperature.value = 4.0
    assert ex.state()["loss"] == pytest.approx(F.cross_entropy(torch.tensor([[0.5, 0.0, -0.25]]), torch.tensor([1])).item())


def test_logits_explorer_widgets_follow_the_contract():
    ex = LogitsExplorer(np.array([0.0, 1.0, 2.0, 3.0]), 3, labels=["a", "b", "c", "d"])
    assert [s.description for s in ex.sliders] == ["z_0", "z_1", "z_2", "z_3"]
    assert all(s.min <= -6 and s.max >= 6 and s.step == pytest.approx(0.1) for s in ex.sliders)
    assert ex.target.value == 3
    assert {"l2l-explorer", "l2l-logits-explorer"} <= set(ex._dom_classes)
    assert "l2l-loss" in ex.loss._dom_classes and "l2l-error" in ex.error._dom_classes
    # Logits beyond +-6 widen the slider range instead of being clipped.
    wide = LogitsExplorer([-9.5, 12.0], 0)
    assert [s.value for s in wide.sliders] == [-9.5, 12.0]


def test_target_is_marked_by_more_than_colour():
    ex = LogitsExplorer([0.0, 1.0, 2.0], 1)
    texts = _texts(ex.chart.value)
    assert texts.count("target") == 2  # under the probability bar and under the gradient bar
    assert 'stroke-width="3"' in ex.chart.value  # thick outline


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
        (([1.0, 2.0], 0), {"temperature": 0.0}, ValueError, "> 0"),
        (([1.0, 2.0], 0), {"temperature": -1}, ValueError, "> 0"),
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
    assert ex.error.layout.display == "none"

    def broken():
        raise RuntimeError("forced failure for the test")

    monkeypatch.setattr(ex, "_compute", broken)
    ex.sliders[0].value = 1.0  # must not raise
    assert ex.error.layout.display != "none"
    assert "RuntimeError: forced failure for the test" in ex.error.value
    assert isinstance(ex.last_error, RuntimeError)
    monkeypatch.undo()
    ex.sliders[0].value = 2.0
    assert ex.error.layout.display == "none" and ex.error.value == ""
    assert ex.state()["logits"] == [2.0, 1.0]


# ---------------------------------------------------------------- display bundle
def test_display_bundle_has_widget_view_svg_and_text_and_is_deterministic():
    bundles = [LogitsExplorer(SEED_LOGITS, 1)._repr_mimebundle_() for _ in range(2)]
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


def test_static_svg_follows_the_current_state():
    ex = LogitsExplorer([0.0, 0.0], 0)
    before = ex._repr_mimebundle_()["image/svg+xml"]
    ex.sliders[1].value = 3.0
    after = ex._repr_mimebundle_()
    assert after["image/svg+xml"] != before
    assert f"loss={ex.state()['loss']:.4f}" in after["text/plain"]


def test_live_chart_follows_the_theme():
    ex = LogitsExplorer([0.0, 1.0], 0)
    assert "currentColor" in ex.chart.value and "--jp-ui-font-color1" in ex.chart.value


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
    controls += [(ex.target, list(range(5))), (ex.temperature, _extremes_and_range(ex.temperature))]
    controls += [(ex.temperature, (ex.temperature.min, ex.temperature.max))]
    figs = len(plt.get_fignums())
    _fuzz(ex, 200, rng, controls)  # warm caches before measuring memory
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    _fuzz(ex, 1500, rng, controls)
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert ex.last_error is None, ex.error.value
    assert len(plt.get_fignums()) == figs
    assert grown < 512 * 1024, f"memory grew by {grown} bytes over 1500 updates"
    st = ex.state()
    want = _torch_logits(st["logits"], st["target"], st["temperature"])
    assert st["loss"] == pytest.approx(want["loss"], rel=1e-6) and math.isfinite(st["loss"])
