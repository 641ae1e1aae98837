"""helper.plots: static figures built from torch numbers, without pyplot, readable and colour-blind safe."""

from __future__ import annotations

import io

import matplotlib
import pytest
import torch
import torch.nn.functional as F
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from helper import plots
from helper.facts import BCE_CLAMPED_LOSS
from helper.plots import (
    PALETTE,
    bce_parting,
    bce_parting_data,
    first_z_where_sigmoid_is_one,
    loss_curve_data,
    loss_curves,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (only to prove the figures are not registered with it)

FIGURES = [loss_curves, bce_parting]


@pytest.mark.parametrize("make", FIGURES, ids=lambda f: f.__name__)
def test_returns_a_figure_that_pyplot_does_not_track(make):
    before = plt.get_fignums()
    fig = make()
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before, "the figure leaked into pyplot's registry"
    assert getattr(fig.canvas, "manager", None) is None


def test_loss_curves_repr_is_what_the_notebook_shows_as_text():
    assert repr(loss_curves()) == "<Figure size 1000x340 with 2 Axes>"
    assert repr(bce_parting()) == "<Figure size 700x400 with 1 Axes>"


@pytest.mark.parametrize("make", FIGURES, ids=lambda f: f.__name__)
def test_renders_to_png(make):
    buf = io.BytesIO()
    make().savefig(buf, format="png", dpi=50)
    assert buf.getvalue().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("make", FIGURES, ids=lambda f: f.__name__)
def test_lines_use_the_colour_blind_safe_palette_and_readable_fonts(make):
    fig = make()
    allowed = {to_hex(c) for c in PALETTE.values()}
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if ln.get_label() and not ln.get_label().startswith("_")]
        assert lines, "every axes shows at least one labelled curve"
        for ln in lines:
            assert to_hex(ln.get_color()) in allowed, f"{ln.get_label()} uses {ln.get_color()}"
        curve_colours = [to_hex(ln.get_color()) for ln in lines]
        assert len(set(curve_colours)) == len(curve_colours), "two curves share a colour"
        assert ax.xaxis.label.get_fontsize() >= 11 and ax.yaxis.label.get_fontsize() >= 11
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
        for tick in ax.get_xticklabels() + ax.get_yticklabels():
            assert tick.get_fontsize() >= 10
    # Cross-entropy and the safe loss are solid, the other one dashed: distinct without colour too.
    styles = {ln.get_label(): ln.get_linestyle() for ax in fig.axes for ln in ax.get_lines()}
    assert "--" in styles.values() and "-" in styles.values()


def test_loss_curve_data_matches_the_closed_forms():
    d = loss_curve_data(3, points=101)
    p = d["p_target"]
    assert torch.allclose(d["ce"], -torch.log(p))
    assert torch.allclose(d["ce_grad"], p - 1)  # softmax - onehot, at the target
    # Squared error between softmax and one-hot, with the 2 other classes sharing 1 - p.
    assert torch.allclose(d["mse"], (1 - p) ** 2 + 2 * ((1 - p) / 2) ** 2)
    assert p[0] < 0.002 and p[-1] > 0.998 and bool((p.diff() > 0).all())


def test_mse_gradient_vanishes_where_cross_entropy_keeps_pushing():
    d = loss_curve_data(3)
    assert d["ce_grad"][0] < -0.99
    assert abs(d["mse_grad"][0]) < 0.01
    assert d["mse"].max() < 2 and d["ce"].max() > 6


def test_loss_curve_data_gradient_agrees_with_autograd_on_one_point():
    d = loss_curve_data(4, points=11)
    i = 3
    z = torch.zeros(1, 4, dtype=torch.float64)
    z[0, 0] = torch.log(d["p_target"][i] / (1 - d["p_target"][i]) * 3)  # the logit giving that p
    z.requires_grad_(True)
    mse = ((torch.softmax(z, 1) - F.one_hot(torch.tensor([0]), 4)) ** 2).sum()
    mse.backward()
    assert torch.allclose(z.grad[0, 0], d["mse_grad"][i])


def test_the_plotted_curves_are_the_data():
    fig = loss_curves(3, points=51)
    d = loss_curve_data(3, points=51)
    left, right = fig.axes
    by_label = {ln.get_label(): ln.get_ydata() for ln in left.get_lines()}
    assert torch.allclose(torch.as_tensor(by_label["cross-entropy"]), d["ce"])
    grads = {ln.get_label(): ln.get_ydata() for ln in right.get_lines()}
    assert torch.allclose(torch.as_tensor(grads["squared error"]), d["mse_grad"])


def test_bce_parting_shows_the_clamp_at_100():
    d = bce_parting_data(0.0, z_max=30.0, points=31)
    z = d["z"]
    assert d["bce"][z == 20].item() == BCE_CLAMPED_LOSS
    assert d["bce_logits"][z == 20].item() == pytest.approx(20.0)
    ordinary = z <= 10
    assert torch.allclose(d["bce"][ordinary], d["bce_logits"][ordinary], rtol=1e-4)
    first_one = z[torch.sigmoid(z) == 1.0][0].item()
    assert 16 < first_one <= 17


def test_bce_parting_marks_where_sigmoid_reaches_one():
    labels = [ln.get_label() for ln in bce_parting().axes[0].get_lines()]
    assert "sigmoid(z) == 1.0 from z = 16.64" in labels


def test_bce_parting_for_a_positive_target_has_both_losses_vanish():
    d = bce_parting_data(1.0, z_max=30.0, points=7)
    assert d["bce"][-1].item() == 0.0 and d["bce_logits"][-1].item() < 1e-12


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: loss_curves(1), ValueError, "num_classes must be an int >= 2, got 1"),
        (lambda: loss_curves(2.5), TypeError, "num_classes must be an int >= 2, got float"),
        (lambda: loss_curves(True), TypeError, "num_classes must be an int"),
        (lambda: loss_curves(3, points=1), ValueError, "points must be an int >= 2"),
        (lambda: bce_parting(2.0), ValueError, "y must be a number in [0, 1], got 2.0"),
        (lambda: bce_parting("0"), TypeError, "y must be a number in [0, 1], got str"),
        (lambda: bce_parting(0.0, z_max=-1), ValueError, "z_max must be a positive number"),
    ],
)
def test_bad_input_is_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_public_names():
    assert set(plots.__all__) == {
        "PALETTE",
        "Described",
        "described",
        "loss_curves",
        "loss_curve_data",
        "bce_parting",
        "bce_parting_data",
        "first_z_where_sigmoid_is_one",
        "step_size_errors",
    }


def test_described_figure_carries_its_alt_text_as_text_and_image_metadata():
    alt = "Two curves of the loss against z; they part at z = 16.6."
    bundle, metadata = plots.described(bce_parting(points=61), alt)._repr_mimebundle_()
    assert bundle["text/plain"] == alt and metadata == {"image/png": {"alt": alt}}
    import base64

    assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="alt"):
        plots.described(bce_parting(points=61), "a plot")
    with pytest.raises(TypeError, match="matplotlib Figure"):
        plots.described("not a figure", alt)


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64])
def test_first_z_where_sigmoid_is_one_is_the_exact_float_boundary(dtype):
    z = torch.tensor(first_z_where_sigmoid_is_one(dtype), dtype=dtype)
    assert torch.sigmoid(z).item() == 1.0
    below = torch.nextafter(z, torch.tensor(0.0, dtype=dtype))
    assert torch.sigmoid(below).item() < 1.0


def test_float32_boundary_is_about_16_64():
    assert first_z_where_sigmoid_is_one() == pytest.approx(16.6355, abs=1e-4)
    with pytest.raises(TypeError, match="dtype must be a torch floating dtype"):
        first_z_where_sigmoid_is_one(torch.int32)


def test_step_size_errors_draws_one_line_per_method_and_refuses_bad_input():
    h = torch.logspace(-1, -5, 5, dtype=torch.float64)
    fig = plots.step_size_errors(h, {"forward": h.clone(), "central": torch.cat([h[:4] ** 2, torch.zeros(1)])})
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.get_lines()] == ["forward", "central"]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert min(ax.get_lines()[1].get_ydata()) > 0  # the exact zero is drawn at the bottom, not lost
    with pytest.raises(ValueError, match="positive steps"):
        plots.step_size_errors(-h, {"forward": h})
    with pytest.raises(ValueError, match="shaped like h"):
        plots.step_size_errors(h, {"forward": h[:2]})
