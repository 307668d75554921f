"""framing: compare how news articles frame the same events.

The pipeline, one module per step::

    corpus.read_articles -> segment.segment -> embed.Embedder -> frames.score_frames
        -> clusters / events / maps -> plot -> report.build_report

Public names are loaded on first use, so ``import framing`` is fast and
imports neither pandas, torch, sentence-transformers, umap nor matplotlib.
"""

from __future__ import annotations

import importlib

__version__ = "0.2.0"

# public name -> module that defines it
_EXPORTS = {
    "FramingError": "errors",
    "read_articles": "corpus",
    "segment": "segment",
    "Embedder": "embed",
    "get_embedder": "embed",
    "load_codebook": "codebook",
    "list_codebooks": "codebook",
    "Codebook": "codebook",
    "score_frames": "frames",
    "check_codebook": "stance",
    "frame_shares": "frames",
    "build_report": "report",
    "run_pipeline": "report",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'framing' has no attribute {name!r}")
    module = importlib.import_module(f".{mod}", __name__)
    # framing.segment is both a function and a module: give the module, which is callable, so that a later
    # `import framing.segment as seg` still finds seg.split_sentences (review21-api)
    value = module if name == mod and callable(module) else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
