"""Word documents (.docx, and .doc/.wps through LibreOffice) → a SourceDocument of lines and table rows.

The body is walked in document order, so paragraphs and tables interleave as they print. Each table
becomes rows of one equal width: a cell spanning columns (w:gridSpan, or the old w:hMerge) and a cell
continued down (w:vMerge) are expanded into a true grid. A copy of a merged cell repeats the text when it
is a label — the extractor needs the label on every row it heads — but is left empty when it is a number
or a placeholder, so that no figure is ever counted twice. A table nested in a cell is read as a table of
its own, after the one that holds it; a one-column table (a frame around text) is read as running text.
Automatic list numbers (一、 （一） 1.) are written out, since section titles often rely on them.
Left out, as the report's figures never live there: text boxes and shapes, headers and footers,
footnotes, comments, and deleted revisions. Provenance is the line of the written text (a .docx has no
pages until it is laid out).

python-docx only opens the package: the zip is first checked against decompression bombs, and the body is
then read straight from its XML, which is both faster and complete (hyperlinks, insertions, content
controls) where python-docx's paragraph text is not.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xxgk.errors import ReadError
from xxgk.formats.base import Block, CellBox, SourceDocument

MAX_UNPACKED = 200 * 1024 * 1024  # all members together; a real report is a few MB with its images
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # uncompressed ÷ compressed; XML squeezes 5–20:1, a bomb a thousand and more
RATIO_FLOOR = 4 * 1024 * 1024  # small members cannot do harm whatever their ratio
CONVERT_TIMEOUT = 120  # seconds LibreOffice may take to convert one .doc/.wps

_NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_NS_W}}}{tag}"


P, T, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = map(
    _w, ("p", "t", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml")
)
VAL = _w("val")
# subtrees whose text is not the paragraph's own: text boxes, drawings, deleted text, field codes, …
_SKIP = {
    *map(_w, ("txbxContent", "drawing", "pict", "object", "del", "moveFrom", "instrText", "rPr", "pPr")),
    f"{{{_NS_MC}}}AlternateContent",
}
_CHARS = {_w("tab"): "\t", _w("br"): "\n", _w("cr"): "\n", _w("noBreakHyphen"): "-"}
_WRAPPERS = {SDT, SDT_CONTENT, CUSTOM_XML, _w("ins"), _w("moveTo")}  # block-level containers to look through
_LETTER = re.compile(r"[^\W\d_]")  # a letter or ideograph: the text is a label, not a figure
_PLACEHOLDER_WORDS = {"无", "暂无", "空"}


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(str(text).split())[:limit] or "unknown error"


# ---------------------------------------------------------------------------------------------- safety


def check_zip(data: bytes, name: str) -> None:
    """Refuse a zip whose members would unpack to more than memory should hold: a decompression bomb.

    The sizes checked are the ones the central directory declares; zipfile never inflates a member past its
    declared size, so the check bounds what python-docx can be made to unpack.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(name, f"not a readable Word document: {_one_line(exc)}") from None
    if len(infos) > MAX_MEMBERS:
        raise ReadError(name, f"refused: the Word file holds {len(infos)} parts (limit {MAX_MEMBERS})")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise ReadError(
            name, f"refused: it would unpack to {total / 2**20:.0f} MiB (limit {MAX_UNPACKED // 2**20} MiB)"
        )
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise ReadError(
                name,
                f"refused: part {i.filename} is compressed {i.file_size // max(i.compress_size, 1)}:1, "
                "which only a decompression bomb is",
            )
    if "word/document.xml" not in {i.filename for i in infos}:
        raise ReadError(name, "not a readable Word document: it holds no word/document.xml")


def _open(data: bytes, name: str) -> tuple[Any, Any | None, Any | None]:
    """(document root, styles root, numbering root) through python-docx's package reader."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.package import OpcPackage
    from docx.oxml import parse_xml

    def element(part: Any) -> Any:  # .docm and .dotx main parts are not python-docx DocumentParts
        return part.element if hasattr(part, "element") else parse_xml(part.blob)

    def related(part: Any, reltype: str) -> Any | None:
        for rel in part.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                return element(rel.target_part)
        return None

    try:
        main = OpcPackage.open(io.BytesIO(data)).main_document_part
        return element(main), related(main, RT.STYLES), related(main, RT.NUMBERING)
    except KeyError as exc:
        raise ReadError(name, f"not a readable Word document: missing part {_one_line(exc)}") from None
    except Exception as exc:  # zlib, CRC, XML syntax, package structure: all mean "unreadable"
        raise ReadError(name, f"not a readable Word document: {_one_line(exc)}") from None


# ---------------------------------------------------------------------------------------------- numbering


def _chinese(n: int, digits: str = "〇一二三四五六七八九") -> str:
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else digits[tens] + "十"
    return head + (digits[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L")):
        out, n = out + sym * (n // value), n % value
    for value, sym in ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        out, n = out + sym * (n // value), n % value
    return out


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return _chinese(n)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "ideographDigital":
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return "" if fmt in ("none", "bullet") else str(n)


class Numbering:
    """Automatic list labels, counted as Word counts them: per abstract list, lower levels restart."""

    def __init__(self, numbering: Any | None, styles: Any | None) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}  # abstract → lvl → fmt, text, start, suff
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → abstract, start overrides
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.based_on: dict[str, str] = {}
        for ab in numbering.iterfind(_w("abstractNum")) if numbering is not None else ():
            levels = self.levels.setdefault(ab.get(_w("abstractNumId"), ""), {})
            for lvl in ab.iterfind(_w("lvl")):
                levels[int(lvl.get(_w("ilvl"), "0"))] = (
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                    int(_val(lvl, "start") or 1),
                    _val(lvl, "suff") or "tab",
                )
        for num in numbering.iterfind(_w("num")) if numbering is not None else ():
            overrides = {
                int(o.get(_w("ilvl"), "0")): int(_val(o, "startOverride") or 1)
                for o in num.iterfind(_w("lvlOverride"))
                if o.find(_w("startOverride")) is not None
            }
            self.nums[num.get(_w("numId"), "")] = (_val(num, "abstractNumId") or "", overrides)
        for style in styles.iterfind(_w("style")) if styles is not None else ():
            sid = style.get(_w("styleId"), "")
            if (based := _val(style, "basedOn")) is not None:
                self.based_on[sid] = based
            num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_pr is not None:
                ilvl = _val(num_pr, "ilvl")
                self.style_num[sid] = (_val(num_pr, "numId"), int(ilvl) if ilvl else None)

    def label(self, p: Any) -> str:
        """The list label of paragraph p ("" when it has none), advancing the counters."""
        ppr = p.find(_w("pPr"))
        num_id, ilvl = None, None
        style = _val(ppr, "pStyle") if ppr is not None else None
        for _ in range(10):  # the style chain: a paragraph style may carry the numbering
            if style is None or num_id is not None:
                break
            num_id, ilvl = self.style_num.get(style, (None, None))
            style = self.based_on.get(style)
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        if num_pr is not None:
            num_id = _val(num_pr, "numId") or num_id
            ilvl = int(_val(num_pr, "ilvl") or ilvl or 0)
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        level = ilvl or 0
        if level not in levels:
            return ""
        counts = self.counters.setdefault(abstract, {})
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        start = overrides.get(level, levels[level][2])
        counts[level] = counts.get(level, start - 1) + 1
        fmt, text, _, suff = levels[level]
        if fmt == "bullet":
            return ""
        for k in range(9):
            if f"%{k + 1}" in text:
                n = counts.get(k, levels.get(k, ("", "", 1, ""))[2])
                text = text.replace(f"%{k + 1}", _format(n, levels.get(k, (fmt,))[0]))
        if not text:
            return ""
        return text + (" " if suff == "space" or (suff == "tab" and text[-1].isalnum()) else "")


def _val(el: Any, tag: str) -> str | None:
    child = el.find(_w(tag))
    return None if child is None else child.get(VAL)


# ---------------------------------------------------------------------------------------------- body


def _text(el: Any, parts: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag == T:
            parts.append(child.text or "")
        elif tag in _CHARS:
            parts.append(_CHARS[tag])
        elif tag not in _SKIP:
            _text(child, parts)


def _children(el: Any, tag: str) -> Iterator[Any]:
    """el's children with this tag, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _is_value(text: str) -> bool:
    s = text.strip()
    return not _LETTER.search(s) or s in _PLACEHOLDER_WORDS


class _Reader:
    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.blocks: list[Block] = []
        self.tables = 0

    def paragraph(self, p: Any) -> str:
        parts: list[str] = []
        _text(p, parts)
        return self.numbering.label(p) + "".join(parts)

    def body(self, container: Any) -> None:
        for child in container:
            if child.tag == P:
                self.blocks.append(Block(text=self.paragraph(child)))
            elif child.tag == TBL:
                self.table(child)
            elif child.tag in _WRAPPERS:
                self.body(child)

    def table(self, tbl: Any) -> None:
        rows: list[list[str]] = []
        nested: list[Any] = []
        above: dict[int, tuple[str, bool]] = {}  # grid column → (text, is a value) of the row before
        for tr in _children(tbl, TR):
            row: list[str] = []
            now: dict[int, tuple[str, bool]] = {}
            trpr = tr.find(_w("trPr"))
            row += [""] * int((_val(trpr, "gridBefore") if trpr is not None else None) or 0)
            for tc in _children(tr, TC):
                tcpr = tc.find(_w("tcPr"))
                span = max(1, min(int((_val(tcpr, "gridSpan") if tcpr is not None else None) or 1), 64))
                vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
                hmerge = tcpr.find(_w("hMerge")) if tcpr is not None else None
                texts = [self.paragraph(p) for p in _children(tc, P)]
                nested.extend(_children(tc, TBL))
                if vmerge is not None and vmerge.get(VAL, "continue") == "continue":
                    for col in range(len(row), len(row) + span):
                        text, value = above.get(col, ("", True))
                        now[col] = (text, value)
                        row.append("" if value else text)
                    continue
                if hmerge is not None and hmerge.get(VAL, "continue") == "continue" and row:
                    text, value = now.get(len(row) - 1, ("", True))
                    texts = [] if value else [text]
                text = "\n".join(t for t in texts if t.strip())
                value = _is_value(text)
                for k in range(span):
                    now[len(row)] = (text, value)
                    row.append(text if k == 0 or not value else "")
            rows.append(row)
            above = now
        width = max((len(r) for r in rows), default=0)
        if width == 1:  # a frame around text, not a grid
            for tc in (tc for tr in _children(tbl, TR) for tc in _children(tr, TC)):
                self.body(tc)
            return
        if width:
            self.tables += 1
            for row in rows:
                cells = [CellBox(t) for t in row + [""] * (width - len(row))]
                self.blocks.append(Block(cells=cells, table=self.tables))
        for inner in nested:
            self.table(inner)


def read_docx(data: bytes, name: str, *, ocr: str = "auto") -> SourceDocument:
    """A .docx (or .docm/.dotx) as lines and table rows; ReadError with a one-line reason when it is not one."""
    check_zip(data, name)
    root, styles, numbering = _open(data, name)
    body = root.find(_w("body"))
    if body is None:
        raise ReadError(name, "not a readable Word document: word/document.xml has no body")
    reader = _Reader(Numbering(numbering, styles))
    try:
        reader.body(body)
    except RecursionError:
        raise ReadError(name, "not a readable Word document: nested too deeply") from None
    return SourceDocument(kind="docx", blocks=reader.blocks)


# ---------------------------------------------------------------------------------------------- .doc / .wps


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(data: bytes, name: str, *, ocr: str = "auto") -> SourceDocument:
    """A Word 97–2003 .doc or WPS .wps file, converted to .docx by LibreOffice in a private profile."""
    exe = _soffice()
    if exe is None:
        raise ReadError(name, "a .doc/.wps file: LibreOffice (soffice) is needed to read it and is not installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-doc-") as tmp:
        work = Path(tmp)
        suffix = ".wps" if name.lower().endswith(".wps") else ".doc"
        source, outdir = work / f"report{suffix}", work / "out"
        source.write_bytes(data)
        cmd = [
            exe,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx",
            "--outdir",
            str(outdir),
            str(source),
        ]
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=tmp
        )
        try:
            _, err = proc.communicate(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice starts helpers: end the whole group
            proc.communicate()
            raise ReadError(name, f"LibreOffice did not convert it within {CONVERT_TIMEOUT} s") from None
        converted = outdir / "report.docx"
        if not converted.is_file():
            why = _one_line(err.decode("utf-8", "replace")) if err.strip() else f"exit status {proc.returncode}"
            raise ReadError(name, f"LibreOffice could not convert this .doc/.wps file ({why})")
        doc = read_docx(converted.read_bytes(), name, ocr=ocr)
    doc.kind = "doc"
    doc.notes.append("converted from .doc/.wps to .docx by LibreOffice before reading")
    return doc
