"""Which code produced a stored report: a fingerprint of the extractor's and of the rules' source.

A hand-bumped number is forgotten the one time it matters; a hash of the source files changes whenever
the code that produced a row changes, so ``xxgk recheck`` can tell stale rows without anyone remembering.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import xxgk

_ROOT = Path(xxgk.__file__).parent
EXTRACTOR_PARTS = ("extract", "formats", "catalogue.py", "api.py", "region.py", "model")
RULES_PARTS = ("rules", "check.py", "catalogue.py", "model")


def _fingerprint(parts: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for part in parts:
        p = _ROOT / part
        files = sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for f in files:
            h.update(f.relative_to(_ROOT).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


@cache
def extractor_version() -> str:
    return f"{xxgk.__version__}+{_fingerprint(EXTRACTOR_PARTS)}"


@cache
def rules_version() -> str:
    return f"{xxgk.__version__}+{_fingerprint(RULES_PARTS)}"
