"""OCR of page images: report pages drawn here (tests/raster.py) with random valid cells, scanned-looking,
read back through ``xxgk.parse_bytes`` to the 200 cells. A cell must come back exact, or null with a
finding that names it: never a wrong number. Images that cannot be read end in a one-line ReadError.

OCR costs seconds a page, so the fixtures are few and each is read once per module.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from raster import draw_page, font_path, image_bytes, noisy, render_page

import xxgk
from xxgk.catalogue import cell_keys, table_of
from xxgk.formats import ocr, ocr_engine, ocr_graph, ocr_read
from xxgk.formats.image import OCR_OFF
from xxgk.formats.layout import Word
from xxgk.model.report import Report
from xxgk.render.text import ReportData, random_valid_cells, render_text

NO_FONT = "the WenQuanYi Micro Hei font is not installed (apt-get install fonts-wqy-microhei)"
needs_font = pytest.mark.skipif(font_path() is None, reason=NO_FONT)
Cells = dict[str, int | float | None]


def report_data(seed: int) -> ReportData:
    return ReportData("某某县某某镇人民政府", 2024, dict(random_valid_cells(random.Random(seed), busy=0.6)))


def compare(report: Report, data: ReportData) -> tuple[int, list[str], list[str]]:
    """(cells right, keys read as a different number, keys read as null without a finding about them)."""
    findings = xxgk.check(report)
    flagged = {k for f in findings for k in f.cells}
    tables = {f.table for f in findings if f.table and not f.cells}
    right = sum(1 for k in cell_keys() if report.cells[k] == data.cells[k])
    wrong = [k for k in cell_keys() if report.cells[k] is not None and report.cells[k] != data.cells[k]]
    silent = [
        k for k in cell_keys() if report.cells[k] is None and k not in flagged and table_of(k) not in tables
    ]
    return right, wrong, silent


def read_back(data: bytes, name: str) -> Report:
    report = xxgk.parse_bytes(data, name)
    assert report.source.kind == "image"
    assert any("OCR" in n for n in report.notes)
    return report


# ------------------------------------------------------------------------------------- whole pages


@pytest.fixture(scope="module")
def clean_page() -> tuple[ReportData, Report]:
    if font_path() is None:
        pytest.skip(NO_FONT)
    data = report_data(3)
    return data, read_back(image_bytes(render_page(data)), "page.png")


@pytest.fixture(scope="module")
def scanned_page() -> tuple[ReportData, Report]:
    """Rotated by up to 1°, blurred, JPEG quality 70, then saved as PNG: a scan as a crawler keeps it."""
    if font_path() is None:
        pytest.skip(NO_FONT)
    data = report_data(10)
    return data, read_back(image_bytes(noisy(render_page(data), random.Random(10))), "page.png")


@needs_font
@pytest.mark.parametrize("which", ["clean_page", "scanned_page"])
def test_page_reads_back_to_the_200_cells(which: str, request: pytest.FixtureRequest) -> None:
    data, report = request.getfixturevalue(which)
    right, wrong, silent = compare(report, data)
    assert not wrong, f"wrong numbers: {[(k, data.cells[k], report.cells[k]) for k in wrong]}"
    assert not silent, f"null without a finding: {silent}"
    assert right >= 198, f"{right}/200 cells right"


@needs_font
def test_page_places_point_into_the_image(scanned_page: tuple[ReportData, Report]) -> None:
    _, report = scanned_page
    place = report.details["t3.new.total"].place
    assert place is not None and place.page == 1 and place.bbox is not None
    x0, y0, x1, y1 = place.bbox
    assert 0 <= x0 < x1 <= 1500 and 0 <= y0 < y1 <= 2800


@needs_font
@pytest.mark.slow
def test_jpeg_scan_reads_back() -> None:
    data = report_data(16)
    page = noisy(render_page(data), random.Random(16))
    right, wrong, silent = compare(read_back(image_bytes(page, "JPEG"), "scan.jpg"), data)
    assert not wrong and not silent
    assert right >= 198, f"{right}/200 cells right"


@needs_font
@pytest.mark.slow
def test_multipage_tiff_is_one_report_of_its_pages() -> None:
    data = report_data(20)
    first, second = render_page(data, tables=(2,)), render_page(data, tables=(3, 4))
    buf = io.BytesIO()
    first.save(buf, "TIFF", save_all=True, append_images=[second], compression="tiff_deflate")
    report = read_back(buf.getvalue(), "scan.tiff")
    right, wrong, silent = compare(report, data)
    assert not wrong and not silent
    assert right >= 198, f"{right}/200 cells right"
    assert report.details["t2.licensing.decisions"].place.page == 1  # type: ignore[union-attr]
    assert report.details["t4.review.total"].place.page == 2  # type: ignore[union-attr]
    assert "2 pages read by OCR" in report.notes


# ------------------------------------------------------------------------------------- refusals


def _png(size: tuple[int, int] = (400, 300)) -> bytes:
    return image_bytes(Image.new("L", size, 255))


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and ends: Pillow checks the size on open, before any pixel."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def _read_error(data: bytes, name: str, **kw: str) -> xxgk.ReadError:
    with pytest.raises(xxgk.ReadError) as info:
        xxgk.parse_bytes(data, name, **kw)
    exc = info.value
    assert "\n" not in str(exc) and exc.source == name
    return exc


def test_ocr_never_refuses_an_image() -> None:
    assert _read_error(_png(), "page.png", ocr="never").reason == OCR_OFF


@pytest.mark.parametrize(
    "data",
    [
        _png()[:60],  # cut inside the pixel data
        b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4,  # a JPEG marker and noise
        b"GIF89a" + b"\x00" * 7,  # a GIF header and nothing
        b"II*\x00" + b"\xff" * 64,  # a TIFF header pointing nowhere
    ],
    ids=["truncated-png", "jpeg-noise", "gif-header", "tiff-header"],
)
def test_corrupt_image_is_a_read_error(data: bytes) -> None:
    assert "image" in _read_error(data, "bad.img").reason


@pytest.mark.parametrize("side", [10_000, 30_000], ids=["over-the-warning", "over-the-error"])
def test_decompression_bomb_is_refused_before_decoding(side: int) -> None:
    assert "too large" in _read_error(_png_header(side, side), "bomb.png").reason


def test_image_without_text_is_a_read_error() -> None:
    image = Image.new("RGB", (900, 700), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 800, 600), outline="black", width=2)  # a frame, a circle: no text
    draw.ellipse((300, 250, 600, 450), outline="gray", width=3)
    assert _read_error(image_bytes(image), "blank.png").reason == "no text found in the image"


# ------------------------------------------------------------------------------------- the steps


def test_one_engine_per_process() -> None:
    assert ocr.engine() is ocr.engine()


def test_a_forked_process_makes_its_own_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recogniser's thread pool and onnxruntime's threads do not survive a fork (a batch's workers)."""
    parent = ocr.engine()
    monkeypatch.setattr(os, "getpid", lambda: parent.pid + 1)
    child = ocr.engine()
    assert child is not parent and child.pid == parent.pid + 1 and ocr.engine() is child


def _probs(rows: list[dict[str, float]]) -> np.ndarray:
    """A CTC probability matrix over the engine's alphabet: one row per time step, blank elsewhere."""
    eng = ocr.engine()
    out = np.zeros((len(rows), len(eng.chars)), dtype=np.float32)
    for t, row in enumerate(rows):
        for ch, p in row.items():
            out[t, eng.chars.index(ch) if ch else 0] = p
        out[t, 0] += 1 - out[t].sum()
    return out


def test_a_lone_zero_read_as_a_letter_decodes_as_the_digit() -> None:
    probs = _probs([{}, {"o": 0.55, "0": 0.3, "。": 0.1}, {}])
    _, text, chances, margins, _ = ocr_read.read_probs(probs, ocr.engine())
    assert text == ["0"] and chances[0] == pytest.approx(0.95, abs=1e-3) and margins == [1.0]


def test_a_digit_scores_its_margin_over_the_next_likeliest_digit() -> None:
    probs = _probs([{"9": 0.66, "0": 0.25}, {}])  # a blurred 0 that reads as 9
    _, text, chances, margins, _ = ocr_read.read_probs(probs, ocr.engine())
    assert text == ["9"] and chances[0] == pytest.approx(0.66, abs=1e-3)
    assert margins[0] == pytest.approx(1 - 0.25 / 0.66, abs=1e-3)
    assert margins[0] < ocr.DEFAULT.digit_margin


def test_two_numbers_in_one_box_stay_two_numbers() -> None:
    probs = _probs([{"0": 0.9}, {" ": 0.8}, {"o": 0.6, "0": 0.3}, {}])
    _, text, _, margins, _ = ocr_read.read_probs(probs, ocr.engine())
    assert text == ["0", " ", "0"] and min(margins) > ocr.DEFAULT.digit_margin


def test_text_is_not_read_as_a_number() -> None:
    _, text, _, _, _ = ocr_read.read_probs(_probs([{"共": 0.9}, {"o": 0.9}]), ocr.engine())
    assert text == ["共", "o"]


def _read(
    box: tuple[int, int, int, int],
    text: str,
    centres: list[float],
    *,
    probs: list[float] | None = None,
    margins: list[float] | None = None,
    held: list[int] | None = None,
) -> ocr_read.Read:
    n = len(text)
    return ocr_read.Read(
        box, False, list(text), centres, probs or [1.0] * n, margins or [1.0] * n, held or [1] * n
    )


def test_a_digit_held_over_two_widths_is_read_again_and_a_sure_number_is_not() -> None:
    """8888 read as 888 with full confidence: the decoder held one 8 for four time steps."""
    eng = ocr.engine()
    steps = [{"8": 0.99}, {}, {"8": 0.99}, {"8": 0.99}, {"8": 0.99}, {"8": 0.99}, {}, {"8": 0.99}, {}]
    _, text, _, margins, held = ocr_read.read_probs(_probs(steps), eng)
    assert text == list("888") and held == [1, 4, 1] and min(margins) > ocr.DEFAULT.digit_margin
    run_together = _read((0, 0, 60, 30), "888", [5, 25, 50], held=held)
    assert ocr_read.doubtful(run_together)
    assert not ocr_read.doubtful(_read((0, 0, 60, 30), "888", [5, 25, 50], held=[1, 2, 1]))
    assert ocr_read.doubtful(_read((0, 0, 60, 30), "888", [5, 25, 50], margins=[1.0, 0.5, 1.0]))
    assert not ocr_read.doubtful(_read((0, 0, 60, 30), "共8", [5, 25], held=[1, 4]))  # not a number


def test_unsure_digit_is_written_as_a_question_mark_and_a_cut_glyph_dropped() -> None:
    number = _read((0, 0, 60, 30), "977", [10, 30, 50], margins=[1.0, 1.0, 0.3])
    assert [w.text for w in ocr.words_of(number, [], 30)] == ["97?"]
    heading = _read((0, 0, 90, 30), "三、4", [10, 40, 80], probs=[1.0, 1.0, 0.3])
    assert [w.text for w in ocr.words_of(heading, [], 30)] == ["三、"]
    year = _read((0, 0, 90, 30), "2024年", [5, 20, 35, 50, 75], probs=[0.3, 1, 1, 1, 1])
    assert [w.text for w in ocr.words_of(year, [], 30)] == ["2024年"]  # beside a digit: no fragment


def test_a_line_is_cut_where_a_ruling_crosses_it() -> None:
    read = _read((100, 10, 260, 40), "1200", [110, 130, 215, 240])
    words = ocr.words_of(read, [(180.0, 0.0, 100.0)], 30)
    assert [w.text for w in words] == ["12", "00"]
    assert words[0].x1 <= 180 <= words[1].x0


def test_a_line_is_cut_at_a_wide_gap_but_not_between_digits() -> None:
    read = _read((0, 0, 300, 30), "123", [10, 25, 200])
    assert [w.text for w in ocr.words_of(read, [], 30)] == ["12", "3"]


@needs_font
def test_ocr_page_words_gives_pixel_words_in_reading_positions() -> None:
    page = draw_page(report_data(5), tables=(4,))
    image = page.result().convert("RGB")
    words = ocr.ocr_page_words(image)
    assert words and all(isinstance(w, Word) for w in words)
    assert all(0 <= w.x0 < w.x1 <= image.width and 0 <= w.y0 < w.y1 <= image.height for w in words)
    values = [(text, box) for text, box in page.drawn if text.isdigit()]
    for text, (x0, y0, x1, y1) in values:  # each value cell of table 四 holds exactly its number
        inside = [w.text for w in words if x0 < (w.x0 + w.x1) / 2 < x1 and y0 < (w.y0 + w.y1) / 2 < y1]
        assert inside == [text], (text, inside)


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        (1, "1?3"),
        (2, "1?3"),
        (7, "1?3"),
        (4, "?"),
        (7, "?"),
        (7, "???"),
    ],
)
def test_an_unsure_digit_reads_as_no_number(column: int, cell: str) -> None:
    """The contract with the extractor: the ``?`` OCR writes for an unsure digit makes its cell null with
    a finding, and leaves the other numbers of the row where they are."""
    data = report_data(10)
    lines = render_text(data, "markdown").split("\n")
    row = next(i for i, line in enumerate(lines) if line.startswith("| 一、本年新收"))
    fields = lines[row].split("|")
    fields[3 + column] = f" {cell} "  # the value cell of the column-th applicant column
    lines[row] = "|".join(fields)
    report = xxgk.parse("\n".join(lines), name="unsure.md")
    _, wrong, silent = compare(report, data)
    assert not wrong and not silent


@needs_font
@pytest.mark.slow
def test_scanned_pdf_page_is_read_by_ocr_with_its_ruled_lines() -> None:
    """A PDF page that is only an image goes to OCR, and the lines OCR finds in the image give the grid."""
    cells = random_valid_cells(random.Random(3), busy=0.4)
    image = noisy(render_page(ReportData(agency="某某县人民政府", year=2024, cells=cells)), random.Random(1))
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "PDF", resolution=170)
    report = xxgk.parse_bytes(buf.getvalue(), "scan.pdf")
    assert "page 1 read by OCR" in report.notes
    assert report.cells == cells
    place = report.details["t3.new.total"].place
    assert place is not None and place.page == 1 and place.bbox is not None
    with pytest.raises(xxgk.ReadError):
        xxgk.parse_bytes(buf.getvalue(), "scan.pdf", ocr="never")


# ------------------------------------------------------------------------------------- the models


def _op_types(model: bytes) -> list[str]:
    proto = ocr_graph._model_class()()
    proto.ParseFromString(model)
    return [n.op_type for n in proto.graph.node]


@pytest.mark.parametrize(
    ("name", "shape"),
    [(ocr_engine._REC_MODEL, (2, 3, 48, 160)), (ocr_engine._DET_MODEL, (1, 3, 224, 320))],
    ids=["recogniser", "detector"],
)
def test_the_rewritten_model_computes_what_the_shipped_one_does(name: str, shape: tuple[int, ...]) -> None:
    """The scalar scale-and-shift folded into the convolutions and hard-swish as one gate: far fewer
    element-wise nodes (the rewrite did happen), and the same outputs up to float rounding."""
    import onnxruntime as ort
    import rapidocr_onnxruntime

    shipped = (Path(rapidocr_onnxruntime.__file__).resolve().parent / "models" / name).read_bytes()
    fast = ocr_graph.faster(shipped)
    before, after = _op_types(shipped), _op_types(fast)
    assert "Clip" in before and "Clip" not in after and after.count("Add") < before.count("Add") / 2
    x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    outputs = []
    for model in (shipped, fast):
        session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        outputs.append(session.run(None, {session.get_inputs()[0].name: x})[0])
    assert outputs[0].shape == outputs[1].shape
    assert float(np.abs(outputs[0] - outputs[1]).max()) < 1e-4


def test_a_model_the_rewrite_does_not_know_is_left_as_it_is() -> None:
    assert ocr_graph.faster(b"not a model") == b"not a model"


@pytest.mark.parametrize("box", [(10, 10, 60, 40), (5, 0, 200, 31), (0, 0, 20, 90), (3, 4, 40, 200)])
@pytest.mark.parametrize("stretch", [1.0, 2.0])
def test_crops_are_batched_by_the_width_their_line_image_has(box: tuple[int, ...], stretch: float) -> None:
    gray = np.full((220, 220), 255, dtype=np.uint8)
    b = (box[0], box[1], box[2], box[3])
    image, vertical = ocr_read.line_image(gray, b, 30, stretch)
    assert (image.shape[1], vertical) == ocr_read._line_shape(b, 30, stretch)
    assert image.shape[0] == ocr_read.LINE and image.shape[1] % ocr_read.STEP == 0
