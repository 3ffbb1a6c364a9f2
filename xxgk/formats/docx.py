"""Word documents (.docx, and .doc/.wps through LibreOffice) → a SourceDocument of lines and table rows.

The body is walked in document order, so paragraphs and tables interleave as they print. Each table
becomes rows of one equal width: a cell spanning columns (w:gridSpan, or the old w:hMerge) and a cell
continued down (w:vMerge) are expanded into a true grid. A copy of a merged cell repeats the text when it
is a label — the extractor needs the label on every row it heads — but is left empty when it is a number
or a placeholder, so that no figure is ever counted twice. A table nested in a cell is read as a table of
its own, after the one that holds it; a one-column table (a frame around text) is read as running text.
Automatic list numbers (一、 （一） 1.) are written out, since section titles often rely on them.
Left out, as the report's figures never live there: text boxes and shapes, headers and footers,
footnotes, comments, deleted revisions. Provenance is the line of the written text (no pages before layout).

The package is read with zipfile and lxml rather than python-docx (which renders, see render/docx.py):
python-docx loads every part up front and refuses a whole document over one dangling relationship
(python-docx issues #797, #1351: "no item named 'word/NULL'"), and its custom element classes make each
node visited a Python call — measured, twice the time for the same walk. The zip is checked
against decompression bombs first, and the XML parser expands no entities and fetches nothing.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree

from xxgk.errors import ReadError
from xxgk.formats import wordml as wml
from xxgk.formats.base import Block, CellBox, SourceDocument
from xxgk.formats.wordml import VAL, Numbering

MAX_UNPACKED = 200 * 1024 * 1024  # all members together; a real report is a few MB with its images
MAX_MEMBERS = 10_000
MAX_XML = 64 * 1024 * 1024  # one XML part; a long report's document.xml is a few MB
MAX_RATIO = 200  # uncompressed ÷ compressed; XML squeezes 5–20:1, a bomb a thousand and more
RATIO_FLOOR = 4 * 1024 * 1024  # small members cannot do harm whatever their ratio
MAX_SPAN = 64  # grid columns one cell may cover; the widest real table has about 16
MAX_COLUMNS = 256  # grid columns read per row; the rest of a row this wide is not a report's table
CONVERT_TIMEOUT = 120  # seconds LibreOffice may take to convert one .doc/.wps

_NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


P, T, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = map(
    wml.w, ("p", "t", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml")
)
GRID_SPAN, V_MERGE, H_MERGE = map(wml.w, ("gridSpan", "vMerge", "hMerge"))
# subtrees whose text is not the paragraph's own: text boxes, drawings, deleted text, field codes, …
_SKIP = {
    *map(wml.w, ("txbxContent", "drawing", "pict", "object", "del", "moveFrom", "instrText", "rPr", "pPr")),
    f"{{{_NS_MC}}}AlternateContent",
}
_CHARS = {wml.w("tab"): "\t", wml.w("br"): "\n", wml.w("cr"): "\n", wml.w("noBreakHyphen"): "-"}
# block-level containers to look through: content controls, custom XML, tracked insertions and moves
_WRAPPERS = {SDT, SDT_CONTENT, CUSTOM_XML, wml.w("ins"), wml.w("moveTo")}
_LETTER = re.compile(r"[^\W\d_]")  # a letter or ideograph: the text is a label, not a figure
_PLACEHOLDER_WORDS = {"无", "暂无", "空"}


def _one_line(text: object, limit: int = 200) -> str:
    return " ".join(str(text).split())[:limit] or "unknown error"


# ---------------------------------------------------------------------------------------------- safety


def check_zip(data: bytes, name: str) -> None:
    """Refuse a zip whose members would unpack to more than memory should hold: a decompression bomb.

    The sizes checked are the ones the central directory declares; zipfile never inflates a member past its
    declared size, so the check bounds what reading can be made to unpack.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError ("zip file version 8.1"), OSError, …
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


_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# the same hardening python-docx gives its parser: no entities expanded, nothing fetched, default depth limits
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _related(z: zipfile.ZipFile, part: str, kind: str) -> str | None:
    """The zip member that `part` relates to by a relationship of this kind (…/styles, …/numbering)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in z.NameToInfo:
        return None
    for rel in _xml(z, rels).iterchildren(_REL):
        if rel.get("Type", "").endswith(kind) and rel.get("TargetMode") != "External":
            target = unquote(rel.get("Target", ""))
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            path = posixpath.normpath(path)
            return path if path in z.NameToInfo else None
    return None


def _xml(z: zipfile.ZipFile, member: str, needle: bytes = b"") -> Any:
    """A part's XML root; None when it does not even mention `needle` (saves parsing a long styles.xml)."""
    if z.getinfo(member).file_size > MAX_XML:
        raise ValueError(f"part {member} is over {MAX_XML // 2**20} MiB of XML")
    raw = z.read(member)
    return etree.fromstring(raw, _PARSER) if needle in raw else None


def _open(data: bytes, name: str) -> tuple[Any, Any | None, Any | None]:
    """(document, styles, numbering) XML roots, found through the package's relationships."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            main = _related(z, "", "/officeDocument") or "word/document.xml"
            if main not in z.NameToInfo:
                raise ReadError(name, "not a readable Word document: it holds no word/document.xml")
            root = _xml(z, main)
            if root.tag != wml.w("document"):
                strict = str(root.tag).startswith("{http://purl.oclc.org/ooxml/")
                why = (
                    "in Strict Open XML, which is not supported"
                    if strict
                    else f"its main part {main} is not one"
                )
                raise ReadError(name, f"not a readable Word document: {why}")
            numbering = _related(z, main, "/numbering")
            if numbering is None:  # no lists: the styles matter for nothing this reader reads
                return root, None, None
            styles = _related(z, main, "/styles")
            return root, styles and _xml(z, styles, needle=b"numPr"), _xml(z, numbering)
    except ReadError:
        raise
    except Exception as exc:  # zlib, CRC, XML syntax, a missing part: all mean "unreadable"
        raise ReadError(name, f"not a readable Word document: {_one_line(exc)}") from None


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


def _blocks(el: Any) -> Iterator[Any]:
    """el's children, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag in _WRAPPERS:
            yield from _blocks(child)
        else:
            yield child


def _children(el: Any, tag: str) -> Iterator[Any]:
    return (child for child in _blocks(el) if child.tag == tag)


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
        counters = self.numbering.snapshot()
        for tr in _children(tbl, TR):
            row: list[str] = []
            now: dict[int, tuple[str, bool]] = {}
            row += [""] * wml.bounded_int(wml.val(wml.props(tr, "trPr"), "gridBefore"), 0, MAX_SPAN)
            for tc in _children(tr, TC):
                if len(row) >= MAX_COLUMNS:
                    break
                tcpr = wml.props(tc, "tcPr")
                props = {} if tcpr is None else {c.tag: c for c in tcpr}
                span = max(1, wml.bounded_int(wml.attr(props.get(GRID_SPAN)), 1, MAX_SPAN))
                vmerge, hmerge = props.get(V_MERGE), props.get(H_MERGE)
                texts: list[str] = []
                for child in _blocks(tc):
                    if child.tag == P:
                        texts.append(self.paragraph(child))
                    elif child.tag == TBL:
                        nested.append(child)
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
            rows.append(row[:MAX_COLUMNS])
            above = now
        width = max((len(r) for r in rows), default=0)
        if width == 1:  # a frame around text, not a grid: read again as body, numbering as it was
            self.numbering.counters = counters
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
    body = wml.child(root, "body")
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
        raise ReadError(
            name, "a .doc/.wps file: LibreOffice (soffice) is needed to read it and is not installed"
        )
    with tempfile.TemporaryDirectory(prefix="xxgk-doc-") as tmp:
        work = Path(tmp)
        suffix = ".wps" if name.lower().endswith(".wps") else ".doc"
        source, outdir = work / f"report{suffix}", work / "out"
        source.write_bytes(data)
        profile = f"-env:UserInstallation={(work / 'profile').as_uri()}"
        options = [
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx",
            "--outdir",
            str(outdir),
        ]
        cmd = [exe, profile, *options, str(source)]
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
            why = (
                _one_line(err.decode("utf-8", "replace")) if err.strip() else f"exit status {proc.returncode}"
            )
            raise ReadError(name, f"LibreOffice could not convert this .doc/.wps file ({why})")
        doc = read_docx(converted.read_bytes(), name, ocr=ocr)
    doc.kind = "doc"
    doc.notes.append("converted from .doc/.wps to .docx by LibreOffice before reading")
    return doc
