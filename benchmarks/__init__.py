"""Benchmarks: accuracy and speed against baselines measured in the same run (``make bench``)."""
