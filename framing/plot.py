"""Plot helpers (matplotlib only).

Each helper takes a table computed elsewhere, draws on ``ax`` (``plt.gca()``
when ``ax`` is None), passes ``**kwargs`` down to matplotlib and returns the
Axes; helpers with several panels return the Figure. None calls ``show()`` or
``savefig()``. matplotlib is imported inside each function, so ``import
framing`` stays light.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import FramingError

__all__ = ["frame_palette", "plot_frame_map", "plot_event_lean", "plot_frame_scores", "plot_frame_shares", "plot_narrative_arc",
           "plot_cluster_keywords", "plot_cluster_stability"]

_NONE_COLOUR = "#b8b8b8"
_PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "*"]


def _axes(ax):
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.gca()


def _need(data: pd.DataFrame, cols, what: str):
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise FramingError(f"{what}: missing column(s) {', '.join(missing)}")


def frame_palette(frames) -> dict:
    """A stable colour per frame id; ``none`` is grey. Frames keep their order of appearance."""
    out, i = {}, 0
    for f in frames:
        if f in out:
            continue
        if f == "none":
            out[f] = _NONE_COLOUR
        else:
            out[f] = _PALETTE[i % len(_PALETTE)]
            i += 1
    return out


def _frame_order(values, order=None):
    if order is not None:
        return list(order)
    vals = list(dict.fromkeys(values))
    return sorted([v for v in vals if v != "none"]) + (["none"] if "none" in vals else [])


def plot_frame_map(data: pd.DataFrame, *, x: str = "x", y: str = "y", hue: str = "frame", style: str = "article_id",
                   hue_order=None, palette=None, ax=None, interactive: bool | None = None, s: float = 36, **kwargs):
    """The frame map: sentences in 2-D, coloured by frame, marker by article.

    Parameters
    ----------
    data : DataFrame
        A scored sentence table with projection columns (see
        :func:`framing.maps.add_projection`): ``x``, ``y``, ``hue``, ``style``.
    interactive : bool, optional
        Attach hover tooltips (sentence and article) with mplcursors. ``None``
        does so only under an interactive backend such as ipympl
        (``%matplotlib widget``); a static figure is drawn either way.
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(data, [x, y, hue], "plot_frame_map data")
    ax = _axes(ax)
    order = _frame_order(data[hue], hue_order)
    palette = palette or frame_palette(order)
    styles = list(dict.fromkeys(data[style])) if style in data.columns else [None]
    artists = []
    for si, st in enumerate(styles):
        sub_s = data if st is None else data[data[style] == st]
        for fr in order:
            sub = sub_s[sub_s[hue] == fr]
            if sub.empty:
                continue
            art = ax.scatter(sub[x], sub[y], s=s, c=palette.get(fr, _NONE_COLOUR), marker=_MARKERS[si % len(_MARKERS)],
                             edgecolors="white", linewidths=0.5, alpha=0.9, **kwargs)
            art._framing_rows = sub  # for the hover tooltips
            artists.append(art)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], ls="", marker="o", color=palette.get(f, _NONE_COLOUR), label=f) for f in order]
    if styles != [None] and len(styles) > 1:
        handles += [Line2D([], [], ls="", marker=_MARKERS[i % len(_MARKERS)], color="#444", label=_short(str(st), 28))
                    for i, st in enumerate(styles)]
    ax.legend(handles=handles, fontsize=8, loc="best", frameon=False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    if interactive is None:
        import matplotlib

        interactive = "ipympl" in matplotlib.get_backend().lower() or "widget" in matplotlib.get_backend().lower()
    if interactive:
        _attach_hover(artists, style)
    return ax


def plot_frame_scores(data: pd.DataFrame, *, x: str, y: str, hue: str = "frame", style: str = "article_id",
                      ax=None, interactive: bool | None = None, **kwargs):
    """Sentences in the plane of two frame scores, coloured by assigned frame.

    Points near the dashed diagonal score alike on both frames: that is where
    the method is unsure. Hover tooltips work as in :func:`plot_frame_map`.

    Parameters
    ----------
    data : DataFrame
        A scored sentence table (:func:`framing.frames.score_frames`) with the
        score columns ``x`` and ``y`` (two frame ids) and ``hue``.
    **kwargs
        Passed to ``Axes.scatter`` (through :func:`plot_frame_map`).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.ticker import AutoLocator

    _need(data, [x, y, hue], "plot_frame_scores data")
    ax = plot_frame_map(data, x=x, y=y, hue=hue, style=style, ax=ax, interactive=interactive, **kwargs)
    ax.xaxis.set_major_locator(AutoLocator())
    ax.yaxis.set_major_locator(AutoLocator())
    vals = data[[x, y]].to_numpy(dtype=float)
    lo, hi = float(np.nanmin(vals)), float(np.nanmax(vals))
    ax.plot([lo, hi], [lo, hi], color="#888", lw=0.8, ls="--", zorder=0)
    ax.set_xlabel(f"{x} score")
    ax.set_ylabel(f"{y} score")
    return ax


def _short(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _attach_hover(artists, style):
    try:
        import mplcursors
    except ImportError:  # pragma: no cover - optional
        return None
    cursor = mplcursors.cursor(artists, hover=True)

    @cursor.connect("add")
    def _on_add(sel):  # pragma: no cover - needs a live widget
        rows = sel.artist._framing_rows
        row = rows.iloc[sel.index]
        head = f"{row.get(style, '')} · {row.get('frame', '')}"
        sel.annotation.set_text(head + "\n" + _wrap(str(row.get("text", "")), 60))

    return cursor


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)[:6])


def plot_frame_shares(data: pd.DataFrame, *, x: str = "share", y: str = "article_id", hue: str = "frame",
                      hue_order=None, palette=None, ax=None, **kwargs):
    """Frame shares per article (or outlet) as grouped horizontal bars with CI whiskers.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`framing.frames.frame_shares`: ``y`` (group),
        ``hue`` (frame), ``x`` (share) and optionally ``ci_low``/``ci_high``.
    **kwargs
        Passed to ``Axes.barh``.
    """
    _need(data, [x, y, hue], "plot_frame_shares data")
    ax = _axes(ax)
    groups = list(dict.fromkeys(data[y]))
    order = _frame_order(data[hue], hue_order)
    palette = palette or frame_palette(order)
    h = 0.8 / max(len(order), 1)
    for j, fr in enumerate(order):
        sub = data[data[hue] == fr].set_index(y).reindex(groups)
        pos = np.arange(len(groups)) + (j - (len(order) - 1) / 2) * h
        vals = sub[x].fillna(0).to_numpy()
        xerr = None
        if {"ci_low", "ci_high"} <= set(sub.columns):
            lo = np.clip(vals - sub["ci_low"].fillna(0).to_numpy(), 0, None)
            hi = np.clip(sub["ci_high"].fillna(0).to_numpy() - vals, 0, None)
            xerr = np.vstack([lo, hi])
        ax.barh(pos, vals, height=h, color=palette.get(fr, _NONE_COLOUR), label=fr, xerr=xerr,
                error_kw={"ecolor": "#333", "capsize": 2, "lw": 0.8}, **kwargs)
    ax.set_yticks(np.arange(len(groups)))
    ax.set_yticklabels([_short(g, 40) for g in groups], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("share of sentences (95% bootstrap CI)")
    ax.set_xlim(0, 1)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return ax


def plot_narrative_arc(data: pd.DataFrame, *, x: str = "position", y: str = "lean", hue: str = "article_id",
                       ax=None, **kwargs):
    """Frame lean along each article, from its first sentence (0) to its last (1).

    Parameters
    ----------
    data : DataFrame
        The output of :func:`framing.frames.narrative_arc`, with ``x``, ``y``
        and ``hue`` columns; ``ci_low``/``ci_high`` are drawn as a band when present.
    **kwargs
        Passed to ``Axes.plot``.
    """
    _need(data, [x, y, hue], "plot_narrative_arc data")
    ax = _axes(ax)
    for i, (key, grp) in enumerate(data.groupby(hue, sort=False)):
        grp = grp.sort_values(x)
        colour = _PALETTE[(i + 3) % len(_PALETTE)]
        ax.plot(grp[x], grp[y], marker=_MARKERS[i % len(_MARKERS)], ms=3, color=colour, label=_short(str(key), 40), **kwargs)
        if {"ci_low", "ci_high"} <= set(grp.columns):
            ax.fill_between(grp[x], grp["ci_low"], grp["ci_high"], color=colour, alpha=0.15, lw=0)
    ax.axhline(0, color="#888", lw=0.8, ls="--")
    ax.set_xlabel("position in article")
    ax.set_ylabel(y)
    ax.legend(fontsize=8, frameon=False)
    return ax


def _cluster_rows(data: pd.DataFrame, what: str) -> pd.DataFrame:
    _need(data, ["cluster"], what)
    return data.reset_index(drop=True)


def plot_cluster_keywords(data: pd.DataFrame, *, x: str = "size", n_words: int = 6, palette=None, ax=None, **kwargs):
    """Discovered clusters as horizontal bars (size), each labelled with its top keywords.

    Bars are coloured by ``dominant_frame`` when the table has it (grey for
    ``none`` and HDBSCAN noise), and the tick labels show the stability.

    Parameters
    ----------
    data : DataFrame
        The cluster table ``SentenceClusters.clusters_``: ``cluster``, ``x``
        (default ``size``), ``keywords`` (``", "``-joined), optionally
        ``stability`` and ``dominant_frame``.
    n_words : int
        Keywords written next to each bar.
    **kwargs
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    data = _cluster_rows(data, "plot_cluster_keywords data")
    _need(data, [x, "keywords"], "plot_cluster_keywords data")
    ax = _axes(ax)
    pos = np.arange(len(data))
    if "dominant_frame" in data.columns:
        palette = palette or frame_palette(_frame_order(data["dominant_frame"]))
        colours = [palette.get(f, _NONE_COLOUR) if c != -1 else _NONE_COLOUR
                   for f, c in zip(data["dominant_frame"], data["cluster"])]
    else:
        colours = [_PALETTE[1] if c != -1 else _NONE_COLOUR for c in data["cluster"]]
    kwargs.setdefault("color", colours)
    vals = data[x].to_numpy(dtype=float)
    ax.barh(pos, vals, height=0.7, **kwargs)
    top = vals.max() if len(vals) else 1.0
    for p, v, kw in zip(pos, vals, data["keywords"].fillna("")):
        words = ", ".join([w for w in str(kw).split(", ") if w][:n_words])
        ax.text(v + 0.01 * top, p, words, va="center", fontsize=8)
    labels = []
    for row in data.itertuples(index=False):
        name = "noise" if row.cluster == -1 else f"cluster {row.cluster}"
        stab = getattr(row, "stability", np.nan)
        labels.append(name if pd.isna(stab) else f"{name} · stab {stab:.2f}")
    ax.set_yticks(pos)
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.9 if len(vals) else 1)  # room for the keywords
    ax.set_xlabel(x)
    if "dominant_frame" in data.columns:
        from matplotlib.patches import Patch

        frames = [f for f in dict.fromkeys(data["dominant_frame"]) if f]
        ax.legend(handles=[Patch(color=palette.get(f, _NONE_COLOUR), label=f) for f in frames],
                  title="dominant frame", fontsize=8, title_fontsize=8, frameon=False, loc="best")
    return ax


def plot_cluster_stability(data: pd.DataFrame, *, x: str = "stability", threshold: float = 0.6, ax=None, **kwargs):
    """Per-cluster stability (mean best-match Jaccard over refits) with a dissolution line.

    Clusters below ``threshold`` (Hennig's rule of thumb: 0.6) mostly dissolve
    when the data are resampled; treat them as artefacts, not findings.

    Parameters
    ----------
    data : DataFrame
        The cluster table ``SentenceClusters.clusters_`` (``cluster``, ``x``).
    **kwargs
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    data = _cluster_rows(data, "plot_cluster_stability data")
    _need(data, [x], "plot_cluster_stability data")
    data = data[data["cluster"] != -1]
    ax = _axes(ax)
    vals = data[x].fillna(0).to_numpy(dtype=float)
    pos = np.arange(len(data))
    kwargs.setdefault("color", [_PALETTE[1] if v >= threshold else _NONE_COLOUR for v in vals])
    ax.barh(pos, vals, height=0.7, **kwargs)
    ax.axvline(threshold, color="#d62728", lw=0.8, ls="--")
    ax.set_yticks(pos)
    ax.set_yticklabels([f"cluster {c}" for c in data["cluster"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("stability (mean best-match Jaccard over refits)")
    return ax


def plot_event_lean(data: pd.DataFrame, *, x: str = "lean", y: str = "event_id", hue: str = "article_id",
                    label: str | None = "label", ax=None, **kwargs):
    """How each article leans on each shared event: one row per event, one marker per article.

    The markers of one event are joined by a line, so a long line is an event
    the articles frame differently.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`framing.events.event_article_table` (one row per
        event and article): ``y`` (event), ``hue`` (article), ``x`` (the lean:
        the first frame's mean score minus the second's); ``label``, when
        present, names the events on the y axis.
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(data, [x, y, hue], "plot_event_lean data")
    ax = _axes(ax)
    events = list(dict.fromkeys(data[y]))
    pos = {e: i for i, e in enumerate(events)}
    for e, grp in data.groupby(y, sort=False):
        ax.plot(grp[x], [pos[e]] * len(grp), color="#c8c8c8", lw=2, zorder=1)
    for i, art in enumerate(dict.fromkeys(data[hue])):
        sub = data[data[hue] == art]
        ax.scatter(sub[x], sub[y].map(pos), marker=_MARKERS[i % len(_MARKERS)], color=_PALETTE[(i + 3) % len(_PALETTE)],
                   s=40, zorder=2, label=_short(str(art), 40), **kwargs)
    names = data.drop_duplicates(y).set_index(y)[label] if label and label in data.columns else None
    ax.set_yticks(range(len(events)))
    ax.set_yticklabels([f"{e}: {_short(names[e], 50)}" if names is not None else str(e) for e in events], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#888", lw=0.8, ls="--")
    ax.set_xlabel(x)
    ax.legend(fontsize=8, frameon=False)
    return ax
