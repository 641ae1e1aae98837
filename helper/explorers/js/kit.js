// kit.js - the page-side pieces every explorer shares: labelled sliders, readouts, the
// "torch agrees" line, the error area, syncing to Python, a tiny SVG writer.
// Composed (in Python, helper/explorers/_esm.py) after lossmath.js and before one explorer's
// module into a single ES module string, because anywidget loads a module from a string and
// relative imports cannot resolve there. The import below is removed by that composition
// and kept so that Node can load this file as is.
import { agrees } from "./lossmath.js";

export const SVGNS = "http://www.w3.org/2000/svg";
// Okabe-Ito colour-blind-safe palette: helper/palette.py's values (tests/unit/test_explorer_js.py
// checks they stay the same).
export const OKABE = {
  orange: "#E69F00",
  sky: "#56B4E9",
  green: "#009E73",
  blue: "#0072B2",
  vermillion: "#D55E00",
};

/** Create an HTML element with attributes and children (strings become text nodes); SVG: `sv`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) el.append(c);
  return el;
}

/** A number with a fixed number of decimals; inf, -inf, nan as words; never "-0.0000".
 * Writes what helper._format.fmt(x, ".{decimals}f") writes (tested in test_explorer_js.py). */
export function fmt(x, decimals = 4, plus = false) {
  if (typeof x !== "number") x = num(x); // "inf"/"nan" as Python sends them; anything else is nan
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  let s = x.toFixed(decimals);
  if (/^-0\.?0*$/.test(s)) s = s.slice(1);
  if (plus && !s.startsWith("-")) s = `+${s}`;
  return s;
}

/** Fixed decimals for ordinary sizes, 5 significant digits in scientific notation beyond 1e6. */
export function fmtBig(x) {
  if (!Number.isFinite(x) || Math.abs(x) < 1e6) return fmt(x, 4);
  const [m, e] = x.toExponential(4).split("e");
  const n = Number(e);
  return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`; // as Python's ".5g"
}

/**
 * A labelled native range slider that the keyboard drives: arrows one step, PageUp/PageDown
 * `big` steps, Home/End the ends. `data-lm-suppress-shortcuts` keeps JupyterLab's command mode
 * from taking the arrow keys. Returns {row, input, out, set(value)}.
 */
export function slider({ name, label, min, max, step, big, value, decimals = 1, cls, onInput }) {
  const input = h("input", {
    type: "range",
    min,
    max,
    step,
    value,
    "aria-label": name,
    class: "l2l-range",
    "data-lm-suppress-shortcuts": "true",
  });
  const out = h("output", { class: "l2l-readout", "aria-hidden": "true" });
  const row = h("label", { class: `l2l-row ${cls || ""}` }, h("span", { class: "l2l-name", text: label }), input, out);
  const show = (v) => {
    out.textContent = fmt(v, decimals);
    input.setAttribute("aria-valuetext", `${fmt(v, decimals)}`);
  };
  const set = (v) => {
    if (Number(input.value) === v && out.textContent === fmt(v, decimals)) return; // nothing to redraw
    input.value = String(v);
    show(v);
  };
  input.addEventListener("keydown", (ev) => {
    const keys = { PageUp: big, PageDown: -big };
    if (!(ev.key in keys)) return;
    ev.preventDefault();
    const next = Math.min(max, Math.max(min, Number(input.value) + keys[ev.key]));
    input.value = String(next);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  input.addEventListener("input", () => {
    show(Number(input.value));
    onInput(Number(input.value));
  });
  show(value);
  input.value = String(value);
  return { row, input, out, set, show };
}

/** The skeleton every explorer has: root, formula, controls, live readout, chart, check, error. */
export function frame(el, kind, formulaHtml) {
  const root = h("div", {
    class: `l2l-explorer ${kind}`,
    role: "group",
    "aria-label": kind.replace("l2l-", "").replace("-", " "),
  });
  const formula = h("div", { class: "l2l-formula" });
  formula.innerHTML = formulaHtml;
  const controls = h("div", { class: "l2l-controls" });
  const readout = h("div", { class: "l2l-loss", "aria-live": "polite", "aria-atomic": "true" });
  const chart = h("div", { class: "l2l-chart" });
  const check = h("div", { class: "l2l-check", "aria-live": "polite" });
  const error = h("div", { class: "l2l-error", role: "alert", hidden: true });
  const output = h("div", { class: "l2l-output" }, readout, chart, check);
  root.append(formula, h("div", { class: "l2l-body" }, controls, output), error);
  el.append(root);
  return { root, formula, controls, readout, chart, check, error, output };
}

/**
 * Set trait `name` from the page and send it to the kernel in the same task. ipywidgets keeps
 * one message in flight and merges the rest, and applies the kernel's echo of a message only
 * while no newer value waits: a value set now but sent later could be overwritten by the echo
 * of an older one arriving in between (the slider would jump back under the learner's hand).
 */
export function commit(model, name, value) {
  model.set(name, value);
  model.save_changes();
}

/** Decode a number sent by Python: floats, or "inf", "-inf", "nan" as strings (JSON has no inf). */
export function num(x) {
  if (typeof x === "number") return x;
  return Object.hasOwn(_NONFINITE, x) ? _NONFINITE[x] : NaN;
}
const _NONFINITE = { inf: Infinity, "-inf": -Infinity, nan: NaN };

/** Equal input lists (what the page shows vs what torch computed). */
export function sameInputs(a, b) {
  const ka = Object.keys(a || {});
  if (!b || ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** How long the page waits for torch's numbers before it says that no kernel is checking. */
export const timing = { kernelSilentMs: 5000 };
const _silence = new WeakMap(); // check element -> its pending "no kernel answered" timer

/**
 * Compare the page's numbers with torch's (model trait `result`) and say so in `check`:
 * quietly when they agree, loudly (role=alert, listing each difference) when they do not.
 * `mine` maps names to numbers or arrays; `inputs` is what they were computed from.
 */
export function showCheck(check, result, inputs, mine, dtype = "float32", ulps = 8) {
  clearTimeout(_silence.get(check));
  if (!result?.inputs || !sameInputs(inputs, result.inputs)) {
    check.className = "l2l-check l2l-pending";
    check.removeAttribute("role");
    check.textContent = "checking with torch\u2026 (needs a running kernel)";
    // No kernel answers (interrupted, restarting, dead, or none at all): say so, and keep computing.
    _silence.set(
      check,
      setTimeout(() => {
        check.className = "l2l-check l2l-unchecked";
        check.textContent =
          "torch is not checking: no kernel answered. The page still computes every number; " +
          "run the cell again in a running kernel to check them.";
      }, timing.kernelSilentMs),
    );
    return null;
  }
  const diffs = [];
  for (const [k, v] of Object.entries(mine)) {
    if (!(k in result.values)) continue;
    const theirs = result.values[k];
    const a = Array.isArray(v) ? v : [v];
    const b = Array.isArray(theirs) ? theirs.map(num) : [num(theirs)];
    const scale = Math.max(1, ...a.filter(Number.isFinite).map(Math.abs));
    a.forEach((x, i) => {
      if (!agrees(x, b[i], dtype, ulps, scale))
        diffs.push(`${k}${a.length > 1 ? `[${i}]` : ""}: page ${x}, torch ${b[i]}`);
    });
  }
  if (diffs.length === 0) {
    check.className = "l2l-check l2l-agree";
    check.removeAttribute("role");
    check.textContent = "\u2713 torch agrees";
  } else {
    check.className = "l2l-check l2l-disagree";
    check.setAttribute("role", "alert");
    check.textContent = `\u2717 torch disagrees: ${diffs.slice(0, 4).join("; ")}`;
  }
  return diffs;
}

/** Show (or hide, with msg "") an error in the explorer's error area. */
export function showError(error, msg) {
  if (msg) {
    error.hidden = false;
    error.textContent = "";
    error.append(h("strong", { text: "The explorer could not update. " }), h("code", { text: msg }));
  } else {
    error.hidden = true;
    error.textContent = "";
  }
}

/**
 * Run `fn` and show any JavaScript exception in the widget (and tell Python through the
 * `js_error` trait); clear the message after a good run. Every page-side handler runs inside
 * it (`guard`): after an error the check line says the page's numbers are not checked, so an
 * old "torch agrees" never stays beside a picture that failed to update.
 */
export function guarded(model, parts, fn) {
  const failures = parts.failures || 0;
  try {
    fn();
    // clear only if no nested guarded() call failed meanwhile
    if (parts.jsError && (parts.failures || 0) === failures) {
      parts.jsError = "";
      model.set("js_error", "");
      showError(parts.error, model.get("py_error"));
    }
  } catch (err) {
    const msg = `${err?.name ? err.name : "Error"}: ${err?.message ? err.message : err}`;
    parts.failures = failures + 1;
    parts.jsError = msg;
    parts.mine = null;
    showError(parts.error, msg);
    if (parts.check) {
      parts.check.className = "l2l-check l2l-pending";
      parts.check.removeAttribute("role");
      parts.check.textContent = "not checked: the page could not update (see the error below)";
    }
    try {
      model.set("js_error", msg);
      model.save_changes();
    } catch (_) {
      /* the message is on screen; nothing more to do */
    }
  }
}

/** `fn` as an event handler that runs inside `guarded`. */
export function guard(model, parts, fn) {
  return (...args) => guarded(model, parts, () => fn(...args));
}

/** Show Python's error (trait `py_error`) unless a JavaScript error is already shown. */
export function watchPyError(model, parts) {
  const on = guard(model, parts, () => {
    if (!parts.jsError) showError(parts.error, model.get("py_error"));
  });
  model.on("change:py_error", on);
  on();
  return () => model.off("change:py_error", on);
}

/**
 * Wire a rendered explorer to its model and draw it once. Options:
 *   model, parts    the widget model and the frame() of the view;
 *   inputs          the names of the input traits;
 *   onInputsChanged runs when one of `inputs` changes in the model, whoever changed it (Python,
 *                   the kernel's check, or this page's own controls);
 *   onTorchResult   runs when torch's numbers (trait `result`) arrive;
 *   draw            runs once now (each hook usually ends by drawing).
 * Every hook runs inside the guard; Python's errors (`py_error`) are shown. Returns the view's
 * clean-up (anywidget calls it when the view is removed).
 */
export function connect({ model, parts, inputs, onInputsChanged, onTorchResult, draw }) {
  const changed = guard(model, parts, onInputsChanged);
  const result = guard(model, parts, onTorchResult);
  const events = inputs.map((name) => `change:${name}`);
  events.forEach((ev) => model.on(ev, changed));
  model.on("change:result", result);
  const offErr = watchPyError(model, parts);
  guarded(model, parts, draw);
  return () => {
    events.forEach((ev) => model.off(ev, changed));
    model.off("change:result", result);
    offErr();
  };
}

/**
 * An SVG element to draw: tag, attributes (as `h` takes them) and children, or text. Charts are
 * described with these on every input event; `showChart` builds the DOM the first time and
 * afterwards changes only the attributes and texts that differ from the last description, so
 * the browser restyles a few nodes instead of laying out a new chart on every key press.
 */
class Shape {
  constructor(tag, attrs, children) {
    this.tag = tag;
    this.attrs = {};
    this.text = undefined;
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") this.text = String(v);
      else this.attrs[k] = v === true ? "" : String(v);
    }
    this.children = children;
  }

  append(...children) {
    this.children.push(...children);
  }
}

/** Describe an SVG element (see Shape): `sv("rect", {x: 1, fill: "red"})`. */
export function sv(tag, attrs = {}, ...children) {
  return new Shape(tag, attrs, children);
}

function _build(shape) {
  const el = document.createElementNS(SVGNS, shape.tag);
  for (const [k, v] of Object.entries(shape.attrs)) el.setAttribute(k, v);
  if (shape.text !== undefined) el.textContent = shape.text;
  else for (const c of shape.children) el.append(_build(c));
  return el;
}

function _patch(el, old, next) {
  if (old === next) return; // the same description (a part drawn once, e.g. fixed points): nothing to do
  if (old.tag !== next.tag || (old.text === undefined) !== (next.text === undefined)) {
    el.replaceWith(_build(next));
    return;
  }
  for (const k in old.attrs) if (!(k in next.attrs)) el.removeAttribute(k);
  for (const k in next.attrs) if (old.attrs[k] !== next.attrs[k]) el.setAttribute(k, next.attrs[k]);
  if (next.text !== undefined) {
    if (old.text !== next.text) el.textContent = next.text;
    return;
  }
  const live = Array.from(el.children);
  next.children.forEach((c, i) => {
    if (i < old.children.length) _patch(live[i], old.children[i], c);
    else el.append(_build(c));
  });
  for (let i = next.children.length; i < old.children.length; i++) live[i].remove();
}

const _shown = new WeakMap(); // box -> the Shape it shows

/** Show the chart `shape` in `box`: built the first time, then patched where it differs. */
export function showChart(box, shape) {
  const old = _shown.get(box);
  if (old && box.childElementCount === 1) _patch(box.firstElementChild, old, shape);
  else box.replaceChildren(_build(shape));
  _shown.set(box, shape);
}

/** A vertical bar chart (values on bars, target hatched + outlined + tagged) appended to a Shape. */
export function bars(
  chart,
  { x0, y0, w, ht, values, labels, lo, hi, decimals, plus, colour, neg, mark, markColour, title },
) {
  const y = (v) => y0 + (ht * (hi - Math.min(Math.max(v, lo), hi))) / (hi - lo);
  const zero = y(0);
  chart.append(
    sv("text", { x: x0, y: y0 - 10, "font-size": 16, "font-weight": "bold", fill: "currentColor", text: title }),
  );
  chart.append(sv("line", { x1: x0, y1: y0, x2: x0, y2: y0 + ht, stroke: "currentColor" }));
  const slot = w / values.length;
  const bw = slot * 0.62;
  values.forEach((v, i) => {
    // one group per bar (its hatching in a group of its own), so that `showChart` lines up the same
    // pieces from one draw to the next and only changes what moved
    const g = sv("g", { class: "l2l-bar" });
    chart.append(g);
    const cx = x0 + slot * (i + 0.5);
    const top = Number.isFinite(v) ? y(v) : zero;
    let fill = v >= 0 || !neg ? colour : neg;
    if (i === mark && markColour) fill = markColour;
    const ya = Math.min(top, zero);
    const yb = Math.max(top, zero);
    if (yb - ya >= 0.05) g.append(sv("rect", { x: cx - bw / 2, y: ya, width: bw, height: yb - ya, fill }));
    if (i === mark) {
      const hatch = sv("g", { class: "l2l-hatch" });
      g.append(hatch);
      if (yb - ya > 3) {
        for (let c = -(yb - ya); c < bw; c += 7) {
          const x1 = cx - bw / 2 + Math.max(c, 0),
            y1 = ya + Math.max(-c, 0);
          const x2 = cx - bw / 2 + Math.min(c + (yb - ya), bw),
            y2 = ya + Math.min(bw - c, yb - ya);
          if (x2 > x1) hatch.append(sv("line", { x1, y1, x2, y2, stroke: "currentColor", "stroke-width": 1.5 }));
        }
      }
      g.append(
        sv("rect", {
          x: cx - bw / 2 - 2,
          y: ya - 2,
          width: bw + 4,
          height: yb - ya + 4,
          fill: "none",
          stroke: "currentColor",
          "stroke-width": 3,
        }),
      );
    }
    if (slot >= 44) {
      const vy = Number.isFinite(v) && v >= 0 ? ya - 6 : zero - 6;
      g.append(
        sv("text", {
          x: cx,
          y: vy,
          "font-size": 14,
          "text-anchor": "middle",
          fill: "currentColor",
          text: fmt(v, decimals, plus),
        }),
      );
    }
    g.append(
      sv("text", {
        x: cx,
        y: y0 + ht + 20,
        "font-size": 15,
        "text-anchor": "middle",
        fill: "currentColor",
        "font-weight": i === mark ? "bold" : null,
        text: labels[i],
      }),
    );
    if (i === mark)
      g.append(
        sv("text", {
          x: cx,
          y: y0 + ht + 38,
          "font-size": 14,
          "text-anchor": "middle",
          "font-weight": "bold",
          fill: "currentColor",
          text: "target",
        }),
      );
  });
  chart.append(sv("line", { x1: x0, y1: zero, x2: x0 + w, y2: zero, stroke: "currentColor", "stroke-width": 1.5 }));
}

/** A fresh <svg> Shape of a size with a text alternative (role=img, <title> and aria-label). */
export function svgRoot(width, height, label) {
  const svg = sv("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": label,
    class: "l2l-svg",
  });
  svg.append(sv("title", { text: label }));
  return svg;
}
