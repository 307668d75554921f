"""The ``framing`` command: argument parsing, exit codes and messages; no logic.

Exit codes: 0 success; 2 a problem with the input or configuration, reported
as one line on stderr (no traceback); 130 interrupted. Anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from .errors import FramingError

__all__ = ["main", "build_parser"]


def _n(k: int, noun: str) -> str:
    """``1 article``, ``3 articles``."""
    return f"{k} {noun}{'' if k == 1 else 's'}"


def _add_model_args(p: argparse.ArgumentParser, codebook: bool = True) -> None:
    if codebook:
        p.add_argument("--codebook", default=None, metavar="NAME|FILE",
                       help="a bundled codebook name or a TOML file (default: western-threat-vs-russian-defensive)")
    p.add_argument("--model", default=None, metavar="NAME|PATH",
                   help="a sentence-transformers model name or folder (default: the bundled all-MiniLM-L6-v2)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the caches (sentence vectors, sentence splits)")


def _add_method_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--method", default="stance", choices=("stance", "prototype"),
                   help="stance (default): who the sentence casts as the threat, the victim, the one who acts; "
                        "prototype: similarity to each frame's exemplars, for frames that differ by topic or "
                        "judgement rather than by who does what to whom")


def _cmd_report(args) -> int:
    from .report import build_report

    try:
        result = build_report(args.paths, out=args.out, codebook=args.codebook, model=args.model,
                              cache=not args.no_cache, events=not args.no_events,
                              event_threshold=args.event_threshold, command=["framing", *getattr(args, "argv", [])],
                              group_by=args.group_by, stories=args.stories,
                              method=None if args.method == "stance" else args.method)
    except FramingError as exc:  # name the options as typed (audit21c: "group_by 'sdie'" for --group-by sdie)
        msg = str(exc)
        for name, flag in (("group_by", "--group-by"), ("stories", "--stories")):
            if msg.startswith(name + " "):
                msg = flag + msg[len(name):]
        msg = msg.replace("stories and group_by are both", "--stories and --group-by are both")
        raise FramingError(msg) from None
    print(f"wrote {result['html']} ({_n(result['n_articles'], 'article')}, {_n(result['n_sentences'], 'sentence')})")
    return 0


def _cmd_codebook(args) -> int:
    import os

    from .codebook import load_codebook
    from .embed import get_embedder
    from .stance import check_codebook, codebook_check_summary, suggest_gates

    if args.folds < 2:
        raise FramingError(f"--folds {args.folds}: expected a whole number >= 2")
    cb = load_codebook(args.codebook)
    if len(cb.frames) < 2:
        raise FramingError(f"codebook {cb.id!r}: has one frame ({cb.frame_ids[0]!r}); the check tells frames apart "
                           "and needs at least two")
    emb = get_embedder(args.model)
    check = check_codebook(cb, emb, n_splits=args.folds)
    if args.out:  # first: output piped to `head` ends this command early (audit21: x.csv was never written)
        from .cache import atomic_write_bytes

        atomic_write_bytes(args.out, check.to_csv(index=False).encode("utf-8"))
    summary = codebook_check_summary(check)
    n_folds = int(check["fold"].max()) + 1
    ex = check[(check["kind"] == "exemplar") & check["ok"].notna()]
    print(f"codebook {cb.id!r}: each of its sentences read by a scorer fitted without it and its contrast pair "
          f"({n_folds} folds)")
    print(f"exemplars read as their own frame: {int(ex['ok'].sum())} of {len(ex)}\n")
    print(_check_table(summary, {f.id: len(f.exemplars) for f in cb.frames}).to_string(index=False))
    neutral = check[(check["kind"] == "neutral") & check["ok"].notna()]
    if len(neutral):
        print(f"[neutral]: {int(neutral['ok'].sum())} of {len(neutral)} read as none")
    actors = bool(cb.actors)
    print("\nWhat this shows: frames that are thin or overlap, and which sentences fail. It is not an estimate of "
          "accuracy on articles: held out, a frame with few exemplars loses much of itself (the counts are rough "
          f"below {FEW_EXEMPLARS} exemplars)"
          + (", and exemplars always name the actors as listed, so names missing from the aliases do not show "
             "here (--articles shows them)." if actors else "."))
    frames = summary[summary["frame"] != "[neutral]"]
    weak = frames[frames["own"] < WEAK_FRAME]
    if len(weak):
        names = ", ".join(f"{r.frame} ({round(r.own * r.n_exemplars)} of {r.n_exemplars})"
                          for r in weak.itertuples(index=False))
        print(f"\nthin or overlapping (under 2/3 of their own exemplars read back): {names}. Give them more "
              "exemplars" + (", each naming the actors as the texts do," if actors else "")
              + " and sharpen " + ("who does what to whom" if actors else "what sets them apart")
              + " where two frames overlap.")
    flat = frames[frames["contrast_ok"] < WEAK_FRAME]
    if len(flat):
        names = ", ".join(f"{r.frame} ({round(r.contrast_ok * r.n_contrast)} of {r.n_contrast})"
                          for r in flat.itertuples(index=False))
        print(f"\nstance not read (under 2/3 of their contrast sentences kept from the frame): {names}. The scorer "
              "reads these frames' topic rather than their stance: "
              + ("add roles (who is aggressor, victim, defender in each frame) and more contrast pairs."
                 if actors else "add actors with aliases and roles, which the stance features need, and more "
                                "contrast pairs."))
    bad = check[check["ok"].eq(False)]
    if len(bad):
        print(f"\nmisread ({len(bad)}; an exemplar should get its frame, a contrast sentence not its frame, a "
              "neutral one none):")
        for r in bad.head(_MISREAD_SHOWN).itertuples(index=False):
            why = f" ({r.none_reason})" if r.predicted == "none" and r.none_reason else ""
            text = r.text if len(r.text) <= 90 else r.text[:89] + "…"
            print(f"  {r.kind} of {r.frame or '[neutral]'} read as {r.predicted}{why}: {text}")
        if len(bad) > _MISREAD_SHOWN:
            print(f"  … and {len(bad) - _MISREAD_SHOWN} more" + (" (all in --out)" if args.out else " (--out writes all)"))
    gates = suggest_gates(check)
    used = check.attrs.get("gates", {})
    lower = {g: v for g, v in gates.items() if g != "n" and v != used.get(g)}
    if lower:
        n_off = int(ex["none_reason"].isin(["off topic", "off topic without names"]).sum())
        print(f"\n{n_off} of {len(ex)} exemplars were turned away as off topic: each is unlike the rest of the "
              "codebook, and sentences like them in articles will be too. More exemplars that cover each frame's "
              "range fix this; or a scorer with lower gates lets 90% of the exemplars through, in Python "
              "StanceScorer(codebook, " + ", ".join(f"{g}={v:.2f}" for g, v in lower.items()) + ").fit(), passed "
              "as method= (README: 'Use it on your own articles'). Lower gates also frame more off-topic sentences"
              + (": see below what they do to your articles." if args.articles else
                 "; --articles shows what they do to yours."))
    skipped = check[check["ok"].isna()]
    if len(skipped):
        print(f"\nnot checked: {len(skipped)} sentence(s) of frames with a single exemplar, which cannot be held out")
    if args.articles:
        _check_on_articles(args, cb, emb, lower)
    if args.out:
        print(f"\nwrote {os.fspath(args.out)}")  # written before anything was printed (see above)
    return 0


def _check_table(summary, n_exemplars: dict | None = None):
    """The summary's shares as counts, for the terminal; ``n_exemplars``: each frame's exemplars in the codebook
    (a frame with one is not checked, and the summary counts none)."""
    import pandas as pd

    frames = summary[summary["frame"] != "[neutral]"]
    if n_exemplars:
        frames = frames.assign(n_exemplars=[n_exemplars.get(f, n) if not n else n
                                            for f, n in zip(frames["frame"], frames["n_exemplars"])],
                               _checked=frames["n_exemplars"])
    else:
        frames = frames.assign(_checked=frames["n_exemplars"])

    def count(col):  # a frame with one exemplar is not checked (audit23-codebook: NaN crashed the cast)
        return [int(round(v * n)) if n and pd.notna(v) else "-" for v, n in zip(frames[col], frames["_checked"])]

    return frames.assign(**{
        "read as own": count("own"),
        "as none": count("none"),
        "as another": count("other"),
        "contrast kept out": [int(round(v * n)) if n else "-" for v, n in zip(frames["contrast_ok"],
                                                                               frames["n_contrast"])],
    }).rename(columns={"n_exemplars": "exemplars", "n_contrast": "contrast pairs"})[
        ["frame", "exemplars", "read as own", "as none", "as another", "contrast pairs", "contrast kept out"]]


def _check_on_articles(args, cb, emb, lower: dict) -> None:
    """``codebook check --articles``: how the codebook reads the user's own sentences."""
    from .report import run_pipeline
    from .stance import NONE_REASONS, StanceScorer, actor_frames, unmatched_names

    run = run_pipeline(args.articles, codebook=cb, embedder=emb)
    s = run.sentences
    n = len(s)
    framed = s["frame"] != "none"
    print(f"\nyour articles: {n} sentences of {run.articles['article_id'].nunique()} articles, "
          f"{framed.mean():.0%} given a frame ("
          + ", ".join(f"{f} {(s['frame'] == f).mean():.0%}" for f in cb.frame_ids) + "); none: "
          + ", ".join(f"{r} {(s['none_reason'] == r).mean():.0%}" for r in NONE_REASONS[1:]
                      if (s["none_reason"] == r).any()))
    if cb.actors and (s["none_reason"] == "no actor").any():
        names = unmatched_names(s, cb)
        if len(names):
            print("names most often written in sentences that name no actor of the codebook (add those that "
                  "belong to an actor as its aliases): "
                  + ", ".join(f"{r.name} ({r.n_sentences})" for r in names.itertuples(index=False)))
    if cb.actors and len(cb.frames) >= 2:
        per_actor = actor_frames(s, cb)
        shown = per_actor[per_actor["n_framed"] >= 1].head(8)
        if len(shown):  # always: the shares say how the actors are read even when none is flagged (audit22)
            print("framed sentences naming each actor, and the frame most of them get: "
                  + "; ".join(f"{r.actor} {r.n_framed}, {r.top_frame} {r.top_share:.0%}"
                              for r in shown.itertuples(index=False)))
        flagged = per_actor[per_actor["flag"]]
        if len(flagged):
            print("actors whose framed sentences nearly all get one frame ("
                  + ", ".join(f"{r.actor}: {r.top_frame} in {r.top_count} of {r.n_framed}"
                              for r in flagged.itertuples(index=False))
                  + "). When your frames differ by how they judge the same events rather than by who does what "
                    "to whom, the name may be deciding the frame: read a sample of these sentences "
                    "(framing.stance.actor_frames).")
    if lower:
        looser = StanceScorer(cb, emb, **lower).fit().score(s[["article_id", "sentence_id", "text"]],
                                                             embeddings=run.embeddings)
        new = looser[(looser["frame"] != "none") & ~framed.to_numpy()]
        print(f"with the lower gates: {(looser['frame'] != 'none').mean():.0%} given a frame ({len(new)} more "
              "sentences); read a sample of them to judge whether they take a side or are off topic:")
        for t in new["text"].head(8):
            print("  " + (t if len(t) <= 100 else t[:99] + "…"))


_MISREAD_SHOWN = 20
WEAK_FRAME = 2 / 3  # a frame with fewer of its own exemplars (or contrast sentences kept out) read back is flagged
FEW_EXEMPLARS = 6  # below this, holding one out takes a large part of the frame


def _cmd_frames(args) -> int:
    from .report import frames_csv

    n = frames_csv(args.input, args.out, codebook=args.codebook, model=args.model, cache=not args.no_cache,
                   method=None if args.method == "stance" else args.method)
    print(f"wrote {args.out} ({_n(n, 'row')})")
    return 0


def _cmd_events(args) -> int:
    from .events import events_csv

    extra = {} if args.source_penalty is None else {"source_penalty": args.source_penalty}
    if args.min_articles is not None:
        extra["min_articles"] = args.min_articles
    window = None if args.date_window < 0 else args.date_window
    info = events_csv(args.paths, args.out, model=args.model, cache=not args.no_cache, threshold=args.threshold,
                      date_window=window, **extra)
    print(f"wrote {args.out} ({_n(info['n_articles'], 'article')}, {_n(info['n_events'], 'event')})")
    return 0


def _taxonomy(args) -> dict:
    """``taxonomy=`` for the labelled tasks when --taxonomy was given (else the bundled SemEval one)."""
    return {} if getattr(args, "taxonomy", None) is None else {"taxonomy": args.taxonomy}


def _cmd_narratives(args) -> int:
    from . import labelled

    if args.action == "fit":
        info = labelled.fit_narratives_files(args.docs, args.labels, args.model_out, embedder=args.embedder,
                                             **_taxonomy(args))
        print(f"wrote {info['path']} ({_n(info['n_articles'], 'article')}; thresholds coarse "
              f"{info['threshold_coarse']:.2f}, fine {info['threshold_fine']:.2f})")
        _say_fit_quality(info)
    else:
        n = labelled.predict_narratives_files(args.model_in, args.docs, args.out, embedder=args.embedder)
        print(f"wrote {args.out} ({_n(n, 'article')})")
    return 0


def _say_fit_quality(info: dict) -> None:
    """What a user should know of a fitted narrative model (audit21b: the inner scores were only in the JSON,
    and on 50 articles the model did no better than predicting 'Other')."""
    sc = info.get("inner_scores") or {}
    if "f1_coarse" in sc:
        other = sc.get("f1_all_other")
        print(f"inner cross-validation samples-F1: coarse {sc['f1_coarse']:.2f}, fine {sc['f1_fine']:.2f}"
              + (f" (predicting 'Other' for every article: {other:.2f})" if other is not None else ""))
        if other is not None and max(sc["f1_coarse"], sc["f1_fine"]) <= other + 0.02:
            print("  the model does no better than predicting 'Other' everywhere: label more articles, or fewer "
                  "categories, before relying on it")
    low, high = info.get("threshold_grid", (None, None))
    edge = [name for name in ("coarse", "fine") if info.get(f"threshold_{name}") in (low, high)]
    if low is not None and edge:
        print(f"  the {' and '.join(edge)} threshold is at the end of the range searched ({low:.2f}-{high:.2f}): "
              "the model is unsure of its labels")
    few = info.get("few_examples") or []
    if few:
        print(f"  {_n(len(few), 'label')} with fewer than 2 training articles, which the model can hardly learn: "
              + ", ".join(few[:8]) + (f", … {len(few) - 8} more" if len(few) > 8 else ""))


def _cmd_roles(args) -> int:
    from . import labelled

    if args.action == "fit":
        info = labelled.fit_roles_files(args.docs, args.labels, args.model_out, embedder=args.embedder,
                                        **_taxonomy(args))
        print(f"wrote {info['path']} ({info['n_mentions']} mentions, {info['features']} features)")
    else:
        n = labelled.predict_roles_files(args.model_in, args.docs, args.mentions, args.out, embedder=args.embedder)
        print(f"wrote {args.out} ({_n(n, 'mention')})")
    return 0


def _cmd_score(args) -> int:
    from .labelled import score_files

    s = score_files(args.task, args.gold, args.pred, **_taxonomy(args))
    if args.task == "narratives":
        print(f"samples-F1 coarse\t{s['f1_coarse']:.4f}\t(sd {s['f1_coarse_std']:.3f})")
        print(f"samples-F1 fine\t{s['f1_fine']:.4f}\t(sd {s['f1_fine_std']:.3f})")
        print(f"articles\t{s['n']}")
    else:
        print(f"exact match ratio (fine roles)\t{s['emr']:.4f}")
        print(f"micro P/R/F1 (fine roles)\t{s['micro_precision']:.4f}\t{s['micro_recall']:.4f}\t{s['micro_f1']:.4f}")
        print(f"main-role accuracy\t{s['main_role_accuracy']:.4f}")
        print(f"mentions\t{s['n']}")
    return 0


def _actions(parser):
    """The required ACTION sub-commands of a command (``narratives fit``, ``codebook check``)."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    return actions


def build_parser() -> argparse.ArgumentParser:
    from ._tuned import DEFAULT_THRESHOLD  # not from .events: that imports pandas, which --help needs not

    # what D is, and which column of events.csv it can be read against
    d_scale = ("a distance: 1 − the articles' combined, locally scaled similarity, the scale of 1 − cohesion in "
               "events.csv (averaged over an event's articles it is at most D; the raw similarity column is on "
               f"another scale) (default: {DEFAULT_THRESHOLD}, tuned on AllSides roundups)")
    parser = argparse.ArgumentParser(
        prog="framing",
        description="Compare how news articles frame the same events.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("report", help="write an HTML/CSV/PNG report for a set of articles",
                       description="Read articles, split sentences, score frames, line up shared events and write "
                                   "DIR/report.html, DIR/sentences.csv, DIR/articles.csv, DIR/figures/*.png and "
                                   "DIR/manifest.json (and DIR/outlets.csv when the articles come from two or "
                                   "more sources, DIR/groups-COLUMN.csv with --group-by).")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories, globs, CSV or JSONL")
    p.add_argument("--out", default="reports/latest", metavar="DIR", help="output folder (default: reports/latest)")
    p.add_argument("--no-events", action="store_true", help="skip the same-events section")
    p.add_argument("--group-by", default=None, metavar="COLUMN",
                   help="also compare the groups of this article column of a CSV or JSONL input (e.g. side: left, "
                        "centre, right), each pair tested with the article as the unit; written to "
                        "groups-COLUMN.csv")
    p.add_argument("--stories", default=None, metavar="COLUMN",
                   help="the article column of a CSV or JSONL input that names each article's story, when you "
                        "know it (e.g. an AllSides roundup): articles are compared and lined up within these "
                        "stories instead of the ones the report finds")
    p.add_argument("--event-threshold", type=float, default=None, metavar="D",
                   help="where stories are cut apart, " + d_scale + "; lower it when articles that merely "
                        "share a topic are grouped (see framing events)")
    _add_model_args(p)
    _add_method_arg(p)
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("frames", help="score the sentences of a CSV/TSV/JSONL file against a codebook",
                       description="Read a .csv, .tsv, .jsonl (.ndjson) or .json file with a 'text' column (or "
                                   "'body', 'content', 'maintext', ...) and write "
                                   "a CSV with every input column, then one score column per frame id, then "
                                   "'frame', 'confidence' and 'none_reason' (why a sentence got 'none': no actor, "
                                   "off topic, off topic without names, neutral, low confidence).")
    p.add_argument("input", metavar="INPUT",
                   help="a .csv, .tsv, .jsonl (.ndjson) or .json file with a 'text' column, one sentence a row")
    p.add_argument("--out", required=True, metavar="OUT.csv", help="the scored CSV to write")
    _add_model_args(p)
    _add_method_arg(p)
    p.set_defaults(func=_cmd_frames)

    p = sub.add_parser("events", help="group articles that report the same event",
                       description="Read articles and write OUT.csv with article_id, event_id, event_size, cohesion "
                                   "(the article's mean similarity to the other articles of its event, locally scaled; "
                                   "empty for an article alone), similarity (the same mean on the raw scale: pairs "
                                   "below 0.225 never join by themselves), copy_of (for an article that copies "
                                   "an earlier one, a syndicated story or a page read twice, the id of the first of "
                                   "its copies: copies count once in the grouping) and title (and source and date when the "
                                   "articles have them); "
                                   "the number of events is found, not given.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories, globs, CSV or JSONL")
    p.add_argument("--out", required=True, metavar="OUT.csv", help="the CSV to write, one row per article")
    p.add_argument("--threshold", type=float, default=None, metavar="D",
                   help="where to cut the event tree, " + d_scale + "; lower D gives more, tighter events")
    p.add_argument("--date-window", type=float, default=3.0, metavar="DAYS",
                   help="articles dated more than DAYS apart are pushed apart (softly: a clear match still "
                        "joins); -1 ignores dates (default: 3)")
    p.add_argument("--source-penalty", type=float, default=None, metavar="P",
                   help="pushes apart two articles of one outlet, when there are several outlets; 0 turns it "
                        "off, for an outlet that runs several articles on one event (default: 0.2)")
    p.add_argument("--min-articles", type=int, default=None, metavar="N",
                   help="local scaling (each pair judged against the two articles' usual neighbours) from N "
                        "articles on; below, a constant stands in for it (default: 30). For 10 to 29 articles "
                        "on one topic, 10 groups better")
    _add_model_args(p, codebook=False)
    p.set_defaults(func=_cmd_events)

    emb_help = "the sentence-transformers model (default: the bundled all-MiniLM-L6-v2); must match the model's"
    tax_help = "a label taxonomy JSON of your own (default: the bundled SemEval-2025 Task 10 one)"
    p = sub.add_parser("narratives", help="learn or predict SemEval-style narratives (subtask 2 format)")
    nsub = _actions(p)
    q = nsub.add_parser("fit", help="train a narrative classifier",
                        description="Train on DIR/*.txt and a subtask-2 label file; write MODEL(.json) and MODEL.npz.")
    q.add_argument("--docs", required=True, metavar="DIR", help="folder of raw .txt articles (file name = article_id)")
    q.add_argument("--labels", required=True, metavar="FILE", help="article_id<TAB>narratives<TAB>subnarratives")
    q.add_argument("--model", dest="model_out", required=True, metavar="OUT", help="model file to write (.json)")
    q.add_argument("--embedder", default=None, metavar="NAME|PATH", help=emb_help)
    q.add_argument("--taxonomy", default=None, metavar="FILE", help=tax_help)
    q = nsub.add_parser("predict", help="predict narratives for a folder of articles",
                        description="Write one line per .txt in DIR, in the subtask-2 format.")
    q.add_argument("--model", dest="model_in", required=True, metavar="FILE",
                   help="a model written by 'framing narratives fit' (.json, with its .npz beside it)")
    q.add_argument("--docs", required=True, metavar="DIR", help="folder of raw .txt articles (file name = article_id)")
    q.add_argument("--out", required=True, metavar="FILE",
                   help="predictions to write: article_id<TAB>narratives<TAB>subnarratives")
    q.add_argument("--embedder", default=None, metavar="NAME|PATH", help=emb_help)
    p.set_defaults(func=_cmd_narratives)

    p = sub.add_parser("roles", help="learn or predict entity roles (subtask 1 format)")
    rsub = _actions(p)
    q = rsub.add_parser("fit", help="train an entity-role classifier",
                        description="Train on DIR/*.txt and a subtask-1 file; write MODEL(.json) and MODEL.npz.")
    q.add_argument("--docs", required=True, metavar="DIR", help="folder of raw .txt articles (file name = article_id)")
    q.add_argument("--labels", required=True, metavar="FILE",
                   help="article_id<TAB>entity<TAB>start<TAB>end<TAB>main_role<TAB>fine_role...")
    q.add_argument("--model", dest="model_out", required=True, metavar="OUT", help="model file to write (.json)")
    q.add_argument("--embedder", default=None, metavar="NAME|PATH", help=emb_help)
    q.add_argument("--taxonomy", default=None, metavar="FILE", help=tax_help)
    q = rsub.add_parser("predict", help="predict roles for entity mentions",
                        description="Read mentions (first four subtask-1 columns) and write them with a main role "
                                    "and fine roles, in the subtask-1 format.")
    q.add_argument("--model", dest="model_in", required=True, metavar="FILE",
                   help="a model written by 'framing roles fit' (.json, with its .npz beside it)")
    q.add_argument("--docs", required=True, metavar="DIR", help="folder of raw .txt articles (file name = article_id)")
    q.add_argument("--mentions", required=True, metavar="FILE", help="article_id<TAB>entity<TAB>start<TAB>end")
    q.add_argument("--out", required=True, metavar="FILE",
                   help="predictions to write: the mentions with main_role and fine roles (subtask-1 format)")
    q.add_argument("--embedder", default=None, metavar="NAME|PATH", help=emb_help)
    p.set_defaults(func=_cmd_roles)

    p = sub.add_parser("codebook", help="check a codebook: how well the scorer reads its own sentences")
    csub = _actions(p)
    q = csub.add_parser("check", help="cross-validate a codebook on its own exemplars",
                        description="Split the codebook's sentences into folds (an exemplar with its contrast "
                                    "pair) and read each fold with a scorer fitted without it. Prints per frame "
                                    "how many exemplars come back as that frame (few: a thin or overlapping "
                                    "frame) and how many contrast sentences are kept out of it (few: its stance "
                                    "is not read), then the misread sentences. The counts are not an accuracy "
                                    "estimate for articles; --articles scores some of yours.")
    q.add_argument("codebook", nargs="?", default=None, metavar="NAME|FILE",
                   help="a bundled codebook name or a TOML file (default: western-threat-vs-russian-defensive)")
    q.add_argument("--model", default=None, metavar="NAME|PATH",
                   help="a sentence-transformers model name or folder (default: the bundled all-MiniLM-L6-v2)")
    q.add_argument("--folds", type=int, default=5, metavar="K", help="number of folds, at least 2 (default: 5)")
    q.add_argument("--articles", nargs="+", default=None, metavar="PATH",
                   help="also score these articles (files, folders, globs, CSV or JSONL): the share of their "
                        "sentences framed and why the others are not, names in sentences that name no actor "
                        "(candidate aliases), and what lower gates would add")
    q.add_argument("--out", default=None, metavar="OUT.csv",
                   help="also write one row per sentence: frame, kind, pair, text, fold, predicted, confidence, "
                        "none_reason, ok, relevance, masked_relevance and each frame's probability")
    p.set_defaults(func=_cmd_codebook)

    p = sub.add_parser("score", help="the SemEval task metrics for a prediction file",
                       description="narratives: samples-F1 over coarse and fine labels; roles: exact match ratio "
                                   "of fine roles and main-role accuracy.")
    p.add_argument("task", choices=["narratives", "roles"], help="which task's files and metrics")
    p.add_argument("--gold", required=True, metavar="FILE", help="the labelled file (subtask-2 or subtask-1 format)")
    p.add_argument("--pred", required=True, metavar="FILE",
                   help="predictions in the same format (from 'framing narratives|roles predict')")
    p.add_argument("--taxonomy", default=None, metavar="FILE", help=tax_help)
    p.set_defaults(func=_cmd_score)

    return parser


def _version() -> str:
    from . import __version__

    return __version__


def _check_outputs(args) -> None:
    """Refuse an output path that cannot be written before any work is done (one line, exit 2)."""
    import os

    files = [(flag, getattr(args, dest, None)) for flag, dest in (("--out", "out"), ("--model", "model_out"))]
    for flag, path in files:
        if path is None:
            continue
        if args.command == "report" and flag == "--out":  # a folder to create
            if os.path.exists(path) and not os.path.isdir(path):
                raise FramingError(f"{flag} {path}: expected a folder for the report, found a file")
            parent = path
        else:
            if os.path.isdir(path):
                raise FramingError(f"{flag} {path}: expected a file to write, found a folder")
            if str(path).endswith(("/", os.sep)):  # "out/" names a folder, not the file to write
                raise FramingError(f"{flag} {path}: expected a file name, found a folder path (ends with /)")
            parent = os.path.dirname(os.path.abspath(path))
        while parent and not os.path.exists(parent):  # the nearest existing ancestor
            parent = os.path.dirname(parent.rstrip(os.sep))
        parent = parent or "."
        if not os.path.isdir(parent):
            raise FramingError(f"{flag} {path}: cannot create it, {parent} is a file, not a folder")
        if not os.access(parent, os.W_OK):
            raise FramingError(f"{flag} {path}: cannot write there, {parent} is not writable")


def main(argv=None) -> int:
    """Run the ``framing`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in the report's manifest
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _check_outputs(args)
            code = args.func(args)
        except FramingError as exc:
            _notes(caught)
            print(f"framing: error: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:  # `framing ... | head` closed the pipe: stop quietly, as other tools do
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
            return 141
        except OSError as exc:  # a path the checks above could not foresee (a full disk, a read-only mount, ...)
            _notes(caught)
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"framing: error: {where}{exc.strerror or exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("framing: interrupted", file=sys.stderr)
            return 130
    _notes(caught)
    return code


def _notes(caught) -> None:
    from .corpus import ReadWarning
    from .errors import FramingWarning

    seen = set()
    for w in caught:
        if issubclass(w.category, (ReadWarning, FramingWarning)) and str(w.message) not in seen:
            seen.add(str(w.message))
            print(f"framing: note: {w.message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
