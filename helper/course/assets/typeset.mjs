// Typeset the math of built HTML pages in place, once, at build time (make html, make slides).
//
// JupyterLab shows the notebooks' formulas with MathJax 3.2.2; this script runs the same
// MathJax (npm mathjax-full 3.2.2, TeX with AllPackages, $..$ and \(..\) inline, $$..$$ and
// \[..\] display, \$ for a dollar, bare \begin{env}) over each whole page, as MathJax would
// in the browser, and writes the finished page back: every formula becomes SVG (glyphs shared
// through one cache per page, so no font files) followed by its MathML, which MathJax's
// assistive-mml extension hides visually and leaves for screen readers. The page then needs
// no MathJax script at all. One Node process handles every page of a build.
//
// Usage: node typeset.mjs NODE_MODULES PAGE.html [PAGE.html ...]
// stdout: a JSON object {page: {"formulas": n, "errors": [message, ...]}}; a page whose math
// has an error is still written (MathJax draws the error in place) and the error is reported.

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [modules, ...pages] = process.argv.slice(2);
if (!modules || pages.length === 0) {
  process.stderr.write('usage: node typeset.mjs NODE_MODULES PAGE.html [PAGE.html ...]\n');
  process.exit(2);
}
const load = createRequire(import.meta.url);
const require = (name) => load(join(resolve(modules), name));
const { mathjax } = require('mathjax-full/js/mathjax.js');
const { TeX } = require('mathjax-full/js/input/tex.js');
const { SVG } = require('mathjax-full/js/output/svg.js');
const { liteAdaptor } = require('mathjax-full/js/adaptors/liteAdaptor.js');
const { RegisterHTMLHandler } = require('mathjax-full/js/handlers/html.js');
const { AssistiveMmlHandler } = require('mathjax-full/js/a11y/assistive-mml.js');
const { AllPackages } = require('mathjax-full/js/input/tex/AllPackages.js');

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

// noerrors/noundefined would draw a mistake in red and hide it from the build: leave them out.
const packages = AllPackages.filter((name) => name !== 'noerrors' && name !== 'noundefined');

function typeset(file) {
  const errors = [];
  const tex = new TeX({
    packages,
    inlineMath: [['$', '$'], ['\\(', '\\)']],
    displayMath: [['$$', '$$'], ['\\[', '\\]']],
    processEscapes: true,
    processEnvironments: true,
    formatError: (jax, err) => {
      errors.push(err.message);
      return jax.formatError(err);
    },
  });
  const svg = new SVG({ fontCache: 'global' });
  const doc = mathjax.document(readFileSync(file, 'utf8'), {
    InputJax: tex,
    OutputJax: svg,
    // Never look inside code, outputs printed as text, scripts or the widget state.
    skipHtmlTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code', 'annotation', 'annotation-xml'],
  });
  doc.render();
  const formulas = Array.from(doc.math).length;
  if (formulas === 0) adaptor.remove(svg.svgStyles);
  const html = adaptor.doctype(doc.document) + '\n' + adaptor.outerHTML(adaptor.root(doc.document)) + '\n';
  writeFileSync(file, html);
  mathjax.handlers.unregister?.(doc.handler);
  return { formulas, errors };
}

const report = {};
for (const page of pages) report[page] = typeset(page);
process.stdout.write(JSON.stringify(report));
