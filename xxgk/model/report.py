"""The one model of a report: what was read, from where, and how sure the reader is.

It serialises to plain dicts (``Report.to_dict``) in the interchange shape of FORMAT.md §4: ``cells`` maps
every one of the 200 keys to a number or null; ``details`` carries, for the same keys, the raw text, the
status, the source place and the alternatives the extractor weighed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Number = int | float

CellStatus = Literal[
    "number",  # a number read from the source
    "derived",  # no printed value reached this cell; the table's arithmetic forces exactly one value
    "blank",  # the source has the cell but it is empty
    "placeholder",  # the source prints a non-number such as / — 无
    "missing_column",  # the printed table has no such column or row
    "ambiguous",  # several readings of the source fit; see alternatives
    "absent",  # the table or row was not found at all
]

FormatVersion = Literal["2021", "legacy", "unknown"]


class Place(BaseModel):
    """Where something stands in the source: line and column span (text), or page and box (PDF)."""

    line: int | None = None  # 1-based
    col: int | None = None  # 0-based character offset of the start within the line
    end_col: int | None = None
    end_line: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None


class CellDetail(BaseModel):
    raw: str = ""
    status: CellStatus = "absent"
    place: Place | None = None
    alternatives: list[Number | None] = Field(default_factory=list)
    note: str = ""


class Agency(BaseModel):
    name: str | None = None
    level: str | None = None  # province / city / county / township / department / unknown
    province: str | None = None
    city: str | None = None
    county: str | None = None
    division_code: str | None = None


class Section(BaseModel):
    index: int | None  # 1..6: which standard section this is, None for a heading the format does not know
    numeral: str  # as printed, e.g. "三"
    title: str  # as printed, without the numeral
    standard: bool  # title equals the standard one
    text: str = ""
    place: Place | None = None


class TableEvent(BaseModel):
    """Something the extractor met while reading a table: a short or long row, a lost column, a split run."""

    kind: str  # short_row / long_row / split_row / unreadable_row / absent_row / missing_column / chosen_by_text
    row: str | None = None  # row key (table 三), group (table 四) or cell key (table 二)
    message: str = ""
    resolved: bool = True  # whether the arithmetic (or the text) left exactly one reading
    place: Place | None = None


class TableInfo(BaseModel):
    found: bool = False
    place: Place | None = None
    columns: list[str] = Field(default_factory=list)  # column keys the printed table has (table 三)
    events: list[TableEvent] = Field(default_factory=list)


class SourceDoc(BaseModel):
    path: str | None = None
    kind: str = "text"  # text / markdown / html / docx / pdf / image
    encoding: str | None = None
    sha256: str | None = None
    lines: int = 0


class Report(BaseModel):
    agency: Agency = Field(default_factory=Agency)
    year: int | None = None
    title_year: int | None = None  # the year the title prints, when it prints one
    published: str | None = None  # ISO date when the report prints one
    period: tuple[str, str] | None = None  # statistical period as ISO dates
    format_version: FormatVersion = "unknown"
    sections: list[Section] = Field(default_factory=list)
    tables: dict[str, TableInfo] = Field(default_factory=dict)
    cells: dict[str, Number | None] = Field(default_factory=dict)
    details: dict[str, CellDetail] = Field(default_factory=dict)
    source: SourceDoc = Field(default_factory=SourceDoc)
    extractor_version: str = ""
    notes: list[str] = Field(default_factory=list)
    places: dict[str, Place | None] = Field(default_factory=dict)  # where agency, period … were read
    # Text of the report, kept for the narrative rules and source views; not serialised by default.
    text: str = Field(default="", exclude=True)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def detail(self, key: str) -> CellDetail:
        return self.details.get(key) or CellDetail()

    def section(self, index: int) -> Section | None:
        return next((s for s in self.sections if s.index == index), None)
