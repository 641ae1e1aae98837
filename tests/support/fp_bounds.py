"""Forward error bounds of float32 computations, derived from the computation, not measured.

A test that compares a float32 result (the page's JavaScript, a hand-written formula, torch's
own answer) with something else must allow for rounding. How much depends on the CPU: torch's
float32 answer is computed by kernels whose summation order, vector width and use of fused
multiply-adds change with the BLAS (MKL AVX-512 vs AVX2, OpenBLAS, Accelerate) and ATen's code
path (``torch.backends.cpu.get_cpu_capability()``). So no test may use "the digits torch printed
here" as the truth. Instead:

1. compute a float64 reference from the same float32 inputs (its own error is ~1e-16, negligible);
2. bound the float32 computation's distance from it by standard rounding-error analysis:
   each basic operation rounds with relative error at most ``u = 2**-24`` (float32's unit
   roundoff, half an ulp of 1), whatever the order of operations, and a sum or dot product of
   ``n`` terms, in any order or with fused multiply-adds, is within ``gamma(n) * sum|terms|``
   (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., section 3.1);
3. propagate through the function by its conditioning (e.g. a softmax probability changes by a
   factor of at most ``exp(2 d)`` when every logit moves by at most ``d``);
4. assert that *both* sides lie within the bound of the reference. Checking torch's own answer
   against the bound too shows that the bound is not too tight on this machine's code path; the
   derivation is what makes it hold on the others.

Library functions are not correctly rounded: ``exp``, ``log``, ``log1p`` of torch's vectorised
(SLEEF ``u10``) and scalar (libm) paths and of JavaScript engines are within 1 ulp (2u) of the
exact result; ``EXP_ULPS`` allows 2 ulps per call to stay safe with older libms.
"""

from __future__ import annotations

import math

import torch

U32 = 2.0**-24  # float32 unit roundoff: |fl(x op y) - (x op y)| <= U32 * |x op y|
TINY32 = 2.0**-126  # smallest normal float32: below it results lose relative accuracy (underflow),
# so every bound on a result that can underflow adds this absolute term (exp of a very negative
# number rounds to a subnormal or to 0: absolute error at most 2**-149, and 1/sum <= 1 after)
EXP_ULPS = 2.0  # ulps of exp/log/log1p/sqrt in any of the libraries involved (see above)


def gamma(n: float, u: float = U32) -> float:
    """Higham's gamma_n = n u / (1 - n u): the relative error bound of n successive roundings."""
    if n * u >= 1:
        raise ValueError(f"gamma({n}) is unbounded for u = {u}")
    return n * u / (1 - n * u)


def dot_error(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None = None) -> torch.Tensor:
    """Bound on the float32 error of every entry of ``x @ w.T (+ b)``, in any order, FMA or not.

    Entry (n, c) sums K products (and the bias): at most K + 1 roundings on each path, so
    ``|fl(z) - z| <= gamma(K + 1) * (sum_k |x_nk w_ck| + |b_c|)`` (Higham, eq. 3.5).
    The inputs must be exactly representable in float32 (they are: they came from float32).
    """
    x64, w64 = x.double(), w.double()
    mags = x64.abs() @ w64.abs().T
    k = x.shape[-1]
    if b is not None:
        mags = mags + b.double().abs()
        k += 1
    return gamma(k) * mags


def softmax_relative_error(z64: torch.Tensor, dz: torch.Tensor | float = 0.0) -> torch.Tensor:
    """Relative error bound of each float32 softmax probability along the last dim.

    ``z64`` are the exact (float64) logits; ``dz`` bounds how far the float32 logits that entered
    the softmax were from them (per row or scalar). torch and the page compute
    ``exp(z_i - m) / sum_j exp(z_j - m)`` with ``m = max z``:

    - the input error ``dz`` and the rounding of ``z_j - m`` (at most ``u |z_j - m|``, so
      ``d = dz + u * max|z - m|`` in all) change every ratio ``p_i`` by a factor within
      ``exp(+-2 d)`` (numerator and denominator each move by ``exp(+-d)``);
    - each exp adds ``EXP_ULPS`` ulps, the C-term sum ``gamma(C - 1)``, the division one ``u``.
    """
    c = z64.shape[-1]
    dz = torch.as_tensor(dz, dtype=torch.float64)
    if dz.ndim and dz.shape[-1:] == z64.shape[-1:]:
        dz = dz.amax(dim=-1)
    spread = (z64 - z64.amax(dim=-1, keepdim=True)).abs().amax(dim=-1)
    d = dz + U32 * spread
    return torch.expm1(2 * d) + 2 * EXP_ULPS * U32 + gamma(c - 1) + U32


def cross_entropy_error(z64: torch.Tensor, dz: torch.Tensor | float = 0.0) -> torch.Tensor:
    """Absolute error bound of the float32 cross-entropy ``logsumexp(z) - z_y`` of each row.

    ``L = m + log(sum_j exp(z_j - m)) - z_y``: the input error moves ``logsumexp`` and ``z_y``
    by at most ``dz`` each (logsumexp is 1-Lipschitz in the max norm); the sum of exps is within
    a relative ``rel`` (as in :func:`softmax_relative_error` without the input term), so its log
    within ``rel / (1 - rel)``; the log adds ``EXP_ULPS`` ulps of its value; the two final
    additions each round by ``u`` of a value at most ``|m| + log C + |z_y|``.
    """
    c = z64.shape[-1]
    dz = torch.as_tensor(dz, dtype=torch.float64)
    if dz.ndim and dz.shape[-1:] == z64.shape[-1:]:
        dz = dz.amax(dim=-1)
    m = z64.amax(dim=-1)
    spread = (z64 - m.unsqueeze(-1)).abs().amax(dim=-1)
    rel = torch.expm1(U32 * spread) + EXP_ULPS * U32 + gamma(c - 1)
    big = m.abs() + math.log(c) + z64.abs().amax(dim=-1)
    return 2 * dz + rel / (1 - rel) + 2 * EXP_ULPS * U32 * math.log(c) + 2 * U32 * big


def mean_error(values64: torch.Tensor, each: torch.Tensor) -> float:
    """Absolute error bound of the float32 mean of N values, each within ``each`` of its exact value.

    The sum of N float32 numbers in any order is within ``gamma(N - 1) * sum|v|`` of the sum of
    the rounded values; the division by N adds one ``u``.
    """
    n = values64.numel()
    return float(each.mean() + (gamma(max(n - 1, 1)) + U32) * values64.abs().mean())


def norm_error(z64: torch.Tensor, dz: torch.Tensor) -> torch.Tensor:
    """Absolute error bound of each row's float32 Euclidean length ``sqrt(sum z_j^2)``.

    The input error moves the length by at most ``||dz||_2 <= sqrt(C) * max dz`` (the norm is
    1-Lipschitz); squaring, the C-term sum and the square root give a relative
    ``gamma(C + 1)`` of the squared length, so half that (plus sqrt's ulps) of the length.
    """
    c = z64.shape[-1]
    norm = z64.norm(dim=-1)
    dz = torch.as_tensor(dz, dtype=torch.float64)
    if dz.ndim and dz.shape[-1:] == z64.shape[-1:]:
        dz = dz.amax(dim=-1)
    return math.sqrt(c) * dz + (gamma(c + 1) / 2 + EXP_ULPS * U32) * norm


def ambiguous_argmax(z64: torch.Tensor, margin: torch.Tensor | float) -> torch.Tensor:
    """Rows whose argmax may differ between correct float32 computations.

    ``margin`` is how far apart, in logits, the top two may be and still swap: ``2 dz`` for the
    argmax of logits that each move by at most ``dz``; for the argmax of probabilities each
    within a relative ``r``, ``log((1 + r) / (1 - r))`` (two probabilities can round to one value
    and the first index wins). Outside the margin the class is decided, so every correct
    implementation returns the same one.
    """
    top2 = z64.topk(2, dim=-1).values
    return (top2[..., 0] - top2[..., 1]) <= torch.as_tensor(margin, dtype=torch.float64)


def ratio_margin(rel: torch.Tensor) -> torch.Tensor:
    """The logit gap within which two probabilities, each within a relative ``rel``, may swap."""
    return torch.log1p(rel) - torch.log1p(-rel)


U64 = 2.0**-53  # float64 unit roundoff, for the (tiny) error of a float64 reference


def cross_entropy_gradient_error(
    X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, y: torch.Tensor, *, through_log_softmax: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """Bounds on the float32 error of ``dW`` and ``db`` of the mean cross-entropy of ``X @ W.T + b``.

    Both ways of computing it end in ``G = (p - onehot(y)) / N``, ``dW = G^T X``, ``db = sum_n G``:

    - by hand, ``p = softmax(Z)``: each probability within a relative
      :func:`softmax_relative_error` (with the logits' own error :func:`dot_error`);
    - autograd (``F.cross_entropy``'s backward), ``p = exp(log_softmax(Z))``: each log-probability
      within :func:`cross_entropy_error` of the exact one (the same quantity, logsumexp minus a
      logit), so ``p`` within a relative ``expm1`` of that plus the exp's ulps.

    Then ``p - onehot`` and the division by N round once each (``u`` of the result); the N-term
    sums of ``G^T X`` and of ``G`` are within ``gamma(N)`` of the sum of magnitudes (Higham 3.5).
    Returns the bounds of ``dW`` (C, K) and ``db`` (C,), including a float64 reference's own error.
    """
    X64, W64, b64 = X.double(), W.double(), b.double()
    n, k = X.shape
    Z64 = X64 @ W64.T + b64
    dz = dot_error(X, W, b).amax(dim=-1)
    if through_log_softmax:
        rel = torch.expm1(cross_entropy_error(Z64, dz)) + EXP_ULPS * U32
    else:
        rel = softmax_relative_error(Z64, dz)
    p64 = torch.softmax(Z64, dim=1)
    onehot = torch.nn.functional.one_hot(y, W.shape[0]).double()
    dp = rel.unsqueeze(-1) * p64 + TINY32  # each probability's error
    G64 = (p64 - onehot) / n
    dG = (dp + U32 * ((p64 - onehot).abs() + dp)) * (1 + U32) / n + U32 * G64.abs()
    absG = G64.abs() + dG
    dW = dG.T @ X64.abs() + gamma(n) * (absG.T @ X64.abs())
    db = dG.sum(dim=0) + gamma(n) * absG.sum(dim=0)
    # The float64 reference's own rounding (the same analysis with u = 2**-53, generously).
    ref = gamma(4 * (n + k + W.shape[0]), U64)
    return dW + ref * (absG.T @ X64.abs()) * 4, db + ref * absG.sum(dim=0) * 4
