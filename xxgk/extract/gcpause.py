"""Reading a report pauses Python's cyclic garbage collector, and nothing more.

A report is built from thousands of small objects (atoms, readings, cell dicts, then 200 validated cells)
that stay alive until it is done and hold no reference cycles worth collecting. With the collector on,
every 700 of them set off a collection that walks the half-built report again and ages it into older
generations, whose full collections then walk the whole process (pydantic's schemas, the division data…);
on a batch of reports that was a sixth of the time. Reference counting still frees everything as usual,
and the collector resumes, with its counts intact, as soon as the report is done — so whatever cycles the
work left (a recursive closure or two) are collected at the next collection as before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Automatic collection off for the block; left alone when the caller had already turned it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
