// binary.js - BinaryExplorer's front end: one logit z and a label y; BCELoss on sigmoid(z)
// against BCEWithLogitsLoss on z, both in float32 as torch computes them (lossmath.js).
// It shows the two ways the first one fails for y = 0: it DRIFTS off the exact loss from
// about z = 10 (float32 sigmoid(z) is so close to 1 that 1 - sigmoid(z) keeps few digits),
// then JUMPS to the clamp 100 where sigmoid(z) rounds to exactly 1 (log 0 clamped at -100).

import {
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
import { bceLoss, bceWithLogits, binaryState, sigmoid } from "./lossmath.js";

const FORMULA =
  "&sigma;(<var>z</var>) = 1 / (1 + <var>e</var><sup>&minus;<var>z</var></sup>), &nbsp; " +
  "<var>L</var> = &minus;[<var>y</var> log &sigma;(<var>z</var>) + (1 &minus; <var>y</var>) log(1 &minus; &sigma;(<var>z</var>))] " +
  "&nbsp; (BCELoss clamps each log at &minus;100; BCEWithLogitsLoss works from <var>z</var> directly)";
const POINTS = 601;
const YMAX = 105;

function verdict(st, y) {
  // the same rule and words as verdict() in binary.py
  const gap = st.bce_loss - st.bce_with_logits_loss;
  const rel = Math.abs(gap) / Math.max(Math.abs(st.bce_with_logits_loss), 1e-30);
  if (rel <= 1e-4 || Math.abs(gap) <= 1e-6) return { kind: "agree", lines: ["they agree"] };
  if ((y === 0 && st.sigmoid === 1) || (y === 1 && st.sigmoid === 0)) {
    return {
      kind: "jump",
      lines: [
        `JUMP: sigmoid(z) is exactly ${1 - y},`,
        "so BCELoss met log(0) and",
        `returned its clamp, ${fmt(st.bce_loss, 0)}`,
      ],
    };
  }
  return {
    kind: "drift",
    lines: [
      `DRIFT: BCELoss is ${fmt((100 * gap) / st.bce_with_logits_loss, 2, true)} % off`,
      `(float32 rounding of ${y === 0 ? "1 - sigmoid(z)" : "sigmoid(z)"})`,
    ],
  };
}

function render({ model, el }) {
  const parts = frame(el, "l2l-binary-explorer", FORMULA);
  const lo = model.get("lo");
  const hi = model.get("hi");
  const zs = slider({
    name: "logit z",
    label: "z",
    min: lo,
    max: hi,
    step: 0.1,
    big: 1,
    value: model.get("logit"),
    cls: "l2l-logit",
    onInput: guard(model, parts, (x) => commit(model, "logit", x)),
  });
  const buttons = [0, 1].map((v) => {
    const b = h("button", {
      type: "button",
      class: "l2l-toggle",
      "data-lm-suppress-shortcuts": "true",
      text: `y = ${v}`,
      "aria-pressed": "false",
    });
    b.addEventListener(
      "click",
      guard(model, parts, () => commit(model, "target", v)),
    );
    return b;
  });
  const yRow = h(
    "div",
    { class: "l2l-row l2l-target", role: "group", "aria-label": "label y" },
    h("span", { class: "l2l-name", text: "y" }),
    ...buttons,
  );
  const hint = h("p", { class: "l2l-hint" });
  parts.controls.append(zs.row, yRow, hint);
  const curves = {};

  function curve(y) {
    if (!curves[y]) {
      const exact = [];
      const clamped = [];
      for (let k = 0; k < POINTS; k++) {
        const z = lo + ((hi - lo) * k) / (POINTS - 1);
        exact.push([z, bceWithLogits(z, y)]);
        clamped.push([z, bceLoss(sigmoid(z), y)]);
      }
      curves[y] = { exact, clamped };
    }
    return curves[y];
  }

  const X0 = 62,
    Y0 = 40,
    W = 330,
    H = 220;
  const xy = (z, loss) => [
    X0 + (W * (Math.min(Math.max(z, lo), hi) - lo)) / (hi - lo),
    Y0 + H * (1 - (Number.isFinite(loss) ? Math.min(Math.max(loss, 0), YMAX) : YMAX) / YMAX),
  ];
  const pts = (list) =>
    list
      .map(([z, l]) =>
        xy(z, l)
          .map((v) => v.toFixed(1))
          .join(","),
      )
      .join(" ");

  function draw() {
    guarded(model, parts, () => {
      const z = model.get("logit");
      const y = model.get("target");
      buttons.forEach((b, v) => b.setAttribute("aria-pressed", String(v === y)));
      const st = binaryState(z, y);
      const v = verdict(st, y);
      parts.readout.textContent = `loss = ${fmt(st.loss)}`;
      const sText = st.sigmoid === 1 ? "1 (exactly)" : st.sigmoid === 0 ? "0 (exactly)" : st.sigmoid.toPrecision(9);
      const rows = [
        `z = ${fmt(z, 2)},  y = ${y}`,
        `sigmoid(z) = ${sText}`,
        `BCELoss = ${fmt(st.bce_loss)}`,
        `BCEWithLogitsLoss = ${fmt(st.bce_with_logits_loss)}`,
      ];
      const alt = `Loss curves over z for y = ${y}. ${rows.join("; ")}; ${v.lines.join(" ")}.`;
      const svg = svgRoot(760, 330, alt);
      const add = (tag, a) => svg.append(sv(tag, a));
      add("text", {
        x: X0,
        y: 24,
        "font-size": 16,
        "font-weight": "bold",
        fill: "currentColor",
        text: `loss over z for y = ${y}`,
      });
      for (const t of [0, 20, 40, 60, 80, 100]) {
        const yy = Y0 + H * (1 - t / YMAX);
        add("line", {
          x1: X0,
          y1: yy,
          x2: X0 + W,
          y2: yy,
          stroke: "currentColor",
          "stroke-width": 0.5,
          "stroke-dasharray": "2 4",
        });
        add("text", {
          x: X0 - 6,
          y: yy + 5,
          "font-size": 13,
          "text-anchor": "end",
          fill: "currentColor",
          text: String(t),
        });
      }
      for (const t of [lo, lo / 2, 0, hi / 2, hi]) {
        add("text", {
          x: xy(t, 0)[0],
          y: Y0 + H + 20,
          "font-size": 13,
          "text-anchor": "middle",
          fill: "currentColor",
          text: fmt(t, 0),
        });
      }
      add("line", { x1: X0, y1: Y0 + H, x2: X0 + W, y2: Y0 + H, stroke: "currentColor", "stroke-width": 1.5 });
      add("line", { x1: X0, y1: Y0, x2: X0, y2: Y0 + H, stroke: "currentColor", "stroke-width": 1.5 });
      add("text", {
        x: X0 + W,
        y: Y0 + H + 40,
        "font-size": 15,
        "text-anchor": "end",
        fill: "currentColor",
        text: "z",
      });
      const c = curve(y);
      add("polyline", { points: pts(c.exact), fill: "none", stroke: OKABE.sky, "stroke-width": 3 });
      add("polyline", {
        points: pts(c.clamped),
        fill: "none",
        stroke: OKABE.vermillion,
        "stroke-width": 3,
        "stroke-dasharray": "7 5",
      });
      const [xz] = xy(z, 0);
      add("line", { x1: xz, y1: Y0, x2: xz, y2: Y0 + H, stroke: "currentColor", "stroke-dasharray": "3 3" });
      const [sx, sy] = xy(z, st.bce_loss);
      add("rect", {
        x: sx - 7,
        y: sy - 7,
        width: 14,
        height: 14,
        fill: OKABE.vermillion,
        stroke: "currentColor",
        "stroke-width": 2,
      });
      const [cx, cy] = xy(z, st.bce_with_logits_loss);
      add("circle", { cx, cy, r: 6, fill: OKABE.sky, stroke: "currentColor", "stroke-width": 2 });
      const lx = 420,
        ly = 40;
      add("line", { x1: lx, y1: ly - 5, x2: lx + 34, y2: ly - 5, stroke: OKABE.sky, "stroke-width": 3 });
      add("circle", { cx: lx + 17, cy: ly - 5, r: 5, fill: OKABE.sky, stroke: "currentColor", "stroke-width": 2 });
      add("text", { x: lx + 42, y: ly, "font-size": 15, fill: "currentColor", text: "BCEWithLogitsLoss(z, y)" });
      add("line", {
        x1: lx,
        y1: ly + 20,
        x2: lx + 34,
        y2: ly + 20,
        stroke: OKABE.vermillion,
        "stroke-width": 3,
        "stroke-dasharray": "7 5",
      });
      add("rect", {
        x: lx + 12,
        y: ly + 15,
        width: 10,
        height: 10,
        fill: OKABE.vermillion,
        stroke: "currentColor",
        "stroke-width": 2,
      });
      add("text", { x: lx + 42, y: ly + 25, "font-size": 15, fill: "currentColor", text: "BCELoss(sigmoid(z), y)" });
      rows.forEach((r, i) =>
        add("text", { x: lx, y: 110 + 26 * i, "font-size": 16, fill: "currentColor", class: "l2l-numbers", text: r }),
      );
      v.lines.forEach((line, i) =>
        add("text", {
          x: lx,
          y: 226 + 22 * i,
          "font-size": 15,
          "font-weight": v.kind === "agree" ? null : "bold",
          fill: "currentColor",
          class: "l2l-verdict",
          text: line,
        }),
      );
      showChart(parts.chart, svg);
      hint.textContent = model.get("hint");
      parts.mine = {
        inputs: { logit: z, target: y },
        values: { sigmoid: st.sigmoid, bce_loss: st.bce_loss, bce_with_logits_loss: st.bce_with_logits_loss },
      };
      verify();
    });
  }
  function verify() {
    if (parts.mine) showCheck(parts.check, model.get("result"), parts.mine.inputs, parts.mine.values);
  }
  const fromPython = () => {
    zs.set(model.get("logit"));
    draw();
  };
  return connect({
    model,
    parts,
    inputs: ["logit", "target"],
    onInputsChanged: fromPython,
    onTorchResult: verify,
    draw,
  });
}

export default { render };
