"""The course notebooks, in order: the one list every tool and test uses.

A course notebook is ``notebooks/NN_topic.ipynb`` (two digits, an underscore, a
topic); the two digits give the order. Scratch copies and other ``.ipynb`` files in
the folder are not part of the course.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
PATTERN = "[0-9][0-9]_*.ipynb"
# Where a notebook keeps a live widget: the view in an output, the models in the metadata.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """Every course notebook in `folder` (default: the repository's notebooks/), in course order."""
    return sorted(Path(folder).glob(PATTERN))


def notebook(prefix: str, folder: Path = NOTEBOOK_DIR) -> Path:
    """The one course notebook whose name starts with `prefix` (e.g. "03")."""
    found = [path for path in notebooks(folder) if path.name.startswith(f"{prefix}_")]
    if len(found) != 1:
        raise ValueError(f"expected one notebook {prefix}_*.ipynb in {folder}; found {[p.name for p in found]}")
    return found[0]


def title(path: Path) -> str:
    """The first Markdown heading of a notebook, without its leading ``#``s (the file stem if none)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in "".join(cell.get("source", "")).splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return Path(path).stem
