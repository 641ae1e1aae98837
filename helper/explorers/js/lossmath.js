// lossmath.js - the maths every explorer computes in the page, rounded the way torch (CPU) rounds.
//
// One module, shared by every explorer's front end and tested against torch in Node
// (tests/unit/test_explorer_js.py runs THIS file over >= 10,000 inputs).
// No imports, no DOM: plain functions over numbers and arrays.
//
// Rounding. JavaScript numbers are float64. A dtype is emulated by rounding the result of
// every elementary operation to it, exactly where torch's CPU kernels store a result:
//   float64  no rounding (JS Math.exp/log/log1p vs glibc: within an ulp or two).
//   float32  Math.fround after each operation. The product, quotient, sum or difference of two
//            float32 values computed in float64 and rounded once is the correctly rounded
//            float32 result, as torch computes it. exp/log are computed in float64 and rounded
//            (torch uses SLEEF's 1-ulp expf/logf, so an occasional 1-ulp difference remains).
//   float16  torch's CPU float16 kernels load half values, compute in float32 and round the
//            result to half once per operation (reductions such as sum accumulate in float32
//            and round once at the end). We do the same: op in float64 -> Math.fround ->
//            half rounding. Sums of a few terms are added in float64 and rounded once (torch
//            adds in vector lanes, an order we cannot know; see sumRounded). Half rounding is Math.f16round where the engine has it (Chromium
//            135+, Firefox 129+, Safari 18.2+, Node 24), else f16roundExact below: an exact
//            round-to-nearest-even emulation (tested equal to Math.f16round on every half
//            boundary and on random values).
// Python scalars (a temperature, a shift) enter torch's ops cast to the tensor's dtype
// (type promotion wraps them in it), then float16 ops compute in float32 and round.

const LN2 = Math.LN2;

// -------------------------------------------------------------- rounding to a dtype
const _f64 = new Float64Array(1);
const _u32 = new Uint32Array(_f64.buffer);

/** Round a float64 to the nearest float16 value (ties to even), exactly, without Math.f16round. */
export function f16roundExact(x) {
  if (Number.isNaN(x) || x === 0 || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  if (a >= 65520) return x > 0 ? Infinity : -Infinity; // 65504 + half an ulp (16) rounds to inf
  // unbiased binary exponent of a (a is a normal float64 here: |x| >= 2^-1074 is not reached
  // by the half grid anyway; subnormal doubles just round to 0 below)
  _f64[0] = a;
  const e = ((_u32[1] >>> 20) & 0x7ff) - 1023;
  // quantum of the half grid at this size: 2^(e-10) for normal halves, 2^-24 for subnormals
  const qexp = Math.max(e, -14) - 10;
  const q = 2 ** qexp;
  const r = a / q; // exact: division by a power of two
  const n = Math.floor(r);
  const d = r - n; // exact
  let k = n;
  if (d > 0.5 || (d === 0.5 && n % 2 === 1)) k = n + 1;
  const out = k * q; // exact
  return x < 0 ? -out : out;
}

/** Whether this engine rounds to float16 natively (Math.f16round) or with f16roundExact. */
export const F16_NATIVE = typeof Math.f16round === "function";
export const f16round = F16_NATIVE ? Math.f16round : f16roundExact;

const _ROUNDERS = {
  float64: (x) => x,
  float32: Math.fround,
  float16: (x) => f16round(Math.fround(x)),
};

/** The rounding function of a dtype name ("float16", "float32", "float64"). */
export function rounder(dtype) {
  const r = _ROUNDERS[dtype];
  if (!r) throw new TypeError(`dtype must be float16, float32 or float64; got ${dtype}`);
  return r;
}

/** How a Python float becomes the second operand of `tensor + scalar`: cast to the tensor's
 * dtype first (torch wraps the scalar in the tensor's dtype; 13.7 enters a float16 add as
 * 13.703125). */
function scalarOf(dtype) {
  return { float64: (x) => x, float32: Math.fround, float16: (x) => f16round(x) }[dtype];
}

/** ... and of `tensor * scalar` and `tensor / scalar`: torch's CPU mul and div kernels take a scalar
 * of a float16 tensor in float32 ("opmath"), not cast to float16 (measured: 2.25195 * 5.4 gives
 * 12.1640625; z / 0.1 divides by float32(0.1)), and round the float32 result to half once. */
function mulScalarOf(dtype) {
  return dtype === "float64" ? (x) => x : Math.fround;
}

/** The largest finite value of a dtype (torch.finfo(dtype).max). */
export function finfoMax(dtype) {
  return { float16: 65504, float32: 3.4028234663852886e38, float64: Number.MAX_VALUE }[dtype];
}

/** log(finfo.max) in float64: where exp overflows (11.09 float16, 88.72 float32, 709.78 float64). */
export function logMax(dtype) {
  return Math.log(finfoMax(dtype));
}

/** Below this z, exp(z) rounds to 0 in a dtype: log of half the smallest subnormal
 * (-17.33 float16, -103.97 float32, -745.13 float64). */
export function logTiny(dtype) {
  return { float16: -25, float32: -150, float64: -1075 }[dtype] * LN2;
}

/** A list of numbers cast to a dtype (torch.tensor(values, dtype=...)). */
export function cast(values, dtype) {
  const r = dtype === "float16" ? f16round : rounder(dtype);
  return values.map((v) => r(v));
}

// -------------------------------------------------------------- small helpers
function sumRounded(xs) {
  // torch's CPU sum/softmax reductions add in several vector lanes (an order that depends on
  // the CPU's vector width; float16 accumulates in float32). We add in float64 and let the
  // caller round once: exact for these few terms, so within torch's own rounding of its sum.
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function maxOf(xs) {
  // torch.max / amax propagate nan
  let m = -Infinity;
  for (const x of xs) {
    if (Number.isNaN(x)) return NaN;
    if (x > m) m = x;
  }
  return m;
}

// -------------------------------------------------------------- softmax family (one example)
/** z / T in a dtype (torch: float tensor divided by a Python float). */
export function scaleLogits(z, T = 1, dtype = "float32") {
  const r = rounder(dtype);
  const t = mulScalarOf(dtype)(T);
  return cast(z, dtype).map((v) => r(v / t));
}

/** log-softmax of already scaled logits, as torch's CPU kernel: x - max - log(sum(exp(x - max))). */
export function logSoftmaxOf(x, dtype = "float32") {
  const r = rounder(dtype);
  const m = maxOf(x);
  const shifted = x.map((v) => r(v - m));
  const s = r(sumRounded(shifted.map((v) => r(Math.exp(v)))));
  const ls = r(Math.log(s));
  return shifted.map((v) => r(v - ls));
}

/** softmax(z / T) (torch.softmax: exp(x - max) / sum). */
export function softmax(z, T = 1, dtype = "float32") {
  const r = rounder(dtype);
  const x = scaleLogits(z, T, dtype);
  const m = maxOf(x);
  const e = x.map((v) => r(Math.exp(r(v - m))));
  const s = r(sumRounded(e));
  return e.map((v) => r(v / s));
}

/** torch.logsumexp(z / T): max trick with the max masked to 0 when it is +-inf. */
export function logsumexp(z, T = 1, dtype = "float32") {
  return logsumexpTorch(scaleLogits(z, T, dtype), dtype);
}

/** F.cross_entropy(z / T, y): -log_softmax(z / T)[y]. */
export function crossEntropy(z, y, T = 1, dtype = "float32") {
  const ls = logSoftmaxOf(scaleLogits(z, T, dtype), dtype);
  return -ls[y];
}

/** Gradient of cross_entropy(z / T, y) w.r.t. z, as autograd computes it: (exp(log_softmax) - onehot) / T. */
export function crossEntropyGrad(z, y, T = 1, dtype = "float32") {
  const r = rounder(dtype);
  const t = mulScalarOf(dtype)(T);
  const ls = logSoftmaxOf(scaleLogits(z, T, dtype), dtype);
  return ls.map((v, i) => r(r(r(Math.exp(v)) - (i === y ? 1 : 0)) / t));
}

/** Everything a LogitsExplorer shows, in float32 like torch's defaults. */
export function logitsState(z, y, T = 1) {
  return {
    probs: softmax(z, T),
    loss: crossEntropy(z, y, T),
    logsumexp: logsumexp(z, T),
    grad: crossEntropyGrad(z, y, T),
  };
}

// -------------------------------------------------------------- log-sum-exp three ways
/** The hand-written max trick m + log(sum(exp(z - m))), m = max z (nan when m is inf). */
export function logsumexpMaxTrick(z, dtype = "float32") {
  const r = rounder(dtype);
  const m = maxOf(z);
  const e = z.map((v) => r(Math.exp(r(v - m))));
  return r(m + r(Math.log(r(sumRounded(e)))));
}

/** torch.logsumexp's algorithm: the max trick with an infinite max replaced by 0. */
export function logsumexpTorch(z, dtype = "float32") {
  const r = rounder(dtype);
  let m = maxOf(z);
  if (Math.abs(m) === Infinity) m = 0;
  const e = z.map((v) => r(Math.exp(r(v - m))));
  return r(r(Math.log(r(sumRounded(e)))) + m);
}

/** Everything a StabilityExplorer shows: z = scale * base + shift in dtype, and three log-sum-exps. */
export function stabilityState(base, shift, scale, dtype = "float32") {
  const r = rounder(dtype);
  const sc = mulScalarOf(dtype)(scale);
  const sh = scalarOf(dtype)(shift);
  const z = cast(base, dtype).map((v) => r(r(v * sc) + sh));
  const e = z.map((v) => r(Math.exp(v)));
  const sumExp = r(sumRounded(e));
  return {
    z,
    exp: e,
    sum_exp: sumExp,
    max: maxOf(z),
    naive: r(Math.log(sumExp)),
    max_trick: logsumexpMaxTrick(z, dtype),
    logsumexp: logsumexpTorch(z, dtype),
    overflow_at: logMax(dtype),
  };
}

// -------------------------------------------------------------- binary cross-entropy (float32)
/** torch.sigmoid in a dtype: 1 / (1 + exp(-z)). */
export function sigmoid(z, dtype = "float32") {
  const r = rounder(dtype);
  const x = cast([z], dtype)[0];
  return r(1 / r(1 + r(Math.exp(-x))));
}

/** nn.BCELoss on a probability p and label y: each log clamped at -100 (log(0) gives 100, not inf). */
export function bceLoss(p, y, dtype = "float32") {
  const r = rounder(dtype);
  const logp = Math.max(r(Math.log(p)), -100);
  const log1mp = Math.max(r(Math.log1p(-p)), -100);
  return r(r(r(y - 1) * log1mp) - r(y * logp));
}

/** nn.BCEWithLogitsLoss on a logit z and label y: (1 - y) z - log sigmoid(z), log sigmoid stable. */
export function bceWithLogits(z, y, dtype = "float32") {
  const r = rounder(dtype);
  const x = cast([z], dtype)[0];
  const logSig = r(Math.min(x, 0) - r(Math.log1p(r(Math.exp(-Math.abs(x))))));
  return r(r((1 - y) * x) - logSig);
}

/** Everything a BinaryExplorer shows (float32). */
export function binaryState(z, y) {
  const s = sigmoid(z);
  const bce = bceLoss(s, y);
  const bcel = bceWithLogits(z, y);
  return { sigmoid: s, bce_loss: bce, bce_with_logits_loss: bcel, loss: bcel, gap: bce - bcel };
}

// -------------------------------------------------------------- distributions (float32)
/** H(q) = -sum q log q in nats (0 log 0 = 0), as torch.special.entr(q).sum(). */
export function entropy(q, dtype = "float32") {
  const r = rounder(dtype);
  const qs = cast(q, dtype);
  // torch.special.entr: -q log q for q > 0, 0 at 0, -inf for q < 0, nan for nan
  return r(sumRounded(qs.map((v) => (v > 0 ? r(-r(v * r(Math.log(v)))) : v === 0 ? 0 : v < 0 ? -Infinity : NaN))));
}

/** KL(q || softmax(z)) = sum q (log q - log p), as F.kl_div(log_softmax(z), q, reduction="sum"). */
export function klDivergence(z, q, dtype = "float32") {
  const r = rounder(dtype);
  const lp = logSoftmaxOf(cast(z, dtype), dtype);
  const qs = cast(q, dtype);
  // F.kl_div: xlogy(q, q) - q * log p; xlogy(0, .) = 0, and nan for q < 0 (log of a negative) or nan
  return r(
    sumRounded(qs.map((v, i) => (v > 0 ? r(r(v * r(Math.log(v))) - r(v * lp[i])) : v === 0 ? r(-(v * lp[i])) : NaN))),
  );
}

/** H(q, p) = -sum q log softmax(z), as F.cross_entropy(z, q) with a probability target. */
export function crossEntropySoft(z, q, dtype = "float32") {
  const r = rounder(dtype);
  const lp = logSoftmaxOf(cast(z, dtype), dtype);
  const qs = cast(q, dtype);
  return r(-sumRounded(qs.map((v, i) => r(v * lp[i]))));
}

/** Everything a DistributionExplorer shows, in nats or bits (divided by ln 2 at the end). */
export function distributionState(z, q, unit = "nats") {
  const k = unit === "bits" ? 1 / LN2 : 1;
  const p = softmax(z, 1);
  const H = entropy(q);
  const KL = klDivergence(z, q);
  const CE = crossEntropySoft(z, q);
  return {
    probs: p,
    entropy: H * k,
    kl: KL * k,
    cross_entropy: CE * k,
    floor: H * k,
    unit,
  };
}

/** Put q back on the simplex after entry i was set to v: the others share 1 - v in their old ratios. */
export function renormalise(q, i, v) {
  const n = q.length;
  const val = Math.min(1, Math.max(0, v));
  const rest = q.reduce((s, x, j) => (j === i ? s : s + x), 0);
  return q.map((x, j) => {
    if (j === i) return val;
    if (rest > 0) return (x / rest) * (1 - val);
    return (1 - val) / (n - 1);
  });
}

// -------------------------------------------------------------- comparing with torch
/** Machine epsilon of a dtype (spacing of the grid just above 1). */
export function eps(dtype) {
  return { float16: 2 ** -10, float32: 2 ** -23, float64: 2 ** -52 }[dtype];
}

/**
 * Whether the page's value a and torch's value b agree: both nan, equal (infinities included),
 * or within `ulps` units of the dtype's epsilon relative to max(|a|, |b|, scale).
 * `scale` is the size of the inputs the value was computed from (a difference such as
 * p - 1 cannot be closer than an ulp of its operands).
 */
export function agrees(a, b, dtype = "float32", ulps = 8, scale = 1) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= ulps * eps(dtype) * Math.max(Math.abs(a), Math.abs(b), scale);
}

// -------------------------------------------------------------- a linear classifier (float32)
/** The logits of one point x under a linear layer, W x + b, rounded as torch's float32 ops
 * round them: each product, then the running sum, then + b (torch's matmul may fuse a
 * multiply-add, 1 ulp apart). W is a list of C rows of D weights. */
export function linearLogits(x, W, b) {
  return W.map((row, c) => {
    let s = Math.fround(x[0] * row[0]);
    for (let d = 1; d < x.length; d++) s = Math.fround(s + Math.fround(x[d] * row[d]));
    return Math.fround(s + b[c]);
  });
}

/** The first index of the largest entry (torch.max(dim)'s index on CPU). */
export function argmax(xs) {
  let k = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[k]) k = i;
  return k;
}

/**
 * What a linear classifier (W, b) scores on points with integer classes, in float32 like torch:
 * the mean cross-entropy, the accuracy (share of argmax = class) and the mean length of a
 * logit vector. Means add in float64 and round once (torch adds in float32 lanes).
 */
export function classifierStats(points, classes, W, b) {
  let loss = 0;
  let right = 0;
  let norm = 0;
  points.forEach((x, i) => {
    const z = linearLogits(x, W, b);
    loss += crossEntropy(z, classes[i], 1);
    if (argmax(z) === classes[i]) right += 1;
    norm += Math.fround(Math.sqrt(Math.fround(z.reduce((s, v) => s + Math.fround(v * v), 0))));
  });
  const n = points.length;
  return { loss: Math.fround(loss / n), accuracy: Math.fround(right / n), logit_norm: Math.fround(norm / n) };
}

/** The centres of `n` equal cells from lo to hi, each lo + (hi - lo) (i + 1/2) / n in float64,
 * then rounded to float32 (helper/explorers/training.py makes the same grid for torch). */
export function cellCentres(lo, hi, n) {
  return Array.from({ length: n }, (_, i) => Math.fround(lo + ((hi - lo) * (i + 0.5)) / n));
}

/**
 * The decision regions of (W, b) on an n x n grid over box [x0, x1, y0, y1]: for cell
 * i = row * n + col (row 0 at y0), softmax of its centre's logits in float32, its largest
 * probability (`confidence`) and that class (`region`).
 */
export function regionGrid(box, n, W, b) {
  const xs = cellCentres(box[0], box[1], n);
  const ys = cellCentres(box[2], box[3], n);
  const confidence = [];
  const region = [];
  for (const y of ys) {
    for (const x of xs) {
      const p = softmax(linearLogits([x, y], W, b), 1);
      const k = argmax(p);
      confidence.push(p[k]);
      region.push(k);
    }
  }
  return { confidence, region };
}
