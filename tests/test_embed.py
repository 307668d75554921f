"""The Embedder with the real bundled model: vectors, cache hits, corruption, errors."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from framing.embed import BUNDLED_SHA256, Embedder, bundled_model_path, get_embedder, preprocess, verify_bundled
from framing.errors import FramingError

pytestmark = pytest.mark.slow


def test_vectors_are_float32_unit_rows(seed_embeddings, seed_sentences):
    assert seed_embeddings.shape == (len(seed_sentences), 384)
    assert seed_embeddings.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(seed_embeddings, axis=1), 1.0, atol=1e-5)


def test_similar_sentences_are_closer(real_embedder):
    v = real_embedder.encode(["Russia fired missiles at Kyiv.", "Moscow launched rockets on the Ukrainian capital.",
                              "The recipe needs two eggs and flour."])
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_identical_texts_embedded_once(tmp_path):
    e = Embedder(cache_dir=tmp_path)
    v = e.encode(["Same sentence.", "Same  sentence.", "Other one."])
    assert e.n_computed_ == 2  # whitespace is normalised before the model sees it
    np.testing.assert_array_equal(v[0], v[1])


def test_bundled_model_matches_published_hashes():
    path = bundled_model_path()
    assert path is not None and set(BUNDLED_SHA256) <= {p.name for p in path.iterdir()}
    verify_bundled(path)  # raises on mismatch


def test_tampered_bundled_model_is_refused(tmp_path):
    import shutil

    src = bundled_model_path()
    dst = tmp_path / "model"
    shutil.copytree(src, dst)
    (dst / "vocab.txt").write_text("tampered", encoding="utf-8")
    with pytest.raises(FramingError, match=r"vocab\.txt has sha256 .*refusing to load it"):
        verify_bundled(dst)


def _run(code: str, cache: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, FRAMING_CACHE=cache, HF_HUB_OFFLINE="1", FRAMING_PROGRESS="0")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          timeout=300)


def test_second_run_hits_cache_without_loading_model(tmp_path, seed_sentences):
    texts = seed_sentences["text"].tolist()[:10]
    code = f"""
        import sys, numpy as np
        from framing.embed import Embedder
        e = Embedder()
        v = e.encode({texts!r})
        print(e.n_computed_, e.is_loaded, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)
        np.save(sys.argv[0] if False else {str(tmp_path / 'v.npy')!r}.replace('v.npy', 'v%d.npy' % e.n_computed_), v)
    """
    first = _run(code, str(tmp_path / "c"))
    assert first.returncode == 0, first.stderr
    # the first run loads a model (torch + sentence-transformers, or onnxruntime for the ONNX default)
    assert first.stdout.split()[:2] == ["10", "True"]
    second = _run(code, str(tmp_path / "c"))
    assert second.returncode == 0, second.stderr
    assert second.stdout.split() == ["0", "False", "False", "False"]
    np.testing.assert_array_equal(np.load(tmp_path / "v10.npy"), np.load(tmp_path / "v0.npy"))


def test_corrupted_cache_entry_is_recomputed(tmp_path):
    texts = ["Russia conducted missile strikes against Kyiv.", "NATO warned its members."]
    e1 = Embedder(cache_dir=tmp_path)
    v1 = e1.encode(texts)
    shards = list(tmp_path.rglob("shard-*.npz"))
    assert len(shards) == 1
    raw = bytearray(shards[0].read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    shards[0].write_bytes(bytes(raw))
    e2 = Embedder(cache_dir=tmp_path)
    v2 = e2.encode(texts)
    assert e2.n_computed_ == 2 and e2._store.n_corrupt == 1
    np.testing.assert_allclose(v1, v2, atol=1e-6)
    e3 = Embedder(cache_dir=tmp_path)  # the recomputed vectors were stored again
    e3.encode(texts)
    assert e3.n_computed_ == 0


def test_cache_false_bypasses_cache(tmp_path):
    e = Embedder(cache=False, cache_dir=tmp_path)
    e.encode(["No cache for this one."])
    assert not any(tmp_path.iterdir())


def test_unknown_model_offline_gives_clear_error(tmp_path):
    e = Embedder("no-such-org/no-such-model", cache_dir=tmp_path)
    with pytest.raises(FramingError, match=r"model 'no-such-org/no-such-model': not found; .*HF_HUB_OFFLINE=1"):
        e.encode(["anything"])


def test_unknown_model_in_cli_is_one_line_exit_2(tmp_path, seeds_dir):
    env = dict(os.environ, HF_HUB_OFFLINE="1", FRAMING_CACHE=str(tmp_path / "c"))
    p = subprocess.run([sys.executable, "-m", "framing", "report", str(seeds_dir), "--out", str(tmp_path / "r"),
                        "--model", "no-such-org/no-such-model"], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 2
    lines = [x for x in p.stderr.strip().splitlines() if x]
    assert len(lines) == 1 and lines[0].startswith("framing: error: model 'no-such-org/no-such-model': not found")
    assert "Traceback" not in p.stderr


def test_model_folder_path_works(tmp_path):
    e = Embedder(str(bundled_model_path()), cache_dir=tmp_path)
    assert e.model_id.startswith("dir:")
    v = e.encode(["A model given by its folder."])
    ref = Embedder(cache=False).encode(["A model given by its folder."])
    np.testing.assert_allclose(v, ref, atol=1e-5)


def test_bad_inputs():
    with pytest.raises(FramingError, match="expected a list of strings, found a single string"):
        Embedder(cache=False).encode("oops")
    # audit25-api: a DataFrame was iterated as its column names, and "text" was embedded as the one text
    table = pd.DataFrame({"text": ["Russia attacked Kyiv.", "NATO met."]})
    with pytest.raises(FramingError, match=r"found a table; pass its column, e.g. df\['text'\]"):
        Embedder(cache=False).encode(table)
    with pytest.raises(FramingError, match="found a table"):
        Embedder(cache=False).encode_spans(table, [[(0, 6)], [(0, 4)]])
    assert Embedder(cache=False).encode(table["text"]).shape == (2, 384)
    # review23-api: None and NaN were embedded as the words "None" and "nan", every missing text alike
    with pytest.raises(FramingError, match=r"texts: item 1 is None \(and 1 more\); expected a string"):
        Embedder(cache=False).encode(["Russia attacked.", None, float("nan")])
    with pytest.raises(FramingError, match="backend 'gpu-magic' is not available"):
        Embedder(backend="gpu-magic")


def test_get_embedder_reuses_and_accepts_objects(fake_embedder):
    assert get_embedder(fake_embedder) is fake_embedder
    assert get_embedder(None) is get_embedder(None)
    with pytest.raises(FramingError, match="expected a model name, a path or an object with .encode"):
        get_embedder(42)


def test_get_embedder_follows_a_change_of_framing_cache(tmp_path, monkeypatch):
    """review22: after FRAMING_CACHE changed in a process, vectors still went to the old cache."""
    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "one"))
    first = get_embedder(None)
    assert get_embedder(None) is first
    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "two"))
    second = get_embedder(None)
    assert second is not first and second is get_embedder(None)


def test_preprocess_collapses_whitespace():
    assert preprocess("  a\n\tb  c ") == "a b c"


def test_an_empty_model_name_is_an_error_not_the_default():
    """audit21: model="" silently used the bundled model."""
    from framing.embed import get_embedder

    for name in ("", "  "):
        with pytest.raises(FramingError, match=r"model '': expected a sentence-transformers model name or folder"):
            get_embedder(name)
