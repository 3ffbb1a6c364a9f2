"""One report under review, as the page, the printable sheet and the workbook show it.

The checker's findings become a list a clerk reads top down (errors first, each with where it is: a line
of the text, or a page of a PDF), the three tables with every cell coloured by its worst finding, the six
standard sections (found or not, title as printed), and the source lines a click on a finding points at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from xxgk.catalogue import SECTION_NUMERALS, SECTION_TITLES
from xxgk.model.finding import SEVERITY_RANK, Finding
from xxgk.model.report import Place, Report
from xxgk.rules import RULES
from xxgk.web.grids import Grid, grids

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_ZH = {
    "text": "文本",
    "markdown": "Markdown",
    "html": "网页",
    "docx": "Word",
    "doc": "Word",
    "pdf": "PDF",
    "image": "图片",
}
MAX_SOURCE_LINES = 20000  # a source pane beyond this is no help; the crop or line number still is


@dataclass
class FindingView:
    n: int
    rule: str
    title: str
    severity: str
    severity_zh: str
    message: str
    cells: list[str]
    where: str  # 第12行 / 第3页 / 第二部分 / ""
    place: Place | None


@dataclass
class SectionView:
    index: int
    numeral: str
    standard_title: str
    printed: str | None  # the title as printed, None when the section is missing
    standard: bool
    text: str


@dataclass
class ReviewView:
    name: str
    kind: str
    kind_zh: str
    agency: str
    region: str
    year: int | None
    format_version: str
    counts: dict[str, int]
    verdict: str  # 退回修改 / 通过
    findings: list[FindingView]
    grids: list[Grid]
    sections: list[SectionView]
    lines: list[str] = field(default_factory=list)
    sha256: str = ""
    checked_at: str = ""

    @property
    def has_pages(self) -> bool:
        return self.kind in ("pdf", "image")


def where(f: Finding, kind: str) -> str:
    """Where a finding is, as the clerk looks for it: the page of a PDF, else the line, else the section."""
    p = f.place
    if p is not None and p.page:
        return f"第{p.page}页"
    if p is not None and p.line and kind not in ("pdf", "image"):
        return f"第{p.line}行"
    if f.section:
        return f"第{SECTION_NUMERALS[f.section - 1]}部分"
    if f.table:
        return f"表{f.table}"
    return ""


def finding_views(findings: list[Finding], kind: str) -> list[FindingView]:
    ordered = sorted(findings, key=lambda f: SEVERITY_RANK[f.severity])
    return [
        FindingView(
            n=i,
            rule=f.rule,
            title=RULES[f.rule].title if f.rule in RULES else f.rule,
            severity=f.severity,
            severity_zh=SEVERITY_ZH[f.severity],
            message=f.message,
            cells=list(f.cells),
            where=where(f, kind),
            place=f.place,
        )
        for i, f in enumerate(ordered)
    ]


def section_views(report: Report) -> list[SectionView]:
    out = []
    for i, (numeral, title) in enumerate(zip(SECTION_NUMERALS, SECTION_TITLES, strict=True), start=1):
        s = report.section(i)
        out.append(
            SectionView(
                index=i,
                numeral=numeral,
                standard_title=title,
                printed=None if s is None else f"{s.numeral}、{s.title}",
                standard=bool(s and s.standard),
                text="" if s is None else s.text,
            )
        )
    return out


def review_view(report: Report, findings: list[Finding], *, name: str | None = None) -> ReviewView:
    """Everything the review page shows for one checked report."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    a = report.agency
    lines = report.text.split("\n") if report.text else []
    kind = report.source.kind
    return ReviewView(
        name=name or report.source.path or "",
        kind=kind,
        kind_zh=KIND_ZH.get(kind, kind),
        agency=a.name or "（单位不详）",
        region=" ".join(x for x in (a.province, a.city, a.county) if x),
        year=report.year,
        format_version=report.format_version,
        counts=counts,
        verdict="退回修改" if counts["error"] else "通过",
        findings=finding_views(findings, kind),
        grids=grids(report.cells, report.details, findings),
        sections=section_views(report),
        lines=lines[:MAX_SOURCE_LINES],
        sha256=report.source.sha256 or "",
        checked_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
