r"""Live explorers: sliders that move logits and show what torch makes of them.

- :class:`LogitsExplorer` -- logits of one example, target class, temperature:
  softmax bars, cross-entropy loss, logsumexp, gradient ``softmax - onehot``.
- :class:`BinaryExplorer` -- one logit and a 0/1 label: ``sigmoid(z)``, the BCE curve,
  ``BCELoss(sigmoid(z))`` against ``BCEWithLogitsLoss(z)`` and where they part.
- :class:`StabilityExplorer` -- shift/scale logits in float16/32/64: naive
  log-sum-exp, the max trick and ``torch.logsumexp``, with ``inf``/``nan`` as the
  dtype produces them.

Show one by making it the last expression of a cell. Every explorer is an
``ipywidgets.VBox``, so it can also be nested in other layouts.

Contract
--------
- ``.sliders``: the ``FloatSlider`` widgets (logits; ``[z]``; ``[shift, scale]``).
- ``.target``: the target widget where there is one (``.value`` is the class index
  or the 0/1 label). ``StabilityExplorer`` has ``.dtype`` instead.
- ``.state()``: every number currently shown, as plain Python values; loss
  explorers have ``"loss"``. Each number is torch's own result (see the tests).
- ``.error`` / ``.last_error``: an exception raised while updating is caught and
  shown in the explorer's error area, never only in the kernel log; the next good
  update hides it again.

Design, and why
---------------
Updates only assign trait values (``HTML.value``): no ``Output`` capture, no
``interact``, no matplotlib. The charts and the changing numbers are hand-built
SVG/HTML strings in ``widgets.HTML`` (see :mod:`helper._svg`), far cheaper to build
than a matplotlib figure encoded as a PNG. The formulas are LaTeX in a
``widgets.HTMLMath`` that never changes, so MathJax typesets them once; the numbers
that change on every slider move stay out of MathJax, so an update never waits for a
typesetting pass. Each move sends two small comm messages (the loss/results line and
the chart), besides the slider's own. ``make bench`` (kernel side) and
``make bench-lab`` (key press to screen in JupyterLab) measure this against a
baseline; the measured figures are in the README, the one place for them.

The browser's slider snaps every value to its grid (``min + k * step``) and sends the
snapped value back. Values set from Python (the constructor's logits, or
``slider.value = x``) are therefore kept exactly and a front-end change within half
a step of them is not taken as a move: ``LogitsExplorer([1.5410, ...])`` shows the
same loss live as in its saved output, though the slider's readout shows ``1.5``.

The display bundle (``_repr_mimebundle_``) holds the live widget view, which
JupyterLab prefers (its widget renderer has rank -10, before SVG and text), plus
a static ``image/svg+xml`` of the current state (explicit neutral colours on a
white card, byte-deterministic: no ids, no dates, fixed number formats) and a
short deterministic ``text/plain`` such as
``LogitsExplorer: z=[...], target=1, T=1, p=[...], loss=2.3257``. nbval compares
both exactly; GitHub and nbconvert show the SVG when no widget state is saved.

Live colours use ``currentColor`` and ``--jp-ui-font-color1`` so text follows the
light and dark themes; data colours come from the Okabe-Ito palette and the
target is also hatched, outlined and tagged "target"; the two BCE curves differ
by dash and marker shape; inf/nan are spelled out with a word ("overflow", "nan").

CSS classes (stable, for browser tests)
---------------------------------------
=========================  =====================================================
``l2l-explorer``           root of every explorer
``l2l-logits-explorer``    root of a LogitsExplorer (``l2l-binary-explorer``,
                           ``l2l-stability-explorer`` for the others)
``l2l-formula``            the static HTMLMath with the formulas
``l2l-controls``           box holding the sliders and selectors
``l2l-logit``              each logit slider (LogitsExplorer also ``l2l-logit-<i>``;
                           BinaryExplorer's z slider)
``l2l-target``             target selector (Dropdown / ToggleButtons)
``l2l-temperature``        LogitsExplorer's temperature slider
``l2l-shift``, ``l2l-scale``, ``l2l-dtype``  StabilityExplorer's controls
``l2l-output``             box holding what changes
``l2l-loss``               plain text ``loss = 1.2345`` (Logits, Binary)
``l2l-results``            plain text ``naive = inf | max trick = ... |
                           torch.logsumexp = ...`` (Stability)
``l2l-chart``              the SVG chart (its ``<text class="l2l-numbers">``
                           lines hold the numbers)
``l2l-error``              the error area (hidden, ``display: none``, until an
                           update fails)
=========================  =====================================================
"""

from helper.explorers.binary import BinaryExplorer
from helper.explorers.logits import LogitsExplorer
from helper.explorers.stability import StabilityExplorer

__all__ = ["LogitsExplorer", "BinaryExplorer", "StabilityExplorer"]
