"""The corpus: many reports kept in one DuckDB store, checked against each other, counted and exported."""

from xxgk.corpus.store import DEFAULT_DB, Store

__all__ = ["DEFAULT_DB", "Store"]
