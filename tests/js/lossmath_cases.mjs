// Runs lossmath.js over the cases tests/unit/test_explorer_js.py writes (argv[2]); prints its numbers as JSON.

import { readFileSync } from "node:fs";
import * as m from "../../helper/explorers/js/lossmath.js";

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const enc = (x) =>
  Array.isArray(x)
    ? x.map(enc)
    : x !== null && typeof x === "object"
      ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, enc(v)]))
      : typeof x === "number" && !Number.isFinite(x)
        ? String(x).replace("Infinity", "inf").replace("NaN", "nan")
        : x;
const out = {};
out.native_f16 = [m.F16_NATIVE, typeof Math.f16round === "function", m.f16round === (Math.f16round ?? m.f16roundExact)];
out.logits = cases.logits.map(([z, y, T]) => enc(m.logitsState(z, y, T)));
out.binary = cases.binary.map(([z, y]) => enc(m.binaryState(z, y)));
out.stability = cases.stability.map(([b, s, a, d]) => enc(m.stabilityState(b, s, a, d)));
out.distribution = cases.distribution.map(([z, q]) => enc(m.distributionState(z, q, "nats")));
out.f16 = cases.f16.map((x) => enc([m.f16roundExact(x), Math.f16round ? Math.f16round(x) : m.f16roundExact(x)]));
console.log(JSON.stringify(out));
