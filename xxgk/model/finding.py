"""Findings are data: a stable rule id, a severity, a Chinese message and the place it concerns."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from xxgk.model.report import Place

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


class Finding(BaseModel):
    rule: str
    severity: Severity
    message: str
    cells: list[str] = Field(default_factory=list)
    section: int | None = None  # 1..6
    table: str | None = None  # 二 / 三 / 四
    place: Place | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
