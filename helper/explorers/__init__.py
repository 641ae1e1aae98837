"""Live explorers (placeholder docstring, completed below)."""

from helper.explorers.logits import LogitsExplorer

__all__ = ["LogitsExplorer", "BinaryExplorer", "StabilityExplorer"]


class BinaryExplorer:  # pragma: no cover - replaced in the next commit
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("BinaryExplorer is coming in the next commit")


class StabilityExplorer:  # pragma: no cover - replaced in the next commit
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("StabilityExplorer is coming in the next commit")
