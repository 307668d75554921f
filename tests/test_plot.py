"""Plot helpers: they draw on the given Axes, return it, and keep the data's values."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from framing.errors import FramingError
from framing.plot import plot_frame_scores


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
