"""Render report data as a Word document in the official layout of 国办公开办函〔2021〕30号.

``xxgk render --to docx`` hands agencies a clean report filled with their numbers, and the DOCX reader is
tested against it. So the tables carry the format's merged cells exactly as the official form prints
them (w:gridSpan across, w:vMerge down: 申请人情况 over seven columns, 三、本年度办理结果 down the 22
outcome rows, …) and a round trip exercises merge expansion rather than a simplified grid. Chinese text is
set in 宋体/黑体 through ``w:eastAsia`` with SimSun/SimHei as the font table's fallback names, so the
document looks right in Word, WPS and LibreOffice alike.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips
from lxml import etree

from xxgk.catalogue import (
    SECTION_NUMERALS,
    SECTION_TITLES,
    T2_ROWS,
    T3_COLUMN_KEYS,
    T3_COLUMNS,
    T3_ROWS,
    T4_COLUMN_KEYS,
    T4_COLUMNS,
    T4_GROUP_KEYS,
    T4_GROUPS,
    t3_key,
    t4_key,
)
from xxgk.render.text import (
    T2_HEADERS,
    T3_NOTE,
    T3_ORG_HEADER,
    T3_RESULTS,
    ReportData,
    default_sections,
    format_number,
    preface_text,
    title_line,
)

SERIF, SANS, LATIN = "宋体", "黑体", "Times New Roman"
# the Latin names (w:altName) of the two CJK fonts, for systems that do not know their Chinese names
_FALLBACKS = {SERIF: ("SimSun", "02010600030101010101"), SANS: ("SimHei", "02010609060101010101")}
PAGE_W, PAGE_H, MARGIN = 11906, 16838, 1440  # A4 in twips, 2.54 cm margins
TEXT_W = PAGE_W - 2 * MARGIN


@dataclass(frozen=True)
class Spec:
    """One printed cell, as HTML would give it: text and how many grid rows and columns it covers."""

    text: str
    rows: int = 1
    cols: int = 1
    head: bool = False
    left: bool = False  # long row labels read better flush left


Layout = list[list[Spec]]  # per row, the cells that start in it, left to right


# ---------------------------------------------------------------------------------------------- styles

_W = nsdecls("w")


def _rpr(east_asia: str, half_points: int, *, bold: bool = False) -> str:
    fonts = f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{east_asia}" w:cs="{LATIN}" w:hint="eastAsia"/>'
    weight = "<w:b/><w:bCs/>" if bold else ""
    sz = f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    return f'<w:rPr>{fonts}{weight}<w:color w:val="000000"/>{sz}<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>'


def _style(
    style_id: str, name: str, ppr: str, rpr: str, *, default: bool = False, outline: int | None = None
) -> str:
    flag = ' w:default="1"' if default else ""
    based = "" if default else '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
    level = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    return (
        f'<w:style {_W} w:type="paragraph"{flag} w:styleId="{style_id}"><w:name w:val="{name}"/>{based}'
        f"<w:qFormat/><w:pPr>{ppr}{level}</w:pPr>{rpr}</w:style>"
    )


_NO_INDENT = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
STYLES: dict[str, str] = {
    "Normal": _style(
        "Normal",
        "Normal",
        '<w:spacing w:after="0" w:line="360" w:lineRule="auto"/><w:ind w:firstLineChars="200" w:firstLine="480"/>'
        '<w:jc w:val="both"/>',
        _rpr(SERIF, 24),
        default=True,
    ),
    "Title": _style(
        "Title",
        "Title",
        f'<w:keepNext/><w:spacing w:before="240" w:after="360"/>{_NO_INDENT}<w:jc w:val="center"/>',
        _rpr(SERIF, 44, bold=True),
    ),
    "Heading1": _style(
        "Heading1",
        "heading 1",
        f'<w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/>{_NO_INDENT}',
        _rpr(SANS, 32),
        outline=0,
    ),
    "TableText": _style(
        "TableText",
        "Table Text",
        f'<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>{_NO_INDENT}<w:jc w:val="center"/>',
        _rpr(SERIF, 18),
    ),
}


def _install_styles(doc: DocxDocument) -> None:
    """Replace the template's theme-font styles by ones that name the CJK fonts outright."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0, parse_xml(f"<w:docDefaults {_W}><w:rPrDefault>{_rpr(SERIF, 24)}</w:rPrDefault></w:docDefaults>")
    )
    for style_id, xml in STYLES.items():
        old = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
        new = parse_xml(xml)
        if old is not None:
            old.addprevious(new)
            styles.remove(old)
        else:
            styles.append(new)
    _install_font_fallbacks(doc)


def _install_font_fallbacks(doc: DocxDocument) -> None:
    """Give 宋体/黑体 their Latin names (w:altName) in the font table, used where the Chinese name is unknown."""
    for rel in doc.part.rels.values():
        if rel.reltype != RT.FONT_TABLE or rel.is_external:
            continue
        part = rel.target_part
        root = etree.fromstring(part.blob)
        for name, (alt, panose) in _FALLBACKS.items():
            root.append(
                parse_xml(
                    f'<w:font {_W} w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
                    '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
                )
            )
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# the template's parts a generated report has no use for: an Office 2010 styles copy, custom XML, lists,
# and a thumbnail and app properties that describe the template (a blank page, "Microsoft Macintosh Word")
_DROPPED_RELS = (
    "/stylesWithEffects",
    "/customXml",
    "/numbering",
    "/metadata/thumbnail",
    "/extended-properties",
)


def _tidy(doc: DocxDocument) -> None:
    """Keep only the styles a report uses (and what they build on); drop the template's leftover parts."""
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.iterfind(qn("w:style"))}
    keep = {sid for sid, s in by_id.items() if s.get(qn("w:default")) == "1"} | set(STYLES)
    todo = list(keep)
    while todo:
        style = by_id.get(todo.pop())
        for link in () if style is None else style.xpath("w:basedOn/@w:val | w:next/@w:val | w:link/@w:val"):
            if link not in keep:
                keep.add(link)
                todo.append(link)
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith(_DROPPED_RELS)]:
            del rels[rid]


# ---------------------------------------------------------------------------------------------- tables

_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def _split(total: int, n: int) -> list[int]:
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def _place(layout: Layout) -> dict[tuple[int, int], tuple[Spec, int, int]]:
    """Grid position → (cell covering it, its top row, its left column), by the HTML table algorithm."""
    covered: dict[tuple[int, int], tuple[Spec, int, int]] = {}
    for r, row in enumerate(layout):
        c = 0
        for spec in row:
            while (r, c) in covered:
                c += 1
            for dr in range(spec.rows):
                for dc in range(spec.cols):
                    covered[(r + dr, c + dc)] = (spec, r, c)
            c += spec.cols
    return covered


def _tc(spec: Spec | None, width: int, *, cols: int = 1, merge: str = "", text: bool = True) -> str:
    span = f'<w:gridSpan w:val="{cols}"/>' if cols > 1 else ""
    vmerge = "" if not merge else '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>"
    ppr = (
        '<w:pPr><w:pStyle w:val="TableText"/>'
        + ('<w:jc w:val="left"/>' if spec and spec.left else "")
        + "</w:pPr>"
    )
    run = ""
    if spec is not None and text and spec.text:
        bold = "<w:rPr><w:b/><w:bCs/></w:rPr>" if spec.head else ""
        run = f'<w:r>{bold}<w:t xml:space="preserve">{escape(spec.text)}</w:t></w:r>'
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{vmerge}<w:vAlign w:val="center"/></w:tcPr>'
        f"<w:p>{ppr}{run}</w:p></w:tc>"
    )


def table_xml(layout: Layout, widths: list[int]) -> str:
    """A bordered w:tbl whose merged cells are w:gridSpan (across) and w:vMerge (down), as Word writes them."""
    covered = _place(layout)
    n_rows = max(r for r, _ in covered) + 1
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        f'<w:tbl {_W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        f'<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    ]
    for r in range(n_rows):
        out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        c = 0
        while c < len(widths):
            hit = covered.get((r, c))
            if hit is None:
                out.append(_tc(None, widths[c]))
                c += 1
                continue
            spec, top, left = hit
            width = sum(widths[left : left + spec.cols])
            merge = "" if spec.rows == 1 else "restart" if top == r else "continue"
            out.append(_tc(spec, width, cols=spec.cols, merge=merge, text=top == r))
            c = left + spec.cols
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


Cells = dict[str, int | float | None]


def t2_layout(cells: Cells) -> Layout:
    """Table 二: four 第二十条 blocks in one four-column table, a one-figure block's figure across three."""
    rows: Layout = []
    item = ""
    for t2 in T2_ROWS:
        if t2.item != item:
            item = t2.item
            heads = T2_HEADERS[item]
            rows.append([Spec(item, cols=4, head=True)])
            wide = 3 if len(heads) == 1 else 1
            rows.append([Spec("信息内容", head=True), *(Spec(h, cols=wide, head=True) for h in heads)])
        wide = 3 if len(t2.keys) == 1 else 1
        rows.append([Spec(t2.label), *(Spec(format_number(cells.get(k)), cols=wide) for k in t2.keys)])
    return rows


def t3_layout(cells: Cells) -> Layout:
    """Table 三 with the official merges: the 勾稽关系 note over 3×3, 申请人情况 across seven, and so on."""
    names = [name for _, name in T3_COLUMNS]
    rows: Layout = [
        [Spec(T3_NOTE, rows=3, cols=3, head=True), Spec("申请人情况", cols=7, head=True)],
        [
            Spec(names[0], rows=2, head=True),
            Spec(T3_ORG_HEADER, cols=5, head=True),
            Spec(names[-1], rows=2, head=True),
        ],
        [Spec(n, head=True) for n in names[1:-1]],
    ]
    under_results = [r for r in T3_ROWS if r.outcome or r.key == "total"]
    group_sizes: dict[str, int] = {}
    for r in under_results:
        if r.group.startswith("（"):
            group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    seen: set[str] = set()
    for row in T3_ROWS:
        values = [Spec(format_number(cells.get(t3_key(row.key, c)))) for c in T3_COLUMN_KEYS]
        if row not in under_results:
            rows.append([Spec(row.item, cols=3, left=True), *values])
            continue
        labels: list[Spec] = []
        if row is under_results[0]:
            labels.append(Spec(T3_RESULTS, rows=len(under_results)))
        if row.group in group_sizes:
            if row.group not in seen:
                seen.add(row.group)
                labels.append(Spec(row.group, rows=group_sizes[row.group]))
            labels.append(Spec(row.item, left=True))
        else:
            labels.append(Spec(row.item, cols=2, left=True))
        rows.append([*labels, *values])
    return rows


def t4_layout(cells: Cells) -> Layout:
    """Table 四: 行政复议 over five columns, 行政诉讼 over ten split into its two kinds, then one row of figures."""
    heads = [name for _, name in T4_COLUMNS]
    review, direct, after = (name for _, name in T4_GROUPS)
    suit, direct_sub = direct.split("·")
    return [
        [Spec(review, cols=5, head=True), Spec(suit, cols=10, head=True)],
        [
            *(Spec(h, rows=2, head=True) for h in heads),
            Spec(direct_sub, cols=5, head=True),
            Spec(after.split("·")[1], cols=5, head=True),
        ],
        [Spec(h, head=True) for h in heads * 2],
        [Spec(format_number(cells.get(t4_key(g, c)))) for g in T4_GROUP_KEYS for c in T4_COLUMN_KEYS],
    ]


TABLE_WIDTHS: dict[int, list[int]] = {
    2: [2600, *_split(TEXT_W - 2600, 3)],
    3: [620, 1180, 2200, *_split(TEXT_W - 4000, 7)],
    4: _split(TEXT_W, 15),
}


# ---------------------------------------------------------------------------------------------- document


@cache
def _template() -> bytes:
    """python-docx's blank document with our styles, A4 pages and a page-number footer, built once."""
    doc = Document()
    _install_styles(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Twips(MARGIN)
    footer = section.footer.paragraphs[0]  # the page number, centred, as official documents print it
    footer.style = doc.styles["Table Text"]
    footer._p.append(parse_xml(f'<w:fldSimple {_W} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    _tidy(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_docx(data: ReportData) -> bytes:
    """The whole report as a .docx: title, period, the six standard sections, tables 二/三/四 in place."""
    doc = Document(io.BytesIO(_template()))
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.language = title_line(data), "", "", "zh-CN"
    props.comments, props.revision = "", 1
    props.created = props.modified = datetime.now(UTC).replace(microsecond=0, tzinfo=None)

    layouts = {2: t2_layout, 3: t3_layout, 4: t4_layout}
    bodies = default_sections(data) | (data.sections or {})
    doc.add_paragraph(title_line(data), style="Title")
    doc.add_paragraph(preface_text(data))
    sect_pr = doc.element.body.find(qn("w:sectPr"))
    for i, (num, title) in enumerate(zip(SECTION_NUMERALS, SECTION_TITLES, strict=True), start=1):
        doc.add_paragraph(f"{num}、{title}", style="Heading 1")
        for para in bodies[i].split("\n"):
            doc.add_paragraph(para)
        if i in layouts:
            tbl = parse_xml(table_xml(layouts[i](data.cells), TABLE_WIDTHS[i]))
            if sect_pr is not None:
                sect_pr.addprevious(tbl)
            else:
                doc.element.body.append(tbl)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
