"""The one JSON shape of a read or checked report (FORMAT.md §4), shared by the CLI and the web API.

``xxgk check --json`` and ``POST /api/v1/check`` must give the same object; building it in one place is
what keeps them the same.
"""

from __future__ import annotations

from typing import Any

from xxgk.model.finding import Finding
from xxgk.model.report import Report


def parse_record(report: Report) -> dict[str, Any]:
    """``{"report": …}``: what ``xxgk parse --json`` prints."""
    return {"report": report.to_dict()}


def check_record(report: Report, findings: list[Finding]) -> dict[str, Any]:
    """``{"report": …, "findings": […]}``: what ``xxgk check --json`` prints for one file."""
    return {"report": report.to_dict(), "findings": [f.to_dict() for f in findings]}
