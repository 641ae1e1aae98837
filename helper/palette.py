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

#: The box `look` draws around highlighted entries: Okabe-Ito vermillion darkened to
#: 4.78:1 on white and 3.95:1 on JupyterLab's dark background (#111111), above the 3:1
#: WCAG 2.1 AA asks of graphics in both themes. The numbers inside keep the page's text
#: colour: no single colour reaches the 4.5:1 of normal text on both white and #111111.
#: Charts keep the original vermillion.
HIGHLIGHT = "#C05000"
