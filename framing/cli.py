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


def _add_model_args(p: argparse.ArgumentParser, codebook: bool = True) -> None:
    if codebook:
        p.add_argument("--codebook", default=None, metavar="NAME|FILE",
                       help="a bundled codebook name or a TOML file (default: western-threat-vs-russian-defensive)")
    p.add_argument("--model", default=None, metavar="NAME|PATH",
                   help="a sentence-transformers model name or folder (default: the bundled all-MiniLM-L6-v2)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")


def _cmd_report(args) -> int:
    from .report import build_report

    result = build_report(args.paths, out=args.out, codebook=args.codebook, model=args.model,
                          cache=not args.no_cache, events=not args.no_events)
    print(f"wrote {result['html']} ({result['n_articles']} articles, {result['n_sentences']} sentences)")
    return 0


def _cmd_frames(args) -> int:
    from .report import frames_csv

    n = frames_csv(args.input, args.out, codebook=args.codebook, model=args.model, cache=not args.no_cache)
    print(f"wrote {args.out} ({n} rows)")
    return 0


def build_parser() -> argparse.ArgumentParser:
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
                                   "DIR/manifest.json.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories, globs, CSV or JSONL")
    p.add_argument("--out", default="reports/latest", metavar="DIR", help="output folder (default: reports/latest)")
    p.add_argument("--no-events", action="store_true", help="skip the same-events section")
    _add_model_args(p)
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("frames", help="score the sentences of a CSV against a codebook",
                       description="Read a CSV with a 'text' column and write every input column, then one score "
                                   "column per frame id, then 'frame' and 'confidence'.")
    p.add_argument("input", metavar="INPUT.csv")
    p.add_argument("--out", required=True, metavar="OUT.csv")
    _add_model_args(p)
    p.set_defaults(func=_cmd_frames)

    return parser


def _version() -> str:
    from . import __version__

    return __version__


def main(argv=None) -> int:
    """Run the ``framing`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            code = args.func(args)
        except FramingError as exc:
            _notes(caught)
            print(f"framing: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("framing: interrupted", file=sys.stderr)
            return 130
    _notes(caught)
    return code


def _notes(caught) -> None:
    from .corpus import ReadWarning

    seen = set()
    for w in caught:
        if issubclass(w.category, ReadWarning) and str(w.message) not in seen:
            seen.add(str(w.message))
            print(f"framing: note: {w.message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
