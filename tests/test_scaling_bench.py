"""The pure parts of bench/scaling.py and bench/search_latency.py (no data, no Dask needed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


scaling = _load("scaling")
latency = _load("search_latency")


def test_runs_alternate_so_a_slow_spell_falls_on_every_worker_count() -> None:
    assert scaling.order([1, 2], 3) == [1, 2, 2, 1, 1, 2]


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert latency.percentile(values, 50) == 50
    assert latency.percentile(values, 99) == 99
    assert latency.percentile(values, 100) == 100
    assert latency.percentile([7.0], 99) == 7


def test_the_shipped_query_list_has_100_queries_with_their_filters() -> None:
    queries = latency.read_queries(latency.QUERIES)
    assert len(queries) == 100
    assert latency.Query("تهران", since="1384-01-01", until="1384-12-29") in queries
    assert latency.Query("فوتبال", collapse=True) in queries
    assert all(query.text and not query.text.startswith("#") for query in queries)


def test_passwords_are_not_printed() -> None:
    assert latency._shown("postgresql://khabar:secret@db:5432/khabar") == "postgresql://khabar@db:5432/khabar"
    assert latency._shown("/tmp/archive.db") == "/tmp/archive.db"
