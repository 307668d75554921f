"""Shared fixtures: a deterministic fake embedder, the seeds, an isolated cache."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ["FRAMING_PROGRESS"] = "0"


class FakeEmbedder:
    """Hashed bag of words, 64-d, L2-normalised: fast, deterministic, topic-sensitive.

    Texts sharing words get similar vectors, which is enough for unit tests of
    clustering, alignment and scoring plumbing.
    """

    dim = 64
    model_id = "fake/hashed-bow-64"
    fingerprint = "fake/hashed-bow-64|test"

    def __init__(self):
        self.calls = 0

    def info(self):
        return {"model": self.model_id, "backend": "fake"}

    def encode(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", str(t).lower()):
                h = int.from_bytes(hashlib.md5(w.encode()).digest()[:4], "little")
                out[i, h % self.dim] += 1.0 if (h >> 8) & 1 else -1.0
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n > 0 else np.eye(self.dim, dtype=np.float32)[0]
        return out


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture
def fake_everywhere(fake_embedder, monkeypatch):
    """Every embedder the CLI and the report make (by name or by default) is the fake one: no model load."""
    import framing.embed

    monkeypatch.setattr(framing.embed, "get_embedder",
                        lambda e=None, **k: fake_embedder if e is None or isinstance(e, (str, os.PathLike)) else e)
    monkeypatch.setattr(framing.embed, "Embedder", lambda *a, **k: fake_embedder)
    return fake_embedder


@pytest.fixture(scope="session")
def seeds_dir():
    return SEEDS


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory):
    """One embedding cache for the whole session, so the real model runs once per text."""
    d = tmp_path_factory.mktemp("framing-cache")
    os.environ["FRAMING_CACHE"] = str(d)
    return d


@pytest.fixture(autouse=True)
def _isolated_cache(session_cache, monkeypatch):
    monkeypatch.setenv("FRAMING_CACHE", str(session_cache))
    yield


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close("all")


@pytest.fixture(scope="session")
def seed_articles():
    from framing.corpus import read_articles

    return read_articles(SEEDS)


@pytest.fixture(scope="session")
def seed_sentences(seed_articles):
    from framing.segment import segment

    return segment(seed_articles)


@pytest.fixture(scope="session")
def real_embedder(session_cache):
    """The bundled all-MiniLM-L6-v2, loaded once for the session."""
    os.environ["FRAMING_CACHE"] = str(session_cache)
    from framing.embed import Embedder

    return Embedder(cache_dir=session_cache)


@pytest.fixture(scope="session")
def seed_embeddings(real_embedder, seed_sentences):
    return real_embedder.encode(seed_sentences["text"].tolist())
