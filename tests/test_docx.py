"""The DOCX backend and renderer: render → read round trips on random tables, the reader's grid on the Word
constructs real reports use (merges, nesting, list numbers, content controls), and hostile files — zip
bombs, truncated and random bytes, .doc without LibreOffice — that must end in one clear ReadError."""

from __future__ import annotations

import io
import random
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import report_data

import xxgk
from xxgk.errors import ReadError
from xxgk.formats import docx as docx_backend
from xxgk.formats.base import to_text
from xxgk.formats.docx import read_doc, read_docx
from xxgk.render.docx import render_docx
from xxgk.render.text import ReportData, random_valid_cells

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
W = nsdecls("w")


def sample(seed: int = 5) -> ReportData:
    return ReportData("某某县某某镇人民政府", 2024, dict(random_valid_cells(random.Random(seed), busy=0.6)))


def with_body(xml: str) -> bytes:
    """A .docx from python-docx's template whose body is the given WordprocessingML."""
    doc = Document()
    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    for el in parse_xml(f"<w:body {W}>{xml}</w:body>"):
        sect.addprevious(el)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def text_of(data: bytes) -> str:
    return to_text(read_docx(data, "t.docx"))[0]


def p(text: str, ppr: str = "") -> str:
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def tc(text: str, tcpr: str = "") -> str:
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{p(text)}</w:tc>"


# ---------------------------------------------------------------------------------------------- round trips


@SETTINGS
@given(report_data(blanks=True))
def test_rendered_docx_reads_back_every_cell(data: ReportData) -> None:
    report = xxgk.parse_bytes(render_docx(data), "x.docx")
    assert report.cells == data.cells
    assert report.agency.name == data.agency
    assert report.year == data.year
    assert report.source.kind == "docx"
    for key, want in data.cells.items():
        if want is None:
            assert report.details[key].status in ("blank", "ambiguous"), key


def test_a_valid_rendered_report_raises_no_finding() -> None:
    report = xxgk.parse_bytes(render_docx(sample()), "x.docx")
    assert xxgk.check(report) == []


def test_every_cell_place_names_the_line_and_span_it_was_read_from() -> None:
    report = xxgk.parse_bytes(render_docx(sample()), "x.docx")
    lines = report.text.splitlines()
    for key, detail in report.details.items():
        place = detail.place
        assert place is not None and place.line is not None, key
        line = lines[place.line - 1]
        assert line.startswith("|"), key  # a table row, not prose
        assert line[place.col : place.end_col] == detail.raw, key


def test_rendered_tables_carry_the_official_merges() -> None:
    xml = zipfile.ZipFile(io.BytesIO(render_docx(sample()))).read("word/document.xml").decode()
    assert xml.count("<w:tbl>") == 3
    assert '<w:gridSpan w:val="7"/>' in xml  # 申请人情况
    assert '<w:gridSpan w:val="10"/>' in xml  # 行政诉讼
    assert xml.count('<w:vMerge w:val="restart"/>') >= 1 + 4 + 7  # 三、本年度办理结果, 4 groups, t4 heads
    assert (
        'w:eastAsia="宋体"'
        in zipfile.ZipFile(io.BytesIO(render_docx(sample()))).read("word/styles.xml").decode()
    )


def test_merged_copies_repeat_labels_but_never_numbers() -> None:
    down, more = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    two = '<w:gridSpan w:val="2"/>'
    row = (
        f"<w:tr>{tc('甲', down)}{tc('5', two)}</w:tr>"
        f"<w:tr>{tc('', more)}{tc('标签', two)}</w:tr>"
        f"<w:tr>{tc('7', down)}{tc('1')}{tc('2')}</w:tr>"
        f"<w:tr>{tc('', more)}{tc('3')}{tc('/')}</w:tr>"
    )
    text = text_of(with_body(f"<w:tbl>{row}</w:tbl>"))
    assert text.splitlines() == [
        "| 甲 | 5 |  |",
        "| 甲 | 标签 | 标签 |",
        "| 7 | 1 | 2 |",
        "|  | 3 | / |",
    ]


def test_body_order_nesting_frames_and_ragged_rows() -> None:
    nested = f"<w:tbl><w:tr>{tc('内1')}{tc('内2')}</w:tr></w:tbl>"
    outer = (
        "<w:tbl>"
        f"<w:tr>{tc('a')}<w:tc><w:tcPr/>{p('b')}{nested}{p('')}</w:tc></w:tr>"
        f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{tc("c")}</w:tr>'
        "</w:tbl>"
    )
    frame = f"<w:tbl><w:tr>{tc('框内文字')}</w:tr></w:tbl>"
    sdt = f"<w:sdt><w:sdtContent>{p('控件内文字')}</w:sdtContent></w:sdt>"
    text = text_of(with_body(p("前") + outer + p("中") + frame + sdt + p("后")))
    assert text.splitlines() == [
        "前",
        "| a | b |",
        "|  | c |",
        "",
        "| 内1 | 内2 |",
        "中",
        "框内文字",
        "控件内文字",
        "后",
    ]


def test_paragraph_text_keeps_links_and_insertions_but_not_boxes_deletions_or_field_codes() -> None:
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
    para = (
        "<w:p>"
        + run.format("甲")
        + f'<w:hyperlink r:id="x" {nsdecls("r")}>{run.format("乙")}</w:hyperlink>'
        + f"<w:ins>{run.format('丙')}</w:ins>"
        + "<w:del><w:r><w:delText>删</w:delText></w:r></w:del>"
        + "<w:r><w:instrText> PAGE </w:instrText></w:r>"
        + "<w:r><w:pict><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></w:pict></w:r>"
        + "<w:r><w:tab/><w:t>丁</w:t><w:br/><w:t>戊</w:t></w:r>"
        + "</w:p>"
    )
    assert text_of(with_body(para)) == "甲乙丙\t丁\n戊"


def test_automatic_list_numbers_are_written_out() -> None:
    doc = Document()
    numbering = doc.part.numbering_part.element
    levels = (("chineseCounting", "%1、", "nothing"), ("chineseCounting", "（%2）", "nothing"))
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="{suff}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text, suff) in enumerate(levels)
    )
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(parse_xml(f'<w:abstractNum {W} w:abstractNumId="90">{lvls}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    for ilvl, text in (
        (0, "总体情况"),
        (1, "主动公开"),
        (1, "依申请公开"),
        (0, "主动公开政府信息情况"),
        (1, "规章"),
    ):
        ppr = f'<w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr></w:pPr>'
        sect.addprevious(parse_xml(f"<w:p {W}>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"))
    doc.add_paragraph("第一项", style="List Number")  # numbering through the paragraph style
    out = io.BytesIO()
    doc.save(out)
    assert text_of(out.getvalue()).splitlines() == [
        "一、总体情况",
        "（一）主动公开",
        "（二）依申请公开",
        "二、主动公开政府信息情况",
        "（一）规章",
        "1.第一项",
    ]


def test_a_dangling_relationship_does_not_make_the_document_unreadable() -> None:
    """Add-ins leave relationships to parts that are not there (python-docx issue #797: 'word/NULL')."""
    good = zipfile.ZipFile(io.BytesIO(render_docx(sample())))
    members = {i.filename: good.read(i) for i in good.infolist()}
    rels = members["word/_rels/document.xml.rels"].decode()
    members["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Target="NULL" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/image"/></Relationships>',
    ).encode()
    report = xxgk.parse_bytes(zip_of(members), "x.docx")
    assert report.cells == sample().cells


# ---------------------------------------------------------------------------------------------- hostile input


def one_line_error(data: bytes, name: str = "bad.docx") -> str:
    with pytest.raises(ReadError) as err:
        xxgk.parse_bytes(data, name)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{name}: "), message
    return message


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = zip_of({"word/document.xml": b"<w:document/>", "word/media/image1.png": bytes(20 * 2**20)})
    assert len(bomb) < 100_000
    assert "refused" in one_line_error(bomb)


def test_a_zip_declaring_a_huge_total_is_refused() -> None:
    data = bytearray(zip_of({"word/document.xml": b"<w:document/>", "word/a.xml": b"x" * 1000}))
    at = data.find(b"PK\x01\x02")
    while at != -1:  # the central directory's uncompressed size of every member: 150 MiB
        struct.pack_into("<I", data, at + 24, 150 * 2**20)
        at = data.find(b"PK\x01\x02", at + 4)
    assert "MiB" in one_line_error(bytes(data))


def test_truncated_and_random_docx_bytes_are_one_clear_error() -> None:
    good = render_docx(sample())
    for cut in (len(good) // 2, len(good) - 30, 100):
        assert "Word document" in one_line_error(good[:cut])
    rng = random.Random(1)
    one_line_error(b"PK\x03\x04" + rng.randbytes(4000))
    assert "word/document.xml" in one_line_error(zip_of({"content.xml": b"<x/>"}))
    assert "Word document" in one_line_error(zip_of({"word/document.xml": b"<w:document"}))
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument"/></Relationships>'
    )
    workbook = {"_rels/.rels": rels.encode(), "xl/workbook.xml": b"<workbook/>"}
    assert "xl/workbook.xml is not one" in one_line_error(zip_of(workbook))  # a spreadsheet renamed .docx


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 64))
def test_damaged_docx_is_read_or_refused_never_crashes(seed: int, flips: int) -> None:
    """The backend's own contract. (Through parse_bytes, registry.sniff still lets zipfile's
    NotImplementedError for an unknown zip version escape before the backend is reached.)"""
    data = bytearray(render_docx(sample(seed % 7)))
    rng = random.Random(seed)
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    try:
        to_text(read_docx(bytes(data), "x.docx"))
    except ReadError as err:
        assert "\n" not in str(err)


def test_an_unknown_zip_version_is_a_read_error() -> None:
    data = bytearray(render_docx(sample()))
    data[data.find(b"PK\x01\x02") + 6] = 81  # "version needed to extract": 8.1
    with pytest.raises(ReadError, match="not a readable Word document"):
        read_docx(bytes(data), "x.docx")


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def test_doc_without_libreoffice_says_what_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_backend.shutil, "which", lambda _: None)
    for name in ("report.doc", "report.wps"):
        message = one_line_error(OLE, name)
        assert message.endswith("LibreOffice (soffice) is needed to read it and is not installed")


def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> Path:
    """A stand-in `soffice` on the backend's PATH lookup: the command line is recorded in args.txt."""
    exe = tmp_path / "soffice"
    exe.write_text(f'#!/bin/sh\necho "$@" > "{tmp_path}/args.txt"\n{script}\n')
    exe.chmod(0o755)
    monkeypatch.setattr(docx_backend.shutil, "which", lambda cmd: str(exe) if cmd == "soffice" else None)
    return exe


def test_doc_is_converted_in_a_private_profile_and_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = sample()
    (tmp_path / "r.docx").write_bytes(render_docx(data))
    # copy the prepared .docx to OUTDIR/<stem>.docx, as LibreOffice names its output
    script = 'for a; do [ "$prev" = --outdir ] && out="$a"; prev="$a"; src="$a"; done\n'
    script += f'mkdir -p "$out"; b=$(basename "$src"); cp "{tmp_path}/r.docx" "$out/${{b%.*}}.docx"'
    fake_soffice(tmp_path, monkeypatch, script)
    report = xxgk.parse_bytes(OLE, "report.wps")
    assert report.cells == data.cells
    assert report.source.kind == "doc"
    assert any("LibreOffice" in note for note in report.notes)
    args = (tmp_path / "args.txt").read_text()
    assert "-env:UserInstallation=file://" in args and "--headless" in args and "--convert-to docx" in args
    assert args.rstrip().endswith("report.wps")


def test_a_failing_or_hanging_libreoffice_is_a_read_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_soffice(tmp_path, monkeypatch, 'echo "Error: source file could not be loaded" >&2; exit 1')
    assert "could not be loaded" in one_line_error(OLE, "report.doc")
    fake_soffice(tmp_path, monkeypatch, "sleep 30")
    monkeypatch.setattr(docx_backend, "CONVERT_TIMEOUT", 1)
    assert "within 1 s" in one_line_error(OLE, "report.doc")


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_doc_is_read_through_libreoffice(tmp_path: Path) -> None:
    assert SOFFICE is not None
    data = sample()
    (tmp_path / "r.docx").write_bytes(render_docx(data))
    profile = f"-env:UserInstallation={(tmp_path / 'p').as_uri()}"
    to_doc = ["--convert-to", "doc", "--outdir", str(tmp_path), str(tmp_path / "r.docx")]
    subprocess.run([SOFFICE, profile, "--headless", *to_doc], check=True, capture_output=True, timeout=180)
    report = xxgk.parse_bytes((tmp_path / "r.doc").read_bytes(), "r.doc")
    assert report.cells == data.cells
    assert any("LibreOffice" in note for note in report.notes)
    with pytest.raises(ReadError):
        read_doc(OLE, "broken.doc")
