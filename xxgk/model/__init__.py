from xxgk.model.finding import Finding, Severity
from xxgk.model.report import Agency, CellDetail, Place, Report, Section, SourceDoc, TableEvent, TableInfo

__all__ = [
    "Agency",
    "CellDetail",
    "Finding",
    "Place",
    "Report",
    "Section",
    "Severity",
    "SourceDoc",
    "TableEvent",
    "TableInfo",
]
