"""Embedding speed (issue #7): torch vs the ONNX backends, side by side in one run.

Prints, for real news sentences (SemEval 2025 task 10 EN *train* documents
when ``data/external/`` has them, else the seed articles; segmented by
:func:`framing.segment.segment`, deduplicated):

* sentences/s of ``Embedder(backend=...)`` with ``cache=False`` for torch
  (plain sentence-transformers), ``onnx`` (fp32 onnxruntime) and
  ``onnx-int8``, measured interleaved: every backend embeds the same chunk
  of sentences in turn, and the ratio to torch is the median over chunks of
  ``t_torch / t_backend`` (the machines are shared and noisy; only ratios
  measured this way are stable). The total-time ratio and the CPU-time
  ratio (``time.process_time``, all threads) are shown too;
* cosine agreement of each backend with torch (mean and min over sentences);
* ``import framing`` time (subprocess) beside ``python -c pass``;
* start-up: a fresh process embedding 10 sentences without the vector cache
  (the exported ONNX model is cached), wall time and peak RSS per backend.

Hooks, off by default because they take minutes:

* ``FRAMING_BENCH_SPEED_LARGE=100000``: the whole pipeline on a corpus of
  that many sentences, cold (fresh cache, so the ONNX export is included), in
  a fresh process, timed step by step: read the JSONL corpus, segment, embed
  (with the stance scorer's mention vectors), score frames, frame shares,
  cluster (:class:`~framing.clusters.SentenceClusters`), the 2-D map
  (:func:`~framing.maps.project`), group the articles into events, write
  the sentence table. Peak RSS is ``VmHWM`` of /proc/self/status, also per
  step (reset through /proc/self/clear_refs before each one; the
  segmentation workers and the ONNX export are child processes, their
  largest peak is shown apart). Then, in another fresh process,
  :func:`framing.segment.segment` alone on the same articles, default (one
  worker process per core) then ``n_jobs=1``: the gain of the parallel
  segmentation. The corpus
  repeats the real train articles; every copy after the first swaps one
  pair of adjacent words in each sentence, so that deduplication does not
  collapse it. It is therefore *not* 100k distinct real sentences: the
  number of distinct ones is printed. ``make bench`` sets it.
* ``FRAMING_BENCH_SPEED_REPORT=1``: ``framing report seeds/`` cold then warm
  (fresh cache), wall time and peak RSS of each, for the default backend, in
  a fresh process (the CLI's own start-up included). ``make bench`` sets it.

Other knobs: ``FRAMING_BENCH_SPEED_N`` sentences (default 1500),
``FRAMING_BENCH_SPEED_CHUNK`` (default 250), ``FRAMING_BENCH_SPEED_BACKENDS``
(default ``sentence-transformers,torch,onnx,onnx-int8``; the first is the
baseline: ``sentence-transformers`` is plain ``SentenceTransformer.encode``
with its defaults, ``torch`` is ``Embedder(backend="torch")``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TRAIN_DOCS = ROOT / "data" / "external" / "semeval2025-t10" / "data" / "train_data" / "EN" / "raw-documents"
SEEDS = ROOT / "seeds"


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def real_sentences() -> tuple[list[str], str]:
    """Unique sentences of the EN train documents (or the seeds), and where they came from."""
    from framing.corpus import read_articles
    from framing.segment import segment

    src, label = (TRAIN_DOCS, "SemEval-2025 T10 EN train documents") if TRAIN_DOCS.is_dir() else (SEEDS, "seed articles")
    sents = segment(read_articles(src))["text"].tolist()
    seen, out = set(), []
    for s in sents:
        s = " ".join(str(s).split())
        if len(s) >= 20 and s not in seen:
            seen.add(s)
            out.append(s)
    return out, label


def perturbed_articles(n_sentences: int, seed: int = 0) -> list[dict]:
    """Articles holding about ``n_sentences`` sentences: the real ones, then copies with perturbed sentences.

    Copy ``c`` of article ``a`` is ``a~c``; in every copy after the first each
    sentence has one random pair of adjacent words swapped and one word
    (not the first) replaced by a random word of the corpus, in place, so
    that paragraphs and everything between sentences stay as they were.
    """
    from framing.corpus import read_articles
    from framing.segment import segment

    arts = read_articles(TRAIN_DOCS if TRAIN_DOCS.is_dir() else SEEDS)
    sents = segment(arts)
    by_article = {a: g for a, g in sents.groupby("article_id", sort=False)}
    rng = np.random.default_rng(seed)
    vocab = sorted({w for t in sents["text"] for w in str(t).split() if w.isalpha()})
    out, total, c = [], 0, 0
    while total < n_sentences:
        for aid, text in zip(arts["article_id"], arts["text"]):
            g = by_article.get(aid)
            if g is None or total >= n_sentences:
                continue
            pieces, last = [], 0
            for a, b in zip(g["start"], g["end"]):
                words = text[a:b].split(" ")
                if c and len(words) > 3:
                    j = int(rng.integers(0, len(words) - 1))
                    words[j], words[j + 1] = words[j + 1], words[j]
                if c and len(words) > 1:
                    words[int(rng.integers(1, len(words)))] = vocab[int(rng.integers(0, len(vocab)))]
                pieces += [text[last:a], " ".join(words)]
                last = b
            out.append({"article_id": f"{aid}~{c}", "text": "".join(pieces) + text[last:]})
            total += len(g)
        c += 1
    return out


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)


def side_by_side(texts: list[str], backends: list[str], chunk: int) -> dict:
    """Interleaved timing of each backend on the same chunks; vectors kept for the cosines."""
    from framing.embed import Embedder

    embs = {b: (_PlainST() if b == PLAIN else Embedder(backend=b, cache=False)) for b in backends}
    for e in embs.values():  # load (and export on first use) + warm up outside the timing
        e.encode(texts[:64])
    wall = {b: [] for b in backends}
    cpu = {b: [] for b in backends}
    vecs = {b: [] for b in backends}
    for s in range(0, len(texts), chunk):
        part = texts[s:s + chunk]
        for b, e in embs.items():
            c0, t0 = time.process_time(), time.perf_counter()
            v = e.encode(part)
            wall[b].append(time.perf_counter() - t0)
            cpu[b].append(time.process_time() - c0)
            vecs[b].append(v)
    return {"wall": wall, "cpu": cpu, "vecs": {b: np.concatenate(v) for b, v in vecs.items()},
            "batch": {b: e.batch_size for b, e in embs.items()}}


PLAIN = "sentence-transformers"


class _PlainST:
    """The baseline: ``SentenceTransformer(bundled model).encode(texts)`` with its own defaults."""

    def __init__(self):
        from framing.embed import Embedder

        self.model = Embedder(backend="torch", cache=False)._load()
        self.batch_size = 32  # SentenceTransformer.encode's default

    def encode(self, texts):
        return np.asarray(self.model.encode(list(texts), show_progress_bar=False), dtype=np.float32)


def import_time(reps: int = 5) -> tuple[float, float]:
    """Median wall seconds of ``python -c "import framing"`` and of ``python -c pass``."""
    def run(code: str) -> float:
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=str(ROOT))
            ts.append(time.perf_counter() - t0)
        return float(np.median(ts))

    return run("import framing"), run("pass")


# Every measured subprocess reports its own peak memory the same way.
_PEAK_MB = textwrap.dedent("""
    import json, resource, sys, time
    def peak_mb():  # VmHWM: this exec's peak (ru_maxrss would include the forking parent's)
        try:
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    def reset_peak():  # VmHWM := current RSS (Linux >= 4.0); False where that is not allowed
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False
""")


def _run_json(script: str, *args: str, env: dict) -> dict:
    """Run ``script`` in a fresh Python process; the JSON object on its last stdout line."""
    p = subprocess.run([sys.executable, "-c", _PEAK_MB + script, *args], capture_output=True, text=True,
                       cwd=str(ROOT), env=env)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "failed")
    return json.loads(p.stdout.strip().splitlines()[-1])


_STARTUP = textwrap.dedent("""
    t0 = time.perf_counter()
    from framing.embed import Embedder
    v = Embedder(backend=sys.argv[1], cache=False).encode(json.loads(sys.argv[2]))
    print(json.dumps({"seconds": time.perf_counter() - t0, "torch": "torch" in sys.modules,
                      "peak_rss_mb": peak_mb()}))
""")


def startup(backend: str, texts: list[str]) -> dict:
    """A fresh process: import, load (exported model already cached), embed ``texts``."""
    return _run_json(_STARTUP, backend, json.dumps(texts), env=dict(os.environ, FRAMING_PROGRESS="0"))


_LARGE = textwrap.dedent("""
    import pandas as pd
    stages, peaks, t = {}, {}, time.perf_counter()
    t0 = t
    per_step = reset_peak()
    def lap(name):  # the step's time, and its peak RSS (since the last reset; the run's so far without one)
        global t
        now = time.perf_counter()
        stages[name] = now - t
        peaks[name] = peak_mb()
        reset_peak()
        t = now
    from framing.corpus import read_articles
    arts = read_articles(sys.argv[1]); lap("read")
    from framing.segment import segment
    sents = segment(arts); lap("segment")
    from framing.embed import get_embedder
    from framing.stance import encode_with_mentions
    emb = get_embedder(None)
    vecs = encode_with_mentions(emb, sents["text"].tolist()); lap("embed")
    from framing.frames import frame_shares, score_frames
    scored = score_frames(sents, embedder=emb, embeddings=vecs); lap("score")
    shares = frame_shares(scored); lap("shares")
    from framing.clusters import SentenceClusters
    clu = SentenceClusters(random_state=42).fit(scored, embeddings=vecs); lap("cluster")
    from framing.maps import project
    xy = project(vecs, random_state=42); lap("map")
    from framing.events import group_events
    ev = group_events(arts, embedder=emb, sentences=sents); lap("events")
    scored.to_csv(sys.argv[2], index=False); lap("write")
    print(json.dumps({"seconds": time.perf_counter() - t0, "stages": stages, "n_articles": len(arts),
                      "n": len(sents), "distinct": int(sents["text"].nunique()), "backend": emb.backend_,
                      "k": int(clu.n_clusters_), "events": int(ev["event_id"].nunique()),
                      "peak_rss_mb": max(peaks.values()), "step_peaks_mb": peaks, "per_step": per_step,
                      "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
""")

_SEGMENT_JOBS = textwrap.dedent("""
    from framing.corpus import read_articles
    from framing.segment import _n_workers, segment
    arts = read_articles(sys.argv[1])
    segment(arts.head(20), n_jobs=1)  # pysbd's rules are loaded outside the timing
    out = {"workers": _n_workers(None, int(arts["text"].str.len().sum()))}
    tables = {}
    for label, n_jobs in (("default", None), ("n_jobs=1", 1)):
        t = time.perf_counter()
        tables[label] = segment(arts, n_jobs=n_jobs)
        out[label] = time.perf_counter() - t
    out["same"] = bool(tables["default"].equals(tables["n_jobs=1"]))
    out["n"] = len(tables["default"])
    print(json.dumps(out))
""")


def large_run(n_sentences: int) -> tuple[dict, dict | str]:
    """The whole pipeline on a ``n_sentences`` corpus in a fresh process with a fresh cache.

    Then, in another fresh process, :func:`framing.segment.segment` alone on
    the same articles, default (worker processes) then ``n_jobs=1``; its
    result is the error message if that run failed.
    """
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "corpus.jsonl"
        with open(f, "w", encoding="utf-8") as fh:
            for row in perturbed_articles(n_sentences):
                fh.write(json.dumps(row) + "\n")
        env = dict(os.environ, FRAMING_PROGRESS="0", FRAMING_CACHE=str(Path(d) / "cache"))
        res = _run_json(_LARGE, str(f), str(Path(d) / "sentences.csv"), env=env)
        try:
            seg = _run_json(_SEGMENT_JOBS, str(f), env=env)
        except RuntimeError as exc:
            seg = str(exc)
        return res, seg


_REPORT = textwrap.dedent("""
    t0 = time.perf_counter()
    from framing.cli import main
    code = main(["report", sys.argv[1], "--out", sys.argv[2]])
    print(json.dumps({"code": code, "seconds": time.perf_counter() - t0,
                      "peak_rss_mb": peak_mb()}))
""")


def report_times() -> list[tuple[str, dict]]:
    """``framing report seeds/`` twice with a fresh cache: cold, then warm."""
    out = []
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, FRAMING_CACHE=str(Path(d) / "cache"), FRAMING_PROGRESS="0", HF_HUB_OFFLINE="1")
        for label in ("cold", "warm"):
            out.append((label, _run_json(_REPORT, str(SEEDS), str(Path(d) / f"r-{label}"), env=env)))
    return out


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    backends = os.environ.get("FRAMING_BENCH_SPEED_BACKENDS", f"{PLAIN},torch,onnx,onnx-int8").split(",")
    n = _env_int("FRAMING_BENCH_SPEED_N", 1500)
    chunk = _env_int("FRAMING_BENCH_SPEED_CHUNK", 250)
    sents, label = real_sentences()
    rng = np.random.default_rng(0)
    texts = [sents[i] for i in rng.permutation(len(sents))[:n]]
    try:
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = ["?"]
    print(f"{len(texts)} unique sentences from the {label}; chunks of {chunk}; {os.cpu_count()} cores; "
          f"load average {' '.join(load)}")
    r = side_by_side(texts, backends, chunk)
    base = backends[0]
    bw, bc = np.array(r["wall"][base]), np.array(r["cpu"][base])
    print(f"\n{'backend':<21} {'batch':>5} {'sent/s':>8} {'x ' + base[:11] + ' (median)':>22} {'x (total)':>9} "
          f"{'x (cpu)':>8} {'cos mean':>9} {'cos min':>8}")
    for b in backends:
        w, c = np.array(r["wall"][b]), np.array(r["cpu"][b])
        cos = _cos(r["vecs"][b], r["vecs"][base])
        print(f"{b:<21} {r['batch'][b]:>5} {len(texts) / w.sum():>8.1f} {np.median(bw / w):>22.2f} "
              f"{bw.sum() / w.sum():>9.2f} {bc.sum() / c.sum():>8.2f} {cos.mean():>9.5f} {cos.min():>8.5f}")
    print(f"({PLAIN}: SentenceTransformer.encode with its defaults; the others: Embedder(backend=..., cache=False), "
          "wall clock with preprocessing, dedup, tokenising and pooling included)")

    t_imp, t_pass = import_time()
    print(f"\nimport framing: {t_imp * 1000:.0f} ms (python -c pass: {t_pass * 1000:.0f} ms; "
          f"framing itself {max(t_imp - t_pass, 0) * 1000:.0f} ms; target <= 500 ms)")

    print("\nstart-up, fresh process embedding 10 sentences (exported model cached, no vector cache):")
    framing_backends = [b for b in backends if b != PLAIN]
    base = framing_backends[0] if framing_backends else base
    print(f"{'backend':<11} {'seconds':>8} {'x ' + base:>9} {'peak RSS MB':>12} {'torch imported':>15}")
    st = {}
    for b in framing_backends:
        try:
            st[b] = startup(b, texts[:10])
        except RuntimeError as exc:
            print(f"{b:<11} failed: {exc}")
    for b, res in st.items():
        ratio = st[base]["seconds"] / res["seconds"] if base in st else float("nan")
        print(f"{b:<11} {res['seconds']:>8.1f} {ratio:>9.2f} {res['peak_rss_mb']:>12.0f} {str(res['torch']):>15}")

    large = _env_int("FRAMING_BENCH_SPEED_LARGE", 0)
    if large:
        print(f"\nwhole pipeline on {large} sentences, cold (fresh cache), one process; the real train articles, "
              "then copies with one adjacent word pair swapped and one word replaced per sentence:")
        try:
            res, seg = large_run(large)
        except RuntimeError as exc:
            print(f"failed: {exc}")
        else:
            print(f"{res['n_articles']} articles, {res['n']} sentences ({res['distinct']} distinct), backend "
                  f"{res['backend']}: {res['seconds']:.0f} s ({res['seconds'] / 60:.1f} min; target <= 15 min), "
                  f"peak RSS {res['peak_rss_mb']:.0f} MB (target <= 3072 MB)")
            print("  " + ", ".join(f"{k} {v:.0f} s" for k, v in res["stages"].items())
                  + f"; k={res['k']} clusters, {res['events']} events")
            what = "each step's own peak" if res["per_step"] else "the run's peak so far, at the end of each step"
            print(f"  peak RSS MB ({what}): "
                  + ", ".join(f"{k} {v:.0f}" for k, v in res["step_peaks_mb"].items())
                  + f"; largest child process (segmentation worker, ONNX export) {res['children_peak_mb']:.0f}")
            if isinstance(seg, str):
                print(f"segmentation alone: failed: {seg}")
            else:
                print(f"segmentation alone, fresh process, same articles ({seg['n']} sentences): default "
                      f"({seg['workers']} worker processes) {seg['default']:.0f} s, n_jobs=1 {seg['n_jobs=1']:.0f} s: "
                      f"x{seg['n_jobs=1'] / seg['default']:.2f}; tables identical: {seg['same']}")
    else:
        print("\n100k-sentence run: skipped (set FRAMING_BENCH_SPEED_LARGE=100000)")

    if os.environ.get("FRAMING_BENCH_SPEED_REPORT", "") in {"1", "true", "yes"}:
        print("\nframing report seeds/ (default backend, fresh cache):")
        for lab, res in report_times():
            goal = "  (target <= 5 s)" if lab == "warm" else ""
            print(f"{lab:<5} {res['seconds']:>7.1f} s  peak RSS {res['peak_rss_mb']:.0f} MB  exit {res['code']}{goal}")
    else:
        print("warm-report time: skipped (set FRAMING_BENCH_SPEED_REPORT=1)")


if __name__ == "__main__":
    main()
