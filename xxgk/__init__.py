"""xxgk: exact, traceable data from China's government information disclosure annual reports.

report = xxgk.parse("report.txt")      # the 200 cells with provenance, sections, identity
findings = xxgk.check(report)          # rule findings, most severe first
"""

from xxgk.api import parse, parse_bytes
from xxgk.check import check, has_errors
from xxgk.errors import ReadError
from xxgk.model import Finding, Report
from xxgk.rules import RULES

__version__ = "0.1.0"

__all__ = [
    "RULES",
    "Finding",
    "ReadError",
    "Report",
    "__version__",
    "check",
    "has_errors",
    "parse",
    "parse_bytes",
]
