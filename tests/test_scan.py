"""The geometry of a page image around OCR (xxgk.formats.scan, and where OCR uses it): grey levels, skew,
rulings, the height of its text, the detector's scale, boxes cut at rulings. On drawn images whose every
line and angle is known."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from raster import Page, font_path

from xxgk.formats import ocr, scan
from xxgk.formats.ocr_engine import DEFAULT, THREADS, detection_scale, strips

needs_font = pytest.mark.skipif(font_path() is None, reason="apt-get install fonts-wqy-microhei")


def _grid(size: tuple[int, int] = (1000, 600), angle: float = 0.0) -> Image.Image:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for y in range(100, 501, 50):
        draw.line((100, y, 900, y), fill=0, width=2)
    for x in (100, 400, 650, 900):
        draw.line((x, 100, x, 500), fill=0, width=2)
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255) if angle else image


@pytest.mark.parametrize("angle", [-1.5, -0.6, 0.4, 1.0])
def test_skew_is_measured_within_a_tenth_of_a_degree(angle: float) -> None:
    assert scan.skew_angle(np.asarray(_grid(angle=angle))) == pytest.approx(angle, abs=0.1)


def _prose(dpi: int = 150, lines: int = 8) -> Image.Image:
    page = Page(dpi=dpi, font_pt=12)
    rng = random.Random(dpi)
    for _ in range(lines):
        page.paragraph("本年度因政府信息公开被申请行政复议" + str(rng.randrange(10**5)) + "件，统计如下。")
    return page.result()


@needs_font
@pytest.mark.parametrize("angle", [-0.57, 0.3, 0.9])
def test_skew_of_a_page_of_sparse_prose_is_measured(angle: float) -> None:
    """A Chromium printout's last page, scanned: a few lines of prose and no table. Counting each pixel
    row into one bin made exactly 0° win (every other angle splits rows over two bins)."""
    turned = _prose().rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert scan.skew_angle(np.asarray(turned)) == pytest.approx(angle, abs=0.1)


def test_rulings_are_found_and_text_strokes_are_not() -> None:
    image = _grid()
    path = font_path()
    if path is not None:
        ImageDraw.Draw(image).text(
            (120, 110), "一、本年新收申请数量 1", fill=0, font=ImageFont.truetype(path, 24)
        )
    rulings = scan.find_rulings(np.asarray(image), 30)
    ys, xs = sorted(y for y, _, _ in rulings.horizontal), sorted(x for x, _, _ in rulings.vertical)
    assert np.allclose(ys, range(100, 501, 50), atol=1.5), ys
    assert np.allclose(xs, [100, 400, 650, 900], atol=1.5), xs


def test_transparent_and_16_bit_pages_are_grey_on_white() -> None:
    rgba = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).rectangle((5, 2, 8, 6), fill=(0, 0, 0, 255))
    grey = scan.to_gray(rgba)
    assert grey[0, 0] == 255 and grey[4, 6] == 0
    deep = Image.fromarray(np.array([[0, 30000], [60000, 65535]], dtype=np.uint16))
    assert scan.to_gray(deep).tolist() == [[0, 116], [233, 255]]


# ----------------------------------------------------------------------------------------- text size


@needs_font
@pytest.mark.parametrize("dpi", [100, 150, 300])
def test_text_height_follows_the_type_size_whatever_the_rulings(dpi: int) -> None:
    """12 pt glyphs at ``dpi``; a ruled grid over part of the page must not count as text."""
    image = _prose(dpi)
    ImageDraw.Draw(image).rectangle((10, 10, image.width - 10, image.height - 10), outline=0, width=2)
    glyphs = 12 / 72 * dpi  # the em; the glyphs of a line span some 90 % of it
    assert scan.text_height(np.asarray(image)) == pytest.approx(0.9 * glyphs, rel=0.15)


def test_a_page_without_text_has_no_text_height() -> None:
    assert scan.text_height(np.asarray(_grid())) is None


def test_the_detector_scales_the_page_to_its_text() -> None:
    assert detection_scale((3000, 1800), 22.0) == pytest.approx(DEFAULT.det_text / 22)
    assert detection_scale((3000, 1800), None) == pytest.approx(DEFAULT.det_width / 1800)  # no text seen
    assert detection_scale((800, 600), 4.0) == DEFAULT.det_max_scale  # tiny text: enlarged, within bounds
    assert detection_scale((400, 300), 200.0) == pytest.approx(DEFAULT.det_min_width / 300)  # huge text
    assert detection_scale((52000, 1152), 22.0) == pytest.approx(DEFAULT.det_text / 22)  # a long screenshot


def test_a_box_across_cells_is_cut_at_the_rulings_and_slivers_are_dropped() -> None:
    """At the detector's small scale ``402 | 5 | 57`` in narrow cells came as one box; read whole, one
    character's position along the line put a 9 into its neighbour's cell (9 read as 99)."""
    verticals = [(100.0, 0.0, 300.0), (160.0, 0.0, 300.0), (220.0, 0.0, 300.0)]
    boxes = [(40, 100, 215, 130), (230, 140, 300, 170), (95, 200, 104, 230)]
    assert ocr.split_at_rulings(boxes, verticals, 30) == [
        (40, 100, 97, 130),
        (103, 100, 157, 130),
        (163, 100, 215, 130),
        (230, 140, 300, 170),  # crosses no ruling: kept whole
    ]  # (95..104 straddles a ruling and is no wider than a sliver on either side: gone)


@pytest.mark.parametrize("dh", [32, 320, 480, 960, 1536, 1792, 2976, 20_000])
def test_the_detector_strips_cover_the_page_with_overlap_and_use_every_thread(dh: int) -> None:
    """``dh``: the page's height at the detector's scale, a multiple of 32 (``detect`` rounds it so)."""
    parts = strips(dh)
    assert parts[0][0] == 0 and parts[-1][1] == dh
    assert all(top % 32 == 0 and (bottom - top) % 32 == 0 for top, bottom in parts)  # the model's stride
    assert all(b0 - a1 == DEFAULT.det_overlap for (_, b0), (a1, _) in itertools.pairwise(parts))
    assert all(bottom - top <= DEFAULT.det_tile + 32 for top, bottom in parts)
    assert len(parts) >= (THREADS if dh >= DEFAULT.det_split else 1)
