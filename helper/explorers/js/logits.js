// logits.js - LogitsExplorer's front end: logits, target and temperature sliders; softmax bars,
// loss, logsumexp and gradient computed here on every input event (lossmath.js, float32 like
// torch), checked against torch's numbers from the kernel (trait `result`).

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
import { logitsState } from "./lossmath.js";

const FORMULA =
  "<var>p</var> = softmax(<var>z</var> / <var>T</var>), &nbsp; " +
  "<var>L</var> = &minus;log <var>p</var><sub><var>y</var></sub> = logsumexp(<var>z</var> / <var>T</var>) &minus; <var>z</var><sub><var>y</var></sub> / <var>T</var>, &nbsp; " +
  "&part;<var>L</var>/&part;<var>z</var><sub><var>i</var></sub> = (<var>p</var><sub><var>i</var></sub> &minus; [<var>i</var> = <var>y</var>]) / <var>T</var>";

function render({ model, el }) {
  const parts = frame(el, "l2l-logits-explorer", FORMULA);
  const labels = () => model.get("labels");
  const short = (s) => (s.length <= 8 ? s : `${s.slice(0, 7)}\u2026`);
  const named = () => model.get("named");
  const lo = model.get("lo");
  const hi = model.get("hi");

  const logitSliders = model.get("logits").map((v, i) => {
    const name = named() ? `logit z_${i} (${labels()[i]})` : `logit z_${i}`;
    const s = slider({
      name,
      label: `z_${i}`,
      min: lo,
      max: hi,
      step: 0.1,
      big: 1,
      value: v,
      cls: `l2l-logit l2l-logit-${i}`,
      onInput: guard(model, parts, (x) => {
        const z = model.get("logits").slice();
        z[i] = x;
        commit(model, "logits", z); // fires change:logits -> fromPython() redraws
      }),
    });
    return s;
  });
  const select = h("select", {
    "aria-label": "target class y",
    class: "l2l-select",
    "data-lm-suppress-shortcuts": "true",
  });
  labels().forEach((lab, i) => select.append(h("option", { value: i, text: named() ? `${i}: ${lab}` : String(i) })));
  select.value = String(model.get("target"));
  select.addEventListener(
    "change",
    guard(model, parts, () => {
      commit(model, "target", Number(select.value));
    }),
  );
  const targetRow = h(
    "label",
    { class: "l2l-row l2l-target" },
    h("span", { class: "l2l-name", text: "target y" }),
    select,
  );
  const tSlider = slider({
    name: "temperature T",
    label: "T",
    min: model.get("temperature_min"),
    max: model.get("temperature_max"),
    step: 0.05,
    big: 0.5,
    value: model.get("temperature"),
    decimals: 2,
    cls: "l2l-temperature",
    onInput: guard(model, parts, (x) => commit(model, "temperature", x)),
  });
  parts.controls.append(...logitSliders.map((s) => s.row), targetRow, tSlider.row);

  function draw() {
    guarded(model, parts, () => {
      const z = model.get("logits");
      const y = model.get("target");
      const T = model.get("temperature");
      const st = logitsState(z, y, T);
      parts.readout.textContent = `loss = ${fmt(st.loss)}`;
      const labs = labels().map(short);
      const gmax = Math.max(1, ...st.grad.map(Math.abs));
      const alt =
        `Bar charts. p = softmax(z/T): ${labs.map((l, i) => `${l} ${fmt(st.probs[i], 3)}`).join(", ")}. ` +
        `Gradient dL/dz: ${labs.map((l, i) => `${l} ${fmt(st.grad[i], 3, true)}`).join(", ")}. ` +
        `Target ${labs[y]}; loss ${fmt(st.loss)}; logsumexp(z/T) ${fmt(st.logsumexp)}; T ${fmt(T, 2)}.`;
      const svg = svgRoot(660, 330, alt);
      bars(svg, {
        x0: 56,
        y0: 46,
        w: 262,
        ht: 190,
        values: st.probs,
        labels: labs,
        lo: 0,
        hi: 1,
        decimals: 3,
        colour: OKABE.sky,
        mark: y,
        markColour: OKABE.orange,
        title: "p = softmax(z/T)",
      });
      for (const v of [0, 0.5, 1]) {
        svg.append(
          sv("text", {
            x: 48,
            y: 46 + 190 * (1 - v) + 5,
            "font-size": 13,
            "text-anchor": "end",
            fill: "currentColor",
            text: v.toFixed(1),
          }),
        );
      }
      bars(svg, {
        x0: 388,
        y0: 46,
        w: 262,
        ht: 190,
        values: st.grad,
        labels: labs,
        lo: -gmax,
        hi: gmax,
        decimals: 3,
        plus: true,
        colour: OKABE.vermillion,
        neg: OKABE.green,
        mark: y,
        title: "dL/dz = (p - onehot)/T",
      });
      svg.append(
        sv("text", {
          x: 380,
          y: 51,
          "font-size": 13,
          "text-anchor": "end",
          fill: "currentColor",
          text: fmt(gmax, 1, true),
        }),
      );
      svg.append(
        sv("text", {
          x: 380,
          y: 241,
          "font-size": 13,
          "text-anchor": "end",
          fill: "currentColor",
          text: fmt(-gmax, 1, true),
        }),
      );
      [
        [20, `loss = -log p[${y}] = ${fmt(st.loss)}`],
        [280, `logsumexp(z/T) = ${fmt(st.logsumexp)}`],
        [530, `T = ${fmt(T, 2)}`],
      ].forEach(([x, s]) =>
        svg.append(sv("text", { x, y: 312, "font-size": 16, fill: "currentColor", class: "l2l-numbers", text: s })),
      );
      showChart(parts.chart, svg);
      parts.mine = { inputs: { logits: z, target: y, temperature: T }, values: st };
      verify();
    });
  }

  function verify() {
    if (!parts.mine) return;
    showCheck(parts.check, model.get("result"), parts.mine.inputs, parts.mine.values);
  }

  // Python set new values (or the kernel's torch result arrived)
  const fromPython = () => {
    model.get("logits").forEach((v, i) => {
      if (logitSliders[i]) logitSliders[i].set(v);
    });
    select.value = String(model.get("target"));
    tSlider.set(model.get("temperature"));
    draw();
  };
  return connect({
    model,
    parts,
    inputs: ["logits", "target", "temperature"],
    onInputsChanged: fromPython,
    onTorchResult: verify,
    draw,
  });
}

export default { render };
