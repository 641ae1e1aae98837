// stability.js - StabilityExplorer's front end: z = a * z0 + b in float16/float32/float64, and
// log-sum-exp three ways (naive, max trick, torch.logsumexp's algorithm), rounded as torch
// rounds (lossmath.js). The gauge shows the quantity that actually overflows: the naive SUM
// overflows when logsumexp(z) passes log(finfo.max) (11.09 float16, 88.72 float32), and
// underflows to 0 (log gives -inf) when every exp(z_i) rounds to 0; max z is marked beside it.

import {
  commit,
  connect,
  fmt,
  fmtBig,
  frame,
  guard,
  guarded,
  h,
  OKABE,
  showChart,
  showCheck,
  slider,
  sv,
  svgRoot,
} from "./kit.js";
import { logMax, logTiny, stabilityState } from "./lossmath.js";

const FORMULA =
  "naive: log &sum;<sub><var>j</var></sub> <var>e</var><sup><var>z<sub>j</sub></var></sup>, &nbsp; " +
  "max trick: <var>m</var> + log &sum;<sub><var>j</var></sub> <var>e</var><sup><var>z<sub>j</sub></var> &minus; <var>m</var></sup>, <var>m</var> = max<sub><var>j</var></sub> <var>z<sub>j</sub></var>, &nbsp; " +
  "torch.logsumexp(<var>z</var>), &nbsp; <var>z</var> = <var>a</var> &middot; <var>z</var><sup>(0)</sup> + <var>b</var>";
const DTYPES = ["float16", "float32", "float64"];

/** A word for a bad value, so it is not marked by colour alone (the same words as stability.py). */
export function flagOf(x, z) {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "overflow";
  if (x === -Infinity) return "underflow";
  if (x === 0 && z !== undefined && Number.isFinite(z)) return "underflow to 0";
  return "";
}

function render({ model, el }) {
  const parts = frame(el, "l2l-stability-explorer", FORMULA);
  parts.readout.className = "l2l-results";
  const shift = slider({
    name: "shift b (added to every logit)",
    label: "shift b",
    min: model.get("shift_min"),
    max: model.get("shift_max"),
    step: 0.1,
    big: 10,
    value: model.get("shift"),
    cls: "l2l-shift",
    onInput: guard(model, parts, (x) => commit(model, "shift", x)),
  });
  const scale = slider({
    name: "scale a (multiplies every logit)",
    label: "scale a",
    min: 0,
    max: model.get("scale_max"),
    step: 0.1,
    big: 1,
    value: model.get("scale"),
    cls: "l2l-scale",
    onInput: guard(model, parts, (x) => commit(model, "scale", x)),
  });
  const buttons = DTYPES.map((d) => {
    const b = h("button", {
      type: "button",
      class: "l2l-toggle",
      "data-lm-suppress-shortcuts": "true",
      text: d,
      "aria-pressed": "false",
    });
    b.addEventListener(
      "click",
      guard(model, parts, () => commit(model, "dtype", d)),
    );
    return b;
  });
  const dRow = h(
    "div",
    { class: "l2l-row l2l-dtype", role: "group", "aria-label": "dtype" },
    h("span", { class: "l2l-name", text: "dtype" }),
    ...buttons,
  );
  const keys = h("p", {
    class: "l2l-hint",
    text: "Keys on a slider: arrows move 0.1, PageUp/PageDown move 10 (shift) or 1 (scale), Home/End go to the ends.",
  });
  parts.controls.append(shift.row, scale.row, dRow, keys);

  function draw() {
    guarded(model, parts, () => {
      const base = model.get("logits");
      const b = model.get("shift");
      const a = model.get("scale");
      const dtype = model.get("dtype");
      buttons.forEach((btn, i) => btn.setAttribute("aria-pressed", String(DTYPES[i] === dtype)));
      const st = stabilityState(base, b, a, dtype);
      parts.readout.textContent = `naive = ${fmtBig(st.naive)} | max trick = ${fmtBig(st.max_trick)} | torch.logsumexp = ${fmtBig(st.logsumexp)}`;
      const n = st.z.length;
      const over = logMax(dtype);
      const under = logTiny(dtype);
      // what overflows is the sum: its log is logsumexp(z) (the max trick's finite value)
      const lse = Number.isFinite(st.logsumexp) ? st.logsumexp : st.max;
      const sumState =
        st.sum_exp === Infinity
          ? "the sum overflows (inf)"
          : st.sum_exp === 0
            ? "the sum underflows to 0"
            : "the sum is finite";
      const ty = 150;
      const height = ty + 22 * (n + 1) + 130;
      const alt =
        `${dtype}: exp overflows past ${fmt(over, 2)} and rounds to 0 below ${fmt(under, 2)}. ` +
        `logsumexp(z) = ${fmtBig(lse)}, max z = ${fmtBig(st.max)}: ${sumState}. ` +
        `z and exp(z): ${st.z.map((v, i) => `${fmtBig(v)} -> ${fmtBig(st.exp[i])}`).join(", ")}; sum ${fmtBig(st.sum_exp)}. ` +
        `naive ${fmtBig(st.naive)}, max trick ${fmtBig(st.max_trick)}, torch.logsumexp ${fmtBig(st.logsumexp)}.`;
      const svg = svgRoot(680, height, alt);
      const add = (tag, at) => svg.append(sv(tag, at));
      const text = (x, y, s, extra = {}) =>
        add("text", { x, y, "font-size": 15, fill: "currentColor", text: s, ...extra });
      text(20, 24, `${dtype}: the sum of exp overflows once logsumexp(z) > ${fmt(over, 2)}`, {
        "font-size": 16,
        "font-weight": "bold",
      });
      // gauge from 1.25 * under to 1.25 * over; red zones beyond both thresholds
      const gx = 20,
        gy = 44,
        gw = 640,
        lo = 1.25 * under,
        hi = 1.25 * over;
      const X = (v) => gx + (gw * (Math.min(Math.max(v, lo), hi) - lo)) / (hi - lo);
      add("rect", { x: gx, y: gy, width: X(under) - gx, height: 16, fill: OKABE.blue });
      add("rect", { x: X(under), y: gy, width: X(over) - X(under), height: 16, fill: OKABE.sky });
      add("rect", { x: X(over), y: gy, width: gx + gw - X(over), height: 16, fill: OKABE.vermillion });
      text(X(under), gy + 32, `underflow ${fmt(under, 2)}`, { "font-size": 13, "text-anchor": "middle" });
      text(X(0), gy + 32, "0", { "font-size": 13, "text-anchor": "middle" });
      text(X(over), gy + 32, `overflow ${fmt(over, 2)}`, { "font-size": 13, "text-anchor": "middle" });
      const off = (v) => (Number.isFinite(v) && v >= lo && v <= hi ? "" : " (off the scale)");
      // logsumexp marker: a thick bar; max z: a triangle (two shapes, not colour alone)
      const xl = X(Number.isFinite(lse) ? lse : lse > 0 ? hi : lo);
      add("line", { x1: xl, y1: gy - 8, x2: xl, y2: gy + 24, stroke: "currentColor", "stroke-width": 4 });
      const xm = X(Number.isFinite(st.max) ? st.max : st.max > 0 ? hi : lo);
      add("path", {
        d: `M${xm.toFixed(1)},${gy - 2} l-7,-12 h14 z`,
        fill: OKABE.orange,
        stroke: "currentColor",
        "stroke-width": 1.5,
      });
      text(gx, gy + 58, `| logsumexp(z) = ${fmtBig(lse)}${off(lse)}: ${sumState}`, {
        "font-weight": "bold",
        class: "l2l-gauge",
      });
      text(gx, gy + 78, `\u25BC max z = ${fmtBig(st.max)}${off(st.max)}`, { class: "l2l-gauge" });
      text(20, ty, "i", { "font-weight": "bold" });
      text(60, ty, "z_i", { "font-weight": "bold" });
      text(300, ty, "exp(z_i)", { "font-weight": "bold" });
      st.z.forEach((zi, i) => {
        const yy = ty + 22 * (i + 1);
        const fz = flagOf(zi);
        const fe = flagOf(st.exp[i], zi);
        text(20, yy, String(i));
        text(60, yy, fmtBig(zi) + (fz ? `  <- ${fz}` : ""));
        text(300, yy, fmtBig(st.exp[i]) + (fe ? `  <- ${fe}` : ""), { "font-weight": fe ? "bold" : null });
      });
      const sy = ty + 22 * (n + 1);
      const fs = flagOf(st.sum_exp, 0);
      text(60, sy, "sum", { "font-weight": "bold" });
      text(300, sy, fmtBig(st.sum_exp) + (fs ? `  <- ${fs}` : ""), { "font-weight": "bold" });
      const ry = sy + 40;
      [
        ["naive", "log(sum(exp(z)))", st.naive],
        ["max trick", "m + log(sum(exp(z - m)))", st.max_trick],
        ["torch.logsumexp", "torch.logsumexp(z, 0)", st.logsumexp],
      ].forEach(([title, how, v], k) => {
        const cx = 20 + 220 * k;
        const ok = Number.isFinite(v);
        add("rect", {
          x: cx,
          y: ry - 20,
          width: 205,
          height: 86,
          fill: "none",
          stroke: ok ? "currentColor" : OKABE.vermillion,
          "stroke-width": ok ? 1 : 3,
          "stroke-dasharray": ok ? null : "6 3",
        });
        text(cx + 8, ry, title, { "font-size": 16, "font-weight": "bold" });
        text(cx + 8, ry + 20, how, { "font-size": 13 });
        text(cx + 8, ry + 50, fmtBig(v), { "font-size": 20, "font-weight": "bold", class: "l2l-numbers" });
        if (!ok) text(cx + 197, ry + 50, `${flagOf(v)}!`, { "font-size": 14, "text-anchor": "end" });
      });
      showChart(parts.chart, svg);
      parts.mine = {
        inputs: { logits: base, shift: b, scale: a, dtype },
        values: {
          z: st.z,
          exp: st.exp,
          sum_exp: st.sum_exp,
          max: st.max,
          naive: st.naive,
          max_trick: st.max_trick,
          logsumexp: st.logsumexp,
        },
        dtype,
      };
      verify();
    });
  }
  function verify() {
    if (parts.mine)
      showCheck(parts.check, model.get("result"), parts.mine.inputs, parts.mine.values, parts.mine.dtype, 8);
  }
  const fromPython = () => {
    shift.set(model.get("shift"));
    scale.set(model.get("scale"));
    draw();
  };
  return connect({
    model,
    parts,
    inputs: ["shift", "scale", "dtype", "logits"],
    onInputsChanged: fromPython,
    onTorchResult: verify,
    draw,
  });
}

export default { render };
