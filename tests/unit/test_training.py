"""helper.training and helper.training_view: each piece against torch (autograd, LBFGS) or a plain loop."""

from __future__ import annotations

import math

import matplotlib
import pytest
import torch
import torch.nn.functional as F
from fp_bounds import cross_entropy_gradient_error
from matplotlib.figure import Figure

import helper
import helper.explorers
from helper.explorers._base import Explorer
from helper.explorers._esm import compose
from helper.explorers.training import _grid_points
from helper.training import (
    History,
    calibration_bins,
    expected_calibration_error,
    fit_temperature,
    gradients_by_hand,
    make_blobs,
    reliability_diagram,
    train,
    training_curves,
)
from helper.training_view import TrainingPlayer


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(40, seed=0)


# ---------------------------------------------------------------- data
def test_blobs_are_seeded_balanced_and_leave_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    X, y = make_blobs(7, seed=3)
    assert torch.equal(torch.random.get_rng_state(), before)
    X2, y2 = make_blobs(7, seed=3)
    assert X.shape == (21, 2) and X.dtype == torch.float32 and y.dtype == torch.long
    assert torch.equal(X, X2) and torch.equal(y, y2)
    assert torch.bincount(y).tolist() == [7, 7, 7]
    assert not torch.equal(X, make_blobs(7, seed=4)[0])


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_per_class": 0, "seed": 0}, ValueError),
        ({"n_per_class": 2.0, "seed": 0}, TypeError),
        ({"n_per_class": 2, "seed": -1}, ValueError),
        ({"n_per_class": 2, "seed": 0, "spread": 0.0}, ValueError),
        ({"n_per_class": 2, "seed": 0, "spread": "1"}, TypeError),
    ],
)
def test_blobs_reject_bad_arguments_clearly(kwargs, error):
    n = kwargs.pop("n_per_class")
    with pytest.raises(error, match="n_per_class|seed|spread"):
        make_blobs(n, **kwargs)


# ---------------------------------------------------------------- gradient and training
def test_hand_gradient_equals_autograd_in_float64():
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(50, 4, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 5, (50,), generator=gen)
    W = torch.randn(5, 4, generator=gen, dtype=torch.float64, requires_grad=True)
    b = torch.randn(5, generator=gen, dtype=torch.float64, requires_grad=True)
    F.cross_entropy(X @ W.T + b, y).backward()
    dW, db = gradients_by_hand(W.detach(), b.detach(), X, y)
    torch.testing.assert_close(dW, W.grad, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(db, b.grad, rtol=1e-12, atol=1e-12)


def test_training_by_hand_and_with_autograd_give_the_same_run(blobs):
    """Every step's float32 gradient, by hand and by autograd, within its derived bound of float64.

    Comparing two whole float32 runs would need a bound on how 30 steps amplify rounding; instead
    each step is checked where it happens: from the by-hand run's own W_t, b_t, both float32
    gradients lie within `fp_bounds.cross_entropy_gradient_error` of the float64 gradient of the
    same float32 parameters, so the hand formula is right to the last bit that float32 allows, on
    any CPU and BLAS path.
    """
    X, y = blobs
    a = train(X, y, steps=30, lr=0.5)
    b = train(X, y, steps=30, lr=0.5, gradient="autograd")
    assert a.steps == 30 and a.W.shape == (31, 3, 2) and a.b.shape == (31, 3)
    worst = 0.0
    for step in range(a.steps + 1):
        W, bias = a.W[step], a.b[step]
        dW64, db64 = gradients_by_hand(W.double(), bias.double(), X.double(), y)
        by_hand = gradients_by_hand(W, bias, X, y)
        leaf_W, leaf_b = W.clone().requires_grad_(True), bias.clone().requires_grad_(True)
        auto = torch.autograd.grad(F.cross_entropy(X @ leaf_W.T + leaf_b, y), (leaf_W, leaf_b))
        for (dW, db), through_log_softmax in ((by_hand, False), (auto, True)):
            bound_W, bound_b = cross_entropy_gradient_error(X, W, bias, y, through_log_softmax=through_log_softmax)
            assert bool(((dW.double() - dW64).abs() <= bound_W).all()), (step, through_log_softmax)
            assert bool(((db.double() - db64).abs() <= bound_b).all()), (step, through_log_softmax)
            worst = max(worst, float(((dW.double() - dW64).abs() / bound_W).max()))
    assert worst > 0.0  # float32 did round somewhere: the comparison is not vacuous
    assert torch.equal(a.W[0], b.W[0]) and torch.equal(a.loss[0], b.loss[0])  # both start at W = 0
    assert math.isclose(a.loss[0].item(), math.log(3), rel_tol=1e-6)
    assert a.accuracy[0].item() == pytest.approx(1 / 3)  # every argmax is class 0 at W = 0
    assert a.logit_norm[0].item() == 0.0
    assert bool((a.loss[1:] < a.loss[:-1]).all()), "full-batch GD at lr 0.5 on this convex loss must descend"
    assert a.logit_norm[-1] > a.logit_norm[1]


def test_history_records_what_torch_computes_at_every_step(blobs):
    X, y = blobs
    h = train(X, y, steps=5, lr=0.3)
    for k in (0, 3, 5):
        Z = h.logits(X, k)
        torch.testing.assert_close(Z, X @ h.W[k].T + h.b[k])
        torch.testing.assert_close(h.loss[k], F.cross_entropy(Z, y))
        torch.testing.assert_close(h.cross_entropy[k], F.cross_entropy(Z, y))
        torch.testing.assert_close(h.logit_norm[k], torch.linalg.vector_norm(Z, dim=1).mean())
        assert h.accuracy[k].item() == pytest.approx((Z.argmax(1) == y).float().mean().item())
    torch.testing.assert_close(h.logits(X), h.logits(X, 5))


def test_softmax_first_trains_the_buggy_loss_and_records_the_real_one(blobs):
    X, y = blobs
    h = train(X, y, steps=10, lr=0.5, gradient="autograd", softmax_first=True)
    Z = h.logits(X, 10)
    torch.testing.assert_close(h.loss[10], F.cross_entropy(torch.softmax(Z, dim=1), y))
    torch.testing.assert_close(h.cross_entropy[10], F.cross_entropy(Z, y))
    assert h.loss[10] > math.log(1 + 2 / math.e)  # notebook 07's floor of the bug


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"steps": -1, "lr": 0.5}, ValueError, "steps"),
        ({"steps": 3, "lr": 0.0}, ValueError, "lr"),
        ({"steps": 3, "lr": 0.5, "gradient": "numeric"}, ValueError, "gradient"),
        ({"steps": 3, "lr": 0.5, "softmax_first": True}, ValueError, "autograd"),
    ],
)
def test_train_rejects_bad_arguments_clearly(blobs, kwargs, error, words):
    X, y = blobs
    with pytest.raises(error, match=words):
        train(X, y, **kwargs)


def test_train_rejects_bad_data_clearly(blobs):
    X, y = blobs
    with pytest.raises(TypeError, match="y must be a 1-D int64"):
        train(X, y.float(), steps=1, lr=0.1)
    with pytest.raises(TypeError, match="X must be a 2-D float"):
        train(X[:, 0], y, steps=1, lr=0.1)
    with pytest.raises(ValueError, match="same length"):
        train(X[:-1], y, steps=1, lr=0.1)


# ---------------------------------------------------------------- calibration
def _loop_bins(probs, labels, bins):
    """Reference: a plain Python loop over (k/bins, (k+1)/bins]."""
    out = []
    for p, t in zip(probs.tolist(), labels.tolist()):
        c = max(p)
        k = max(0, math.ceil(c * bins) - 1)
        out.append((min(k, bins - 1), c, float(p.index(c) == t)))
    rows = []
    for k in range(bins):
        members = [(c, ok) for kk, c, ok in out if kk == k]
        n = len(members)
        rows.append(
            (n, sum(c for c, _ in members) / n if n else math.nan, sum(ok for _, ok in members) / n if n else math.nan)
        )
    return rows


def test_calibration_bins_match_a_plain_loop():
    gen = torch.Generator().manual_seed(5)
    probs = torch.softmax(3 * torch.randn(500, 4, generator=gen, dtype=torch.float64), dim=1)
    labels = torch.randint(0, 4, (500,), generator=gen)
    table = calibration_bins(probs, labels, bins=10)
    for k, (n, conf, acc) in enumerate(_loop_bins(probs, labels, 10)):
        assert table["count"][k].item() == n
        if n:
            assert table["confidence"][k].item() == pytest.approx(conf, rel=1e-12)
            assert table["accuracy"][k].item() == pytest.approx(acc, rel=1e-12)
        else:
            assert math.isnan(table["confidence"][k].item()) and math.isnan(table["accuracy"][k].item())
    ece = sum(n * abs(acc - conf) for n, conf, acc in _loop_bins(probs, labels, 10) if n) / 500
    assert expected_calibration_error(probs, labels) == pytest.approx(ece, rel=1e-12)


def test_bin_edges_are_closed_on_the_right():
    probs = torch.tensor([[0.5, 0.5, 0.0], [0.6, 0.4, 0.0], [1.0, 0.0, 0.0]], dtype=torch.float64)
    table = calibration_bins(probs, torch.tensor([0, 0, 1]), bins=10)
    assert table["count"].tolist() == [0, 0, 0, 0, 1, 1, 0, 0, 0, 1]  # 0.5 in (0.4, 0.5], 0.6 in (0.5, 0.6]


def test_ece_is_zero_when_confidence_equals_accuracy_and_large_when_not():
    # Four rows at confidence 0.75, three of them right: calibrated.
    probs = torch.tensor([[0.75, 0.25]] * 4)
    assert expected_calibration_error(probs, torch.tensor([0, 0, 0, 1])) == pytest.approx(0.0, abs=1e-12)
    assert expected_calibration_error(probs, torch.tensor([1, 1, 1, 1])) == pytest.approx(0.75)


def test_calibration_rejects_bad_input_clearly():
    with pytest.raises(TypeError, match="probs must be a 2-D float"):
        calibration_bins(torch.tensor([0.2, 0.8]), torch.tensor([1]))
    with pytest.raises(ValueError, match="bins must be an int >= 1"):
        calibration_bins(torch.tensor([[0.2, 0.8]]), torch.tensor([1]), bins=0)


def test_fitted_temperature_agrees_with_lbfgs_on_log_t():
    gen = torch.Generator().manual_seed(7)
    true_logits = 2 * torch.randn(4000, 3, generator=gen, dtype=torch.float64)
    labels = torch.multinomial(torch.softmax(true_logits, dim=1), 1, generator=gen).squeeze(1)
    logits = 2.5 * true_logits  # overconfident by a factor 2.5
    T = fit_temperature(logits, labels)
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.5, max_iter=100, tolerance_grad=1e-12, tolerance_change=1e-14)

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    opt.step(closure)
    assert T == pytest.approx(log_t.exp().item(), rel=2e-3)
    assert T == pytest.approx(2.5, rel=0.1)


def test_the_temperature_search_scores_each_t_with_cross_entropy():
    from helper.training import _nll_per_temperature

    gen = torch.Generator().manual_seed(9)
    z = torch.randn(64, 4, generator=gen, dtype=torch.float64)
    labels = torch.randint(0, 4, (64,), generator=gen)
    temps = torch.tensor([0.1, 0.7, 1.0, 3.0], dtype=torch.float64)
    want = torch.stack([F.cross_entropy(z / t, labels) for t in temps])
    torch.testing.assert_close(_nll_per_temperature(z, labels, temps), want, rtol=1e-12, atol=1e-12)


def test_temperature_keeps_every_prediction():
    gen = torch.Generator().manual_seed(8)
    logits = torch.randn(100, 5, generator=gen)
    labels = torch.randint(0, 5, (100,), generator=gen)
    T = fit_temperature(logits, labels)
    assert torch.equal((logits / T).argmax(1), logits.argmax(1))
    with pytest.raises(TypeError, match="labels must be a 1-D int64"):
        fit_temperature(logits, labels.float())
    with pytest.raises(ValueError, match="lo must be below hi"):
        fit_temperature(logits, labels, lo=2.0, hi=1.0)


# ---------------------------------------------------------------- figures
def test_figures_are_plain_figures_outside_pyplot(blobs):
    X, y = blobs
    h = train(X, y, steps=5, lr=0.5)
    probs = torch.softmax(h.logits(X), dim=1)
    fig = training_curves({"a": h, "b": h})
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    fig = reliability_diagram({"one": (probs, y), "two": (probs, y)})
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert f"ECE = {expected_calibration_error(probs, y):.3f}" in fig.axes[0].get_title()
    if "matplotlib.pyplot" in __import__("sys").modules:
        assert matplotlib.pyplot.get_fignums() == []
    with pytest.raises(TypeError, match="must be a History"):
        training_curves({"a": "not a history"})
    with pytest.raises(ValueError, match="1 to 3"):
        reliability_diagram({})


# ---------------------------------------------------------------- the player widget
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_player_carries_the_run_that_train_computes(blobs):
    X, y = blobs
    player = TrainingPlayer(X, y, steps=12, lr=0.5)
    ref = train(X, y, steps=12, lr=0.5)
    assert isinstance(player, Explorer) and isinstance(player.history, History)
    torch.testing.assert_close(player.history.loss, ref.loss)
    # the page draws from these traits: exactly the run's float32 values, as plain lists
    assert player.W == ref.W.tolist() and player.b == ref.b.tolist()
    assert player.loss == ref.loss.tolist() and player.accuracy == ref.accuracy.tolist()
    assert player.logit_norm == ref.logit_norm.tolist()
    assert player.points == X.tolist() and player.classes == y.tolist() and player.steps == 12
    x0, x1, y0, y1 = player.box
    assert x0 < float(X[:, 0].min()) and x1 > float(X[:, 0].max()) and y0 < float(X[:, 1].min()) < y1
    assert player.step == 0 and repr(player).startswith("TrainingPlayer: step 0/12, loss=1.0986")
    assert repr(player) == (
        "TrainingPlayer: step 0/12, loss=1.0986 (log 3 = 1.0986), accuracy=0.333, mean logit length=0.000"
    )


def test_player_steps_are_recomputed_by_torch_for_the_page(blobs):
    X, y = blobs
    player = TrainingPlayer(X, y, steps=12, lr=0.5)
    ref = train(X, y, steps=12, lr=0.5)
    player.set_state({"step": 2})  # what the page sends when Step is pressed twice
    s = player.state()
    assert s["step"] == 2 and s["loss"] == ref.loss[2].item() and s["accuracy"] == ref.accuracy[2].item()
    assert s["logit_norm"] == ref.logit_norm[2].item() and s["log_C"] == pytest.approx(math.log(3))
    # the grid the page tints: torch's softmax of each cell centre's logits
    grid = _grid_points(player.box)
    assert grid.shape == (22 * 22, 2) and grid.dtype == torch.float32
    probs = torch.softmax(grid @ ref.W[2].T + ref.b[2], dim=1)
    assert s["confidence"] == probs.max(dim=1).values.tolist() and s["region"] == probs.argmax(dim=1).tolist()
    assert set(s["region"]) == {0, 1, 2}, "after two steps every class owns a region"
    assert player.result["inputs"] == {"step": 2} and player.result["values"]["loss"] == s["loss"]
    assert player.result["values"]["region"] == s["region"]
    # set from Python: the page follows; past either end it stays at the end, like the slider
    player.step = 12
    assert player.state()["loss"] == ref.loss[12].item()
    player.step = 40
    assert player.step == 12
    player.sliders[0].value = -3
    assert player.step == 0 and player.sliders[0].description == "training step"
    assert player.sliders[0].max == 12 and player.py_error == "" and player.last_error is None


def test_player_output_is_deterministic_and_has_no_addresses(blobs):
    X, y = blobs
    a, b = TrainingPlayer(X, y, steps=8), TrainingPlayer(X, y, steps=8)
    a.step = b.step = 5
    assert a.static_svg() == b.static_svg()
    data, _ = a._repr_mimebundle_()
    assert WIDGET_VIEW in data and data["text/plain"] == repr(a) and "0x" not in data["text/plain"]
    assert data["image/svg+xml"].startswith("<svg") and "<title>Training step 5 of 8" in data["image/svg+xml"]
    assert "currentColor" not in data["image/svg+xml"] and " id=" not in data["image/svg+xml"]
    assert a.static_svg() != TrainingPlayer(X, y, steps=8).static_svg(), "the static SVG shows the step"


def test_player_front_end_is_one_module_with_named_keyboard_controls():
    """What the page is built from (its behaviour is tested in Node and in Chromium)."""
    esm = TrainingPlayer._esm
    assert esm == compose("training.js") and esm.count("export default") == 1
    for words in ('"Play"', '"Step"', '"Back to step 0"', '"training step"', '"aria-pressed"', "clearInterval"):
        assert words in esm, words
    assert helper.TrainingPlayer is TrainingPlayer and helper.explorers.TrainingPlayer is TrainingPlayer


def test_player_rejects_bad_arguments_clearly(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="steps must be an int from 1 to 500"):
        TrainingPlayer(X, y, steps=0)
    with pytest.raises(ValueError, match="steps must be an int from 1 to 500"):
        TrainingPlayer(X, y, steps=True)
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        TrainingPlayer(torch.zeros(5, 3), y[:5])
    with pytest.raises(ValueError, match="class indices 0, 1 or 2"):
        TrainingPlayer(X[:3], torch.tensor([0, 1, 3]))
    with pytest.raises(TypeError, match="y must be a 1-D int64"):
        TrainingPlayer(X, y.float())
    with pytest.raises(ValueError, match="lr"):
        TrainingPlayer(X, y, lr=0.0)


# ---------------------------------------------------------------- claims notebook 08 makes
@pytest.mark.parametrize("softmax_first", [False, True])
def test_every_logit_row_keeps_summing_to_zero_so_its_length_is_spread_alone(blobs, softmax_first):
    """From W = 0, b = 0 each gradient sums to 0 over the classes (p - onehot, and J v with 1^T J = 0)."""
    X, y = blobs
    hist = train(X.double(), y, steps=50, lr=0.5, gradient="autograd", softmax_first=softmax_first)
    Z = torch.stack([hist.logits(X.double(), step=k) for k in (1, 10, 50)])
    tol = hist.steps * 4 * torch.finfo(torch.float64).eps * Z.abs().max()  # a few roundings per step, no more
    assert Z.sum(dim=2).abs().max() <= tol
    assert hist.logit_norm[-1] > 1  # the logits did grow: the check is not vacuous


@pytest.mark.parametrize("features, classes", [(2, 3), (3, 6), (4, 2)])
def test_linear_cross_entropy_is_convex_with_d_plus_one_flat_directions(features, classes):
    """The parameter Hessian: positive semi-definite, zero exactly along the D + 1 shifts softmax ignores."""
    g = torch.Generator().manual_seed(features * 10 + classes)
    X = torch.randn(30, features, generator=g, dtype=torch.float64)
    y = torch.randint(0, classes, (30,), generator=g)
    n = classes * (features + 1)

    def loss(theta):
        return F.cross_entropy(
            X @ theta[: classes * features].view(classes, features).T + theta[classes * features :], y
        )

    theta = torch.randn(n, generator=g, dtype=torch.float64)
    eig = torch.linalg.eigvalsh(torch.autograd.functional.hessian(loss, theta))
    tol = n * torch.finfo(torch.float64).eps * eig.abs().max()
    assert (eig >= -tol).all()
    assert int((eig.abs() <= tol).sum()) == features + 1
    assert eig[features + 1] > 1e3 * tol  # the rest are clearly positive


@pytest.mark.parametrize("eta0", [0.55, 0.6, 0.7, 0.73])
def test_double_softmax_expected_loss_is_lowest_at_half_one_plus_log_odds(eta0):
    """The bug's expected loss over p = (s, 1 - s) is minimised at s = (1 + log(eta0 / eta1)) / 2 (float64, LBFGS)."""
    s = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS(
        [s], max_iter=100, tolerance_grad=1e-14, tolerance_change=1e-16, line_search_fn="strong_wolfe"
    )

    def closure():
        opt.zero_grad()
        logp = torch.log_softmax(torch.cat([s, 1 - s]), dim=0)
        loss = -(eta0 * logp[0] + (1 - eta0) * logp[1])
        loss.backward()
        return loss

    opt.step(closure)
    assert math.isclose(s.item(), (1 + math.log(eta0 / (1 - eta0))) / 2, abs_tol=1e-8)
    assert s.item() > eta0  # more confident than the truth


def test_bias_at_log_prior_gives_the_entropy_as_first_loss():
    y = torch.tensor([0] * 70 + [1] * 20 + [2] * 10)
    prior = torch.bincount(y).double() / len(y)
    loss = F.cross_entropy(torch.zeros(len(y), 3, dtype=torch.float64) + prior.log(), y)
    assert math.isclose(loss.item(), -(prior * prior.log()).sum().item(), rel_tol=1e-12)
    assert loss.item() < math.log(3)
