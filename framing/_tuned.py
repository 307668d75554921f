"""Tuned defaults that light code (the CLI's ``--help``) reads without importing pandas.

``DEFAULT_THRESHOLD`` is the event grouper's distance cut, re-chosen on all 1479
AllSides articles once the mutual-neighbour bonus was added (ARI 0.751 at 0.9875;
0.745 at 1.0). ARI still drops by ~0.03 at +-0.05 and ~0.14 at +-0.1 from it (the
sensitivity table of benchmarks/bench_events.py), so it is not a knob to turn
casually. :mod:`framing.events` re-exports it.
"""

DEFAULT_THRESHOLD = 0.9875
