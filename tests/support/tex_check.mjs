// Validate TeX strings the way JupyterLab's MathJax 3 reads them, but strictly.
//
// JupyterLab 4 typesets with mathjax-full 3.2.2 and the TeX packages
// `AllPackages` plus `require`.  That set includes `noerrors` and `noundefined`,
// which hide mistakes: an undefined macro is drawn in red and an unbalanced
// brace shows the source instead of failing.  This script loads the same
// packages minus those two, so every mistake becomes an error message.
//
// stdin:  a JSON array; each item is a TeX string (inline math) or an object
//         {"tex": "...", "display": true|false}.
// stdout: a JSON array of the same length; null where the TeX is fine, the
//         MathJax error message otherwise.
//
// Macros defined with \newcommand persist from one item to the next, as they
// do between the cells of one notebook page in JupyterLab.
//
// Usage: echo '["\\frac{1}{2}", "\\fracc{1}{2}"]' | node tests/support/tex_check.mjs NODE_MODULES
// where NODE_MODULES is the folder holding mathjax-full (helper.course.node_modules()).

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const modules = process.argv[2];
if (!modules) {
  process.stderr.write('usage: node tex_check.mjs NODE_MODULES (the folder holding mathjax-full)\n');
  process.exit(2);
}
// Load mathjax-full's CommonJS files from that folder (their own imports resolve from there).
const load = createRequire(import.meta.url);
const require = (name) => load(join(resolve(modules), name));
const { mathjax } = require('mathjax-full/js/mathjax.js');
const { TeX } = require('mathjax-full/js/input/tex.js');
const { liteAdaptor } = require('mathjax-full/js/adaptors/liteAdaptor.js');
const { RegisterHTMLHandler } = require('mathjax-full/js/handlers/html.js');
const { AllPackages } = require('mathjax-full/js/input/tex/AllPackages.js');
const { CHTML } = require('mathjax-full/js/output/chtml.js');
const { Loader } = require('mathjax-full/js/components/loader.js');
require('mathjax-full/js/input/tex/require/RequireConfiguration.js');

const LENIENT = new Set(['noerrors', 'noundefined']);
const packages = AllPackages.filter((name) => !LENIENT.has(name)).concat('require');

// Mark the packages as already loaded, as they are in JupyterLab's bundle, so
// \require{cancel} is a no-op instead of an attempt to fetch a file.
Loader.preLoad(...packages.map((name) => `[tex]/${name}`));

class TexCheckError extends Error {}

function makeDocument() {
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const tex = new TeX({
    packages,
    // MathJax's default turns a parse error into an <merror> node; raise it instead.
    formatError: (_jax, err) => {
      throw new TexCheckError(err.message);
    },
  });
  // JupyterLab draws with CommonHTML; typesetting through it also catches the
  // few errors raised after parsing (and bussproofs needs an output jax).
  const chtml = new CHTML({ fontURL: '.' });
  return mathjax.document('', { InputJax: tex, OutputJax: chtml });
}

function check(doc, item) {
  let tex;
  let display = false;
  if (typeof item === 'string') {
    tex = item;
  } else if (item && typeof item === 'object' && typeof item.tex === 'string') {
    tex = item.tex;
    display = Boolean(item.display);
  } else {
    return `not a TeX string: ${JSON.stringify(item)}`;
  }
  try {
    doc.convert(tex, { display });
    return null;
  } catch (err) {
    if (err instanceof TexCheckError) return err.message;
    // MathJax signals "load this extension first" with a retry; JupyterLab
    // bundles no extension beyond the ones loaded here, so that is an error.
    if ((err && err.retry) || /\\require\b/.test(tex)) return `needs a TeX extension JupyterLab does not load: ${tex}`;
    return `MathJax failed: ${err && err.message}`;
  }
}

// A failed \require leaves a rejected load promise behind; it was reported above.
process.on('unhandledRejection', () => {});

function main() {
  let items;
  try {
    items = JSON.parse(readFileSync(0, 'utf8'));
  } catch (err) {
    process.stderr.write(`tex_check: stdin is not JSON: ${err.message}\n`);
    process.exit(2);
  }
  if (!Array.isArray(items)) {
    process.stderr.write('tex_check: stdin must be a JSON array of TeX strings\n');
    process.exit(2);
  }
  const doc = makeDocument();
  const results = items.map((item) => check(doc, item));
  process.stdout.write(JSON.stringify(results));
}

main();
