// distribution.js - DistributionExplorer's front end: a target distribution q (kept on the
// simplex: moving q_i rescales the others) and logits z; shows p = softmax(z), H(q), KL(q || p)
// and the cross-entropy H(q, p) = H(q) + KL(q || p) with its floor H(q), in nats or bits.
// Computed here in float32 (lossmath.js); torch verifies (F.kl_div, F.cross_entropy with a
// probability target) in the kernel.

import {
  bars,
  commit,
  connect,
  fmt,
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
import { distributionState, renormalise } from "./lossmath.js";

const FORMULA =
  "<var>p</var> = softmax(<var>z</var>), &nbsp; <var>H</var>(<var>q</var>) = &minus;&sum;<sub><var>i</var></sub> <var>q<sub>i</sub></var> log <var>q<sub>i</sub></var>, &nbsp; " +
  "KL(<var>q</var> &Vert; <var>p</var>) = &sum;<sub><var>i</var></sub> <var>q<sub>i</sub></var> log(<var>q<sub>i</sub></var> / <var>p<sub>i</sub></var>), &nbsp; " +
  "<var>H</var>(<var>q</var>, <var>p</var>) = &minus;&sum;<sub><var>i</var></sub> <var>q<sub>i</sub></var> log <var>p<sub>i</sub></var> = <var>H</var>(<var>q</var>) + KL(<var>q</var> &Vert; <var>p</var>) &ge; <var>H</var>(<var>q</var>)";

function render({ model, el }) {
  const parts = frame(el, "l2l-distribution-explorer", FORMULA);
  const labels = model.get("labels");
  const named = model.get("named");
  const nameOf = (i) => (named ? ` (${labels[i]})` : "");
  const zSliders = model.get("logits").map((v, i) => {
    const s = slider({
      name: `logit z_${i}${nameOf(i)}`,
      label: `z_${i}`,
      min: model.get("lo"),
      max: model.get("hi"),
      step: 0.1,
      big: 1,
      value: v,
      cls: `l2l-logit l2l-logit-${i}`,
      onInput: guard(model, parts, (x) => {
        const z = model.get("logits").slice();
        z[i] = x;
        commit(model, "logits", z);
      }),
    });
    return s;
  });
  const qSliders = model.get("q").map((v, i) => {
    const s = slider({
      name: `target probability q_${i}${nameOf(i)}`,
      label: `q_${i}`,
      min: 0,
      max: 1,
      step: 0.01,
      big: 0.1,
      value: v,
      decimals: 2,
      cls: `l2l-q l2l-q-${i}`,
      onInput: guard(model, parts, (x) => commit(model, "q", renormalise(model.get("q"), i, x))),
    });
    return s;
  });
  const units = ["nats", "bits"].map((u) => {
    const b = h("button", {
      type: "button",
      class: "l2l-toggle",
      "data-lm-suppress-shortcuts": "true",
      text: u,
      "aria-pressed": "false",
    });
    b.addEventListener(
      "click",
      guard(model, parts, () => commit(model, "unit", u)),
    );
    return b;
  });
  const uRow = h(
    "div",
    { class: "l2l-row l2l-unit", role: "group", "aria-label": "unit" },
    h("span", { class: "l2l-name", text: "unit" }),
    ...units,
  );
  parts.controls.append(
    h("div", { class: "l2l-name", style: "text-align:left", text: "logits z" }),
    ...zSliders.map((s) => s.row),
    h("div", { class: "l2l-name", style: "text-align:left", text: "target distribution q (sums to 1)" }),
    ...qSliders.map((s) => s.row),
    uRow,
  );

  function draw() {
    guarded(model, parts, () => {
      const z = model.get("logits");
      const q = model.get("q");
      const unit = model.get("unit");
      units.forEach((b) => b.setAttribute("aria-pressed", String(b.textContent === unit)));
      const st = distributionState(z, q, unit);
      parts.readout.textContent = `H(q, p) = ${fmt(st.cross_entropy)} ${unit} = H(q) ${fmt(st.entropy)} + KL ${fmt(st.kl)}`;
      const labs = labels.map((s) => (s.length <= 8 ? s : `${s.slice(0, 7)}\u2026`));
      const alt =
        `Bars of q: ${labs.map((l, i) => `${l} ${fmt(q[i], 3)}`).join(", ")}. ` +
        `Bars of p = softmax(z): ${labs.map((l, i) => `${l} ${fmt(st.probs[i], 3)}`).join(", ")}. ` +
        `H(q) = ${fmt(st.entropy)}, KL(q || p) = ${fmt(st.kl)}, H(q, p) = ${fmt(st.cross_entropy)} ${unit}; the floor of H(q, p) is H(q).`;
      const svg = svgRoot(660, 380, alt);
      bars(svg, {
        x0: 40,
        y0: 46,
        w: 270,
        ht: 170,
        values: q,
        labels: labs,
        lo: 0,
        hi: 1,
        decimals: 3,
        colour: OKABE.orange,
        title: "target q",
      });
      bars(svg, {
        x0: 370,
        y0: 46,
        w: 270,
        ht: 170,
        values: st.probs,
        labels: labs,
        lo: 0,
        hi: 1,
        decimals: 3,
        colour: OKABE.sky,
        title: "p = softmax(z)",
      });
      // the loss as a stacked bar: floor H(q) then KL on top
      const top = Math.max(st.cross_entropy, 1e-9);
      const scaleMax = Math.max(1, Math.ceil(top));
      const bx = 40,
        by = 290,
        bw = 600;
      const X = (v) => bx + (bw * Math.min(v, scaleMax)) / scaleMax;
      svg.append(
        sv("text", {
          x: bx,
          y: by - 12,
          "font-size": 16,
          "font-weight": "bold",
          fill: "currentColor",
          text: `H(q, p) = H(q) + KL(q || p) in ${unit}`,
        }),
      );
      svg.append(
        sv("rect", { x: bx, y: by, width: X(st.entropy) - bx, height: 24, fill: OKABE.orange, stroke: "currentColor" }),
      );
      svg.append(
        sv("rect", {
          x: X(st.entropy),
          y: by,
          width: Math.max(0, X(st.cross_entropy) - X(st.entropy)),
          height: 24,
          fill: OKABE.sky,
          stroke: "currentColor",
          "stroke-dasharray": "4 2",
        }),
      );
      svg.append(
        sv("line", {
          x1: X(st.entropy),
          y1: by - 6,
          x2: X(st.entropy),
          y2: by + 30,
          stroke: "currentColor",
          "stroke-width": 3,
        }),
      );
      svg.append(
        sv("text", {
          x: bx,
          y: by + 48,
          "font-size": 15,
          fill: "currentColor",
          class: "l2l-numbers",
          text: `floor H(q) = ${fmt(st.entropy)}`,
        }),
      );
      svg.append(
        sv("text", {
          x: bx + 220,
          y: by + 48,
          "font-size": 15,
          fill: "currentColor",
          class: "l2l-numbers",
          text: `KL = ${fmt(st.kl)}`,
        }),
      );
      svg.append(
        sv("text", {
          x: bx + 380,
          y: by + 48,
          "font-size": 15,
          "font-weight": "bold",
          fill: "currentColor",
          class: "l2l-numbers",
          text: `H(q, p) = ${fmt(st.cross_entropy)}`,
        }),
      );
      svg.append(
        sv("text", {
          x: bx + bw,
          y: by + 70,
          "font-size": 13,
          "text-anchor": "end",
          fill: "currentColor",
          text: `scale 0 to ${scaleMax} ${unit}`,
        }),
      );
      showChart(parts.chart, svg);
      parts.mine = {
        inputs: { logits: z, q, unit },
        values: { probs: st.probs, entropy: st.entropy, kl: st.kl, cross_entropy: st.cross_entropy },
      };
      verify();
    });
  }
  function verify() {
    if (parts.mine) showCheck(parts.check, model.get("result"), parts.mine.inputs, parts.mine.values, "float32", 16);
  }
  const fromPython = () => {
    model.get("logits").forEach((v, i) => zSliders[i]?.set(v));
    model.get("q").forEach((v, i) => qSliders[i]?.set(v));
    draw();
  };
  return connect({
    model,
    parts,
    inputs: ["logits", "q", "unit"],
    onInputsChanged: fromPython,
    onTorchResult: verify,
    draw,
  });
}

export default { render };
