"""What reading a table produces, shared by the three table readers: cells with provenance, and events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xxgk.extract.atoms import NUM, Atom
from xxgk.extract.document import atoms_place, place_dict
from xxgk.extract.readings import MAX_GAP, Reading
from xxgk.extract.rows import PrintedRow
from xxgk.extract.solve import Settled
from xxgk.model.report import Number, TableEvent

_STATUS = {
    "number": "number",
    "derived": "derived",
    "blank": "blank",
    "placeholder": "placeholder",
    "ambiguous": "ambiguous",
    "unfilled": "ambiguous",
}

_KIND_TEXT = {
    "short": "只印有{m}个数值，应为{k}个",
    "long": "印有{m}个数值，多于应有的{k}个",
    "split": "数字连在一起（{raw}），已按{how}拆分",
    "split_open": "数字连在一起（{raw}），有多种拆法都说得通，无法唯一确定",
    "unreadable": "无法读出{k}个数值（印有“{raw}”）",
}


def capacity_fits(slots: Sequence[Atom], k: int) -> bool:
    """Whether the printed slots could fill k cells under some reading the layout allows."""
    fewest = len(slots)
    most = sum(len(a.text) if a.kind == NUM and "." not in a.text else 1 for a in slots)
    return fewest <= k + MAX_GAP and most >= k - MAX_GAP


@dataclass
class TableResult:
    table: str  # 二 / 三 / 四
    found: bool = False
    columns: list[str] = field(default_factory=list)
    values: dict[str, Number | None] = field(default_factory=dict)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)  # CellDetail fields, validated in bulk
    events: list[TableEvent] = field(default_factory=list)
    atoms: list[Atom] = field(default_factory=list)

    def event(
        self, kind: str, row: str | None, message: str, *, resolved: bool = True, atoms: Sequence[Atom] = ()
    ) -> None:
        self.events.append(
            TableEvent(kind=kind, row=row, message=message, resolved=resolved, place=atoms_place(list(atoms)))
        )

    def row_event(
        self,
        kind: str,
        row_key: str,
        row: PrintedRow,
        k: int,
        where: str,
        *,
        resolved: bool = True,
        how: str = "表内勾稽关系",
    ) -> None:
        raw = "".join(a.text or "□" for a in row.slots)
        template = (
            _KIND_TEXT["split_open"] if kind == "split" and not resolved else _KIND_TEXT.get(kind, kind)
        )
        text = template.format(m=len([a for a in row.slots if a.text]), k=k, raw=raw, how=how)
        label = row.label[:16] or "（无标签行）"
        resolved = resolved and kind != "unreadable"
        self.event(f"{kind}_row", row_key, f"{where}“{label}”行{text}", resolved=resolved, atoms=row.slots)

    def mark_unresolved(self, row_key: str) -> None:
        for ev in self.events:
            if ev.row == row_key:
                ev.resolved = False

    def _note(self, status: str) -> str:
        if status == "derived":
            return "未印出数值，由本行或本表勾稽关系唯一确定"
        if status in ("ambiguous", "unfilled"):
            return (
                "印出的数值有多种读法，无法唯一确定"
                if self.table == "二"
                else "印出的数值有多种读法，均符合表内勾稽关系"
            )
        return ""

    def put(self, key: str, cell: Settled, row: PrintedRow | None) -> None:
        atoms = list(cell.atoms) or (row.slots if row else [])
        self.values[key] = cell.value
        self.details[key] = {
            "raw": cell.raw,
            "status": _STATUS.get(cell.status, "ambiguous"),
            "place": place_dict(atoms),
            "alternatives": list(cell.alternatives),
            "note": self._note(cell.status),
        }

    def put_counts(self, keys: Sequence[str], slots: Sequence[Atom]) -> None:
        """Cells printed one plain count each: what ``put_reading`` gives for their only reading."""
        values, details = self.values, self.details
        for key, (_, text, line, col, end_col, _) in zip(keys, slots, strict=True):
            values[key] = int(text)
            details[key] = {
                "raw": text,
                "status": "number",
                "place": {"line": line, "col": col, "end_col": end_col},
                "alternatives": [],
                "note": "",
            }

    def put_reading(self, keys: Sequence[str], reading: Reading, row: PrintedRow | None) -> None:
        """The cells of a row with a single reading: what ``put(key, settle((reading,), k)[i], row)`` gives,
        without the settling (most rows of most tables read exactly)."""
        values, details = self.values, self.details
        for key, (value, status, raw, atom) in zip(keys, reading, strict=True):
            place: dict[str, int] | None
            if atom is not None:
                _, _, line, col, end_col, _ = atom
                place = {"line": line, "col": col, "end_col": end_col}
            else:
                place = place_dict(row.slots) if row else None
            values[key] = value
            if status == "number":
                details[key] = {"raw": raw, "status": status, "place": place, "alternatives": [], "note": ""}
            else:
                details[key] = {
                    "raw": raw,
                    "status": _STATUS.get(status, "ambiguous"),
                    "place": place,
                    "alternatives": [],
                    "note": self._note(status),
                }

    def absent(self, key: str) -> None:
        self.values[key] = None
        self.details[key] = {"status": "absent"}

    def missing_column(self, key: str) -> None:
        self.values[key] = None
        self.details[key] = {"status": "missing_column", "note": "原表没有此列"}
