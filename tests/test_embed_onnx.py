"""The ONNX backends of the Embedder: agreement with torch, export cache, fallbacks, light imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from framing import _onnx
from framing.embed import Embedder, bundled_model_path
from framing.errors import FramingError


def _cos(a, b):
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.fixture(scope="module")
def seed_texts(seed_sentences):
    return seed_sentences["text"].tolist()


@pytest.fixture(scope="module")
def torch_vectors(seed_texts):
    return Embedder(backend="torch", cache=False).encode(seed_texts)


@pytest.mark.slow
def test_default_backend_agrees_with_torch_on_seed_sentences(seed_texts, torch_vectors):
    e = Embedder(cache=False)
    v = e.encode(seed_texts)
    c = _cos(v, torch_vectors)
    assert v.dtype == np.float32 and v.shape == torch_vectors.shape
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert c.mean() >= 0.99, (e.backend_, c.mean(), c.min())
    assert c.min() >= 0.97, (e.backend_, c.mean(), c.min())


@pytest.mark.slow
def test_fp32_onnx_matches_torch(seed_texts, torch_vectors):
    v = Embedder(backend="onnx", cache=False).encode(seed_texts)
    assert _cos(v, torch_vectors).min() > 0.9999


@pytest.mark.slow
def test_export_is_cached_atomically_with_its_check(session_cache):
    path, meta = _onnx.prepare(bundled_model_path(), "int8", root=session_cache)
    assert path.is_file() and path.parent.parent == session_cache / "onnx"
    assert meta["ok"] and meta["check_mean_cos"] >= 0.99 and meta["recipe"] == _onnx.RECIPE
    on_disk = json.loads((path.parent / "meta-int8.json").read_text())
    assert on_disk["check_mean_cos"] == meta["check_mean_cos"]
    assert not list(path.parent.glob("*.tmp"))
    again, _ = _onnx.prepare(bundled_model_path(), "int8", root=session_cache)
    assert again == path and again.stat().st_mtime_ns == path.stat().st_mtime_ns  # not rebuilt


@pytest.mark.slow
def test_int8_vectors_do_not_depend_on_other_texts(seed_texts):
    e = Embedder(backend="onnx-int8", cache=False)  # default batch_size 1
    a = e.encode(seed_texts)
    b = e.encode(seed_texts[::-1])[::-1]
    assert a.tobytes() == b.tobytes()
    assert e.encode(seed_texts[3:5]).tobytes() == a[3:5].tobytes()  # other company, same bits
    e.batch_size = 16  # opt-in larger batches: faster, but one activation scale per batch
    big = e.encode(seed_texts)
    assert big.tobytes() == e.encode(seed_texts[::-1])[::-1].tobytes()  # same set, same batches
    assert _cos(big, a).min() > 0.99


def test_backends_have_distinct_fingerprints():
    fps = {Embedder(backend=b, cache=False).fingerprint for b in ("torch", "onnx", "onnx-int8")}
    assert len(fps) == 3
    assert all(_onnx.RECIPE in f for f in fps if "onnx" in f)


def test_default_backend_is_onnx_int8_on_cpu(monkeypatch):
    monkeypatch.setattr("framing.embed._gpu_present", lambda: False)
    assert Embedder(cache=False).backend_ == "onnx-int8"
    assert Embedder(cache=False).batch_size == 1
    assert Embedder(cache=False, backend="onnx").batch_size == 16
    assert Embedder(cache=False, device="cuda").backend_ == "torch"
    assert Embedder(cache=False, backend="torch").batch_size == 32  # sentence-transformers own default
    monkeypatch.setattr("framing.embed._gpu_present", lambda: True)
    assert Embedder(cache=False).backend_ == "torch"


def _fake_model(tmp_path, modules=None, model_type="bert", pooling="pooling_mode_mean_tokens"):
    d = tmp_path / "m"
    (d / "1_Pooling").mkdir(parents=True)
    modules = modules or [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    ]
    (d / "modules.json").write_text(json.dumps(modules))
    (d / "config.json").write_text(json.dumps({"model_type": model_type, "hidden_size": 8}))
    (d / "1_Pooling" / "config.json").write_text(json.dumps({pooling: True}))
    (d / "tokenizer.json").write_text("{}")
    return d


def test_unsupported_models_are_named_and_fall_back_to_torch(tmp_path):
    d = _fake_model(tmp_path, model_type="t5")
    with pytest.raises(_onnx.OnnxUnsupported, match=r"architecture 't5' is not one of"):
        _onnx.inspect_model(d)
    assert Embedder(str(d), cache=False).backend_ == "torch"  # default: torch, decided without loading
    with pytest.raises(FramingError, match="architecture 't5'"):
        Embedder(str(d), cache=False, backend="onnx").encode(["x"])  # explicit: a clear error
    d2 = _fake_model(tmp_path / "b", pooling="pooling_mode_max_tokens")
    with pytest.raises(_onnx.OnnxUnsupported, match="not mean or CLS"):
        _onnx.inspect_model(d2)
    dense = [{"type": "sentence_transformers.models.Transformer", "path": ""},
             {"type": "sentence_transformers.models.Pooling", "path": "1_Pooling"},
             {"type": "sentence_transformers.models.Dense", "path": "2_Dense"}]
    with pytest.raises(_onnx.OnnxUnsupported, match="Dense"):
        _onnx.inspect_model(_fake_model(tmp_path / "c", modules=dense))


def test_bundled_model_is_supported():
    spec = _onnx.inspect_model(bundled_model_path())
    assert spec["pooling"] == "mean" and spec["max_seq_length"] == 256 and spec["hidden_size"] == 384


@pytest.mark.slow
def test_import_framing_and_embedder_stay_light():
    code = ("import sys, framing, framing.embed; framing.embed.Embedder(cache=False); "
            "print([m for m in ('onnxruntime', 'onnx', 'torch', 'transformers', 'tokenizers', 'sentence_transformers') "
            "if m in sys.modules])")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def seed_spans(seed_texts):
    from framing.embed import preprocess
    from framing.stance import speaker_mentions

    texts = [preprocess(t) for t in seed_texts]
    return texts, [[(a, b) for a, b, _, _ in speaker_mentions(t, None)] for t in texts]


@pytest.fixture(scope="module")
def torch_span_vectors(seed_spans):
    texts, spans = seed_spans
    return Embedder(backend="torch", cache=False).encode_spans(texts, spans)


@pytest.mark.slow
@pytest.mark.parametrize("backend, mean_floor, min_floor", [("onnx", 0.9999, 0.9999), ("onnx-int8", 0.99, 0.97)])
def test_span_vectors_of_onnx_backends_agree_with_torch(seed_spans, torch_span_vectors, backend, mean_floor,
                                                        min_floor):
    texts, spans = seed_spans
    v = Embedder(backend=backend, cache=False).encode_spans(texts, spans)
    assert len(torch_span_vectors) >= 50 and v.shape == torch_span_vectors.shape
    c = _cos(v, torch_span_vectors)
    assert c.mean() >= mean_floor and c.min() >= min_floor, (backend, c.mean(), c.min())


@pytest.mark.slow
def test_span_vectors_read_the_context_and_are_cached(session_cache):
    texts = ["Russia launched missiles at Kyiv overnight.", "Kyiv says Russia launched missiles overnight.",
             "Russia " + "and so on " * 400 + "Russia"]
    spans = [[(0, 6)], [(10, 16)], [(0, 6), (len(texts[2]) - 6, len(texts[2]))]]
    e = Embedder(cache_dir=session_cache)
    v = e.encode_spans(texts, spans)
    assert v.shape == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-5)
    assert 0.5 < float(v[0] @ v[1]) < 0.999  # the same word, moved by its context
    assert not v[3].any()  # past the model's 256 tokens: nothing to see
    again = Embedder(cache_dir=session_cache)
    np.testing.assert_array_equal(again.encode_spans(texts, spans), v)
    assert not again.is_loaded  # served from the cache


@pytest.mark.slow
def test_one_pass_for_sentences_and_mentions_gives_the_same_vectors(seed_spans, tmp_path, monkeypatch):
    texts, spans = seed_spans
    plain = Embedder(cache=False)
    want_s, want_m = plain.encode(texts), plain.encode_spans(texts, spans)
    e = Embedder(cache_dir=tmp_path)
    np.testing.assert_array_equal(e.encode(texts, spans=spans), want_s)
    calls = []
    monkeypatch.setattr(e._onnx, "encode_with_spans", lambda *a, **k: calls.append(a) or (_ for _ in ()).throw(
        AssertionError("second pass over the model")))
    np.testing.assert_array_equal(e.encode_spans(texts, spans), want_m)  # served from the cache
    assert not calls


def test_encode_rejects_spans_of_the_wrong_length(tmp_path):
    with pytest.raises(FramingError, match="one list of spans per text"):
        Embedder(cache_dir=tmp_path, backend="onnx-int8").encode(["a b", "c d"], spans=[[(0, 1)]])


@pytest.mark.slow
def test_cold_export_runs_in_a_child_so_torch_never_loads_here(tmp_path):
    code = ("import sys; from framing.embed import Embedder; v = Embedder().encode(['Russia attacked Kyiv.']); "
            "print(v.shape, 'torch' in sys.modules)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, HF_HUB_OFFLINE="1", FRAMING_CACHE=str(tmp_path)))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "(1, 384) False"
    assert (next((tmp_path / "onnx").iterdir()) / "model-int8.onnx").is_file()  # the child did export it
    # the one-time export is announced in one line (a first run was silent for 20-40 s)
    said = [ln for ln in p.stderr.splitlines() if ln.startswith("framing: preparing the model")]
    assert len(said) == 1 and str(tmp_path / "onnx") in said[0]
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                           env=dict(os.environ, HF_HUB_OFFLINE="1", FRAMING_CACHE=str(tmp_path)))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "(1, 384) False"
    assert "preparing the model" not in again.stderr  # the cached export says nothing


@pytest.mark.slow
def test_int8_vectors_do_not_depend_on_the_number_of_workers(seed_texts):
    e = Embedder(cache=False)
    assert e.backend_ == "onnx-int8"
    v = e.encode(seed_texts)
    assert e._onnx.workers >= 1
    e._onnx.workers = 1
    np.testing.assert_array_equal(e.encode(seed_texts), v)
    e._onnx.workers = 3
    np.testing.assert_array_equal(e.encode(seed_texts), v)


def test_threads_that_wait_for_an_export_use_it_instead_of_exporting_again(tmp_path, monkeypatch, capsys):
    """review18: the cache was checked only before the lock, so a second thread exported (and announced) again."""
    import json
    import threading
    import time

    from framing import _onnx

    calls = []

    def fake_build(model_dir, spec, folder, variant):
        calls.append(variant)
        time.sleep(0.3)  # the other thread is waiting on the lock meanwhile
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"model-{variant}.onnx").write_bytes(b"x")
        meta = {"recipe": _onnx.RECIPE, "ok": True}
        (folder / f"meta-{variant}.json").write_text(json.dumps(meta))
        return folder / f"model-{variant}.onnx", meta

    monkeypatch.setattr(_onnx, "inspect_model", lambda d: {"kind": "fake"})
    monkeypatch.setattr(_onnx, "_key", lambda d, spec: "k")
    monkeypatch.setattr(_onnx, "_build_isolated", fake_build)
    out = []
    threads = [threading.Thread(target=lambda: out.append(_onnx.prepare(tmp_path, "int8", root=tmp_path)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["int8"] and len(out) == 2 and out[0][0] == out[1][0]
    assert capsys.readouterr().err.count("preparing the model") == 1


def test_an_unwritable_model_cache_prepares_the_model_in_a_temporary_folder(tmp_path):
    """review22: with FRAMING_CACHE naming a file (or a read-only cache) the export failed, even with --no-cache."""
    from framing._onnx import _writable_folder
    from framing.errors import FramingWarning

    ok = tmp_path / "cache" / "onnx" / "k1"
    assert _writable_folder(ok) == ok and ok.is_dir()
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.warns(FramingWarning, match=r"model cache .*file.*: cannot write .*temporary folder for this run"):
        other = _writable_folder(not_a_dir / "onnx" / "k2")
    assert other.name == "k2" and not_a_dir not in other.parents
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _writable_folder(not_a_dir / "onnx" / "k2") == other  # the same temporary folder, said once


def test_a_truncated_exported_model_is_exported_again(tmp_path):
    """review22: a truncated model-int8.onnx gave an onnxruntime traceback on every later run."""
    import json

    from framing._onnx import RECIPE, _cached

    path, meta_path = tmp_path / "model-int8.onnx", tmp_path / "meta-int8.json"
    path.write_bytes(b"x" * 100)
    meta_path.write_text(json.dumps({"recipe": RECIPE, "ok": True, "bytes": 100}), encoding="utf-8")
    assert _cached(path, meta_path) == (path, json.loads(meta_path.read_text()))
    path.write_bytes(b"x" * 60)  # cut short
    assert _cached(path, meta_path) is None
    meta_path.write_text(json.dumps({"recipe": RECIPE, "ok": True}), encoding="utf-8")  # an export from before
    assert _cached(path, meta_path) is not None
    meta_path.unlink()
    assert _cached(path, meta_path) is None


def test_a_damaged_export_is_not_reused_and_a_temporary_one_is_made_once(tmp_path, monkeypatch):
    """review22b: a truncated fp32 export was reused (and its wrong size recorded); with an unwritable cache every
    prepare() exported again into the temporary folder."""
    import json

    import framing._onnx as onnx_mod
    from framing.embed import Embedder
    from framing.errors import FramingWarning

    bad = tmp_path / "model-fp32.onnx"
    bad.write_bytes(b"not a model")
    (tmp_path / "meta-fp32.json").write_text(json.dumps({"recipe": onnx_mod.RECIPE, "ok": True}), encoding="utf-8")
    local = Embedder(cache=False)._local_dir()
    spec = onnx_mod.inspect_model(local)
    assert not onnx_mod._usable(bad, tmp_path / "meta-fp32.json", spec, local)
    onnx_mod.discard(bad)
    assert not bad.exists() and not (tmp_path / "meta-fp32.json").exists()
    # the temporary folder: exported once per run, then found there
    builds = []

    def fake_build(model_dir, spec, folder, variant):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"model-{variant}.onnx"
        path.write_bytes(b"x" * 10)
        meta = {"recipe": onnx_mod.RECIPE, "ok": True, "bytes": 10, "spec": spec}
        (folder / f"meta-{variant}.json").write_text(json.dumps(meta), encoding="utf-8")
        builds.append(folder)
        return path, meta

    monkeypatch.setattr(onnx_mod, "_build_isolated", fake_build)
    monkeypatch.setattr(onnx_mod, "_TEMP_EXPORTS", {})
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.warns(FramingWarning, match="cannot write"):
        first = onnx_mod.prepare(local, "int8", root=not_a_dir)
    second = onnx_mod.prepare(local, "int8", root=not_a_dir)
    assert len(builds) == 1 and first[0] == second[0] and not_a_dir not in first[0].parents
