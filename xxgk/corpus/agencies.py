"""Agency identity: one body under the slightly different names it prints across years.

平潭综合实验区, 平潭综合实验区管委会 and 平潭综合实验区管理委员会办公室 are one body; 淮安市洪泽区人民政府 and
洪泽区人民政府 too. The key is the division code the name points to (from the division data, via
``xxgk.region``) plus what remains of the name once the division names are taken off, with the spellings
that vary but mean the same thing folded. What normalisation cannot know — a renamed bureau, a merger —
the user writes in an alias file (CSV: ``alias,agency``), which the store applies at query time.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from xxgk.errors import ReadError
from xxgk.region import Region, locate

_PUNCT = re.compile(r"[\s·•、，,。.．:：;；\"'“”‘’《》〈〉<>\[\]【】]+")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")  # （本级）, (2024年度) …
_FOLD = (
    ("管理委员会", "管委会"),
    ("党工委管委会", "管委会"),
    ("党工委、管委会", "管委会"),
)
# A zone's administrative committee and its general office publish one report between them.
_ZONE_SUFFIXES = ("管委会办公室", "管委会")
_TOWN_ENDINGS = ("镇", "乡", "苏木")


@dataclass(frozen=True)
class AgencyId:
    key: str
    name: str
    region: Region


def _clean(name: str) -> str:
    s = unicodedata.normalize("NFKC", name)
    s = _BRACKETED.sub("", s)
    s = _PUNCT.sub("", s)
    for a, b in _FOLD:
        s = s.replace(a, b)
    return s


def _strip_divisions(name: str, region: Region) -> str:
    """The name without the division names it starts with (淮安市洪泽区人民政府 → 人民政府)."""
    rest = name
    for div in (region.province, region.city, region.county):
        if not div:
            continue
        for form in sorted({div, *_short(div)}, key=len, reverse=True):
            if rest.startswith(form):
                rest = rest[len(form) :]
                break
    return rest


def _short(div: str) -> list[str]:
    out = []
    for suffix in (
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "特别行政区",
        "省",
        "市",
        "县",
        "区",
        "旗",
    ):
        if div.endswith(suffix) and len(div) - len(suffix) >= 2:
            out.append(div[: -len(suffix)])
    return out


def normalise(name: str) -> AgencyId:
    """The agency key of a printed name: division code, then the local name in a canonical spelling."""
    cleaned = _clean(name)
    region = locate(cleaned)
    local = _strip_divisions(cleaned, region) if region.code else cleaned
    for suffix in _ZONE_SUFFIXES:
        if local.endswith(suffix) and len(local) > len(suffix) + 1 and local[: -len(suffix)].endswith("区"):
            local = local[: -len(suffix)]
            break
    if not local and region.code:
        local = "人民政府"  # 沭阳县 alone names the county's government
    elif local.endswith(_TOWN_ENDINGS):
        local += "人民政府"  # 花马池镇 → 花马池镇人民政府
    elif local.endswith("街道"):
        local += "办事处"
    key = f"{region.code or '-'}:{local}"
    return AgencyId(key=key, name=name.strip(), region=region)


@dataclass(frozen=True)
class Alias:
    alias: str
    canonical: str
    alias_key: str
    agency_key: str


def read_alias_file(path: Path) -> list[Alias]:
    """Rows ``alias,agency`` (a header row is allowed; ``#`` starts a comment line)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ReadError(str(path), f"cannot read the alias file: {e}") from None
    out: list[Alias] = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        if n == 1 and row[0].strip().lower() in ("alias", "别名"):
            continue
        if len(row) < 2 or not row[1].strip():
            raise ReadError(str(path), f"line {n}: expected 'alias,agency', got {','.join(row)!r}")
        alias, canonical = row[0].strip(), row[1].strip()
        a, c = normalise(alias), normalise(canonical)
        if a.key != c.key:
            out.append(Alias(alias, canonical, a.key, c.key))
    return out
