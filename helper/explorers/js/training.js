// training.js - TrainingPlayer's front end: Play/Pause, Step, "Back to step 0" and a step slider
// over a gradient-descent run carried in the model's traits (W, b per step, the points). Each
// frame is computed here from that step's W, b (lossmath.js, float32 like torch): the decision
// regions (softmax over a grid of points), the loss, accuracy and mean logit length, the loss
// curve so far; then checked against torch's numbers from the kernel (trait `result`).
// Play runs a timer in the page, so nothing waits for a kernel and it works with none.

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
import { classifierStats, regionGrid } from "./lossmath.js";

const FORMULA =
  "<var>Z</var> = <var>X</var><var>W</var><sup>&#8868;</sup> + <var>b</var>, &nbsp; " +
  "<var>L</var> = mean cross-entropy of softmax(<var>Z</var>), &nbsp; " +
  "<var>W</var> &larr; <var>W</var> &minus; lr &middot; &part;<var>L</var>/&part;<var>W</var>, &nbsp; " +
  "<var>b</var> &larr; <var>b</var> &minus; lr &middot; &part;<var>L</var>/&part;<var>b</var>";
// The same geometry as helper/explorers/training.py's static SVG.
const WIDTH = 760,
  HEIGHT = 330;
const PLOT = { x: 20, y: 40, w: 270, h: 270 };
const CURVE = { x: 380, y: 40, w: 350, h: 240 };
const COLOURS = [OKABE.blue, OKABE.vermillion, OKABE.green];
const LOG3 = Math.log(3);

/** A region cell's opacity: 0.05 for a coin toss among 3 classes, 0.55 when certain (training.py _tint). */
function tint(confidence) {
  return 0.05 + 0.5 * (confidence - 1 / 3) * 1.5;
}

/** The marker of one training point: circle, square or triangle for class 0, 1, 2. */
function marker(sx, sy, c) {
  const paint = { fill: COLOURS[c], stroke: "#ffffff", "stroke-width": 0.8 };
  if (c === 0) return sv("circle", { cx: sx.toFixed(1), cy: sy.toFixed(1), r: 3, ...paint });
  if (c === 1)
    return sv("rect", { x: (sx - 2.8).toFixed(1), y: (sy - 2.8).toFixed(1), width: 5.6, height: 5.6, ...paint });
  const pts = [
    [sx, sy - 3.6],
    [sx + 3.3, sy + 2.4],
    [sx - 3.3, sy + 2.4],
  ].map((p) => p.map((v) => v.toFixed(1)).join(","));
  return sv("polygon", { points: pts.join(" "), ...paint });
}

/** The points on the data panel: the same for every step, so described once. */
function pointShapes(points, classes, box) {
  const [x0, x1, y0, y1] = box;
  const g = sv("g", { class: "l2l-points" });
  points.forEach(([x, y], i) => {
    g.append(marker(PLOT.x + (PLOT.w * (x - x0)) / (x1 - x0), PLOT.y + (PLOT.h * (y1 - y)) / (y1 - y0), classes[i]));
  });
  return g;
}

/** A hex colour "#rrggbb" as [r, g, b]. */
function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/**
 * The decision regions, drawn on a canvas of one pixel per grid cell (row 0 at the bottom), which
 * CSS scales up without smoothing under the chart's SVG: one image per frame instead of n x n SVG
 * rectangles to restyle (the static SVG for GitHub, from training.py, draws the rectangles).
 */
function regionLayer(n) {
  const canvas = h("canvas", { class: "l2l-regions", width: n, height: n, "aria-hidden": "true" });
  Object.assign(canvas.style, {
    left: `${(100 * PLOT.x) / WIDTH}%`,
    top: `${(100 * PLOT.y) / HEIGHT}%`,
    width: `${(100 * PLOT.w) / WIDTH}%`,
    height: `${(100 * PLOT.h) / HEIGHT}%`,
  });
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(n, n);
  const colours = COLOURS.map(rgb);
  return {
    canvas,
    draw(grid) {
      grid.confidence.forEach((conf, i) => {
        const col = i % n,
          row = n - 1 - Math.floor(i / n);
        const o = 4 * (row * n + col);
        const [r, g, b] = colours[grid.region[i]];
        image.data.set([r, g, b, Math.round(255 * Number(tint(conf).toFixed(2)))], o);
      });
      ctx.putImageData(image, 0, 0);
    },
  };
}

/** The loss panel: axes, log 3 dashed, the curve of `losses` (steps 0..k) and the current point. */
function lossShapes(svg, losses, steps) {
  const { x, y, w, h: ht } = CURVE;
  const top = LOG3 * 1.1;
  const pos = (i, v) => [x + (w * i) / steps, y + ht * (1 - Math.min(v, top) / top)];
  const text = (a) => svg.append(sv("text", { "font-size": 13, fill: "currentColor", ...a }));
  svg.append(
    sv("text", { x, y: y - 14, "font-size": 15, "font-weight": "bold", fill: "currentColor", text: "loss per step" }),
  );
  svg.append(sv("line", { x1: x, y1: y, x2: x, y2: y + ht, stroke: "currentColor" }));
  svg.append(sv("line", { x1: x, y1: y + ht, x2: x + w, y2: y + ht, stroke: "currentColor" }));
  const ly = pos(0, LOG3)[1];
  svg.append(sv("line", { x1: x, y1: ly, x2: x + w, y2: ly, stroke: "currentColor", "stroke-dasharray": "4 4" }));
  text({ x: x + w, y: ly - 6, "text-anchor": "end", text: `log 3 = ${fmt(LOG3)}` });
  text({ x: x - 6, y: y + ht + 5, "text-anchor": "end", text: "0" });
  text({ x, y: y + ht + 22, "text-anchor": "middle", text: "0" });
  text({ x: x + w, y: y + ht + 22, "text-anchor": "middle", text: String(steps) });
  text({ x: x + w / 2, y: y + ht + 22, "text-anchor": "middle", text: "gradient step" });
  const pts = losses
    .map((v, i) =>
      pos(i, v)
        .map((c) => c.toFixed(1))
        .join(","),
    )
    .join(" ");
  // always a polyline (one point at step 0 draws nothing), so the chart keeps its shape for patching
  svg.append(
    sv("polyline", { points: pts, fill: "none", stroke: COLOURS[0], "stroke-width": 2.5, "stroke-linejoin": "round" }),
  );
  const [cx, cy] = pos(losses.length - 1, losses[losses.length - 1]);
  svg.append(
    sv("circle", {
      cx: cx.toFixed(1),
      cy: cy.toFixed(1),
      r: 5,
      fill: COLOURS[1],
      stroke: "currentColor",
      "stroke-width": 1.5,
    }),
  );
}

function button(text, title) {
  return h("button", { type: "button", class: "l2l-button", "data-lm-suppress-shortcuts": "true", title, text });
}

function render({ model, el }) {
  const parts = frame(el, "l2l-training-player", FORMULA);
  const steps = model.get("steps");
  const n = model.get("grid");
  const points = model.get("points");
  const classes = model.get("classes");
  const box = model.get("box");
  const W = model.get("W");
  const b = model.get("b");
  const points0 = pointShapes(points, classes, box);
  const frameRect = sv("rect", {
    x: PLOT.x,
    y: PLOT.y,
    width: PLOT.w,
    height: PLOT.h,
    fill: "none",
    stroke: "#8a8a8a",
  });
  const regions = regionLayer(n);
  const svgBox = h("div", { class: "l2l-layer" });
  parts.chart.classList.add("l2l-layered");
  parts.chart.append(regions.canvas, svgBox);
  const stats = []; // the page's loss, accuracy and logit length per step, computed when first shown

  const statsAt = (k) => {
    if (!stats[k]) stats[k] = classifierStats(points, classes, W[k], b[k]);
    return stats[k];
  };

  // -- controls
  const play = button("Play", "play the training steps from here to the end (press again to pause)");
  play.setAttribute("aria-pressed", "false");
  play.classList.add("l2l-play");
  const stepButton = button("Step", "one gradient step forward");
  stepButton.classList.add("l2l-step");
  const back = button("Back to step 0", "show the untrained model");
  back.classList.add("l2l-back");
  const bar = h(
    "div",
    { class: "l2l-row l2l-buttons", role: "group", "aria-label": "training playback" },
    play,
    stepButton,
    back,
  );
  const stepSlider = slider({
    name: "training step",
    label: "step",
    min: 0,
    max: steps,
    step: 1,
    big: Math.max(1, Math.round(steps / 10)),
    value: model.get("step"),
    decimals: 0,
    cls: "l2l-step-slider",
    onInput: guard(model, parts, (k) => {
      pause();
      go(k);
    }),
  });
  parts.controls.append(bar, stepSlider.row);

  // -- playing: a timer in the page, one step per interval_ms, stopping at the last step
  let timer = null;
  const playing = () => timer !== null;
  function pause() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.setAttribute("aria-pressed", "false");
  }
  function start() {
    if (model.get("step") >= steps) go(0); // at the end, Play starts again from step 0
    play.setAttribute("aria-pressed", "true");
    timer = setInterval(
      guard(model, parts, () => {
        const k = model.get("step") + 1;
        go(k);
        if (k >= steps) pause();
      }),
      model.get("interval_ms"),
    );
  }
  /** Show step k (clamped): the model's `step` changes (fromPython draws) and goes to the kernel. */
  function go(k) {
    const next = Math.max(0, Math.min(steps, Math.round(k)));
    if (next !== model.get("step")) commit(model, "step", next);
  }
  play.addEventListener(
    "click",
    guard(model, parts, () => (playing() ? pause() : start())),
  );
  stepButton.addEventListener(
    "click",
    guard(model, parts, () => {
      pause();
      go(model.get("step") + 1);
    }),
  );
  back.addEventListener(
    "click",
    guard(model, parts, () => {
      pause();
      go(0);
    }),
  );

  function draw() {
    guarded(model, parts, () => {
      const k = model.get("step");
      const st = statsAt(k);
      const grid = regionGrid(box, n, W[k], b[k]);
      const losses = [];
      for (let i = 0; i <= k; i++) losses.push(statsAt(i).loss);
      const acc = `${fmt(100 * st.accuracy, 1)}%`;
      parts.readout.textContent =
        `step ${k} of ${steps} \u00b7 loss ${fmt(st.loss)} (started at log 3 = ${fmt(LOG3)}) \u00b7 ` +
        `accuracy ${acc} \u00b7 mean logit length ${fmt(st.logit_norm, 2)}`;
      const alt =
        `Training step ${k} of ${steps}: loss ${fmt(st.loss)}, accuracy ${acc}. ` +
        "Left: the training points (circle, square, triangle for classes 0, 1, 2) on the model's " +
        "decision regions, stronger where it is more confident. Right: the loss per step.";
      const svg = svgRoot(WIDTH, HEIGHT, alt);
      regions.draw(grid);
      svg.append(frameRect, points0);
      svg.append(
        sv("text", {
          x: PLOT.x,
          y: PLOT.y - 14,
          "font-size": 15,
          "font-weight": "bold",
          fill: "currentColor",
          text: "training points and decision regions",
        }),
      );
      lossShapes(svg, losses, steps);
      showChart(svgBox, svg);
      parts.mine = {
        inputs: { step: k },
        values: {
          loss: st.loss,
          accuracy: st.accuracy,
          logit_norm: st.logit_norm,
          confidence: grid.confidence,
          region: grid.region,
        },
      };
      verify();
    });
  }

  function verify() {
    if (parts.mine) showCheck(parts.check, model.get("result"), parts.mine.inputs, parts.mine.values);
  }

  // the step changed (here, or set from Python), or torch's result arrived
  const fromPython = () => {
    stepSlider.set(model.get("step"));
    draw();
  };
  const off = connect({ model, parts, inputs: ["step"], onInputsChanged: fromPython, onTorchResult: verify, draw });
  return () => {
    pause();
    off();
  };
}

export default { render };
