"""The Dask path gives the same tables as the single-process pipeline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.distributed")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_dask_matches_single_process(client, seeds_dir, tmp_path):
    from framing.distributed import run_pipeline_dask
    from framing.embed import Embedder
    from framing.report import run_pipeline

    # The torch backend: its vectors do not depend on which other sentences share a batch (int8
    # onnxruntime quantises activations per batch, so partitions move its scores by ~1e-3).
    single = run_pipeline(seeds_dir, embedder=Embedder(backend="torch", cache=False))
    dist = run_pipeline_dask(seeds_dir, client=client, cache=False, backend="torch", n_partitions=2)
    a, b = single.sentences, dist.sentences
    assert list(a.columns) == list(b.columns)
    exact = ["article_id", "sentence_id", "text", "start", "end", "paragraph", "is_quote", "frame"]
    pd.testing.assert_frame_equal(a[exact], b[exact])
    for fid in single.frame_ids + ["confidence"]:
        np.testing.assert_allclose(a[fid].to_numpy(), b[fid].to_numpy(), atol=1e-4)
    np.testing.assert_allclose(single.embeddings, dist.embeddings, atol=1e-5)


def test_each_worker_loads_the_model_once(client, seeds_dir):
    from framing.distributed import run_pipeline_dask

    run_pipeline_dask(seeds_dir, client=client, cache=False, n_partitions=4)

    def loaded_models():
        from framing.embed import _EMBEDDERS

        return [(e.model_id, e.backend_) for e in _EMBEDDERS.values() if e.is_loaded]

    per_worker = client.run(loaded_models)
    assert len(per_worker) == 2
    # 4 partitions on 2 workers: a worker that ran 2 tasks still holds one loaded model per backend
    assert all(len(v) == len(set(v)) for v in per_worker.values())
    assert sum(len(v) for v in per_worker.values()) >= 1


def test_dask_reads_a_table_with_ids_as_run_pipeline_does(client):
    """review22: a DataFrame with integer ids, one repeated, kept its ids in the Dask run (two articles merged into
    one) while run_pipeline read it into '1', '2', '1#2', '3'; the Dask manifest lacked the scorer's parameters."""
    from framing.distributed import run_pipeline_dask
    from framing.report import run_pipeline

    df = pd.DataFrame({"article_id": [1, 2, 1, 3],
                       "text": ["Russia attacked Kyiv with drones overnight.", "NATO sent more air defence to Ukraine.",
                                "Moscow said the West provoked the war.", "The Kremlin warned Europe of escalation."]})
    from framing.corpus import ReadWarning

    with pytest.warns(ReadWarning, match="1 duplicate article_id renamed"):
        single = run_pipeline(df, cache=False)
    with pytest.warns(ReadWarning, match="1 duplicate article_id renamed"):  # the Dask run says so too
        dist = run_pipeline_dask(df, client=client, cache=False, n_partitions=2)
    assert dist.articles["article_id"].tolist() == single.articles["article_id"].tolist() == ["1", "2", "1#2", "3"]
    assert dist.sentences[["article_id", "sentence_id", "text"]].equals(single.sentences[["article_id", "sentence_id",
                                                                                             "text"]])
    assert len(dist.shares()) == len(single.shares())
    assert dist.params["scoring"] == single.params["scoring"]
