// Every page-side handler runs inside the guard: a JavaScript error shows in the widget, goes to
// Python (js_error), and the check line stops claiming "torch agrees" (#18 item 4).

import assert from "node:assert/strict";
import { test } from "node:test";
import { connect, fmt, guard, guarded, showCheck } from "../../helper/explorers/js/kit.js";
import { fakeModel, installFakeDom } from "./fake_dom.mjs";

installFakeDom();

function parts() {
  return { error: document.createElement("div"), check: document.createElement("div") };
}

test("an error in a handler is shown, told to Python, and replaces a stale 'torch agrees'", () => {
  const model = fakeModel();
  const p = parts();
  showCheck(p.check, { inputs: { y: 1 }, values: { loss: 2 } }, { y: 1 }, { loss: 2 });
  assert.equal(p.check.textContent, "\u2713 torch agrees");
  const onClick = guard(model, p, () => {
    throw new TypeError("x.toFixed is not a function");
  });
  onClick();
  assert.equal(p.error.hidden, false);
  assert.match(p.error.textContent, /TypeError: x\.toFixed is not a function/);
  assert.equal(model.v.js_error, "TypeError: x.toFixed is not a function");
  assert.match(p.check.textContent, /^not checked/);
  assert.doesNotMatch(p.check.textContent, /agrees/);
});

test("a nested failure is not cleared by the outer handler that caught nothing", () => {
  const model = fakeModel();
  const p = parts();
  guarded(model, p, () =>
    guarded(model, p, () => {
      throw new RangeError("inner");
    }),
  );
  assert.equal(p.error.hidden, false);
  assert.equal(model.v.js_error, "RangeError: inner");
  guarded(model, p, () => {}); // the next good run clears it
  assert.equal(p.error.hidden, true);
  assert.equal(model.v.js_error, "");
});

test("connect runs the kernel's changes and torch's result inside the guard", () => {
  const model = fakeModel({ logits: [0, 1], result: {} });
  const p = parts();
  let draws = 0;
  const off = connect({
    model,
    parts: p,
    inputs: ["logits"],
    onInputsChanged: () => {
      throw new Error("bad logits from the kernel");
    },
    onTorchResult: () => {
      throw new Error("bad result");
    },
    draw: () => {
      draws += 1;
    },
  });
  assert.equal(draws, 1);
  assert.doesNotThrow(() => model.fromKernel("logits", "nan"));
  assert.match(p.error.textContent, /bad logits from the kernel/);
  assert.doesNotThrow(() => model.fromKernel("result", { inputs: {}, values: {} }));
  assert.match(p.error.textContent, /bad result/);
  off();
  assert.equal(model.listeners("change:logits"), 0);
  assert.equal(model.listeners("change:result"), 0);
});

test("fmt writes non-numbers as nan, and Python's inf/nan strings as numbers", () => {
  assert.equal(fmt("nan"), "nan");
  assert.equal(fmt("inf", 2), "inf");
  assert.equal(fmt("-inf", 2), "-inf");
  assert.equal(fmt(null), "nan");
  assert.equal(fmt("constructor"), "nan");
  assert.equal(fmt(-0.00001, 4), "0.0000");
});

test("torch's numbers count only for the inputs they were computed from", async () => {
  const { sameInputs } = await import("../../helper/explorers/js/kit.js");
  assert.equal(sameInputs({ logits: [1, 2], target: 1 }, { logits: [1, 2], target: 1 }), true);
  assert.equal(sameInputs({ logits: [1, 2], target: 1 }, { logits: [1, 2.5], target: 1 }), false);
  assert.equal(sameInputs({ logits: [1, 2], target: 1 }, { logits: [1, 2] }), false);
  assert.equal(sameInputs({ dtype: "float16" }, { dtype: "float32" }), false);
  assert.equal(sameInputs({ a: 1 }, null), false);
});

test("the check line: quiet when torch agrees, loud (role=alert) when not, pending for other inputs", () => {
  const check = document.createElement("div");
  showCheck(check, { inputs: { target: 1 }, values: { loss: 2.0 } }, { target: 1 }, { loss: 2.0 });
  assert.equal(check.textContent, "\u2713 torch agrees");
  assert.equal(check.attrs.role, undefined);
  showCheck(check, { inputs: { target: 1 }, values: { loss: 2.5 } }, { target: 1 }, { loss: 2.0 });
  assert.match(check.textContent, /^\u2717 torch disagrees: loss: page 2, torch 2\.5/);
  assert.equal(check.attrs.role, "alert");
  showCheck(check, { inputs: { target: 0 }, values: { loss: 2.0 } }, { target: 1 }, { loss: 2.0 });
  assert.match(check.textContent, /^checking with torch/); // torch's numbers were for other inputs
  assert.equal(check.attrs.role, undefined);
});

test("with no kernel answering, the check line says torch is not checking; an answer replaces it", async () => {
  const kit = await import("../../helper/explorers/js/kit.js");
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  kit.timing.kernelSilentMs = 30;
  try {
    const check = document.createElement("div");
    kit.showCheck(check, {}, { target: 1 }, { loss: 2.0 });
    assert.match(check.textContent, /^checking with torch/);
    await wait(80);
    assert.match(check.textContent, /^torch is not checking: no kernel answered/);
    assert.equal(check.className, "l2l-check l2l-unchecked");
    kit.showCheck(check, { inputs: { target: 1 }, values: { loss: 2.0 } }, { target: 1 }, { loss: 2.0 });
    await wait(80);
    assert.equal(check.textContent, "\u2713 torch agrees"); // the answer cancelled the pending message
  } finally {
    kit.timing.kernelSilentMs = 5000;
  }
});
