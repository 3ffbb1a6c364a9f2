"""Coverage: which bodies on a roster have a report in the store for a year, and which stored ones are not
on the roster.

A roster is what an office is accountable for — every township and department of a county — so the
question is asked from the roster's side. A roster body matches a stored agency through the same keys
the store uses (``agencies.normalise``: division code + normalised local name), tried on the name
alone, on the name with the roster's region in front (a roster of one county often lists 某某局
without the county) and with the roster's division code, each then resolved through the alias table;
failing those, a report printed under exactly the roster's name matches too.

The roster is a CSV (UTF-8 or GB18030, as Excel writes it): ``name[,region|code]``, with an optional
header row naming the columns (name/名称, region/地区, code/区划代码). A bad file is a one-line
``ReadError`` naming the file and the line.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xxgk.corpus.agencies import normalise
from xxgk.corpus.frame import dicts, filters, identity_sql
from xxgk.corpus.store import Store
from xxgk.errors import ReadError

_HEADERS = {
    "name": ("name", "agency", "名称", "机关", "单位", "机关名称", "单位名称", "主体", "主体名称"),
    "region": ("region", "地区", "区域", "所属地区", "行政区划"),
    "code": ("code", "division_code", "区划代码", "行政区划代码", "代码"),
}
_CODE = re.compile(r"\d{6}(?:\d{3}|\d{6})?")


@dataclass(frozen=True)
class RosterBody:
    line: int
    name: str
    region: str | None = None
    code: str | None = None

    def candidate_keys(self) -> list[str]:
        """The agency keys this body may be stored under, most specific first."""
        own = normalise(self.name)
        keys = [own.key]
        if self.region and self.region not in self.name:
            keys.append(normalise(self.region + self.name).key)
        if self.code:
            local = own.key.split(":", 1)[1]
            if own.key.startswith("-:") or not own.key.startswith(self.code[:6]):
                keys.append(f"{self.code[:6]}:{local}")
        return sorted(dict.fromkeys(keys), key=lambda k: k.startswith("-:"))


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReadError(str(path), f"cannot read the roster: {e.strerror or e}") from None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ReadError(str(path), "the roster is neither UTF-8 nor GB18030 text")


def read_roster(path: Path) -> list[RosterBody]:
    """The bodies a roster CSV lists (see the module docstring for its columns)."""
    text = _decode(path)
    if "\x00" in text:
        raise ReadError(str(path), "the roster is not a CSV text file")
    rows = [(n, [c.strip() for c in row]) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)]
    rows = [(n, row) for n, row in rows if any(row) and not row[0].startswith("#")]
    if not rows:
        raise ReadError(str(path), "the roster lists no bodies")
    cols = _header(rows[0][1])
    if cols is not None:
        rows = rows[1:]
    else:
        cols = {"name": 0, "second": 1}
    bodies = []
    for n, row in rows:
        name = row[cols["name"]] if cols["name"] < len(row) else ""
        if not name:
            raise ReadError(str(path), f"line {n}: no name in {','.join(row)!r}")
        region, code = _get(row, cols.get("region")), _get(row, cols.get("code"))
        second = _get(row, cols.get("second"))
        if second:
            code, region = (second, "") if _CODE.fullmatch(second) else ("", second)
        if code and not _CODE.fullmatch(code):
            raise ReadError(str(path), f"line {n}: {code!r} is not a division code (6, 9 or 12 digits)")
        bodies.append(RosterBody(n, name, region or None, code or None))
    if not bodies:
        raise ReadError(str(path), "the roster lists no bodies (only a header)")
    return bodies


def _header(row: list[str]) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for i, cell in enumerate(row):
        for field, names in _HEADERS.items():
            if cell.lower() in names and field not in cols:
                cols[field] = i
    return cols if "name" in cols else None


def _get(row: list[str], i: int | None) -> str:
    return row[i] if i is not None and i < len(row) else ""


def coverage(
    store: Store, roster: Path | list[RosterBody], year: int | None = None, *, region: str | None = None
) -> dict[str, Any]:
    """Each roster body found or missing (for ``year``, or any year) and the stored agencies not on it.

    ``region`` narrows the second list to the stored agencies of that region (as ``xxgk reports --region``).
    """
    bodies = read_roster(roster) if isinstance(roster, Path) else roster
    aliases = dict(store.con.execute("SELECT alias_key, agency_key FROM agency_aliases").fetchall())
    where, params = filters(year=year)
    stored = dicts(
        store.con.execute(
            f"SELECT agency_key, agency, printed_name, province, city, county, level, report_id, year "
            f"FROM ({identity_sql()}){where} ORDER BY year, report_id",
            params,
        )
    )
    by_key: dict[str, list[dict[str, Any]]] = {}
    by_name: dict[str, list[dict[str, Any]]] = {}
    for r in stored:
        if r["agency_key"]:
            by_key.setdefault(r["agency_key"], []).append(r)
        if r["printed_name"]:
            by_name.setdefault(r["printed_name"], []).append(r)
    matched: set[str] = set()
    out_bodies = []
    for b in bodies:
        keys = [aliases.get(k, k) for k in b.candidate_keys()]
        key = next((k for k in keys if k in by_key), None)
        hits = by_key[key] if key else by_name.get(b.name, [])
        if not key and hits:
            key = hits[0]["agency_key"]
        if key:
            matched.add(key)
        out_bodies.append(
            {"line": b.line, "name": b.name, "region": b.region, "code": b.code,
             "status": "found" if hits else "missing", "agency_key": key if hits else keys[0],
             "reports": [h["report_id"] for h in hits]}
        )  # fmt: skip
    others = _not_on_roster(stored, matched, region)
    found = sum(1 for b in out_bodies if b["status"] == "found")
    return {
        "year": year,
        "expected": len(out_bodies),
        "found": found,
        "missing": len(out_bodies) - found,
        "bodies": out_bodies,
        "not_on_roster": others,
    }


def _not_on_roster(
    stored: list[dict[str, Any]], matched: set[str], region: str | None
) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for r in stored:
        key = r["agency_key"]
        if not key or key in matched:
            continue
        if region and not any(region in (r[f] or "") for f in ("province", "city", "county")):
            continue
        if key not in seen:
            seen[key] = {f: r[f] for f in ("agency_key", "agency", "province", "city", "county", "level")}
            seen[key]["reports"] = []
        seen[key]["reports"].append(r["report_id"])
    by_division = sorted(seen.values(), key=lambda a: (a["agency_key"].startswith("-:"), a["agency_key"]))
    return by_division
