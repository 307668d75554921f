"""Plot helpers (matplotlib only).

Each helper takes a table computed elsewhere, draws on ``ax`` (``plt.gca()``
when ``ax`` is None), passes ``**kwargs`` down to matplotlib and returns the
Axes (the one given, or the current one). None calls ``show()`` or
``savefig()``. matplotlib is imported inside each function, so ``import
framing`` stays light.

A long legend goes beside the axes, not over the data. Notebooks show it
whole; when you save a figure yourself, make room for it with
``plt.subplots(layout="constrained")`` or ``fig.savefig(path,
bbox_inches="tight")``, or a plain ``savefig`` cuts it off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import FramingError, FramingWarning, warn

__all__ = ["frame_palette", "plot_frame_map", "plot_event_lean", "plot_frame_scores", "plot_frame_shares", "plot_lean",
           "plot_narrative_arc",
           "plot_cluster_keywords", "plot_cluster_stability", "plot_framing_diff", "diff_lines", "plot_event_heatmap"]

_NONE_COLOUR = "#b8b8b8"
_PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
            # past nine frames (audit25: the tenth frame took the first one's red): tab20's light tones and a few
            # of tab20b's dark ones, no grey (grey is ``none``); the first nine stay, so existing figures do not change
            "#393b79", "#c5b0d5", "#ffbb78", "#c49c94", "#f7b6d2", "#9edae5", "#dbdb8d", "#637939", "#843c39",
            "#aec7e8", "#98df8a", "#ff9896", "#7b4173"]
_N_BASE = 9  # the first nine colours, which articles, clusters and outlets take (see _other_colour)
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "*"]
CLIP_FROM = 1000  # plot_frame_map fits its view to the cloud, without far outliers, from this many sentences on


def _other_colour(i: int) -> str:
    """The ``i``-th colour for things that are not frames (articles, clusters, outlets).

    It cycles through the palette without its first three colours (red, blue
    and green: the first three frames' colours), so that an article's line or
    a cluster's points never read as one of those frames.
    """
    return _PALETTE[3 + i % (_N_BASE - 3)]


# keyword names matplotlib takes for one property: a caller's name of one replaces a helper's default of any
_ALIASES = ({"c", "color"}, {"facecolors", "facecolor", "fc"}, {"edgecolors", "edgecolor", "ec"},
            {"linewidths", "linewidth", "lw"}, {"linestyles", "linestyle", "ls"}, {"markersize", "ms"},
            {"markeredgecolor", "mec"}, {"markerfacecolor", "mfc"}, {"markeredgewidth", "mew"},
            {"fontsize", "size"}, {"ha", "horizontalalignment"}, {"va", "verticalalignment"})


def _caller_wins(defaults: dict, kwargs: dict) -> dict:
    """The helper's ``defaults`` with the caller's ``kwargs`` over them: a caller's keyword replaces the default
    of the same name or of an alias (``color`` the ``c``, ``lw`` the ``linewidths``). audit25: ``color="k"``
    met the helper's ``c=`` (matplotlib: "Supply a 'c' argument or a 'color' kwarg"), ``marker="x"`` or
    ``height=.5`` its own (TypeError: got multiple values for keyword argument)."""
    out = dict(defaults)
    for k in kwargs:
        for group in _ALIASES:
            if k in group:
                for a in group:
                    out.pop(a, None)
    out.update(kwargs)
    return out


def _caller_colour(kwargs: dict, default):
    """The colour the caller gave (``color`` or ``c``), else ``default``."""
    for k in ("color", "c"):
        if kwargs.get(k) is not None:
            return kwargs[k]
    return default


def _axes(ax):
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.gca()


def _need(data: pd.DataFrame, cols, what: str):
    if not isinstance(data, pd.DataFrame):
        raise FramingError(f"{what}: expected a DataFrame, found {type(data).__name__}")
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise FramingError(f"{what}: missing column(s) {', '.join(missing)}")


def frame_palette(frames) -> dict:
    """A stable colour per frame id; ``none`` is grey. Frames keep their order of appearance; 22 frames get
    distinct colours (past that they repeat)."""
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


# Frames keep their codebook order, and so their colours (first frame red, second blue, ...), in
# every figure, whichever rows a table has. The order comes from the table's ``attrs["frames"]``, which
# score_frames, frame_shares, framing_diff and SentenceClusters set (pandas keeps attrs through copies,
# filters and concat, not through merge); without it, a scored table's frame score columns, in their order
# (see _frames_hint). Without either, the bundled codebook's frames keep their order and
# other frames follow alphabetically.
_KNOWN_ORDER = ("western_threat", "russian_defensive")


def _frames_hint(data) -> list:
    """The codebook's frame order a table carries: its ``attrs["frames"]``; else, when a merge or a CSV file
    dropped the attrs, the order of a scored table's frame score columns (those just before ``frame``, the
    rule of :func:`framing.frames._frame_columns`); else none."""
    hint = [f for f in (getattr(data, "attrs", None) or {}).get("frames", ()) if isinstance(f, str) and f != "none"]
    if hint or not isinstance(data, pd.DataFrame) or "frame" not in data.columns:
        return hint
    from .frames import _frame_columns

    try:  # audit25: after a merge a custom codebook's frames were coloured in alphabetical order
        cols = _frame_columns(data)
    except FramingError:
        return []
    return [str(c) for c in cols if str(c) != "none"]


def _frame_order(values, order=None, data=None):
    if order is not None:
        return list(order)
    vals = [v for v in dict.fromkeys(values) if isinstance(v, str)]
    hint = _frames_hint(data)
    if hint and any(v in hint for v in vals):  # a hue of other values (clusters, outlets) takes no frame colours
        known = hint
    else:
        # one bundled frame brings the other: Russian defensive stays blue in a table without Western threat
        known = list(_KNOWN_ORDER) if any(f in vals for f in _KNOWN_ORDER) else []
    rest = sorted(v for v in vals if v != "none" and v not in known)
    return known + rest + (["none"] if "none" in vals else [])


def plot_frame_map(data: pd.DataFrame, *, x: str = "x", y: str = "y", hue: str = "frame", style: str = "article_id",
                   hue_order=None, palette=None, ax=None, interactive: bool | None = None, s: float = 36,
                   clip: bool | None = None, **kwargs):
    """The frame map: sentences in 2-D, coloured by frame, marker by article.

    Parameters
    ----------
    data : DataFrame
        A scored sentence table with projection columns (see
        :func:`framing.maps.add_projection`): ``x``, ``y``, ``hue``, ``style``.
    style : str or None
        The column whose values get a marker each: ten shapes, filled for
        the first ten values and hollow for the next ten. With more than
        twenty values the markers would repeat, so none is drawn per value
        (colour still shows the frame) and a warning says so;
        ``style="source"`` gives one marker per outlet, ``None`` none. A
        column that ``data`` lacks is an error (except the default
        ``article_id``, which a table without it simply does without).
    interactive : bool, optional
        Attach hover tooltips (sentence and article) with mplcursors. ``None``
        does so only under an interactive backend such as ipympl
        (``%matplotlib widget``); a static figure is drawn either way.
    clip : bool, optional
        Fit the view to the 1st to 99th percentile of the points on each axis
        (with a margin), so that a few outlying sentences do not shrink the
        cloud into a corner; a note in the corner counts the sentences left
        outside (a few percent at most). ``None`` clips from
        :data:`CLIP_FROM` sentences on. With as many, unframed (``none``)
        sentences are drawn smaller and under the framed ones.
    x, y, hue : str
        Columns of ``data``: the coordinates and the colour (frame ids).
    hue_order : list, optional
        The order of ``hue`` values in the legend (default the codebook's
        frame order, ``none`` last).
    palette : dict, optional
        Colour per ``hue`` value (default :func:`frame_palette`).
    s : float
        Marker size.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(data, [x, y, hue], "plot_frame_map data")
    crowded = len(data) >= CLIP_FROM
    clip = crowded if clip is None else bool(clip)
    ax = _axes(ax)
    order = _frame_order(data[hue], hue_order, data)
    if palette is None:
        hint = set(_frames_hint(data)) | set(_KNOWN_ORDER)
        if hue == "frame" or any(v in hint for v in order):
            palette = frame_palette(order)
        else:  # clusters, outlets: colours the frames do not use (no red and blue that read as frames)
            rest = [v for v in order if v != "none"]
            palette = {v: _other_colour(i) for i, v in enumerate(rest)}
            if "none" in order:
                palette["none"] = _NONE_COLOUR
    if style is not None and style not in data.columns and style != "article_id":
        raise FramingError(f"plot_frame_map: style column {style!r} not in data; columns: "
                           + ", ".join(map(str, data.columns)) + " (or style=None for no marker per value)")
    styles = list(dict.fromkeys(data[style])) if style is not None and style in data.columns else [None]
    if len(styles) > 2 * len(_MARKERS):
        n_src = data["source"].nunique() if style != "source" and "source" in data.columns else 0
        hint = ("pass style='source' for one marker per outlet" if 2 <= n_src <= 2 * len(_MARKERS)
                else "pass style=None to leave them out without this note, or plot fewer articles")
        warn(f"plot_frame_map: {len(styles)} values of {style!r} but {2 * len(_MARKERS)} marker shapes "
             f"(filled and hollow): no marker per value is drawn, colour shows the frame; {hint}",
             FramingWarning)
        styles = [None]
    from matplotlib.markers import MarkerStyle

    # the caller's marker for every article; a line marker ("x") has no face to leave hollow
    unfilled = kwargs.get("marker") is not None and not MarkerStyle(kwargs["marker"]).is_filled()
    artists = []
    for si, st in enumerate(styles):
        sub_s = data if st is None else data[data[style] == st]
        hollow = (si // len(_MARKERS)) % 2 == 1  # the 11th to 20th article: the same shapes, hollow
        for fr in order:
            sub = sub_s[sub_s[hue] == fr]
            if sub.empty:
                continue
            colour = palette.get(fr, _NONE_COLOUR)
            # many points: the grey of unframed sentences smaller and under every frame's colour, whichever
            # article or outlet it belongs to (audit18b J7)
            under = crowded and fr == "none"
            s_fr, z = (s / 2, 1.0) if under else (s, 1.5 if crowded else 1.0)
            if hollow and not unfilled:
                # the frame's colour is the hollow marker's only trace: the caller's edge colour does not replace it
                # (a colour the caller gives with color= or c= is the edge's, as it is the filled markers' face)
                own = {k: v for k, v in kwargs.items() if k not in ("c", "color", "facecolors", "facecolor", "fc",
                                                                      "edgecolors", "edgecolor", "ec")}
                look = _caller_wins({"s": s_fr, "marker": _MARKERS[si % len(_MARKERS)], "linewidths": 1.2,
                                     "alpha": 0.9, "zorder": z}, own)
                art = ax.scatter(sub[x], sub[y], facecolors="none", edgecolors=_caller_colour(kwargs, colour), **look)
            else:
                look = _caller_wins({"s": s_fr, "c": colour, "marker": _MARKERS[si % len(_MARKERS)],
                                     "edgecolors": "white", "linewidths": 0.5, "alpha": 0.9, "zorder": z}, kwargs)
                if unfilled and not ({"edgecolors", "edgecolor", "ec"} & set(kwargs)):
                    look.pop("edgecolors")  # a line marker ("x", "+") is drawn in its face colour, not white
                art = ax.scatter(sub[x], sub[y], **look)
            art._framing_rows = sub  # for the hover tooltips
            artists.append(art)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], ls="", marker="o", color=palette.get(f, _NONE_COLOUR), label=f) for f in order]
    if styles != [None] and len(styles) > 1:
        handles += [Line2D([], [], ls="", marker=_MARKERS[i % len(_MARKERS)], color="#444", label=_short(str(st), 28),
                           markerfacecolor="none" if (i // len(_MARKERS)) % 2 else "#444")
                    for i, st in enumerate(styles)]
    if len(handles) > 8:  # a long legend goes beside the map, not over it
        ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    else:
        ax.legend(handles=handles, fontsize=8, loc="best", frameon=False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    if clip:
        _clip_view(ax, data[x].to_numpy(dtype=float), data[y].to_numpy(dtype=float))
    if interactive is None:
        import matplotlib

        interactive = "ipympl" in matplotlib.get_backend().lower() or "widget" in matplotlib.get_backend().lower()
    if interactive:
        _attach_hover(artists, style if style is not None and style in data.columns else "article_id")
    return ax


def _clip_view(ax, xs: np.ndarray, ys: np.ndarray, q: float = 0.01, margin: float = 0.05) -> None:
    """Fit the view to the ``q``..``1 - q`` quantiles of each axis, with a margin; a note counts the points
    left outside (at most about ``4 * q`` of them). On 5,544 sentences of 628 articles, the 1%-99% view
    filled 91% of the panel each way and left 94 outlying sentences out; Tukey's far fences (3 IQR) still
    admitted an island of adverts and the cloud filled half the width; the 0.5% tails held UMAP's islands."""
    ok = np.isfinite(xs) & np.isfinite(ys)
    if ok.sum() < 2:
        return
    lims = []
    for v in (xs[ok], ys[ok]):
        lo, hi = np.quantile(v, [q, 1 - q])
        pad = margin * (hi - lo) if hi > lo else 1.0
        lims.append((lo - pad, hi + pad))
    (x0, x1), (y0, y1) = lims
    out = int((~((xs[ok] >= x0) & (xs[ok] <= x1) & (ys[ok] >= y0) & (ys[ok] <= y1))).sum())
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if out:
        ax.text(0.99, 0.01, f"{out} outlying sentence{'s' if out != 1 else ''} beyond the view",
                transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="#555")


def plot_frame_scores(data: pd.DataFrame, *, x: str, y: str, hue: str = "frame", style: str = "article_id",
                      ax=None, interactive: bool | None = None, **kwargs):
    """Sentences in the plane of two frame scores, coloured by assigned frame.

    Points near the dashed diagonal score alike on both frames: that is where
    the method is unsure. Hover tooltips work as in :func:`plot_frame_map`.
    The default scorer's scores are probabilities over the codebook's frames:
    with a two-frame codebook they sum to 1, so every point lies on one line
    (from top left to bottom right) and its position along it is the
    confidence; the plot is most telling with three or more frames, or with
    the ``prototype`` method's cosines.

    Parameters
    ----------
    data : DataFrame
        A scored sentence table (:func:`framing.frames.score_frames`) with the
        score columns ``x`` and ``y`` (two frame ids) and ``hue``.
    x, y : str
        The two score columns (frame ids).
    hue, style : str
        Colour (assigned frame) and marker (article) columns, as in
        :func:`plot_frame_map`.
    interactive : bool, optional
        Hover tooltips, as in :func:`plot_frame_map`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
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
    if np.isfinite(vals).any():  # the diagonal of equal scores; an empty table draws nothing
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
    x, y, hue : str
        Columns of ``data``: share, group and frame.
    hue_order : list, optional
        The order of frames in each group (default the codebook's, ``none`` last).
    palette : dict, optional
        Colour per frame id (default :func:`frame_palette`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
    **kwargs
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(data, [x, y, hue], "plot_frame_shares data")
    ax = _axes(ax)
    groups = list(dict.fromkeys(data[y]))
    order = _frame_order(data[hue], hue_order, data)
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
        ax.barh(pos, vals, **_caller_wins({"height": h, "color": palette.get(fr, _NONE_COLOUR), "label": fr,
                                           "xerr": xerr, "error_kw": {"ecolor": "#333", "capsize": 2, "lw": 0.8}},
                                          kwargs))
    ax.set_yticks(np.arange(len(groups)))
    ax.set_yticklabels([_short(g, 40) for g in groups], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("share of sentences (95% interval)")
    ax.set_xlim(0, 1)
    # beside the axes: inside, a long bar and its whisker ran under it (audit18 B6); above, a title ran over it
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax


def plot_lean(data: pd.DataFrame, *, x: str = "lean", y: str = "article_id", frames=None, few: int = 5,
              sort: bool = True, palette=None, label_chars: int = 48, max_rows: int | None = 80, ax=None,
              **kwargs):
    """Each article's lean as a dot with its interval, one row per article: readable for many articles.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`framing.frames.frame_lean`: ``y`` (article or
        outlet), ``x`` (the lean, -1 to +1, positive towards the first
        frame), optionally ``ci_low``/``ci_high`` (or ``lean_low``/
        ``lean_high``, as :func:`framing.report.outlet_table` names them) and
        ``n_framed``. Rows without a lean (no framed sentence) are left out.
    frames : (str, str), optional
        The frames at the two ends of the lean (positive, negative), named on
        the x axis and colouring the dots; default the first two of
        ``data.attrs["frames"]``.
    few : int
        A dot is hollow when its row has fewer than ``few`` framed sentences
        (``n_framed``): its lean rests on a handful of sentences.
    sort : bool
        Rows from the most positive lean (top) to the most negative.
    label_chars : int
        Characters of each row's label.
    max_rows : int or None
        Past this many rows, draw only the ``max_rows // 2`` rows that lean
        most clearly positive and the rest of ``max_rows`` most clearly
        negative: ranked by the interval's inner bound (``ci_low`` for the
        positive end, ``ci_high`` for the negative) when the table has the
        intervals, so that a ±1 from one sentence does not crowd out a lean
        resting on many; then by lean and framed sentences. They are drawn
        sorted by lean, with a row between them saying how many are left
        out: the figure stays the same size however many articles there
        are. None draws every row.
    x, y : str
        Columns of ``data``: the lean and the row (article or outlet).
    palette : dict, optional
        Colour per frame id, for the two ends (default :func:`frame_palette`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(data, [x, y], "plot_lean data")
    ax = _axes(ax)
    if not {"ci_low", "ci_high"} & set(data.columns) and {f"{x}_low", f"{x}_high"} <= set(data.columns):
        # the report's tables (outlet_table, articles.csv) name the interval lean_low / lean_high
        data = data.rename(columns={f"{x}_low": "ci_low", f"{x}_high": "ci_high"})
    rows = data[data[x].notna()]
    gap = None  # (position of the row saying what is left out, its text)
    if max_rows is not None and len(rows) > max_rows:
        k = max_rows // 2
        ranked = rows.assign(_n=rows["n_framed"] if "n_framed" in rows.columns else 0, _i=np.arange(len(rows)))
        # the ends by what the evidence allows, the interval's inner bound when there is one: a lean of +1 from
        # one sentence (interval down to -0.6) is no end; then by lean and framed sentences
        hi_key, lo_key = (("ci_low", "ci_high") if {"ci_low", "ci_high"} <= set(rows.columns) else (x, x))
        top = ranked.sort_values([hi_key, x, "_n", "_i"], ascending=[False, False, False, True]).head(k)
        rest = ranked[~ranked["_i"].isin(top["_i"])]
        bottom = rest.sort_values([lo_key, x, "_n", "_i"], ascending=[True, True, False, True]).head(max_rows - k)
        top = top.sort_values([x, "_n", "_i"], ascending=[False, False, True])
        bottom = bottom.sort_values([x, "_n", "_i"], ascending=[True, False, True]).iloc[::-1]
        n_out = len(rows) - max_rows
        between = ranked[~ranked["_i"].isin(np.r_[top["_i"], bottom["_i"]])][x]
        ends_of = [f"{v:+.2f}".replace("-", "−") for v in (between.min(), between.max())]
        gap = (k, f"··· {n_out:,} more, leans {ends_of[0]} to {ends_of[1]} ···")
        rows = pd.concat([top, bottom]).drop(columns=["_n", "_i"])
    elif sort:
        rows = rows.sort_values(x, ascending=False, kind="stable")
    ends = list(frames) if frames is not None else list((getattr(data, "attrs", None) or {}).get("frames", ()))
    palette = palette or frame_palette(ends[:2] + ["none"])
    pos = np.arange(len(rows))
    if gap is not None:
        pos = np.where(pos >= gap[0], pos + 1, pos)
    vals = rows[x].to_numpy(dtype=float)
    colours = [palette.get(ends[0], _PALETTE[0]) if v > 0 and ends else palette.get(ends[1], _PALETTE[1])
               if v < 0 and len(ends) > 1 else _NONE_COLOUR for v in vals]
    if {"ci_low", "ci_high"} <= set(rows.columns):
        ax.hlines(pos, rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float), color="#999",
                  lw=1.0, zorder=1)
    thin = (rows["n_framed"].to_numpy() < few) if "n_framed" in rows.columns else np.zeros(len(rows), bool)
    look = {"s": 22, "zorder": 2, "linewidths": 1.0}
    ax.scatter(vals[~thin], pos[~thin], **_caller_wins({**look, "c": [c for c, t in zip(colours, thin) if not t]},
                                                       kwargs))
    if thin.any():  # hollow: a colour the caller gives (color=, c=) is the edge's
        edge = _caller_colour(kwargs, [c for c, t in zip(colours, thin) if t])
        rest = {k: v for k, v in kwargs.items() if k not in ("c", "color")}
        ax.scatter(vals[thin], pos[thin], **_caller_wins({**look, "facecolors": "white", "edgecolors": edge}, rest))
    ax.axvline(0, color="#888", lw=0.8, ls="--", zorder=0)
    names = [_short(v, label_chars) for v in rows[y]]
    if gap is not None:
        ax.axhline(gap[0], color="#bbb", lw=0.8, ls=":", zorder=0)
        ax.text(0.5, gap[0], gap[1], transform=ax.get_yaxis_transform(), ha="center", va="center", fontsize=7,
                color="#555", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    ax.set_yticks(pos)
    ax.set_yticklabels(names, fontsize=7)
    ax.set_ylim(pos[-1] + 0.5 if len(pos) else -0.5, -0.5)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel(f"{x} (95% interval)" + (f": + {ends[0]} / − {ends[1]}" if len(ends) >= 2 else ""))
    if thin.any():
        from matplotlib.lines import Line2D

        ax.legend(handles=[Line2D([], [], ls="", marker="o", color="#666", label=f"{few}+ framed sentences"),
                           Line2D([], [], ls="", marker="o", color="#666", markerfacecolor="white",
                                  label=f"fewer than {few}")],
                  fontsize=7, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    return ax


_MAX_ARC_LEGEND = 10  # lines in plot_narrative_arc's legend


def plot_narrative_arc(data: pd.DataFrame, *, x: str = "position", y: str = "lean", hue: str = "article_id",
                       bands: bool | None = None, few: int = 5, ax=None, **kwargs):
    """Frame lean along each article, from its first sentence (0) to its last (1).

    Parameters
    ----------
    data : DataFrame
        The output of :func:`framing.frames.narrative_arc`, with ``x``, ``y``
        and ``hue`` columns.
    bands : bool, optional
        Draw ``ci_low``/``ci_high`` as a band around each line. Default: when
        there are at most three articles (more bands overlap into a blur;
        plot a few articles at a time to see theirs).
    few : int
        Without bands, a bin with fewer than ``few`` framed sentences
        (``n_framed``) is drawn hollow: its lean rests on a handful of
        sentences, and a swing there says little.
    x, y, hue : str
        Columns of ``data``: position, lean and line (article or outlet).
        With more than three lines the legend goes beside the axes; with
        more than ten there is none, and a warning suggests pooling them
        (``narrative_arc(sentences, by="source")``) or a few at a time.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(data, [x, y, hue], "plot_narrative_arc data")
    ax = _axes(ax)
    groups = list(data.groupby(hue, sort=False, observed=True))
    if bands is None:
        bands = len(groups) <= 3
    empty = thin_any = False
    for i, (key, grp) in enumerate(groups):
        grp = grp.sort_values(x)
        colour = _other_colour(i)
        marker = _MARKERS[i % len(_MARKERS)]
        ax.plot(grp[x], grp[y], **_caller_wins({"marker": marker, "ms": 3, "color": colour,
                                                "label": _short(str(key), 40)}, kwargs))
        if bands and {"ci_low", "ci_high"} <= set(grp.columns):
            ax.fill_between(grp[x], grp["ci_low"], grp["ci_high"], color=colour, alpha=0.15, lw=0)
        elif "n_framed" in grp.columns:  # no band says how little a bin rests on: a hollow mark does (audit20)
            thin = grp[grp[y].notna() & (grp["n_framed"] < few)]
            if len(thin):
                thin_any = True
                ax.scatter(thin[x], thin[y], marker=marker, s=30, facecolors="white", edgecolors=colour, lw=1,
                           zorder=3)
        gap = grp[grp[y].isna()]
        if len(gap):  # a bin without a framed sentence: a hollow mark at the foot of the axes (not at lean 0,
            empty = True  # which would read as balanced), not a silent end of the line
            ax.scatter(gap[x], np.full(len(gap), 0.03), marker="o", s=28, facecolors="none", edgecolors=colour,
                       lw=1, zorder=3, transform=ax.get_xaxis_transform(), clip_on=False)
    ax.axhline(0, color="#888", lw=0.8, ls="--")
    ax.set_xlabel("position in article")
    frames = [f for f in (data.attrs.get("frames") or ()) if isinstance(f, str)]
    ax.set_ylabel(f"{y} (+1 {frames[0]}, −1 {frames[1]})" if y == "lean" and len(frames) >= 2 else y)
    from matplotlib.lines import Line2D

    handles, _ = ax.get_legend_handles_labels()
    if empty:
        handles.append(Line2D([], [], ls="", marker="o", mfc="none", mec="#555",
                              label="no framed sentence in the bin (at the foot)"))
    if thin_any:
        handles.append(Line2D([], [], ls="", marker="o", mfc="white", mec="#555",
                              label=f"hollow: fewer than {few} framed sentences"))
    if len(groups) > _MAX_ARC_LEGEND:  # a legend this long hides the axes and tells no line apart
        warn(f"plot_narrative_arc: {len(groups)} lines (one per {hue!r}) cannot be told apart: drawn "
             "without a legend; pool them with framing.frames.narrative_arc(sentences, by='source') "
             "(or another article column), or plot a few at a time", FramingWarning)
    else:  # beside the axes, not over the lines and their bands
        ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax


def _cluster_rows(data: pd.DataFrame, what: str) -> pd.DataFrame:
    _need(data, ["cluster"], what)
    return data.reset_index(drop=True)


def plot_cluster_keywords(data: pd.DataFrame, *, x: str = "size", n_words: int = 6, palette=None, ax=None, **kwargs):
    """Discovered clusters as horizontal bars (size), each labelled with its top keywords.

    Bars are coloured by ``dominant_frame`` when the table has it (grey for
    ``none`` and HDBSCAN noise, hatched white for ``mixed``: no frame leads
    by :data:`framing.clusters.MIXED_MARGIN`), and the tick labels show the
    stability.

    Parameters
    ----------
    data : DataFrame
        The cluster table ``SentenceClusters.clusters_``: ``cluster``, ``x``
        (default ``size``), ``keywords`` (``", "``-joined), optionally
        ``stability`` and ``dominant_frame``.
    n_words : int
        Keywords written next to each bar.
    x : str
        The bar length column (default ``size``).
    palette : dict, optional
        Colour per dominant frame (default :func:`frame_palette`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
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
        palette = palette or frame_palette(_frame_order(data["dominant_frame"], data=data))
        colours = [palette.get(f, _NONE_COLOUR) if c != -1 else _NONE_COLOUR
                   for f, c in zip(data["dominant_frame"], data["cluster"])]
    else:
        colours = [_PALETTE[1] if c != -1 else _NONE_COLOUR for c in data["cluster"]]
    vals = data[x].to_numpy(dtype=float)
    bars = ax.barh(pos, vals, **_caller_wins({"height": 0.7, "color": colours}, kwargs))
    mixed = (data["dominant_frame"] == "mixed").to_numpy() if "dominant_frame" in data.columns else np.zeros(len(data), bool)
    for bar, m in zip(bars, mixed):
        if m:  # no frame leads: no frame's colour
            bar.set_facecolor("white")
            bar.set_edgecolor(_NONE_COLOUR)
            bar.set_hatch("///")
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
        from matplotlib.transforms import ScaledTranslation

        frames = [f for f in dict.fromkeys(data["dominant_frame"]) if f]
        ax.legend(handles=[Patch(facecolor="white", edgecolor=_NONE_COLOUR, hatch="///", label="mixed") if f == "mixed"
                           else Patch(color=palette.get(f, _NONE_COLOUR), label=f) for f in frames],
                  title="dominant frame", fontsize=8, title_fontsize=8, frameon=False, loc="upper center",
                  bbox_to_anchor=(0.5, 0.0), ncol=min(len(frames), 4),
                  # half an inch below the axes, under the axis label, whatever the figure's height: beside the
                  # bars or at "best" it covered a keyword label, which can run past the right edge (audit21c)
                  bbox_transform=ax.transAxes + ScaledTranslation(0, -0.5, ax.figure.dpi_scale_trans))
    return ax


def plot_cluster_stability(data: pd.DataFrame, *, x: str = "stability", threshold: float = 0.6, ax=None, **kwargs):
    """Per-cluster stability (mean best-match Jaccard over refits) with a dissolution line.

    Clusters below ``threshold`` (Hennig's rule of thumb: 0.6) mostly dissolve
    when the data are resampled; treat them as artefacts, not findings.

    Parameters
    ----------
    data : DataFrame
        The cluster table ``SentenceClusters.clusters_`` (``cluster``, ``x``).
    x : str
        The stability column.
    threshold : float
        Where the dissolution line is drawn; bars below it are greyed.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
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
    ax.barh(pos, vals, **_caller_wins({"height": 0.7, "color": [_PALETTE[1] if v >= threshold else _NONE_COLOUR
                                                                for v in vals]}, kwargs))
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
        event and article): ``y`` (event), ``hue`` (article), ``x`` (the lean,
        -1 to +1, positive towards the first frame); ``label``, when
        present, names the events on the y axis.
    x, y, hue : str
        Columns of ``data``: the lean, the event and the article.
    label : str or None
        Column naming the events on the y axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
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
    for e, grp in data.groupby(y, sort=False, observed=True):
        ax.plot(grp[x], [pos[e]] * len(grp), color="#c8c8c8", lw=2, zorder=1)
    for i, art in enumerate(dict.fromkeys(data[hue])):
        sub = data[data[hue] == art]
        look = _caller_wins({"marker": _MARKERS[i % len(_MARKERS)], "color": _other_colour(i), "s": 40,
                             "zorder": 2, "label": _short(str(art), 40)}, kwargs)  # the caller's keywords win
        ax.scatter(sub[x], sub[y].map(pos), **look)
    names = data.drop_duplicates(y).set_index(y)[label] if label and label in data.columns else None
    ax.set_yticks(range(len(events)))
    ax.set_yticklabels([f"{e}: {_short(names[e], 50)}" if names is not None else str(e) for e in events], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#888", lw=0.8, ls="--")
    ax.set_xlabel(x)
    ax.legend(fontsize=8, frameon=False)
    return ax


_DIFF_BANDS = (("pair", None), ("unpaired", "in events both report, without a partner"),
               ("only", "only in one article: events the other does not report"))


def _split_budget(needs: list, budget: int) -> list:
    """Lines per band when ``sum(needs)`` exceeds ``budget``: equal shares, what a band leaves goes to the others."""
    give = [0] * len(needs)
    open_ = [i for i, n in enumerate(needs) if n > 0]
    left = budget
    while open_ and left > 0:
        share = max(1, left // len(open_))
        for i in list(open_):
            take = min(share, needs[i] - give[i], left)
            give[i] += take
            left -= take
            if give[i] >= needs[i]:
                open_.remove(i)
            if left <= 0:
                break
    return give


def diff_lines(diff: pd.DataFrame, *, max_rows: int | None = 30, only: bool = True) -> list:
    """The lines :func:`plot_framing_diff` draws, in order, for sizing a figure before drawing.

    Each line is ``("pair", row)``, ``("band", title)``, ``("two", row_a or None, row_b or None)`` or
    ``("more", text)``. With ``max_rows``, the pairs, the unpaired sentences and those only in one
    article share that many lines (equal shares; what one band does not need goes to the others), and
    each band that is cut ends with a "more" line saying how many sentences are not drawn.
    """
    from itertools import zip_longest

    kinds = ["pair"] + (["unpaired", "only"] if only else [])
    parts = {"pair": [r for r in diff[diff["kind"] == "pair"].itertuples(index=False)]}
    for k in ("unpaired", "only"):
        ra = list(diff[diff["kind"] == f"{k}_a"].itertuples(index=False))
        rb = list(diff[diff["kind"] == f"{k}_b"].itertuples(index=False))
        parts[k] = (ra, rb)
    needs = [len(parts["pair"])] + [max(len(parts[k][0]), len(parts[k][1])) for k in kinds[1:]]
    give = needs if max_rows is None or sum(needs) <= max_rows else _split_budget(needs, max_rows)
    lines = []
    for k, n in zip(kinds, give):
        title = dict(_DIFF_BANDS)[k]
        if k == "pair":
            rows = parts["pair"]
            lines += [("pair", r) for r in rows[:n]]
            cut = len(rows) - n
        else:
            ra, rb = parts[k]
            if not ra and not rb:
                continue
            lines.append(("band", title))
            lines += [("two", x, y) for x, y in zip_longest(ra[:n], rb[:n])]
            cut = max(len(ra) - n, 0) + max(len(rb) - n, 0)
        if cut > 0:
            lines.append(("more", f"… {cut} more {'pairs' if k == 'pair' else 'sentences'} not drawn; "
                                  "the table has them all"))
    return lines


def plot_framing_diff(diff: pd.DataFrame, *, a_label: str | None = None, b_label: str | None = None,
                      palette=None, width: int = 48, max_rows: int | None = 30, only: bool = True,
                      title: str | None = None, ax=None, **kwargs):
    """Two articles side by side: aligned sentence pairs, then what each reports alone.

    Each sentence is a text box coloured by its frame: article a on the left,
    article b on the right. A pair is joined by a line: solid when both sides
    carry the same frame, dashed red when they carry different frames, dotted
    when one side has no frame. Then, on their own side, the other sentences
    of events both articles report (no partner), and the sentences of events
    only one article reports.

    Parameters
    ----------
    diff : DataFrame
        The output of :func:`framing.events.framing_diff` (``kind``,
        ``text_a``/``text_b``, ``frame_a``/``frame_b``).
    a_label, b_label : str, optional
        Column titles (default "a" and "b").
    width : int
        Characters per wrapped line; each box shows at most three lines.
    max_rows : int or None
        Lines of sentences drawn, shared between the pairs, the unpaired and
        the one-sided sentences (see :func:`diff_lines`, which also sizes a
        figure); a band that is cut says how many it leaves out. None draws
        all.
    only : bool
        Draw the sentences without a partner (unpaired and one-sided).
    title : str, optional
        A title above the legend. Give it here rather than with
        ``ax.set_title`` afterwards: the column titles and the legend sit just
        above the axes, where ``set_title`` would put it on top of them. In a
        grid of panels, ``plt.subplots(..., layout="constrained")`` keeps the
        panel above clear of it.
    palette : dict, optional
        Colour per frame id (default :func:`frame_palette`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
    **kwargs
        Passed to ``Axes.text`` for every box.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(diff, ["kind", "text_a", "text_b", "frame_a", "frame_b"], "plot_framing_diff data")
    import textwrap

    ax = _axes(ax)
    lines = diff_lines(diff, max_rows=max_rows, only=only)
    drawn = [r for ln in lines if ln[0] in ("pair", "two") for r in ln[1:] if r is not None]
    frames = [f for r in drawn for f in (r.frame_a, r.frame_b) if isinstance(f, str)]
    palette = palette or frame_palette(_frame_order(frames, data=diff))
    fontsize = kwargs.pop("fontsize", kwargs.pop("size", 7))

    def box(x, y, text, frame, ha):
        if not isinstance(text, str):
            return
        t = "\n".join(textwrap.wrap(text, width)[:3])
        if len(textwrap.wrap(text, width)) > 3:
            t += "…"
        ax.text(x, y, t, **_caller_wins({"ha": ha, "va": "center", "fontsize": fontsize, "wrap": False,
                                         "bbox": {"boxstyle": "round,pad=0.3", "fc": palette.get(frame, _NONE_COLOUR),
                                                  "alpha": 0.35, "ec": palette.get(frame, _NONE_COLOUR)}}, kwargs))

    def framed(f):
        return isinstance(f, str) and f != "none"

    styles = {"same": ("#555", "-"), "differ": ("#d62728", "--"), "unframed": ("#999", ":")}
    used = set()
    y = 0
    for ln in lines:
        if ln[0] == "pair":
            r = ln[1]
            box(0.0, y, r.text_a, r.frame_a, "left")
            box(1.0, y, r.text_b, r.frame_b, "right")
            how = ("unframed" if not (framed(r.frame_a) and framed(r.frame_b))
                   else "same" if r.frame_a == r.frame_b else "differ")
            used.add(how)
            colour, ls = styles[how]
            ax.plot([0.46, 0.54], [y, y], color=colour, lw=1.2, ls=ls)
        elif ln[0] in ("band", "more"):
            ax.text(0.5, y, ln[1], ha="center", va="center", fontsize=8, style="italic", color="#555")
        else:
            _, ra, rb = ln
            if ra is not None:
                box(0.0, y, ra.text_a, ra.frame_a, "left")
            if rb is not None:
                box(1.0, y, rb.text_b, rb.frame_b, "right")
        y -= 1
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(y + 0.4, 0.9)
    ax.axis("off")
    # the column titles sit on the axes' top edge, and the legend a fixed distance above them, whatever the
    # figure's size and number of rows (review19b: at data y=0.75 their height above the axes varied)
    from matplotlib.transforms import blended_transform_factory, offset_copy

    top = blended_transform_factory(ax.transData, ax.transAxes)
    ax.text(0.0, 1.0, a_label or "a", ha="left", va="bottom", fontsize=9, weight="bold", transform=top)
    ax.text(1.0, 1.0, b_label or "b", ha="right", va="bottom", fontsize=9, weight="bold", transform=top)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(fc=c, alpha=0.5, label=f) for f, c in palette.items()]
    names = {"same": "pair: same frame", "differ": "pair: different frames", "unframed": "pair: one side unframed"}
    handles += [Line2D([], [], color=styles[k][0], ls=styles[k][1], lw=1.2, label=names[k])
                for k in ("same", "differ", "unframed") if k in used]
    if handles:
        # above the column titles, not between them: with three frames the legend reached both (audit19)
        ncol = min(len(handles), 7)
        ax.legend(handles=handles, fontsize=7, frameon=False, loc="lower center", ncol=ncol,
                  bbox_to_anchor=(0.5, 1.0), borderaxespad=0.0,
                  bbox_transform=offset_copy(ax.transAxes, fig=ax.figure, y=16, units="points"))
    if title:  # above the legend: 16 pt to the legend, about 12 pt a legend row, and a gap
        rows = -(-len(handles) // min(len(handles), 7)) if handles else 0
        ax.set_title(title, pad=16 + 12 * rows + 6)
    return ax


_MIN_CELL_PT = 13  # narrowest heatmap cell with text in it: about 20 px at the report's 110 dpi
_HEATMAP_ROWS = 30


def _heatmap_events(table: pd.DataFrame, *, value: str = "lean", row: str = "event_id", col: str = "article_id",
                    min_articles: int | None = None, max_rows: int | None = _HEATMAP_ROWS):
    """The events :func:`plot_event_heatmap` draws: ``(kept event ids in table order, n left out for having
    fewer than min_articles articles, n left out past max_rows, min_articles)``. ``min_articles=None`` is 2 when the
    table has more than 12 articles (then the one-article rows are most of a mostly empty grid), else 1.
    Past ``max_rows``, the events reported by the most articles are kept, then those whose leans differ most."""
    has = table[table[value].notna()]
    if min_articles is None:
        min_articles = 2 if table[col].nunique() > 12 else 1
    stats = has.groupby(row, sort=False, observed=True).agg(n=(col, "nunique"), spread=(value, lambda v: float(v.max() - v.min())),
                                             leans=(value, lambda v: bool((v != 0).any())))
    order = list(dict.fromkeys(table[row]))
    stats = stats.reindex(order).fillna({"n": 0, "spread": 0.0, "leans": False})
    few = stats["n"] < min_articles
    stats = stats[~few]
    capped = 0
    if max_rows is not None and len(stats) > max_rows:
        # an event every article leaves unframed (lean 0 in every cell) shows nothing in a lean heatmap: last
        top = stats.assign(_i=range(len(stats))).sort_values(["leans", "n", "spread", "_i"],
                                                             ascending=[False, False, False, True])
        keep = set(top.index[:max_rows])
        capped = len(stats) - max_rows
        stats = stats[[e in keep for e in stats.index]]
    return list(stats.index), int(few.sum()), capped, min_articles


def heatmap_events(table: pd.DataFrame, *, value: str = "lean", row: str = "event_id", col: str = "article_id",
                   min_articles: int | None = None, max_rows: int | None = _HEATMAP_ROWS) -> list:
    """The events :func:`plot_event_heatmap` draws with the same arguments, in the table's order: those
    reported (with a ``value``) by at least ``min_articles`` articles (default: 2 when the table has more
    than 12 articles, else 1), and past ``max_rows`` those some article frames (a row of lean 0 in every
    cell shows nothing), then those reported by the most articles, then those whose leans differ most. Size a figure by it before drawing; ``plot_event_heatmap(table[table[row].isin(kept)],
    max_rows=None, min_articles=1)`` then draws those rows without a warning.

    Returns
    -------
    list
        The kept ``row`` values (event ids).
    """
    _need(table, [row, col, value], "heatmap_events data")
    return _heatmap_events(table, value=value, row=row, col=col, min_articles=min_articles, max_rows=max_rows)[0]


_MISSING_CELL = "#d9d9d9"


def plot_event_heatmap(table: pd.DataFrame, *, value: str = "lean", row: str = "event_id", col: str = "article_id",
                       label: str | None = "keywords", cmap: str = "RdBu_r", annotate: bool = True, frames=None,
                       min_articles: int | None = None, max_rows: int | None = _HEATMAP_ROWS, ax=None, **kwargs):
    """Event x article heatmap of how each article leans on each event.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`framing.events.event_article_table`: one row per
        (``row``, ``col``) with a numeric ``value`` (default ``lean``, -1 to
        +1, positive towards the first frame). Events an article does
        not report are blank.
    label : str or None
        Column naming the events on the y axis (``keywords`` or ``label``).
    annotate : bool
        Write the article's lean frame (``frame`` column) in each cell; when
        the cells are too narrow for the frame's name, its initials ("WT"),
        which the colour bar spells out.
    frames : (str, str), optional
        The frames at the two ends of the lean (positive, negative), named on
        the colour bar; default the first two of ``table.attrs["frames"]``
        (set by :func:`framing.events.event_article_table`).
    min_articles : int, optional
        Draw only events reported by at least this many articles. Default:
        2 when the table has more than 12 articles, else 1.
    max_rows : int or None
        Draw at most this many events: those reported by the most articles,
        then those whose leans differ most (in the table's order). A
        warning says how many events were left out. None draws all.
    value, row, col : str
        Columns of ``table``: the cell value, the event (rows) and the
        article (columns). Cells narrower than about 20 pixels (at 110 dpi)
        carry no text: the colour alone shows the lean.
    cmap : str
        A matplotlib colour map, diverging around 0.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default ``plt.gca()``).
    **kwargs
        Passed to ``Axes.imshow`` (``vmin``, ``vmax``…).

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(table, [row, col, value], "plot_event_heatmap data")
    ax = _axes(ax)
    keep, n_few, n_capped, least = _heatmap_events(table, value=value, row=row, col=col, min_articles=min_articles,
                                            max_rows=max_rows)
    if n_few or n_capped:
        why = [f"{n_few} reported by fewer than {least} article{'s' if least > 1 else ''}" if n_few else "",
               f"{n_capped} past max_rows={max_rows} (fewest articles, least different leans)" if n_capped else ""]
        warn(f"plot_event_heatmap: {len(keep)} of {len(keep) + n_few + n_capped} events drawn; left out: "
             + "; ".join(w for w in why if w), FramingWarning)
        table = table[table[row].isin(keep) & table[value].notna()]
    grid = table.pivot_table(index=row, columns=col, values=value, aggfunc="mean", sort=False)
    vals = grid.to_numpy(dtype=float)
    lim = float(np.nanmax(np.abs(vals))) if np.isfinite(vals).any() else 1.0
    kwargs.setdefault("vmin", -lim)
    kwargs.setdefault("vmax", lim)
    import matplotlib

    # a missing cell (the article does not report the event, or has no framed sentence in it) is grey: white is a
    # lean of 0 (audit20 read the two as one)
    colours = (matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap).with_extremes(bad=_MISSING_CELL)
    im = ax.imshow(np.ma.masked_invalid(vals), **_caller_wins({"cmap": colours, "aspect": "auto"}, kwargs))
    ax.set_xticks(range(grid.shape[1]))
    many = grid.shape[1] > 20
    ax.set_xticklabels([_short(c, 28) for c in grid.columns], rotation=20 if grid.shape[1] <= 6 else 90 if many else 60,
                       ha="center" if many else "right", fontsize=6 if many else 8)
    names = grid.index.tolist()
    if label and label in table.columns:
        lab = table.drop_duplicates(row).set_index(row)[label]
        names = [f"{e}: {_short(lab.get(e, ''), 40)}" for e in grid.index]
    ax.set_yticks(range(grid.shape[0]))
    ax.set_yticklabels(names, fontsize=7)
    short_for = {}
    cbar = ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    if annotate and "frame" in table.columns:
        fr = table.pivot_table(index=row, columns=col, values="frame", aggfunc="first", sort=False)
        fr = fr.reindex(index=grid.index, columns=grid.columns)
        present = [f for f in dict.fromkeys(fr.to_numpy().ravel().tolist()) if isinstance(f, str)]

        def spelled(f):  # a frame id's words on one line when short, one per line when long ("russian\ndefensive")
            words = [w for w in f.split("_") if w]
            return " ".join(words) if len(f) <= 10 else "\n".join(_short(w, 14) for w in words[:3])

        # a cell's width in points once the figure is laid out (labels and colour bar take their room),
        # against the text's (about 0.6 of the font size per character)
        cell_pt = _laid_out_width_pt(ax, bar_axes=cbar.ax) / max(grid.shape[1], 1)
        widest = max((len(line) for f in present for line in spelled(f).split("\n")), default=0)
        if widest * 0.6 * 6 > 0.95 * cell_pt:  # too narrow: initials ("WT"), named on the colour bar
            initials = {f: "".join(w[0] for w in f.split("_") if w).upper() or f[:2] for f in present}
            if len(set(initials.values())) < len(initials):
                initials = {f: f[:3] for f in present}
            fits = max(max(map(len, initials.values()), default=0) * 0.6 * 6, _MIN_CELL_PT) <= cell_pt
            short_for = initials if fits else {}
            show = short_for.get if short_for else None
        else:
            show = spelled
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                f = fr.iat[i, j]
                if isinstance(f, str) and show is not None:
                    v = grid.iat[i, j]
                    dark = isinstance(v, (int, float)) and np.isfinite(v) and abs(v) > 0.5 * (im.norm.vmax or 1)
                    ax.text(j, i, show(f), ha="center", va="center", fontsize=6,
                            color="white" if dark else "#222")
    ends = list(frames) if frames is not None else list((getattr(table, "attrs", None) or {}).get("frames", ()))
    bar = value
    if value == "lean" and len(ends) >= 2:
        bar = f"lean: + {ends[0]} / − {ends[1]}"
    if short_for:
        bar += "\ncells: " + ", ".join(f"{v} {k}" for k, v in short_for.items())
    if not np.isfinite(vals).all():
        bar += ("\ngrey: no lean (not reported, or no framed sentence)" if value == "lean" else
                f"\ngrey: no {value}")
    cbar.set_label(bar)
    return ax


def _root_figure(ax):
    """The top-level Figure an Axes is drawn on, also when it sits in a SubFigure (whose ``.figure`` is the
    root on every matplotlib this package supports; ``get_figure(root=True)`` from 3.10)."""
    try:
        return ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10: no root argument
        fig = ax.figure
        return getattr(fig, "figure", None) or fig


def _all_axes(fig) -> list:
    """Every Axes of a figure, those in its subfigures included."""
    out = list(fig.axes)
    for sub in getattr(fig, "subfigs", ()):
        out += _all_axes(sub)
    return list(dict.fromkeys(out))


def _width_pt(ax, root) -> float:
    if ax.figure is root:
        return ax.get_position().width * root.get_figwidth() * 72
    return ax.bbox.width * 72 / root.dpi  # in a SubFigure the position is a share of the subfigure


def _laid_out_width_pt(ax, bar_axes=None) -> float:
    """The Axes' width in points after the figure's layout engine (constrained, tight) has run; without
    one, its present width."""
    fig = _root_figure(ax)
    if fig.get_layout_engine() is None:
        return _width_pt(ax, fig)
    # lay out, measure, and put every Axes back where it was: the final layout (at savefig) then starts
    # from the same state as without this measurement, and a figure that did not need it keeps its bytes
    saved = [(a, a.get_position(original=True).frozen(), a.get_position(original=False).frozen())
             for a in _all_axes(fig)]
    if bar_axes is not None:  # the colour bar's label is not set yet: lay out with room for one line
        bar_axes.set_ylabel("x")
    fig.draw_without_rendering()
    width = _width_pt(ax, fig)
    if bar_axes is not None:
        bar_axes.set_ylabel("")
    for a, orig, active in saved:
        a._set_position(orig, which="original")
        a._set_position(active, which="active")
    return width
