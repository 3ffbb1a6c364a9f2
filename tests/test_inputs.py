"""Inputs the library must survive: empty, binary, every Chinese encoding, non-reports, huge, cut short, hostile.

Library level only (``xxgk.parse`` / ``xxgk.parse_bytes``). A bad input ends in a ReadError whose message is one
line and names the file; a report in any encoding reads to the same 200 cells; nothing else may be raised.
"""

from __future__ import annotations

import codecs
import random
import struct
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

import xxgk
from xxgk.catalogue import cell_keys
from xxgk.formats.text import MAX_TEXT_BYTES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
CLEAN = ROOT / "examples" / "004_e70ccd0979ef1614.txt"
NOT_A_REPORT = "not a government information disclosure annual report"

NEWS = (
    "新华社北京3月5日电 记者从国家统计局获悉，今年前两个月，全国规模以上工业增加值同比增长5.6%，"
    "社会消费品零售总额同比增长4.0%，经济运行延续回升向好态势。\n"
    "国家统计局新闻发言人表示，随着各项政策效应持续释放，市场预期逐步改善，"
    "但外部环境依然复杂严峻，国内需求仍显不足，经济持续回升向好的基础还需进一步巩固。\n"
    "专家认为，下一阶段应着力扩大有效需求，推动消费和投资协同发力，巩固和增强经济回升向好态势。\n"
)


def read_error(call: Callable[..., object], *args: object) -> xxgk.ReadError:
    """Run call(*args) and return the ReadError it must raise."""
    with pytest.raises(xxgk.ReadError) as info:
        call(*args)
    return info.value


def assert_one_line_naming(exc: xxgk.ReadError, name: str) -> None:
    message = str(exc)
    assert "\n" not in message and "\r" not in message, message
    assert name in message, message
    assert exc.source == name
    assert exc.reason and exc.reason in message


@pytest.fixture(scope="module")
def clean_text() -> str:
    return CLEAN.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def clean_report() -> xxgk.Report:
    return xxgk.parse(CLEAN)


# ---------------------------------------------------------------------------------------------- empty input


@pytest.mark.parametrize(
    "data",
    [b"", b" ", b"\n", b"  \n\t\r\n \x0b\x0c  \n", "\u3000\u3000\n".encode(), "  \n\n".encode("utf-16")],
    ids=["empty", "space", "newline", "ascii-whitespace", "ideographic-space", "utf16-whitespace"],
)
def test_empty_or_whitespace_bytes(data: bytes) -> None:
    exc = read_error(xxgk.parse_bytes, data, "blank.txt")
    assert_one_line_naming(exc, "blank.txt")
    assert "empty" in exc.reason


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n"], ids=["empty", "whitespace"])
def test_empty_or_whitespace_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    for source in (path, str(path)):
        exc = read_error(xxgk.parse, source)
        assert_one_line_naming(exc, str(path))
        assert "empty" in exc.reason


# ------------------------------------------------------------------------------------------------- binary


def _png(rnd: random.Random) -> bytes:
    signature = b"\x89PNG\r\n\x1a\n"
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", 64, 64, 8, 6, 0, 0, 0)
    return (
        signature + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + rnd.randbytes(4096)
    )


def _elf(rnd: random.Random) -> bytes:
    # e_ident (ELF64, little-endian, version 1, padding), e_type ET_DYN, e_machine x86-64, e_version 1: like /bin/ls.
    header = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 3, 62, 1) + bytes(40)
    return header + rnd.randbytes(16384)


BINARIES = {
    "png": _png(random.Random(1)),
    "elf": _elf(random.Random(2)),
    "random": random.Random(3).randbytes(8192),
    "random-high-bytes": bytes(random.Random(4).randrange(0x80, 0x100) for _ in range(8192)),
    "random-no-nul": bytes(random.Random(5).randrange(1, 0x100) for _ in range(8192)),
}


@pytest.mark.parametrize("name", list(BINARIES))
def test_binary_garbage_is_a_read_error(name: str) -> None:
    exc = read_error(xxgk.parse_bytes, BINARIES[name], f"{name}.bin")
    assert_one_line_naming(exc, f"{name}.bin")
    assert "empty" not in exc.reason


@pytest.mark.parametrize("name", ["elf"])
def test_binary_file_says_binary(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.txt"  # a misleading suffix must not matter
    path.write_bytes(BINARIES[name])
    exc = read_error(xxgk.parse, path)
    assert_one_line_naming(exc, str(path))
    assert "binary" in exc.reason or "not text" in exc.reason


def test_broken_image_behind_a_text_suffix_is_read_as_an_image_and_refused(tmp_path: Path) -> None:
    path = tmp_path / "png.txt"  # the content decides the format, not the suffix
    path.write_bytes(BINARIES["png"])
    exc = read_error(xxgk.parse, path)
    assert_one_line_naming(exc, str(path))
    assert "image" in exc.reason


def test_real_executable_if_present() -> None:
    ls = Path("/bin/ls")
    if not ls.is_file():
        pytest.skip("no /bin/ls here")
    exc = read_error(xxgk.parse, ls)
    assert_one_line_naming(exc, str(ls))


# ---------------------------------------------------------------------------------------------- encodings


def _encodings(text: str, raw: bytes) -> dict[str, bytes]:
    return {
        "gbk": text.encode("gbk"),
        "gb18030": text.encode("gb18030"),
        "utf-16-le-bom": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf-16-be-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf-16-le": text.encode("utf-16-le"),
        "utf-16-be": text.encode("utf-16-be"),
        "utf-8-bom": codecs.BOM_UTF8 + raw,
        "utf-8-crlf": text.replace("\n", "\r\n").encode("utf-8"),
    }


ENCODING_IDS = list(_encodings("", b""))


@pytest.mark.parametrize("encoding", ENCODING_IDS)
def test_encodings_read_to_the_same_cells(
    encoding: str, clean_text: str, clean_report: xxgk.Report, tmp_path: Path
) -> None:
    data = _encodings(clean_text, CLEAN.read_bytes())[encoding]
    assert data != CLEAN.read_bytes()
    report = xxgk.parse_bytes(data, f"{encoding}.txt")
    assert len(report.cells) == 200
    assert report.cells == clean_report.cells
    assert {k: d.status for k, d in report.details.items()} == {
        k: d.status for k, d in clean_report.details.items()
    }
    assert report.agency.name == clean_report.agency.name
    assert report.year == clean_report.year
    assert report.source.encoding
    if encoding != "utf-8-crlf":
        assert report.text == clean_text  # BOM gone, nothing else changed
    # The same through a path on disk.
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(data)
    assert xxgk.parse(path).cells == clean_report.cells


def test_clean_report_has_200_cells(clean_report: xxgk.Report) -> None:
    assert list(clean_report.cells) == list(cell_keys())
    assert all(v is not None for v in clean_report.cells.values())
    assert clean_report.source.encoding == "utf-8"


# ------------------------------------------------------------------------------------------ not a report


def test_news_article_is_not_a_report() -> None:
    for source, name in ((NEWS.encode("utf-8"), "news.txt"), (NEWS.encode("gb18030"), "news-gbk.txt")):
        exc = read_error(xxgk.parse_bytes, source, name)
        assert_one_line_naming(exc, name)
        assert NOT_A_REPORT in exc.reason


def test_news_article_file_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "新闻稿.txt"
    path.write_text(NEWS, encoding="utf-8")
    exc = read_error(xxgk.parse, path)
    assert_one_line_naming(exc, str(path))
    assert NOT_A_REPORT in exc.reason


def test_news_article_as_text() -> None:
    exc = read_error(xxgk.parse, NEWS)
    assert "\n" not in str(exc)
    assert NOT_A_REPORT in exc.reason


# -------------------------------------------------------------------------------------------- size limit


def test_over_the_size_limit() -> None:
    data = b"a" * (MAX_TEXT_BYTES + 1)
    exc = read_error(xxgk.parse_bytes, data, "huge.txt")
    del data
    assert_one_line_naming(exc, "huge.txt")
    assert "too large" in exc.reason
    assert f"{MAX_TEXT_BYTES // 2**20} MiB" in exc.reason


def test_over_the_size_limit_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:  # sparse: one write at the end, no 20 MB in memory here
        f.seek(MAX_TEXT_BYTES)
        f.write(b"a")
    assert path.stat().st_size == MAX_TEXT_BYTES + 1
    exc = read_error(xxgk.parse, path)
    assert_one_line_naming(exc, str(path))
    assert "too large" in exc.reason


@pytest.mark.slow
def test_at_the_size_limit_is_not_too_large() -> None:
    data = b"a" * MAX_TEXT_BYTES
    exc = read_error(xxgk.parse_bytes, data, "limit.txt")
    del data
    assert "too large" not in exc.reason
    assert NOT_A_REPORT in exc.reason


# ---------------------------------------------------------------------------------------------- truncated


def test_first_30_percent_of_a_report(clean_text: str, clean_report: xxgk.Report) -> None:
    head = clean_text[: len(clean_text) * 3 // 10]
    try:
        report = xxgk.parse_bytes(head.encode("utf-8"), "head.txt")
    except xxgk.ReadError as exc:  # acceptable only when nothing of the format is left
        assert_one_line_naming(exc, "head.txt")
        assert NOT_A_REPORT in exc.reason
        return
    # Today this is the branch taken: the title and sections 一, 二 are there, no table is.
    assert list(report.cells) == list(cell_keys())
    assert [s.index for s in report.sections] == [s.index for s in clean_report.sections][
        : len(report.sections)
    ]
    assert not report.tables["三"].found and not report.tables["四"].found
    for key, value in report.cells.items():
        table = {"t2": "二", "t3": "三", "t4": "四"}[key[:2]]
        if not report.tables[table].found:
            assert value is None, key
            assert report.detail(key).status == "absent", key
    findings = xxgk.check(report)
    assert {"table.missing", "section.missing"} <= {f.rule for f in findings}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_prefix_reads_or_is_a_read_error(path: Path) -> None:
    """Cut anywhere (on a character): a Report with 200 keys, or a ReadError — never another exception."""
    text = path.read_text(encoding="utf-8")
    for percent in range(5, 100, 5):
        head = text[: len(text) * percent // 100]
        try:
            report = xxgk.parse_bytes(head.encode("utf-8"), f"{path.stem}-{percent}.txt")
        except xxgk.ReadError as exc:
            assert_one_line_naming(exc, f"{path.stem}-{percent}.txt")
            continue
        assert list(report.cells) == list(cell_keys()), percent
        xxgk.check(report)  # the rules must not raise on a partial report either


def _mid_character_cut(raw: bytes, fraction: float) -> bytes:
    n = int(len(raw) * fraction)
    while not 0x80 <= raw[n] < 0xC0:  # stop on a UTF-8 continuation byte: the cut splits a character
        n += 1
    return raw[:n]


@pytest.mark.parametrize("damage", ["cut-mid-character", "stray-byte"])
def test_damaged_utf8_still_reads(damage: str, clean_report: xxgk.Report) -> None:
    raw = CLEAN.read_bytes()
    if damage == "cut-mid-character":
        data = _mid_character_cut(raw, 0.8)
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    else:
        data = raw[:1000] + b"\xff" + raw[1000:]
    report = xxgk.parse_bytes(data, f"{damage}.txt")
    assert report.tables["三"].found
    assert report.cells["t3.new.total"] == clean_report.cells["t3.new.total"]


# ------------------------------------------------------------------------------------------------ hostile


SCRIPT = "<script>alert(1)</script>"


def _hostile(text: str) -> tuple[str, list[str]]:
    lines = text.split("\n")
    one = next(i for i, line in enumerate(lines) if line.startswith("一、"))
    five = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    long_lines = [
        "公开" * 100_000 + SCRIPT,  # 200k CJK characters on one line
        " ".join(["12"] * 50_000),  # 50k numbers on one line
        "<" * 50_000 + "&amp;" + ">" * 50_000,
    ]
    lines[five + 1 : five + 1] = long_lines
    lines.insert(one + 1, f"{SCRIPT}<img src=x onerror=alert(2)> {SCRIPT}")
    return "\n".join(lines), long_lines


def test_hostile_content_is_kept_verbatim(clean_text: str, clean_report: xxgk.Report) -> None:
    text, long_lines = _hostile(clean_text)
    started = time.monotonic()
    report = xxgk.parse_bytes(text.encode("utf-8"), "hostile.txt")
    findings = xxgk.check(report)
    assert time.monotonic() - started < 20
    assert report.text == text
    assert report.cells == clean_report.cells
    one, five = report.section(1), report.section(5)
    assert one is not None and five is not None
    assert f"{SCRIPT}<img src=x onerror=alert(2)> {SCRIPT}" in one.text
    for line in long_lines:
        assert line in five.text
    dumped = report.to_dict()
    assert SCRIPT in dumped["sections"][0]["text"]  # not escaped, not stripped
    assert all(f.rule in xxgk.RULES for f in findings)


def test_hostile_title(clean_text: str, clean_report: xxgk.Report) -> None:
    first = next(i for i, line in enumerate(clean_text.split("\n")) if line.strip())
    lines = clean_text.split("\n")
    lines[first] = SCRIPT + lines[first]
    report = xxgk.parse("\n".join(lines))
    assert report.cells == clean_report.cells
    assert SCRIPT in report.text


# ----------------------------------------------------------------------------------------- missing paths


@pytest.mark.parametrize(
    "source",
    [
        "/nonexistent/dir/report.txt",
        "nonexistent-report.txt",
        "nonexistent/报告.md",
        Path("/nonexistent/dir/report.txt"),
        Path("nonexistent-report.pdf"),
    ],
    ids=str,
)
def test_nonexistent_path(source: str | Path) -> None:
    exc = read_error(xxgk.parse, source)
    assert_one_line_naming(exc, str(source))


def test_directory_path(tmp_path: Path) -> None:
    exc = read_error(xxgk.parse, tmp_path)
    assert_one_line_naming(exc, str(tmp_path))


@pytest.mark.parametrize("source", ["missing-report.pdf", "missing-report"])
def test_nonexistent_path_without_text_suffix(source: str) -> None:
    exc = read_error(xxgk.parse, source)
    assert_one_line_naming(exc, source)
