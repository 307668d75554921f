"""ONNX Runtime backends of :class:`framing.embed.Embedder` (``"onnx"`` and ``"onnx-int8"``).

A sentence-transformers model made of a BERT-like transformer, mean (or CLS)
pooling and an optional Normalize module is exported once to ONNX, kept in
the framing cache directory and then run with onnxruntime; tokenisation uses
the model's ``tokenizer.json`` through ``tokenizers``. A warm run needs
neither torch nor transformers.

Two variants:

``fp32``
    The exported graph as it is. Same vectors as sentence-transformers
    (cosine 1.0000).
``int8``
    Dynamic int8 quantisation of the weight MatMuls with per-channel
    weights, after *outlier smoothing*: BERT's activations have a few huge
    channels (e.g. two residual-stream channels reach ~30 where the median
    channel is ~2), and per-tensor activation quantisation then loses the
    small ones. Each such channel ``j`` of a MatMul input is divided by
    ``s_j = max|x_j| / (4 * median_k max|x_k|)`` (an explicit ``Mul``) and
    the matching weight row is multiplied by it, which leaves the fp32
    result unchanged. ``max|x_j|`` comes from a few built-in calibration
    sentences (the outlier channels are a property of the model, not of the
    text). About 3x the throughput of fp32 on AVX2, mean cosine ~0.997 to
    fp32 on news sentences. The export refuses the int8 model when its mean
    cosine to fp32 on held-out built-in sentences is below 0.99.

Files live in ``<cache>/onnx/<key>/`` where ``key`` hashes the model's
files (configs and tokenizer by content, weights by name, size and mtime),
the recipe version and the variant; they are written to a temporary file
and renamed into place, so concurrent processes and interrupted exports are
safe. Nothing is pickled.

Every heavy import (onnxruntime, onnx, torch, transformers, tokenizers)
happens inside functions.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
import warnings
from pathlib import Path

import numpy as np

from .errors import FramingError

__all__ = ["OnnxUnsupported", "OnnxEncoder", "inspect_model", "prepare", "RECIPE", "VARIANTS"]

# Bump when the export, smoothing or quantisation changes: old files are then ignored.
RECIPE = "onnx-export/v1"
VARIANTS = ("fp32", "int8")
_INT8 = {"method": "dynamic-int8-per-channel-matmul", "smooth_c": 4.0, "min_mean_cos": 0.99}
_SUPPORTED_TYPES = {"bert", "roberta", "xlm-roberta", "camembert", "distilbert", "mpnet", "electra"}
_ST_TRANSFORMER = "sentence_transformers.models.Transformer"
_ST_POOLING = "sentence_transformers.models.Pooling"
_ST_NORMALIZE = "sentence_transformers.models.Normalize"

# Calibration sentences for the outlier statistics (written for this module; news-like, varied).
_CALIBRATION = [
    "The government announced new measures on Tuesday to curb rising energy prices.",
    "Officials said the talks would continue next week despite the disagreement.",
    "Critics argue that the policy will hurt small businesses and rural families.",
    "The minister denied the allegations and called the report misleading.",
    "Thousands of people gathered in the capital to protest against the decision.",
    "According to the statement, the agreement covers trade, security and migration.",
    "Prices rose by 3.2% in March, the fastest pace in more than a year.",
    '"We will not accept any threat to our sovereignty," the president said.',
    "The company reported a loss of $1.4 billion in the second quarter.",
    "Scientists warned that the drought could damage harvests across the region.",
    "The court ruled that the law was unconstitutional.",
    "Rescue teams searched the rubble for survivors after the earthquake.",
    "Opposition leaders called for an independent investigation into the election.",
    "The central bank kept interest rates unchanged, citing uncertainty about inflation.",
    "Analysts expect the conflict to have a lasting impact on global supply chains.",
    "He was arrested at the border and charged with smuggling weapons.",
    "The vaccine was approved after trials showed it was safe and effective.",
    "Both sides accused each other of violating the ceasefire.",
    "Local residents say they were never consulted about the new highway.",
    "The summit ended without a joint declaration.",
    "Yes.",
    "Read more: what the new rules mean for you",
    "NATO allies pledged to increase defence spending to 2% of GDP.",
    "The United Nations said millions of people need humanitarian aid.",
]
# Held out from calibration: the int8 acceptance check.
_CHECK = [
    "The prime minister resigned after losing a confidence vote in parliament.",
    "Farmers blocked roads with tractors to demand lower fuel taxes.",
    "The embassy urged its citizens to leave the country immediately.",
    "Unemployment fell to its lowest level since records began.",
    "A spokesperson for the ministry declined to comment on the leaked documents.",
    "Heavy rain caused flooding in several towns along the river.",
    "The sanctions target banks, energy companies and senior officials.",
    "Voters will decide in a referendum whether to join the alliance.",
    "Peace negotiations collapsed after the shelling of a hospital.",
    "The new law gives the police wider powers to monitor online speech.",
    "Thank you for reading.",
    "Investigators found no evidence of foul play.",
]


class OnnxUnsupported(FramingError):
    """This model (or this machine) cannot use the ONNX backend; the message says why."""


# ---------------------------------------------------------------------------------------------- inspection


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise OnnxUnsupported(f"{path}: unreadable ({exc})") from None


def inspect_model(model_dir) -> dict:
    """What the ONNX backend needs to know about a sentence-transformers folder.

    Raises :class:`OnnxUnsupported` naming the reason when the model is not
    a BERT-like transformer followed by mean or CLS pooling (and optionally
    Normalize).
    """
    d = Path(model_dir)
    modules = _read_json(d / "modules.json")
    if not modules:
        raise OnnxUnsupported(f"model {d}: no modules.json (not a sentence-transformers folder)")
    types = [m.get("type", "") for m in modules]
    if len(types) < 2 or types[0] != _ST_TRANSFORMER or types[1] != _ST_POOLING or \
            any(t != _ST_NORMALIZE for t in types[2:]):
        raise OnnxUnsupported(f"model {d}: modules {[t.rsplit('.', 1)[-1] for t in types]} are not "
                              "Transformer + Pooling (+ Normalize)")
    if modules[0].get("path", ""):
        raise OnnxUnsupported(f"model {d}: transformer in a sub-folder is not supported")
    config = _read_json(d / "config.json") or {}
    mtype = config.get("model_type")
    if mtype not in _SUPPORTED_TYPES:
        raise OnnxUnsupported(f"model {d}: architecture {mtype!r} is not one of {sorted(_SUPPORTED_TYPES)}")
    pool = _read_json(d / modules[1].get("path", "1_Pooling") / "config.json") or {}
    modes = [k for k, v in pool.items() if k.startswith("pooling_mode_") and v]
    if modes == ["pooling_mode_mean_tokens"]:
        pooling = "mean"
    elif modes == ["pooling_mode_cls_token"]:
        pooling = "cls"
    else:
        raise OnnxUnsupported(f"model {d}: pooling {modes or 'unknown'} is not mean or CLS")
    if not (d / "tokenizer.json").is_file():
        raise OnnxUnsupported(f"model {d}: no tokenizer.json (a fast tokenizer is needed)")
    st_cfg = _read_json(d / "sentence_bert_config.json") or {}
    tok_cfg = _read_json(d / "tokenizer_config.json") or {}
    max_len = st_cfg.get("max_seq_length") or tok_cfg.get("model_max_length") or 512
    max_len = int(min(max_len, config.get("max_position_embeddings", 512) or 512, 8192))
    inputs = ["input_ids", "attention_mask"]
    if mtype in {"bert", "roberta", "xlm-roberta", "camembert", "electra"}:
        inputs.append("token_type_ids")
    return {
        "model_type": mtype,
        "pooling": pooling,
        "max_seq_length": max_len,
        "do_lower_case": bool(st_cfg.get("do_lower_case", False)),
        "pad_token_id": int(config.get("pad_token_id") or 0),
        "inputs": inputs,
        "hidden_size": int(config.get("hidden_size") or config.get("dim") or 0),
    }


def _identity(model_dir: Path, spec: dict) -> str:
    """Hash of the model's files: small ones by content, weights by name, size and mtime."""
    h = hashlib.sha256()
    for name in ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json",
                 "tokenizer_config.json", "1_Pooling/config.json"):
        f = model_dir / name
        if f.is_file():
            h.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    for f in sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin")):
        st = f.stat()
        h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    h.update(json.dumps(spec, sort_keys=True).encode())
    return h.hexdigest()


def _key(model_dir: Path, spec: dict) -> str:
    return hashlib.sha256(f"{RECIPE}|{_identity(model_dir, spec)}".encode()).hexdigest()[:24]


# ---------------------------------------------------------------------------------------------- export

_export_lock = threading.Lock()


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def _replace(tmp: Path, path: Path) -> None:
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _export_fp32(model_dir: Path, spec: dict, dst: Path, tok, texts: list[str]) -> np.ndarray:
    """torch.onnx.export of the transformer (last_hidden_state), dynamic batch and length.

    Returns the torch model's pooled vectors of ``texts``, computed before the
    export (tracing leaves the module unfit for further use).
    """
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:  # pragma: no cover - both come with sentence-transformers
        raise OnnxUnsupported(f"exporting to ONNX needs torch and transformers ({exc})") from None
    names = spec["inputs"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except Exception:  # pragma: no cover
            pass
        try:  # eager attention exports plain MatMul/Softmax, which onnxruntime optimises well
            model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
        except (TypeError, ValueError):
            model = AutoModel.from_pretrained(str(model_dir))
        model.eval()
        ref = _reference(model, spec, tok, texts)

        class _Wrap(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, *args):
                out = self.m(**dict(zip(names, args)))
                return out[0]

        ids = torch.full((2, 7), 1000, dtype=torch.long)
        args = [ids, torch.ones_like(ids)] + ([torch.zeros_like(ids)] if len(names) > 2 else [])
        axes = {n: {0: "batch", 1: "sequence"} for n in names + ["last_hidden_state"]}
        kwargs = dict(input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17,
                      do_constant_folding=True)
        with torch.no_grad():
            try:
                torch.onnx.export(_Wrap(model), tuple(args), str(dst), dynamo=False, **kwargs)
            except TypeError:  # a torch without the dynamo switch
                torch.onnx.export(_Wrap(model), tuple(args), str(dst), **kwargs)
        return ref


def _reference(model, spec, tok, texts) -> np.ndarray:
    """Pooled, normalised vectors of ``texts`` from the torch model (the export's ground truth)."""
    import torch

    feeds = _batches(tok, spec, texts, len(texts))
    out = np.zeros((len(texts), 0), np.float32)
    for idx, feed in feeds:
        with torch.no_grad():
            h = model(**{k: torch.from_numpy(v) for k, v in feed.items()})[0].numpy()
        v = _pool(h, feed["attention_mask"], spec["pooling"])
        if out.shape[1] == 0:
            out = np.zeros((len(texts), v.shape[1]), np.float32)
        out[idx] = v
    return out


def _matmul_inputs(graph) -> dict:
    """input tensor name -> MatMul nodes whose second input is a weight initializer."""
    inits = {i.name for i in graph.initializer}
    cons: dict[str, list] = {}
    for n in graph.node:
        if n.op_type == "MatMul" and n.input[1] in inits:
            cons.setdefault(n.input[0], []).append(n)
    return cons


def _calibrate(onnx_model, spec, tok) -> dict:
    """Per-channel max |x| of every weight-MatMul input over the calibration sentences (real tokens only)."""
    import onnx
    import onnxruntime as ort

    m = onnx.ModelProto()
    m.CopyFrom(onnx_model)
    names = sorted(_matmul_inputs(m.graph))
    for x in names:
        m.graph.output.append(onnx.helper.make_tensor_value_info(x, onnx.TensorProto.FLOAT, None))
    sess = ort.InferenceSession(m.SerializeToString(), _session_options(), providers=["CPUExecutionProvider"])
    amax: dict[str, np.ndarray] = {}
    for _, feed in _batches(tok, spec, _CALIBRATION, 8):
        real = feed["attention_mask"].astype(bool)
        for x, o in zip(names, sess.run(names, feed)):
            a = np.abs(o[real]).max(axis=0)
            amax[x] = a if x not in amax else np.maximum(amax[x], a)
    return amax


def _smooth(onnx_model, amax: dict, c: float) -> None:
    """Outlier smoothing in place: x_j / s_j before the MatMul, weight row j * s_j (fp32-exact)."""
    from onnx import helper, numpy_helper

    g = onnx_model.graph
    inits = {i.name: i for i in g.initializer}
    inserts = []
    for x, nodes in _matmul_inputs(g).items():
        a = amax.get(x)
        if a is None:
            continue
        s = np.maximum(a / (c * max(float(np.median(a)), 1e-6)), 1.0).astype(np.float32)
        if np.all(s == 1.0):
            continue
        for n in nodes:
            t = inits[n.input[1]]
            w = numpy_helper.to_array(t)
            t.CopyFrom(numpy_helper.from_array((w * s[:, None]).astype(np.float32), t.name))
        sname, xs = f"{x}__smooth_inv", f"{x}__smoothed"
        g.initializer.append(numpy_helper.from_array((1.0 / s).astype(np.float32), sname))
        inserts.append((nodes, helper.make_node("Mul", [x, sname], [xs], name=f"{x}__SmoothMul")))
        for n in nodes:
            n.input[0] = xs
    for nodes, mul in inserts:  # before the first consumer: keeps the node list topologically sorted
        pos = min(i for i, n in enumerate(g.node) if any(n is m for m in nodes))
        g.node.insert(pos, mul)


def _quantize(src: Path, dst: Path) -> None:
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    level = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)  # the quantiser logs advice at WARNING on the root logger
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"])
    finally:
        logging.getLogger().setLevel(level)


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)


def _cached(path: Path, meta_path: Path) -> tuple[Path, dict] | None:
    """The exported file and its meta when they are there and whole; None to export (again).

    A file whose size is not the one recorded at export (truncated by a full disk or a copy) is exported again
    instead of failing in onnxruntime on every run (review22)."""
    if path.is_file() and meta_path.is_file():
        meta = _read_json(meta_path)
        if isinstance(meta, dict) and meta.get("recipe") == RECIPE:
            if not meta.get("ok", False):
                raise OnnxUnsupported(meta.get("reason", "failed its export check"))
            if "bytes" in meta and path.stat().st_size != meta["bytes"]:
                return None
            return path, meta
    return None


def _usable(path: Path, meta_path: Path, spec: dict, model_dir: Path) -> bool:
    """Whether an exported file can be reused: the size its meta recorded, and onnxruntime can run it."""
    try:
        if _cached(path, meta_path) is None and meta_path.is_file():
            return False
        OnnxEncoder(path, spec, model_dir=model_dir).encode(["A check."])
        return True
    except Exception:
        return False


def meta_file(path: Path) -> Path:
    """The meta file of an exported model: ``meta-<v>.json`` beside ``model-<v>.onnx``."""
    path = Path(path)
    return path.with_name(path.name.replace("model-", "meta-", 1)).with_suffix(".json")


def discard(path: Path) -> None:
    """Remove an exported model file and its meta (``model-<v>.onnx``, ``meta-<v>.json``) so it is exported again."""
    for p in (Path(path), meta_file(path)):
        try:
            p.unlink()
        except OSError:
            pass


def prepare(model_dir, variant: str = "int8", *, root, before_export=None) -> tuple[Path, dict]:
    """The ONNX file of ``variant`` for the model in ``model_dir`` (exported and cached on first use).

    Returns ``(path, meta)``; ``meta`` holds the model spec and the checks
    made at export time. Raises :class:`OnnxUnsupported` when the model
    cannot be exported or fails its check. ``before_export(model_dir)``, if
    given, runs before the weights are read (e.g. to verify their hashes);
    a cached file skips it, since the key covers the weights' size and mtime.
    """
    if variant not in VARIANTS:
        raise FramingError(f"ONNX variant {variant!r}: expected one of {VARIANTS}")
    model_dir = Path(model_dir)
    spec = inspect_model(model_dir)
    folder = Path(root) / "onnx" / _key(model_dir, spec)
    path = folder / f"model-{variant}.onnx"
    meta_path = meta_file(path)

    def cached():
        return _cached(path, meta_path)

    done = cached()
    if done is not None:
        return done
    with _export_lock:
        done = cached()  # another thread exported it while this one waited
        if done is not None:
            return done
        writable = _writable_folder(folder)
        temporary = writable != folder
        if temporary:
            folder = writable
            path = folder / f"model-{variant}.onnx"
            meta_path = meta_file(path)
            done = cached()  # prepared in this temporary folder by an earlier call of this run (review22b)
            if done is not None:
                return done
        if before_export is not None:
            before_export(model_dir)
        import sys

        # a first run is otherwise silent for this long (audit18 J7)
        print("framing: preparing the model for fast CPU use (about 20-40 s); "
              + (f"in {folder.parent} for this run only" if temporary else f"once, kept in {folder.parent}"),
              file=sys.stderr, flush=True)
        return _build_isolated(model_dir, spec, folder, variant)


_TEMP_EXPORTS: dict[str, Path] = {}


def _writable_folder(folder: Path) -> Path:
    """``folder``, or, when it cannot be written (a read-only cache, FRAMING_CACHE naming a file), a temporary
    folder removed at exit, with a warning (review22: the export failed, even with --no-cache)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
        return folder
    except OSError as e:
        if folder.name not in _TEMP_EXPORTS:
            import atexit
            import shutil
            import tempfile

            tmp = Path(tempfile.mkdtemp(prefix="framing-onnx-"))
            atexit.register(shutil.rmtree, tmp, True)
            _TEMP_EXPORTS[folder.name] = tmp / folder.name
            from .errors import FramingWarning, warn

            warn(f"model cache {folder.parent}: cannot write ({e.strerror or e}); the model is prepared in a "
                 "temporary folder for this run only. Set FRAMING_CACHE to a folder you can write to keep it",
                 FramingWarning)
        return _TEMP_EXPORTS[folder.name]


def _build_isolated(model_dir: Path, spec: dict, folder: Path, variant: str) -> tuple[Path, dict]:
    """:func:`_build` in a child process, so that torch (~0.6 GB, needed only to export) never
    loads into the process that then embeds a corpus."""
    import subprocess
    import sys

    code = "import sys; from framing._onnx import _build_main; sys.exit(_build_main(sys.argv[1:]))"
    env = dict(os.environ)
    pkg_root = str(Path(__file__).resolve().parent.parent)  # framing importable even when not installed
    env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    p = subprocess.run([sys.executable, "-c", code, str(model_dir), json.dumps(spec), str(folder), variant],
                       capture_output=True, text=True, env=env)
    last = (p.stderr.strip().splitlines() or ["no output"])[-1]
    if p.returncode == 0:
        out = json.loads(p.stdout.strip().splitlines()[-1])
        return Path(out["path"]), out["meta"]
    if p.returncode == 3:
        raise OnnxUnsupported(last)
    raise FramingError(f"model {model_dir}: ONNX export failed in its worker process ({last[:300]})")


def _build_main(argv: list[str]) -> int:
    """Entry point of the export worker: prints ``{"path", "meta"}`` as JSON; exit 3 if unsupported."""
    import sys

    model_dir, spec, folder, variant = Path(argv[0]), json.loads(argv[1]), Path(argv[2]), argv[3]
    try:
        path, meta = _build(model_dir, spec, folder, variant)
    except OnnxUnsupported as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        return 3
    print(json.dumps({"path": str(path), "meta": meta}))
    return 0


def _build(model_dir: Path, spec: dict, folder: Path, variant: str) -> tuple[Path, dict]:
    import onnx

    folder.mkdir(parents=True, exist_ok=True)
    tok = _tokenizer(model_dir, spec)
    fp32 = folder / "model-fp32.onnx"
    meta = {"recipe": RECIPE, "model_dir_name": model_dir.name, "spec": spec, "variant": variant}
    texts = _CHECK + _CALIBRATION
    if fp32.is_file() and not _usable(fp32, meta_file(fp32), spec, model_dir):
        discard(fp32)  # truncated or damaged (review22b: it was reused, and its wrong size recorded)
    if not fp32.is_file():
        tmp = _tmp(fp32)
        try:
            try:
                ref = _export_fp32(model_dir, spec, tmp, tok, texts)
            except OnnxUnsupported:
                raise
            except Exception as exc:
                raise OnnxUnsupported(f"model {model_dir}: ONNX export failed ({type(exc).__name__}: "
                                      f"{' '.join(str(exc).split())[:200]})") from None
            got = OnnxEncoder(tmp, spec, model_dir=model_dir).encode(texts)
            c = _cos(ref, got)
            if c.min() < 0.9999:
                raise OnnxUnsupported(f"model {model_dir}: exported graph disagrees with torch (min cosine {c.min():.4f})")
            _replace(tmp, fp32)
        finally:
            if tmp.exists():
                tmp.unlink()
    meta_fp32 = {**meta, "variant": "fp32", "ok": True, "bytes": fp32.stat().st_size}
    _write_json(meta_file(fp32), meta_fp32)
    if variant == "fp32":
        return fp32, meta_fp32
    out = folder / "model-int8.onnx"
    g = onnx.load(str(fp32))
    amax = _calibrate(g, spec, tok)
    _smooth(g, amax, _INT8["smooth_c"])
    smoothed, tmp = _tmp(folder / "smoothed.onnx"), _tmp(out)
    try:
        onnx.save(g, str(smoothed))
        _quantize(smoothed, tmp)
        ref = OnnxEncoder(fp32, spec, model_dir=model_dir).encode(_CHECK)
        got = OnnxEncoder(tmp, spec, model_dir=model_dir).encode(_CHECK)
        c = _cos(ref, got)
        meta_int8 = {**meta, **_INT8, "check_mean_cos": round(float(c.mean()), 5),
                     "check_min_cos": round(float(c.min()), 5)}
        if c.mean() < _INT8["min_mean_cos"]:
            reason = (f"model {model_dir}: int8 quantisation too lossy (mean cosine {c.mean():.4f} to fp32 "
                      f"< {_INT8['min_mean_cos']}); use backend='onnx'")
            _write_json(meta_file(out), {**meta_int8, "ok": False, "reason": reason})
            raise OnnxUnsupported(reason)
        _replace(tmp, out)
        meta_int8["ok"] = True
        meta_int8["bytes"] = out.stat().st_size
        _write_json(meta_file(out), meta_int8)
        return out, meta_int8
    finally:
        for p in (smoothed, tmp):
            if p.exists():
                p.unlink()


def _write_json(path: Path, obj) -> None:
    tmp = _tmp(path)
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=True), encoding="utf-8")
    _replace(tmp, path)


# ---------------------------------------------------------------------------------------------- runtime


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _session_options(threads: int | None = None):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads or _cores()
    so.inter_op_num_threads = 1
    # idle threads sleep instead of spinning: spinning ones steal the cores from whatever runs next
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    return so


def _tokenizer(model_dir: Path, spec: dict):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tok.enable_truncation(max_length=spec["max_seq_length"])
    tok.no_padding()
    return tok


def _batches(tok, spec: dict, texts: list[str], batch_size: int, encs=None):
    """(indices, feed) for length-sorted batches padded to their longest member.

    ``encs`` are ready ``tokenizers`` encodings of ``texts`` (else they are made here).
    """
    if encs is None:
        if spec.get("do_lower_case"):
            texts = [t.lower() for t in texts]
        encs = tok.encode_batch(list(texts), add_special_tokens=True)
    lens = np.fromiter((len(e.ids) for e in encs), dtype=np.int64, count=len(encs))
    order = np.argsort(-lens, kind="stable")
    pad = spec.get("pad_token_id", 0)
    for s in range(0, len(order), batch_size):
        idx = order[s:s + batch_size]
        width = int(lens[idx].max())
        ids = np.full((len(idx), width), pad, dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for r, i in enumerate(idx):
            e = encs[i].ids
            ids[r, :len(e)] = e
            mask[r, :len(e)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in spec["inputs"]:
            feed["token_type_ids"] = np.zeros_like(ids)
        yield idx, feed


def _pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    if pooling == "cls":
        v = hidden[:, 0, :].astype(np.float32)
    else:
        m = mask[..., None].astype(np.float32)
        v = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
    v = v.astype(np.float32, copy=False)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


class OnnxEncoder:
    """Run an exported sentence model with onnxruntime: texts -> float32 unit vectors.

    Texts are tokenised with the model's ``tokenizer.json``, sorted by token
    count and batched with padding to the longest text of each batch. With
    ``workers=None`` the batches are shared out over one thread per usable
    core, all running one single-threaded session: for the int8 model at
    one sentence per batch, running sentences side by side uses the cores
    far better than splitting each small matrix product between them (440
    vs 294 sentences/s on 2 cores). With ``workers=1`` each run uses
    ``threads`` cores (default: all), which suits the fp32 model's larger
    batches. Every text's vector is computed alone or with its batch, so
    the result does not depend on the number of workers.
    """

    def __init__(self, path, spec: dict, *, model_dir, threads: int | None = None, workers: int | None = 1):
        import onnxruntime as ort

        self.path = Path(path)
        self.spec = spec
        # workers=None: one per core, each session run single-threaded; else `threads` per run (default: all cores)
        self.workers = _cores() if workers is None else max(1, int(workers))
        threads = 1 if workers is None else threads
        self.tokenizer = _tokenizer(Path(model_dir), spec)
        self.session = ort.InferenceSession(str(self.path), _session_options(threads),
                                            providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}

    @property
    def dimension(self) -> int:
        return int(self.spec["hidden_size"]) or int(self.encode(["x"]).shape[1])

    def encode(self, texts, batch_size: int = 16) -> np.ndarray:
        return self.encode_with_spans(texts, None, batch_size)[0]

    def encode_spans(self, texts, spans, batch_size: int = 16) -> list[np.ndarray]:
        """Mean last-layer token vectors of character spans, one ``(len(spans[i]), d)`` array per text.

        The word pieces overlapping a span are averaged and the mean is
        L2-normalised; special tokens and padding never count. A span beyond
        the model's maximum sequence length gets a zero row.
        """
        return self.encode_with_spans(texts, spans, batch_size)[1]

    def encode_with_spans(self, texts, spans=None, batch_size: int = 16) -> tuple[np.ndarray, list | None]:
        """Sentence vectors and, from the same forward pass, span vectors (see :meth:`encode_spans`).

        The sentence vectors are exactly those of :meth:`encode` (same
        tokens, same batches).
        """
        texts = list(texts)
        d = int(self.spec["hidden_size"])
        if self.spec.get("do_lower_case"):
            texts = [t.lower() for t in texts]
        encs = self.tokenizer.encode_batch(texts, add_special_tokens=True)
        out = np.zeros((len(texts), d), dtype=np.float32)
        span_out = None if spans is None else [np.zeros((len(sp), d), dtype=np.float32) for sp in spans]

        def run(batches):
            for idx, feed in batches:
                feed = {k: v for k, v in feed.items() if k in self._inputs}
                hidden = self.session.run(None, feed)[0]
                out[idx] = _pool(hidden, feed["attention_mask"], self.spec["pooling"])
                if spans is None:
                    continue
                for r, i in enumerate(idx):
                    if not len(spans[i]):
                        continue
                    off = np.asarray(encs[i].offsets, dtype=np.int64).reshape(-1, 2)
                    real = off[:, 1] > off[:, 0]  # not [CLS]/[SEP]
                    h = hidden[r, :len(off)]
                    for k, (a, b) in enumerate(spans[i]):
                        sel = real & (off[:, 0] < b) & (off[:, 1] > a)
                        if sel.any():
                            v = h[sel].mean(axis=0).astype(np.float32)
                            span_out[i][k] = v / (np.linalg.norm(v) or 1.0)

        batches = list(_batches(self.tokenizer, self.spec, texts, max(1, int(batch_size)), encs=encs))
        workers = min(self.workers, len(batches))
        if workers <= 1:
            run(batches)
        else:
            from concurrent.futures import ThreadPoolExecutor

            # batches come longest first: dealing them out in turn gives every worker a like share
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for f in [pool.submit(run, batches[w::workers]) for w in range(workers)]:
                    f.result()
        return out, span_out
