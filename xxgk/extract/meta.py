"""The report's identity from its own words: agency, year, publication date, statistical period, layout."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_WS = re.compile(r"\s+")
_DECOR = re.compile(r"^[#>*\s]+|\*\*|^(?:标题|题目)\s*[:：]\s*")
_TITLE_WITH_YEAR = re.compile(
    r"^(?P<pre>.*?)(?P<year>(?:19|20)\d{2})年度?(?P<post>.*?)(?:政府信息公开|政务公开|信息公开)"
)
_TITLE_NO_YEAR = re.compile(r"^(?P<pre>.+?)(?:政府信息公开|政务公开|信息公开)工作(?:年度)?报告")
_PUBLISHER = re.compile(r"^\|?\s*发布机构\s*[:：|]\s*([^\s|]+)", re.M)
_PUBLISHED_FIELD = re.compile(r"发布(?:时间|日期)\s*[:：]\s*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_PERIOD = re.compile(
    r"(?P<y1>\d{4})\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日\s*起?\s*[,，]?\s*(?:至|到|—|-|～|~)\s*"
    r"(?:(?P<y2>\d{4})\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
_PERIOD_CUE = re.compile(r"统计|期限|期间|周期")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
LEGACY_MARKERS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "第二十条第（九）项",
    "政府集中采购",
)
# A statement about fees charged: 信息处理费, or a denial/amount of charging. Not the table's own label
# "…按收费通知要求缴纳费用…" nor "行政事业性收费".
_FEE = re.compile(
    r"信息处理费|处理费|(?:未|不|没有|无|暂无)[^。，；]{0,10}收(?:取|费)(?!通知)|收费(?:情况|事项|标准)|收取[^。]{0,8}费"
)


@dataclass(frozen=True)
class Meta:
    agency: str | None
    agency_line: int | None
    year: int | None
    title_year: int | None
    published: str | None
    period: tuple[str, str] | None
    period_line: int | None


def _iso(y: str | int, m: str | int, d: str | int) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


_CN_YEAR = re.compile(r"[〇零○Ｏ一二三四五六七八九]{4}(?=年)")
_CN_DIGIT = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")


def _arabic_years(line: str) -> str:
    """'二〇二四年' → '2024年', as some titles print the year."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGIT), line) if "年" in line else line


def _clean_name(name: str) -> str:
    name = name.strip(' ：:，,。“”"《》()（）-—_')
    name = name.removesuffix("关于")  # "某某县人民政府关于2024年…报告"
    if name.endswith("人民"):
        name += "政府"
    return name


def _title(lines: list[str]) -> tuple[str | None, int | None, int | None]:
    """(agency, its line, year) from the title; a bare title takes the agency from the line above."""
    seen: list[tuple[int, str]] = []
    for no, raw in enumerate(lines[:40], start=1):
        if raw.lstrip().startswith("|"):  # a table row (a page's metadata box): only its title-like cell
            raw = next((c for c in raw.split("|") if "报告" in c), "")
        line = _arabic_years(_WS.sub("", _DECOR.sub("", raw)))
        if not line:
            continue
        seen.append((no, line))
        if "报告" not in line and "信息公开" not in line:
            continue
        m = _TITLE_WITH_YEAR.match(line)
        if m:
            name = _clean_name(m.group("pre")) or _clean_name(m.group("post"))
            if not name and len(seen) > 1:
                name = _clean_name(seen[-2][1])
            return name or None, no, int(m.group("year"))
        m = _TITLE_NO_YEAR.match(line)
        if m:
            return _clean_name(m.group("pre")) or None, no, None
    return None, None, None


def read_meta(text: str, lines: list[str]) -> Meta:
    agency, agency_line, title_year = _title(lines)
    if agency is None:
        m = _PUBLISHER.search(text[:3000])
        agency = m.group(1) if m else None
    period, period_line = None, None
    for m in _PERIOD.finditer(text):
        if _PERIOD_CUE.search(text[max(0, m.start() - 50) : m.start()]):
            y2 = m.group("y2") or m.group("y1")
            period = (
                _iso(m.group("y1"), m.group("m1"), m.group("d1")),
                _iso(y2, m.group("m2"), m.group("d2")),
            )
            period_line = text.count("\n", 0, m.start()) + 1
            break
    year = title_year
    if year is None and period is not None:
        year = int(period[0][:4])
    if year is None:
        years = Counter(int(y) for y in _YEAR.findall(text[:3000]) if 2000 <= int(y) <= 2100)
        year = years.most_common(1)[0][0] if years else None
    return Meta(agency, agency_line, year, title_year, _published(text, lines), period, period_line)


def _published(text: str, lines: list[str]) -> str | None:
    m = _PUBLISHED_FIELD.search(text[:2000])
    if m:
        return _iso(*m.groups())
    tail = [ln for ln in lines if ln.strip()][-5:]
    for line in reversed(tail):
        m = _CN_DATE.search(_WS.sub("", line))
        if m and len(_WS.sub("", line)) <= 20:
            return _iso(*m.groups())
    return None


def is_legacy(text: str, year: int | None, t3_found: bool) -> bool:
    """The 2019 interim layout (or older): its table 二 columns, or no table 三 at all before 2020."""
    markers = sum(1 for m in LEGACY_MARKERS if m in text or m.replace("（", "(").replace("）", ")") in text)
    return markers >= 2 or (year is not None and year < 2019 and not t3_found)


def states_fee(section_text: str) -> bool:
    return _FEE.search(section_text) is not None
