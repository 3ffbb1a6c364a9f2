"""The one exception a caller needs: the input could not be read as a report, and why."""

from __future__ import annotations


class ReadError(Exception):
    """Raised when a file cannot be turned into a report at all (exit status 2 in the CLI)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
