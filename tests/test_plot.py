"""Plot helpers: they draw on the given Axes, return it, and keep the data's values."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from framing.errors import FramingError
from framing.plot import plot_event_lean, plot_frame_scores


@pytest.fixture
def scored():
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 1, 12)
    b = rng.uniform(0, 1, 12)
    frame = np.where(a > b, "western_threat", "russian_defensive")
    frame[:2] = "none"
    return pd.DataFrame({"article_id": ["a"] * 6 + ["b"] * 6, "text": [f"s{i}" for i in range(12)],
                         "western_threat": a, "russian_defensive": b, "frame": frame})


def test_plot_frame_scores_draws_every_sentence_at_its_scores(scored):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    out = plot_frame_scores(scored, x="western_threat", y="russian_defensive", ax=ax)
    assert out is ax
    pts = np.vstack([c.get_offsets() for c in ax.collections])
    assert len(pts) == len(scored)
    want = scored[["western_threat", "russian_defensive"]].to_numpy()
    assert sorted(map(tuple, np.round(pts, 6))) == sorted(map(tuple, np.round(want, 6)))
    assert ax.get_xlabel() == "western_threat score" and len(ax.get_xticks()) > 0
    assert len(ax.lines) == 1  # the tie diagonal
    plt.close(fig)


def test_plot_frame_scores_names_a_missing_column(scored):
    with pytest.raises(FramingError, match="missing column.*nope"):
        plot_frame_scores(scored, x="western_threat", y="nope")


def test_plot_event_lean_puts_each_article_at_its_lean_on_its_event_row():
    import matplotlib.pyplot as plt

    table = pd.DataFrame({"event_id": [0, 0, 1, 2, 2], "label": ["e0", "e0", "e1", "e2", "e2"],
                          "article_id": ["a", "b", "a", "a", "b"], "lean": [0.3, -0.2, 0.1, -0.05, 0.4]})
    fig, ax = plt.subplots()
    assert plot_event_lean(table, ax=ax) is ax
    drawn = {}
    for coll in ax.collections:
        for xv, yv in coll.get_offsets():
            drawn[(coll.get_label(), int(round(yv)))] = float(xv)
    want = {(a, e): v for a, e, v in zip(table["article_id"], table["event_id"], table["lean"])}
    assert drawn == pytest.approx(want)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0: e0", "1: e1", "2: e2"]
    assert len(ax.lines) == 3 + 1  # one connector per event, plus the zero line
    plt.close(fig)


def test_a_frame_keeps_its_colour_whichever_frames_a_table_has():
    from matplotlib.colors import to_hex

    from framing.plot import frame_palette, plot_cluster_keywords, plot_framing_diff

    full = frame_palette(["western_threat", "russian_defensive", "none"])
    assert full["western_threat"] != full["russian_defensive"]
    # a cluster table whose only frame is Russian defensive: its bar is Russian defensive's colour
    clusters = pd.DataFrame({"cluster": [0, 1], "size": [5, 3], "keywords": ["a, b", "c, d"],
                             "dominant_frame": ["russian_defensive", "none"]})
    ax = plot_cluster_keywords(clusters)
    bars = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert to_hex(full["russian_defensive"]) in bars and to_hex(full["western_threat"]) not in bars
    # a diff whose pairs are all Russian defensive
    diff = pd.DataFrame({"kind": ["pair"], "text_a": ["x"], "text_b": ["y"], "frame_a": ["russian_defensive"],
                         "frame_b": ["russian_defensive"]})
    ax = plot_framing_diff(diff)
    faces = {to_hex(t.get_bbox_patch().get_facecolor(), keep_alpha=False) for t in ax.texts
             if t.get_bbox_patch() is not None}
    assert faces == {to_hex(full["russian_defensive"])}
    import matplotlib.pyplot as plt

    plt.close("all")


def test_a_custom_codebooks_frames_keep_their_colours_across_figures(fake_embedder):
    """Codebook order, not the alphabet or the rows present, gives each frame its colour in every helper."""
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt

    from framing.frames import frame_shares, score_frames
    from framing.plot import frame_palette, plot_frame_shares

    cb = {"frames": [{"id": "workers", "exemplars": ["The Union defends workers at the Company."]},
                     {"id": "disruption", "exemplars": ["The Union strike at the Company hurts commuters."]},
                     {"id": "talks", "exemplars": ["The Union and the Company resume talks."]}],
          "actors": [{"id": "union", "aliases": ["the Union", "The Union"]}, {"id": "firm", "aliases": ["the Company"]}]}
    s = pd.DataFrame({"article_id": ["a"] * 3 + ["b"] * 3,
                      "text": ["The Union defends workers at the Company.", "The Union marches.",
                               "The Union strike at the Company hurts commuters.", "The Union and the Company resume talks.",
                               "The Company cuts pay.", "The Union strike at the Company hurts commuters."]})
    scored = score_frames(s, codebook=cb, embedder=fake_embedder, method="prototype")
    assert scored.attrs["frames"] == ["workers", "disruption", "talks"]
    shares = frame_shares(scored)
    assert shares.attrs["frames"] == ["workers", "disruption", "talks"]
    fig, ax = plt.subplots()
    plot_frame_shares(shares[shares["frame"] != "workers"], ax=ax)  # the first frame absent from the rows
    colours = {t.get_text(): mcolors.to_hex(h.get_facecolor()) for h, t in
               zip(ax.get_legend().legend_handles, ax.get_legend().get_texts())}
    plt.close(fig)
    assert colours["disruption"] == mcolors.to_hex(frame_palette(["workers", "disruption"])["disruption"])


def test_event_heatmap_names_the_frames_at_the_ends_of_the_lean():
    import matplotlib.pyplot as plt

    from framing.plot import plot_event_heatmap

    t = pd.DataFrame({"event_id": [0, 0, 1], "article_id": ["a", "b", "a"], "lean": [0.8, -0.5, 0.1],
                      "keywords": ["strike", "strike", "talks"],
                      "frame": ["workers_rights", "economic_disruption", "none"]})
    t.attrs["frames"] = ["workers_rights", "economic_disruption", "talks"]
    fig, ax = plt.subplots()
    plot_event_heatmap(t, ax=ax)
    bar = fig.axes[-1].get_ylabel()
    cells = [x.get_text() for x in ax.texts]
    plt.close(fig)
    # event 1 is not reported by article b: its cell is grey, and the colour bar says what grey is
    assert bar == "lean: + workers_rights / − economic_disruption\ngrey: no lean (not reported, or no framed sentence)"
    assert "workers\nrights" in cells and "economic\ndisruption" in cells  # long ids break at every underscore
    fig, ax = plt.subplots()
    plot_event_heatmap(t, ax=ax, frames=("economic_disruption", "workers_rights"))
    assert fig.axes[-1].get_ylabel().startswith("lean: + economic_disruption / − workers_rights\n")
    plt.close(fig)


def test_event_heatmap_draws_a_missing_cell_grey_and_a_lean_of_zero_white():
    """audit20: both were white."""
    import matplotlib.pyplot as plt

    from framing.plot import plot_event_heatmap

    t = pd.DataFrame({"event_id": [0, 0, 1], "article_id": ["a", "b", "a"], "lean": [0.0, 0.7, -0.7]})
    fig, ax = plt.subplots()
    plot_event_heatmap(t, ax=ax, annotate=False)
    im = ax.images[0]
    rgba = im.cmap(im.norm(im.get_array()))  # masked cells take the colour map's "bad" colour
    plt.close(fig)
    zero, missing = rgba[0, 0], rgba[1, 1]  # (event 0, a) = 0.0; (event 1, b) not reported
    assert np.allclose(zero[:3], 1, atol=0.05)  # the diverging map's white middle
    assert np.allclose(missing[:3], missing[0], atol=0.01) and 0.6 < missing[0] < 0.95  # an even grey


def test_narrative_arc_draws_bands_for_a_few_articles_only():
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    from framing.plot import plot_narrative_arc

    def arc(n):
        rows = [{"article_id": f"a{k}", "position": p, "lean": 0.1 * k, "ci_low": -0.5, "ci_high": 0.5}
                for k in range(n) for p in (0.0, 0.5, 1.0)]
        return pd.DataFrame(rows)

    for n, expect, forced in ((2, 2, None), (6, 0, None), (6, 6, True)):
        fig, ax = plt.subplots()
        plot_narrative_arc(arc(n), ax=ax, bands=forced)
        assert sum(isinstance(c, PolyCollection) for c in ax.collections) == expect
        assert len(ax.get_lines()) == n + 1  # one line per article and the zero line
        plt.close(fig)


def test_frame_map_tells_up_to_twenty_articles_apart_then_warns():
    """Ten marker shapes, filled for the first ten articles and hollow for the next ten: no two of 20
    articles look alike; beyond that markers repeat and a note says so."""
    import warnings

    import matplotlib.pyplot as plt

    from framing.errors import FramingWarning
    from framing.plot import plot_frame_map

    def table(n):
        return pd.DataFrame({"x": np.arange(n, dtype=float), "y": np.zeros(n), "frame": ["western_threat"] * n,
                             "article_id": [f"a{i:02d}" for i in range(n)]})

    fig, ax = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("error", FramingWarning)
        plot_frame_map(table(20), ax=ax)
    looks = set()
    for c in ax.collections:
        filled = len(c.get_facecolors()) > 0 and c.get_facecolors()[0][3] > 0
        looks.add((c.get_paths()[0].vertices.round(3).tobytes(), filled))
    assert len(ax.collections) == 20 and len(looks) == 20
    legend = [h for h in ax.get_legend().legend_handles if h.get_label().startswith("a")]
    assert len(legend) == 20 and legend[10].get_markerfacecolor() == "none" and legend[0].get_markerfacecolor() != "none"
    plt.close(fig)
    fig, ax = plt.subplots()
    with pytest.warns(FramingWarning, match="21 values of 'article_id' but 20 marker shapes"):
        plot_frame_map(table(21), ax=ax)
    plt.close(fig)


def test_event_heatmap_cells_too_narrow_for_frame_names_show_initials():
    """13 articles in a small subplot: 'western threat' does not fit a cell, so cells show 'WT' and the
    colour bar says what the initials stand for; wide cells keep the words."""
    import matplotlib.pyplot as plt

    from framing.plot import plot_event_heatmap

    arts = [f"a{i:02d}" for i in range(13)]
    t = pd.DataFrame({"event_id": [0] * 13, "article_id": arts, "lean": np.linspace(-1, 1, 13),
                      "frame": ["western_threat" if v > 0 else "russian_defensive" for v in np.linspace(-1, 1, 13)]})
    t.attrs["frames"] = ["western_threat", "russian_defensive"]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3))
    plot_event_heatmap(t, ax=axes[0])
    cells = {x.get_text() for x in axes[0].texts}
    bar = fig.axes[-1].get_ylabel()
    plt.close(fig)
    assert cells == {"WT", "RD"}
    assert bar.endswith("cells: RD russian_defensive, WT western_threat") or bar.endswith(
        "cells: WT western_threat, RD russian_defensive")
    fig, ax = plt.subplots(figsize=(8, 3))
    plot_event_heatmap(t.iloc[:2], ax=ax)
    assert {x.get_text() for x in ax.texts} == {"russian\ndefensive"} and "cells:" not in fig.axes[-1].get_ylabel()
    plt.close(fig)


def _map_table(n, per=3, source=None):
    k = n * per
    t = pd.DataFrame({"x": np.arange(k, dtype=float), "y": np.zeros(k),
                      "frame": np.array(["western_threat", "russian_defensive", "none"])[np.arange(k) % 3],
                      "article_id": [f"EN_UA_{i % n:06d}.txt" for i in range(k)], "text": "s"})
    if source is not None:
        t["source"] = [f"Outlet {i % source}" for i in range(k)]
    return t


def test_frame_map_with_many_articles_draws_no_marker_per_article_and_keeps_the_frame_legend():
    """60 articles: no 60-entry legend of repeating markers; the frame colours stay, and the note gives a
    hint that works for this table (style='source' only when there is a source column)."""
    import matplotlib.pyplot as plt

    from framing.errors import FramingWarning
    from framing.plot import plot_frame_map

    fig, ax = plt.subplots()
    with pytest.warns(FramingWarning, match="60 values of 'article_id'.*no marker per value.*style=None") as rec:
        plot_frame_map(_map_table(60), ax=ax)
    assert "style='source'" not in str(rec[0].message)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["western_threat", "russian_defensive", "none"]
    assert len(ax.collections) == 3  # one scatter per frame, every point drawn
    assert sum(len(c.get_offsets()) for c in ax.collections) == 180
    plt.close(fig)
    fig, ax = plt.subplots()
    with pytest.warns(FramingWarning, match="pass style='source'"):
        plot_frame_map(_map_table(60, source=4), ax=ax)
    plt.close(fig)


def test_frame_map_names_an_unknown_style_column():
    import matplotlib.pyplot as plt

    from framing.plot import plot_frame_map

    t = _map_table(5)
    for bad in ("source", "artcle_id"):
        with pytest.raises(FramingError, match=rf"style column '{bad}' not in data; columns: x, y, frame, article_id"):
            plot_frame_map(t, style=bad, ax=plt.gca())
    ax = plot_frame_map(t, style=None, ax=plt.gca())  # no marker per article, no error, no article legend
    assert [x.get_text() for x in ax.get_legend().get_texts()] == ["western_threat", "russian_defensive", "none"]
    # the default style on a table without article_id still draws (the frame-score plane of a plain table)
    plot_frame_map(t.drop(columns="article_id"), ax=plt.gca())


def test_frame_map_puts_a_long_legend_beside_the_map():
    import matplotlib.pyplot as plt

    from framing.plot import plot_frame_map

    fig, ax = plt.subplots()
    plot_frame_map(_map_table(12), ax=ax)
    fig.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1  # right of the axes
    plt.close(fig)
    fig, ax = plt.subplots()
    plot_frame_map(_map_table(2), ax=ax)
    fig.canvas.draw()
    assert ax.get_legend().get_window_extent().x1 <= ax.get_window_extent().x1 + 1  # a short one stays inside
    plt.close(fig)


def test_narrative_arc_with_many_lines_has_no_legend_and_suggests_pooling():
    import matplotlib.pyplot as plt

    from framing.errors import FramingWarning
    from framing.plot import plot_narrative_arc

    def arc(n):
        return pd.DataFrame([{"article_id": f"a{k}", "position": p, "lean": 0.1 * k}
                             for k in range(n) for p in (0.0, 0.5, 1.0)])

    fig, ax = plt.subplots()
    with pytest.warns(FramingWarning, match=r"11 lines .*narrative_arc\(sentences, by='source'\)"):
        plot_narrative_arc(arc(11), ax=ax)
    assert ax.get_legend() is None and len(ax.get_lines()) == 12
    plt.close(fig)
    import warnings

    fig, ax = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("error", FramingWarning)
        plot_narrative_arc(arc(10), ax=ax)
    assert len(ax.get_legend().get_texts()) == 10
    plt.close(fig)


def _block_table(n_stories=20, per=3, singles=3):
    """Stories of ``per`` articles; in each, one event all of them report and ``singles`` events one reports."""
    rows, e = [], 0
    for s in range(n_stories):
        arts = [f"s{s:02d}a{k}" for k in range(per)]
        for k, a in enumerate(arts):
            lean = (-1) ** k * 0.1 * (s % 10)
            rows.append({"event_id": e, "article_id": a, "lean": lean,
                         "frame": "western_threat" if lean > 0 else "russian_defensive"})
        e += 1
        for k in range(singles):
            rows.append({"event_id": e, "article_id": arts[k % per], "lean": 0.5, "frame": "western_threat"})
            e += 1
    t = pd.DataFrame(rows)
    t.attrs["frames"] = ["western_threat", "russian_defensive"]
    return t


def test_event_heatmap_with_many_articles_keeps_shared_events_caps_rows_and_drops_cell_text():
    """60 articles in 20 stories: the one-article events (3 of 4 rows) are left out and the rows capped, with a
    note saying how many; 60 columns in a 7.5-inch figure are far narrower than 20 px, so no cell has text."""
    from matplotlib.figure import Figure

    from framing.errors import FramingWarning
    from framing.plot import plot_event_heatmap

    t = _block_table()
    fig = Figure(figsize=(7.5, 8), layout="constrained")
    ax = fig.subplots()
    with pytest.warns(FramingWarning, match=r"15 of 80 events drawn; left out: 60 reported by fewer than 2 "
                                            r"articles; 5 past max_rows=15"):
        plot_event_heatmap(t, ax=ax, max_rows=15)
    rows, cols = ax.images[0].get_array().shape
    assert rows == 15 and cols == 45  # the articles of the 15 events kept
    assert len(ax.texts) == 0 and "cells:" not in fig.axes[-1].get_ylabel()
    # the kept events are those whose leans differ most, in the table's order
    kept = [int(x.get_text().split(":")[0]) for x in ax.get_yticklabels()]
    spread = {e: g["lean"].max() - g["lean"].min() for e, g in t.groupby("event_id") if len(g) > 1}
    assert kept == sorted(kept) and min(spread[e] for e in kept) >= max(v for e, v in spread.items() if e not in kept)


def test_event_heatmap_cell_text_follows_the_laid_out_width():
    """In a constrained layout, long event labels take width from the cells: 12 columns that would fit
    'WT' before layout get no text once laid out, while the same grid with short labels keeps its initials."""
    from matplotlib.figure import Figure

    from framing.plot import plot_event_heatmap

    t = _block_table(n_stories=4, per=3, singles=0)
    texts = {}
    for name, label in (("short", "k"), ("long", "a long event label " * 6)):
        fig = Figure(figsize=(4.5, 3), layout="constrained")
        ax = fig.subplots()
        plot_event_heatmap(t.assign(keywords=label), ax=ax)
        texts[name] = {x.get_text() for x in ax.texts}
    assert texts["short"] == {"WT", "RD"} and texts["long"] == set()


def test_plot_lean_sorts_articles_and_marks_thin_ones():
    import matplotlib.pyplot as plt

    from framing.plot import plot_lean

    d = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "lean": [0.2, -0.6, np.nan, 0.9],
                      "ci_low": [-0.1, -0.9, np.nan, 0.5], "ci_high": [0.5, -0.1, np.nan, 1.0], "n_framed": [10, 3, 0, 8]})
    fig, ax = plt.subplots()
    plot_lean(d, frames=("western_threat", "russian_defensive"), ax=ax)
    assert [x.get_text() for x in ax.get_yticklabels()] == ["d", "a", "b"]  # sorted, the unframed one left out
    filled, hollow = ax.collections[1], ax.collections[2]
    assert sorted(filled.get_offsets()[:, 0].tolist()) == [0.2, 0.9] and hollow.get_offsets()[:, 0].tolist() == [-0.6]
    assert ax.get_xlim() == (-1.05, 1.05) and "+ western_threat / − russian_defensive" in ax.get_xlabel()
    segs = ax.collections[0].get_segments()  # the intervals, row by row
    assert [tuple(s[:, 0]) for s in segs] == [(0.5, 1.0), (-0.1, 0.5), (-0.9, -0.1)]
    plt.close(fig)


def test_plot_lean_past_max_rows_draws_the_extremes_at_a_fixed_size_and_says_how_many_are_left_out():
    """200 articles, max_rows=80: the 40 highest leans (of equal leans, the one on more framed sentences first),
    a row saying 120 are left out and between which leans, then the 40 lowest; 80 articles draw them all."""
    import matplotlib.pyplot as plt

    from framing.plot import plot_lean

    rng = np.random.default_rng(3)
    n = 200
    d = pd.DataFrame({"article_id": [f"a{i}" for i in range(n)], "lean": rng.permutation(np.linspace(-1, 1, n)),
                      "n_framed": rng.integers(1, 30, n)})
    top_two = d.nlargest(2, "lean").index  # tied at the top: the better-supported article comes first
    d.loc[top_two, "lean"] = 0.995
    d.loc[top_two, "n_framed"] = [3, 20]
    d["ci_low"], d["ci_high"] = d["lean"] - 0.1, d["lean"] + 0.1
    fig, ax = plt.subplots()
    plot_lean(d, frames=("western_threat", "russian_defensive"), ax=ax, max_rows=80)
    names = [x.get_text() for x in ax.get_yticklabels()]
    ranked = d.sort_values(["lean", "n_framed"], ascending=[False, False])["article_id"].tolist()
    assert names == ranked[:40] + ranked[-40:]
    assert names[:2] == d.loc[top_two[::-1], "article_id"].tolist()  # 20 framed sentences before 3
    ticks = ax.get_yticks()
    assert 40 not in ticks and ax.get_ylim() == (80.5, -0.5)  # the row between the two halves is the note's
    gap = [t.get_text() for t in ax.texts]
    low, high = d.sort_values("lean")["lean"].iloc[[40, -41]]
    assert gap == [f"··· 120 more, leans {low:+.2f} to {high:+.2f} ···".replace("-", "−")]
    plt.close(fig)
    fig, ax = plt.subplots()
    plot_lean(d.head(80), ax=ax, max_rows=80)
    assert len(ax.get_yticklabels()) == 80 and not ax.texts and ax.get_ylim() == (79.5, -0.5)
    plt.close(fig)


def test_event_heatmap_draws_in_a_subfigure_as_in_a_figure_of_its_size():
    """An Axes in a SubFigure: cells are measured against the subfigure's width (half of 9 inches gives the
    initials a 4.5-inch figure gives), in a constrained layout, a tight one and none."""
    from matplotlib.figure import Figure

    from framing.plot import plot_event_heatmap

    t = _block_table(n_stories=4, per=3, singles=0).assign(keywords="k")
    alone = Figure(figsize=(4.5, 3), layout="constrained")
    ax = alone.subplots()
    plot_event_heatmap(t, ax=ax)
    expected = sorted(x.get_text() for x in ax.texts)
    assert set(expected) == {"WT", "RD"}
    for layout in ("constrained", "tight", None):
        fig = Figure(figsize=(9, 3), layout=layout)
        left, right = fig.subfigures(1, 2)
        left.subplots().plot([0, 1])
        ax = right.subplots()
        plot_event_heatmap(t, ax=ax)
        assert sorted(x.get_text() for x in ax.texts) == expected, layout
        fig.savefig(io.BytesIO(), format="png")


def test_heatmap_events_are_the_rows_the_heatmap_draws():
    """heatmap_events gives, before drawing, the events plot_event_heatmap keeps: a figure can be sized by it,
    and the rows it names then draw without a warning."""
    import warnings

    import matplotlib.pyplot as plt

    from framing.plot import heatmap_events, plot_event_heatmap

    t = _block_table()
    kept = heatmap_events(t, max_rows=15)
    fig, ax = plt.subplots()
    with pytest.warns(Warning):
        plot_event_heatmap(t, ax=ax, max_rows=15, label=None)
    assert [int(x.get_text()) for x in ax.get_yticklabels()] == kept and len(kept) == 15
    plt.close(fig)
    fig, ax = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot_event_heatmap(t[t["event_id"].isin(kept)], ax=ax, min_articles=1, max_rows=None, label=None)
    assert [int(x.get_text()) for x in ax.get_yticklabels()] == kept
    plt.close(fig)
    with pytest.raises(FramingError, match="lean"):
        heatmap_events(t.drop(columns=["lean"]))


def test_a_map_coloured_by_cluster_has_no_legend_entries_for_frames():
    """audit18 B3: a table that carries the codebook's frame order (attrs) listed red western_threat and blue
    russian_defensive in the legend of a map coloured by cluster, though no point had those colours."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from framing.plot import plot_frame_map

    d = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 1.0, 0.0, 1.0],
                      "cluster": ["cluster 0", "cluster 0", "cluster 1", "cluster 2"],
                      "article_id": ["a", "a", "b", "b"]})
    d.attrs["frames"] = ["western_threat", "russian_defensive"]
    ax = plot_frame_map(d, hue="cluster", style=None)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert not {"western_threat", "russian_defensive"} & set(labels)
    assert {"cluster 0", "cluster 1", "cluster 2"} <= set(labels)
    # and the clusters do not take the frames' red and blue (review18)
    from framing.plot import frame_palette

    frame_colours = set(frame_palette(["western_threat", "russian_defensive"]).values())
    used = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in ax.collections if len(c.get_offsets())}
    assert not used & {tuple(np.round(matplotlib.colors.to_rgb(c), 3)) for c in frame_colours}
    plt.close("all")


def test_the_shares_legend_covers_no_bar():
    """audit18 B6: the legend sat in the lower right, over the longest bar of the last article and its whisker."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from framing.plot import plot_frame_shares

    d = pd.DataFrame({"article_id": ["a", "a", "a", "b", "b", "b"],
                      "frame": ["western_threat", "russian_defensive", "none"] * 2,
                      "share": [0.3, 0.3, 0.4, 0.79, 0.1, 0.11],
                      "ci_low": [0.2, 0.2, 0.3, 0.6, 0.05, 0.05], "ci_high": [0.4, 0.4, 0.5, 0.91, 0.2, 0.2]})
    fig, ax = plt.subplots(figsize=(6, 2.5))
    plot_frame_shares(d, ax=ax)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    leg = ax.get_legend().get_window_extent(r)
    for bar in ax.patches:
        assert not leg.overlaps(bar.get_window_extent(r)), bar
    plt.close(fig)


def test_the_arc_says_which_way_the_lean_points_and_marks_bins_without_a_framed_sentence():
    """audit18 J4: the y axis said only 'lean', and a line ended early without a word when its last bin had no
    framed sentence."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from framing.frames import narrative_arc
    from framing.plot import plot_narrative_arc

    s = pd.DataFrame({"article_id": ["a"] * 10, "sentence_id": range(10),
                      "frame": ["western_threat", "russian_defensive"] * 4 + ["none", "none"],
                      "western_threat": 0.5, "russian_defensive": 0.5})
    arc = narrative_arc(s, frames=["western_threat", "russian_defensive"])
    assert arc["lean"].isna().sum() == 1
    ax = plot_narrative_arc(arc)
    assert ax.get_ylabel() == "lean (+1 western_threat, −1 russian_defensive)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "no framed sentence in the bin (at the foot)" in labels
    from matplotlib.collections import PathCollection

    hollow = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(hollow) == 1 and abs(hollow[0].get_offsets()[0][0] - 0.9) < 1e-9
    # at the foot of the axes (axes coordinates), not at lean 0, which would read as a balanced bin
    assert hollow[0].get_offset_transform() == ax.get_xaxis_transform() and hollow[0].get_offsets()[0][1] < 0.1
    plt.close("all")


def test_past_max_rows_a_lean_of_one_from_one_sentence_does_not_crowd_out_a_solid_lean():
    """audit18b J3: 16 of the top 40 and 31 of the bottom 40 rows were leans of ±1 from 1-4 sentences, while
    solid leans hid in the middle; with intervals, the ends are ranked by the interval's inner bound."""
    import matplotlib.pyplot as plt

    from framing.plot import plot_lean

    n = 100
    noisy = pd.DataFrame({"article_id": [f"thin{i}" for i in range(n)], "lean": np.where(np.arange(n) % 2, 1.0, -1.0),
                          "n_framed": 1})
    noisy["ci_low"], noisy["ci_high"] = np.where(noisy["lean"] > 0, -0.6, -1.0), np.where(noisy["lean"] > 0, 1.0, 0.6)
    solid = pd.DataFrame({"article_id": ["pos", "neg"], "lean": [0.7, -0.7], "n_framed": [40, 40],
                          "ci_low": [0.5, -0.85], "ci_high": [0.85, -0.5]})
    fig, ax = plt.subplots()
    plot_lean(pd.concat([noisy, solid], ignore_index=True), frames=("western_threat", "russian_defensive"),
              ax=ax, max_rows=20)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert "pos" in names[:10] and "neg" in names[10:]
    plt.close(fig)


def test_past_max_rows_the_heatmap_keeps_events_some_article_frames():
    """audit18b J4: 17 of the 30 rows were events every article left unframed (lean 0 in every cell)."""
    from framing.plot import heatmap_events

    rows = []
    for e in range(40):
        flat = e < 20  # reported by more articles, but nobody frames them
        for a in range(5 if flat else 2):
            rows.append({"event_id": e, "article_id": f"a{a}", "lean": 0.0 if flat else (0.5 if a else -0.3)})
    kept = heatmap_events(pd.DataFrame(rows), min_articles=1, max_rows=30)
    assert len(kept) == 30 and set(range(20, 40)) <= set(kept)


def test_a_crowded_frame_map_fits_its_view_to_the_cloud_and_draws_unframed_sentences_underneath():
    """audit18b J7: a dozen outlying points shrank a 5,544-point cloud to a third of the panel, and grey
    unframed points covered the framed ones (review19: of every earlier outlet too, with a marker per outlet)."""
    import matplotlib.pyplot as plt

    from framing.plot import CLIP_FROM, _NONE_COLOUR, plot_frame_map

    rng = np.random.default_rng(0)
    n = CLIP_FROM + 200
    t = pd.DataFrame({"x": rng.normal(size=n), "y": rng.normal(size=n),
                      "frame": np.array(["western_threat", "russian_defensive", "none"])[np.arange(n) % 3],
                      "source": [f"Outlet {(i // 3) % 3}" for i in range(n)], "text": "s"})
    t.loc[:4, ["x", "y"]] = 60.0  # five far outliers
    fig, ax = plt.subplots()
    plot_frame_map(t, ax=ax, style="source", interactive=False)
    assert ax.get_xlim()[1] < 10 and ax.get_ylim()[1] < 10  # the cloud, not the outliers, sets the view
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    outside = int((~t["x"].between(x0, x1) | ~t["y"].between(y0, y1)).sum())
    assert 5 <= outside <= n // 25  # the five outliers, and at most a few of the cloud's own edge
    assert [tx.get_text() for tx in ax.texts] == [f"{outside} outlying sentences beyond the view"]
    assert sum(len(c.get_offsets()) for c in ax.collections) == n  # every point is still drawn
    grey = [c for c in ax.collections if matplotlib.colors.to_hex(c.get_facecolor()[0]) == _NONE_COLOUR]
    framed = [c for c in ax.collections if c not in grey]
    assert len(grey) == 3 and len(framed) == 6  # a grey and two frames per outlet
    assert max(c.get_zorder() for c in grey) < min(c.get_zorder() for c in framed)  # under every outlet's frames
    assert max(c.get_sizes()[0] for c in grey) < min(c.get_sizes()[0] for c in framed)
    plt.close(fig)
    fig, ax = plt.subplots()
    plot_frame_map(t, ax=ax, style=None, interactive=False, clip=False)  # asked not to: every point in view
    assert ax.get_xlim()[1] > 60 and not ax.texts
    plt.close(fig)
    # a small map keeps every point in view, and draws as before
    fig, ax = plt.subplots()
    small = t.iloc[4:404]  # one outlier in 400 points
    plot_frame_map(small, ax=ax, style=None, interactive=False)
    assert ax.get_xlim()[1] > 60 and not ax.texts
    assert len({c.get_zorder() for c in ax.collections}) == 1 and len({c.get_sizes()[0] for c in ax.collections}) == 1
    plt.close(fig)
    fig, ax = plt.subplots()
    plot_frame_map(small, ax=ax, style=None, interactive=False, clip=True)  # asked for: clipped
    assert ax.get_xlim()[1] < 10
    plt.close(fig)


def test_colours_for_things_that_are_not_frames_never_take_the_first_frames_colours():
    """review19: the seventh outlet or cluster got the first frame's red, the eighth the second's blue."""
    from framing.plot import _other_colour, frame_palette

    frames = set(frame_palette(["a", "b", "c"]).values())
    assert not frames & {_other_colour(i) for i in range(40)}
    assert len({_other_colour(i) for i in range(6)}) == 6  # six distinct before they repeat


def test_plot_lean_draws_the_intervals_and_colours_of_an_outlet_table():
    """audit20: plot_lean(outlet_table(run, by='side')) dropped the intervals (named lean_low/lean_high there) and
    the frame colours (no attrs)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from framing.plot import frame_palette, plot_lean

    table = pd.DataFrame({"side": ["left", "right"], "lean": [0.5, -0.4], "lean_low": [0.1, -0.9],
                          "lean_high": [0.8, 0.2], "n_framed": [12, 9]})
    table.attrs["frames"] = ["threat", "defence"]
    fig, ax = plt.subplots()
    plot_lean(table, y="side", ax=ax)
    segments = [seg for coll in ax.collections if hasattr(coll, "get_segments") for seg in coll.get_segments()]
    spans = sorted((round(min(p[0] for p in seg), 2), round(max(p[0] for p in seg), 2)) for seg in segments)
    assert spans == [(-0.9, 0.2), (0.1, 0.8)]
    pal = frame_palette(["threat", "defence", "none"])
    colours = {tuple(np.round(c, 3)) for coll in ax.collections if not hasattr(coll, "get_segments")
               for c in coll.get_facecolors()}
    expected = {tuple(np.round(matplotlib.colors.to_rgba(pal[f]), 3)) for f in ("threat", "defence")}
    assert expected <= colours
    plt.close(fig)


def test_a_pooled_narrative_arc_draws_thin_bins_hollow():
    """audit20: without bands nothing said that a bin rested on one or two sentences."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from framing.plot import plot_narrative_arc

    arc = pd.DataFrame({"outlet": ["L"] * 3 + ["R"] * 3, "position": [0.1, 0.5, 0.9] * 2,
                        "lean": [0.5, -0.3, 0.4, -0.2, np.nan, 0.1], "n_framed": [12, 2, 9, 7, 0, 4]})
    fig, ax = plt.subplots()
    plot_narrative_arc(arc, hue="outlet", bands=False, ax=ax)
    hollow = [c for c in ax.collections if len(c.get_facecolors()) and np.allclose(c.get_facecolors()[:, :3], 1)]
    points = sorted(tuple(np.round(p, 2)) for c in hollow for p in c.get_offsets())
    assert points == [(0.5, -0.3), (0.9, 0.1)]  # L's 2-sentence bin and R's 4-sentence bin; not R's empty bin
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "hollow: fewer than 5 framed sentences" in labels
    fig2, ax2 = plt.subplots()
    plot_narrative_arc(arc, hue="outlet", bands=False, few=2, ax=ax2)  # the threshold is the caller's
    assert not [c for c in ax2.collections if len(c.get_facecolors()) and np.allclose(c.get_facecolors()[:, :3], 1)]
    plt.close("all")


def _custom_scored(frames, n=30, seed=1):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(len(frames)), n)
    out = pd.DataFrame({"article_id": [f"a{i % 3}" for i in range(n)], "text": [f"s{i}" for i in range(n)]})
    for j, f in enumerate(frames):
        out[f] = p[:, j]
    out["frame"] = [frames[i] for i in p.argmax(axis=1)]
    out["confidence"] = p.max(axis=1)
    out["x"], out["y"] = rng.normal(size=n), rng.normal(size=n)
    out.attrs["frames"] = list(frames)
    return out


def test_a_custom_codebook_keeps_its_colours_after_a_merge_drops_the_attrs():
    """audit25: pandas merge drops attrs["frames"]; the frame order then came out alphabetical, swapping colours."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from framing.plot import frame_palette, plot_frame_map

    frames = ["zeta", "alpha", "mid"]  # codebook order, not alphabetical
    scored = _custom_scored(frames)
    merged = scored.merge(pd.DataFrame({"article_id": ["a0", "a1", "a2"], "source": ["s", "t", "u"]}), on="article_id")
    merged.attrs.pop("frames", None)  # what merge does (on every pandas version)
    want = {f: to_hex(c) for f, c in frame_palette(frames).items()}
    for table in (scored, merged):
        fig, ax = plt.subplots()
        plot_frame_map(table, ax=ax, style=None)
        got = {t.get_text(): to_hex(h.get_color()) for t, h in zip(ax.get_legend().get_texts(),
                                                                    ax.get_legend().legend_handles)}
        assert got == want
        assert [t.get_text() for t in ax.get_legend().get_texts()] == frames
        plt.close(fig)


def test_twenty_frames_get_twenty_colours_and_the_first_nine_keep_theirs():
    """audit25: the palette had nine colours, so a tenth frame was drawn in the first frame's red."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from framing.plot import frame_palette, plot_frame_map

    frames = [f"f{i:02d}" for i in range(20)]
    pal = frame_palette(frames + ["none"])
    colours = [to_hex(pal[f]) for f in frames]
    assert len(set(colours)) == 20 and to_hex(pal["none"]) not in colours
    assert colours[:9] == ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
                           "#bcbd22"]
    scored = _custom_scored(frames[:10], n=200)
    fig, ax = plt.subplots()
    plot_frame_map(scored, ax=ax, style=None)
    drawn = {t.get_text(): to_hex(h.get_color()) for t, h in zip(ax.get_legend().get_texts(),
                                                                 ax.get_legend().legend_handles)}
    assert len(set(drawn.values())) == len(drawn) == 10
    plt.close(fig)


def _kw_cases():
    import framing.plot as P

    scored = _custom_scored(["zeta", "alpha", "mid"], n=40)
    many = scored.assign(article_id=[f"a{i % 12}" for i in range(40)])  # 12 articles: hollow markers too
    lean = pd.DataFrame({"article_id": list("abcd"), "lean": [0.4, -0.3, 0.1, -0.6], "ci_low": [0.1, -0.6, -0.2, -0.9],
                         "ci_high": [0.7, 0.0, 0.4, -0.3], "n_framed": [10, 2, 8, 1]})
    lean.attrs["frames"] = ["zeta", "alpha"]
    shares = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "frame": ["zeta", "alpha"] * 2,
                           "share": [0.6, 0.4, 0.3, 0.7], "ci_low": [0.4, 0.2, 0.1, 0.5], "ci_high": [0.8, 0.6, 0.5, 0.9]})
    arc = pd.DataFrame([{"article_id": f"a{k}", "position": p, "lean": 0.1 * k} for k in range(2) for p in (0, .5, 1)])
    clusters = pd.DataFrame({"cluster": [0, 1], "size": [5, 3], "keywords": ["a, b", "c, d"],
                             "dominant_frame": ["zeta", "none"], "stability": [0.9, 0.3]})
    events = pd.DataFrame({"event_id": [0, 0, 1], "label": ["e0", "e0", "e1"], "article_id": ["a", "b", "a"],
                           "lean": [0.3, -0.2, 0.1], "frame": ["zeta", "alpha", "zeta"]})
    diff = pd.DataFrame({"kind": ["pair"], "text_a": ["x"], "text_b": ["y"], "frame_a": ["zeta"], "frame_b": ["alpha"]})
    return [
        (P.plot_lean, lean, {"color": "k"}),
        (P.plot_lean, lean, {"c": "k", "marker": "s", "lw": 2}),
        (P.plot_frame_scores, scored, {"x": "zeta", "y": "alpha", "color": "k"}),
        (P.plot_frame_map, scored, {"marker": "x"}),
        (P.plot_frame_map, scored, {"color": "k", "edgecolor": "r", "lw": 1}),
        (P.plot_frame_map, many, {"marker": "x", "color": "k"}),
        (P.plot_frame_shares, shares, {"height": 0.5}),
        (P.plot_frame_shares, shares, {"color": "k", "label": "x", "error_kw": {"ecolor": "r"}}),
        (P.plot_narrative_arc, arc, {"marker": "x", "c": "k", "markersize": 5}),
        (P.plot_cluster_keywords, clusters, {"height": 0.5}),
        (P.plot_cluster_stability, clusters, {"height": 0.5}),
        (P.plot_event_lean, events, {"c": "k", "marker": "x"}),
        (P.plot_event_heatmap, events, {"aspect": "equal"}),
        (P.plot_framing_diff, diff, {"ha": "center", "size": 9, "bbox": None}),
    ]


@pytest.mark.parametrize("case", range(14))
def test_the_callers_keywords_win_over_the_helpers_own(case):
    """audit25: color="k" met a helper's c= (matplotlib: "Supply a 'c' argument or a 'color' kwarg"), and
    marker="x" or height=.5 the helper's own (TypeError: got multiple values for keyword argument)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    cases = _kw_cases()
    assert len(cases) == 14
    helper, data, kw = cases[case]
    fig, ax = plt.subplots()
    assert helper(data, ax=ax, **kw) is ax
    if "height" in kw:
        assert {round(p.get_height(), 6) for p in ax.patches} == {kw["height"]}
    if kw.get("color") == "k" and helper.__name__ in ("plot_frame_map", "plot_frame_scores", "plot_lean"):
        faces = {to_hex(c) for coll in ax.collections for c in coll.get_facecolors()} - {"#ffffff"}
        edges = {to_hex(c) for coll in ax.collections for c in coll.get_edgecolors()}
        assert faces <= {"#000000", "#999999"} and "#000000" in faces | edges  # the caller's colour, not the frames'
    plt.close(fig)
