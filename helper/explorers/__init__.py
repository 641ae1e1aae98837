r"""Live explorers: sliders that move logits; the page computes and draws, torch verifies.

- :class:`LogitsExplorer` -- logits of one example, target class, temperature:
  softmax bars, cross-entropy loss, logsumexp, gradient ``softmax - onehot``.
- :class:`BinaryExplorer` -- one logit and a 0/1 label: ``sigmoid(z)``, the BCE curves,
  ``BCELoss(sigmoid(z))`` against ``BCEWithLogitsLoss(z)``: where the first drifts, and
  where it jumps to its clamp.
- :class:`StabilityExplorer` -- shift/scale logits in float16/32/64: naive
  log-sum-exp, the max trick and ``torch.logsumexp``, with ``inf``/``nan``/0 as the
  dtype produces them; the gauge shows ``logsumexp(z)``, the log of the sum that overflows.
- :class:`DistributionExplorer` -- logits and a target distribution q: ``H(q)``,
  ``KL(q || p)`` and the cross-entropy ``H(q, p) = H(q) + KL`` with its floor, nats or bits.
- :class:`TrainingPlayer` -- Play, Step, "Back to step 0" and a step slider over a
  gradient-descent run (notebook 08): decision regions, points, the loss curve and a readout,
  each frame computed in the page from that step's ``W, b``.

Show one by making it the last expression of a cell.

Architecture (anywidget)
------------------------
Every explorer is an ``anywidget.AnyWidget``: a Python model with typed, synced traits
(the inputs: logits, target, temperature, ...), and a front end that is one small ES
module per explorer in ``helper/explorers/js/`` plus the shared maths module
``lossmath.js`` (and ``kit.js``, shared page pieces). On every ``input`` event the page
computes what it shows with lossmath.js, rounding as torch does (float32 by default;
float16/float64 in the StabilityExplorer), and redraws its SVG: no round trip to the
kernel, so it answers within a frame, and it stays live in a page with no kernel at all
(exported HTML, slide decks) because the widget state saved in the notebook carries the
module. The page sends its state to Python at most every 100 ms while a key is held or a
thumb dragged, and at once on release; the kernel recomputes with torch and returns its
numbers in the ``result`` trait; the page shows "torch agrees" (quietly) or the
differences (loudly, role=alert). anywidget loads a module from a string, where relative
imports cannot resolve, so :func:`helper.explorers._esm.compose` concatenates
``lossmath.js + kit.js + <explorer>.js`` and drops the relative import lines (no bundler).

Contract
--------
- ``.sliders``: :class:`~helper.explorers._base.Control` objects (logits; ``[z]``;
  ``[shift, scale]``); ``.sliders[i].value = x`` moves control ``i`` (the page follows).
- One name per input, the same for the constructor's argument, the trait (``ex.target = 2``
  moves it; the page follows), the page and :meth:`state`'s key: ``logits``, ``target`` (a class
  index, or BinaryExplorer's 0/1 label), ``temperature``, ``labels`` (class names), ``logit``,
  ``shift``, ``scale``, ``dtype``, ``q``, ``unit``, ``step``. ``DistributionExplorer.q_sliders``
  move one ``q_i`` and rescale the others.
- Every input is checked in one place, its trait's validator, whatever sets it: a bad value
  from Python raises a TypeError/ValueError naming the field and what it accepts; a bad
  message from the page is refused whole, the page is sent the kernel's values back, and the
  explorer shows the refusal (``py_error``) until the next good update.
- ``.state()``: every number shown, as torch computes it (plain Python values); loss
  explorers have ``"loss"``.
- Errors: an exception in the kernel's update is caught, kept in ``.last_error`` and shown
  in the explorer (trait ``py_error``); a JavaScript error in the page is shown there too
  and reported in trait ``js_error``. The next good update hides them.
- Display bundle: the live widget view, a byte-deterministic static ``image/svg+xml`` of
  the current state (explicit colours on a white card: GitHub, nbconvert without widget
  state) and an own deterministic ``text/plain`` line (nbval compares both exactly;
  anywidget's default repr holds a memory address).

Accessibility: native ``<input type=range>`` sliders (arrows, PageUp/PageDown for large
steps, Home/End) with names saying what they move ("logit z_2 (fox)") and
``data-lm-suppress-shortcuts`` so JupyterLab's command mode leaves the arrows alone;
visible focus; the loss readout is ``aria-live=polite``; each chart is ``role=img`` with a
text alternative listing its values; colours from JupyterLab's theme variables (light and
dark) with fallbacks; the target and bad values are marked by shape and words, not colour
alone.

CSS classes (stable, for browser tests)
---------------------------------------
``l2l-explorer`` (root), ``l2l-logits-explorer`` / ``l2l-binary-explorer`` /
``l2l-stability-explorer`` / ``l2l-distribution-explorer`` / ``l2l-training-player``; ``l2l-formula``,
``l2l-controls``, ``l2l-logit`` (+ ``l2l-logit-<i>``), ``l2l-q-<i>``, ``l2l-target``,
``l2l-temperature``, ``l2l-shift``, ``l2l-scale``, ``l2l-dtype``, ``l2l-unit``,
``l2l-play`` / ``l2l-step`` / ``l2l-back`` (the player's buttons), ``l2l-step-slider``;
``l2l-loss`` (the ``aria-live`` readout; ``l2l-results`` in the StabilityExplorer),
``l2l-chart`` (its ``<text class="l2l-numbers">`` hold the numbers), ``l2l-check`` ("torch
agrees"), ``l2l-error`` (hidden until an update fails).
"""

from helper.explorers.binary import BinaryExplorer
from helper.explorers.distribution import DistributionExplorer
from helper.explorers.logits import LogitsExplorer
from helper.explorers.stability import StabilityExplorer
from helper.explorers.training import TrainingPlayer

__all__ = ["LogitsExplorer", "BinaryExplorer", "StabilityExplorer", "DistributionExplorer", "TrainingPlayer"]
