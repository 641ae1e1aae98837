"""The course's colours: Okabe & Ito's colour-blind-safe palette, and the highlight colour.

Okabe-Ito's eight colours stay distinct for deuteranopia, protanopia and tritanopia.
Every chart (matplotlib figures, the explorers' SVG), `look`'s highlighted entries and
the explorers' error box take their colours from here; the key names are Okabe & Ito's.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["OKABE_ITO", "HIGHLIGHT"]

#: Okabe-Ito colours (name -> ``#RRGGBB``), read-only.
OKABE_ITO = MappingProxyType(
    {
        "orange": "#E69F00",
        "sky_blue": "#56B4E9",
        "bluish_green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish_purple": "#CC79A7",
        "black": "#000000",
    }
)

#: What the course marks as text: `look`'s highlighted entries, the explorers' error box.
#: Okabe-Ito vermillion darkened until, as text, it passes WCAG 2.1 AA on white (4.78:1;
#: the original #D55E00 gives 3.87:1). On JupyterLab's dark background it gives 3.95:1,
#: which meets AA only for large text; the box around each highlighted entry marks it there
#: too (no single colour reaches 4.5:1 on both white and #111111). Charts keep the
#: original vermillion (graphics need 3:1).
HIGHLIGHT = "#C05000"
