"""2-D projections: deterministic, cached so a warm run never runs UMAP, safe on tiny inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import framing.maps as maps
from framing.errors import FramingError
from framing.maps import add_projection, project, projection_cache_dir


def unit(n: int, d: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


class CountingUmap:
    """Stands in for the UMAP fit: counts calls, returns a seeded layout."""

    def __init__(self):
        self.calls = []

    def __call__(self, emb, *, n_neighbors, min_dist, metric, random_state, init):
        self.calls.append({"n": len(emb), "n_neighbors": n_neighbors, "init": init})
        return np.random.default_rng(random_state).normal(size=(len(emb), 2)).astype(np.float32)


@pytest.fixture
def fake_umap(monkeypatch):
    fake = CountingUmap()
    monkeypatch.setattr(maps, "_umap", fake)
    return fake


def test_pca_is_deterministic_and_keeps_the_main_axis():
    x = unit(100)
    x[:50, 0] += 3  # the first axis separates two halves
    xy = project(x, method="pca")
    assert xy.shape == (100, 2) and xy.dtype == np.float32
    assert np.array_equal(xy, project(x.copy(), method="pca"))
    assert (xy[:50, 0].mean() - xy[50:, 0].mean()) * np.sign(xy[:50, 0].mean()) > 0
    assert abs(xy[:50, 0].mean() - xy[50:, 0].mean()) > 5 * xy[:, 1].std()


def test_cache_hit_skips_the_fit(tmp_path, fake_umap):
    x = unit(80)
    a = project(x, cache_dir=tmp_path)
    b = project(x.copy(), cache_dir=tmp_path)
    assert len(fake_umap.calls) == 1
    assert np.array_equal(a, b)
    assert len(list(projection_cache_dir(tmp_path).glob("*.npz"))) == 1
    # other parameters, other vectors: new fits
    project(x, cache_dir=tmp_path, min_dist=0.5)
    project(x, cache_dir=tmp_path, random_state=1)
    x2 = x.copy()
    x2[0, 0] += 1e-3
    project(x2, cache_dir=tmp_path)
    assert len(fake_umap.calls) == 4
    project(x, cache_dir=tmp_path, cache=False)
    assert len(fake_umap.calls) == 5


def test_corrupt_cache_file_is_recomputed(tmp_path, fake_umap):
    x = unit(60)
    a = project(x, cache_dir=tmp_path)
    (path,) = projection_cache_dir(tmp_path).glob("*.npz")
    path.write_bytes(b"not a zip file")
    b = project(x, cache_dir=tmp_path)
    assert len(fake_umap.calls) == 2 and np.array_equal(a, b)
    with np.load(path, allow_pickle=False) as z:  # replaced by a good file
        assert z["xy"].shape == (60, 2)


def test_small_inputs_shrink_the_neighbourhood(tmp_path, fake_umap):
    project(unit(10), cache_dir=tmp_path)
    assert fake_umap.calls[-1] == {"n": 10, "n_neighbors": 8, "init": "pca"}
    project(unit(200), cache_dir=tmp_path)
    assert fake_umap.calls[-1] == {"n": 200, "n_neighbors": 15, "init": "spectral"}
    for n in (0, 1, 2, 3):  # no neighbourhood at all: PCA, never UMAP
        xy = project(unit(n) if n else np.zeros((0, 16), np.float32), cache_dir=tmp_path)
        assert xy.shape == (n, 2) and np.isfinite(xy).all()
    assert len(fake_umap.calls) == 2


def test_large_inputs_start_from_pca(tmp_path, fake_umap, monkeypatch):
    monkeypatch.setattr(maps, "SPECTRAL_MAX", 150)  # stands for the 20,000 of real use
    project(unit(150), cache_dir=tmp_path)
    assert fake_umap.calls[-1]["init"] == "spectral"
    project(unit(151), cache_dir=tmp_path)
    assert fake_umap.calls[-1]["init"] == "pca"
    project(unit(151, seed=1), cache_dir=tmp_path, init="spectral")  # an explicit choice is kept
    assert fake_umap.calls[-1]["init"] == "spectral"


def test_add_projection_adds_columns(fake_embedder):
    sents = pd.DataFrame({"article_id": ["a", "a", "b", "b", "b"], "text": ["one", "two", "three", "four", "five"]})
    out = add_projection(sents, fake_embedder, method="pca")
    assert list(out.columns) == ["article_id", "text", "x", "y"]
    assert "x" not in sents.columns
    emb = fake_embedder.encode(sents["text"].tolist())
    assert np.allclose(out[["x", "y"]].to_numpy(), project(emb, method="pca"))
    with pytest.raises(FramingError, match="expected 5 rows"):
        add_projection(sents, embeddings=emb[:3], method="pca")
    again = add_projection(out, embeddings=emb, method="pca")  # an earlier projection's columns may be replaced
    assert np.allclose(again[["x", "y"]].to_numpy(), out[["x", "y"]].to_numpy())
    with pytest.raises(FramingError, match="x: column 'text' already holds .* data; choose another name"):
        add_projection(sents, embeddings=emb, method="pca", x="text")
    with pytest.raises(FramingError, match="x and y: expected two column names, found 't' twice"):
        add_projection(sents, embeddings=emb, method="pca", x="t", y="t")


def test_errors_name_the_parameter():
    with pytest.raises(FramingError, match="method 'tsne'"):
        project(unit(5), method="tsne")
    with pytest.raises(FramingError, match="2-D array"):
        project(np.zeros(5), method="pca")
    with pytest.raises(FramingError, match="n_neighbors"):
        project(unit(20), n_neighbors=1, cache=False)


@pytest.mark.slow
def test_real_umap_is_deterministic_and_cached(tmp_path):
    # The only test that runs UMAP itself; its first call compiles numba (~11 s idle, ~50 s on a busy box).
    x = np.vstack([unit(40, seed=1) + 2 * np.eye(16, dtype=np.float32)[0], unit(40, seed=2)])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    before = maps.n_computed
    a = project(x, cache_dir=tmp_path, n_neighbors=10)
    b = project(x, cache=False, n_neighbors=10)
    assert maps.n_computed == before + 2
    assert np.array_equal(a, b)  # same input, same seed: same map
    c = project(x, cache_dir=tmp_path, n_neighbors=10)
    assert maps.n_computed == before + 2 and np.array_equal(a, c)
    # the planted halves stay apart on the map
    d_between = np.linalg.norm(a[:40].mean(0) - a[40:].mean(0))
    assert d_between > 2 * max(a[:40].std(0).max(), a[40:].std(0).max())
    tiny = project(unit(6), cache=False)
    assert tiny.shape == (6, 2) and np.isfinite(tiny).all()


@pytest.mark.slow
def test_warm_run_does_not_import_umap(tmp_path, fake_umap):
    import json
    import subprocess
    import sys

    x = unit(30, d=8)
    np.save(tmp_path / "x.npy", x)
    cached = project(x, cache_dir=tmp_path)  # fills the cache (through the stand-in, no numba)
    code = (
        "import json, sys, numpy as np; from framing.maps import project; "
        f"xy = project(np.load({str(tmp_path / 'x.npy')!r}), cache_dir={str(tmp_path)!r}); "
        "print('umap' in sys.modules, json.dumps(xy.ravel()[:4].tolist()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert out[0] == "False"
    assert np.allclose(json.loads(out[1]), cached.ravel()[:4])


def test_texts_given_as_vectors_get_one_line():
    """review21-api: project(["a", "b"]) raised numpy's ValueError."""
    from framing.maps import project

    with pytest.raises(FramingError, match=r"embeddings: expected sentence vectors.*add_projection"):
        project(["Russia attacked Kyiv.", "NATO met."], method="pca")
