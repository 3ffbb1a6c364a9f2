"""How JSON is kept in the store: compact UTF-8, zlib-compressed where it is a blob."""

from __future__ import annotations

import json
import zlib
from typing import Any


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def pack(obj: Any) -> bytes:
    return zlib.compress(dumps(obj).encode(), 6)


def unpack(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob))
