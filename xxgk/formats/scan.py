"""The geometry of a page image around OCR: grey levels, skew, the ruled lines of its tables, and the
cells OCR left unread.

A scan is never quite straight, and its table lines are pixels, not drawing commands; these steps give the
OCR step (``xxgk.formats.ocr``) a straight page and give the layout step (``layout.words_to_blocks``) the
rulings a PDF's drawing would have given it. Distances are multiples of the page's median text-line height
(``height``), so they hold at any resolution.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import cv2
import numpy as np
from PIL import Image

from xxgk.formats.layout import DEFAULT as LAYOUT
from xxgk.formats.layout import Rulings
from xxgk.formats.rulings import ruled_grids

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in the page's pixels

MAX_SKEW = 3.0  # degrees searched either way when straightening
RULING_DARK = 215  # grey level below which a pixel may belong to a ruling (thin blurred lines are grey)
INK_DARK = 128  # grey level below which a pixel is ink for sure (no JPEG halo, no paper texture)
TEXT_DARK = 180  # grey level below which a pixel of a page shrunk for measuring may be a glyph's stroke
H_RULING = 2.0  # horizontal rulings are at least this many line heights long …
V_RULING = 1.1  # … vertical ones this (longer than any stroke of a glyph, shorter than a table row)
MAX_THICKNESS = 0.4  # thicker "lines" are filled areas or bold text, not rulings


def to_gray(image: Image.Image) -> np.ndarray:
    """The page as 8-bit grey: transparency laid on white (screenshots), 16-bit and float scans scaled."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    if image.mode in ("I", "F") or image.mode.startswith("I;"):
        values = np.asarray(image, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        return ((values - low) / max(high - low, 1e-9) * 255).astype(np.uint8)
    try:
        return np.asarray(image.convert("L"), dtype=np.uint8)
    except ValueError:  # a mode Pillow converts to grey only by way of RGB (LAB, HSV)
        return np.asarray(image.convert("RGB").convert("L"), dtype=np.uint8)


def skew_angle(gray: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The page's rotation in degrees, counter-clockwise positive.

    Text lines and rulings project onto sharp peaks of the row profile only when the page is straight, so
    the angle that maximises the profile's energy is the skew: a projection-profile search, coarse then
    fine. An answer at the edge of the search is no skew we can trust, and reads as 0.
    """
    scale = min(1.0, 1000 / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ys, xs = np.nonzero(small < 160)
    if len(ys) < 200:
        return 0.0
    rng = np.random.default_rng(0)
    if len(ys) > 200_000:
        keep = rng.choice(len(ys), 200_000, replace=False)
        ys, xs = ys[keep], xs[keep]
    # Each pixel spread over its own row's height: otherwise at exactly 0° every pixel row falls into one
    # bin and at any other angle into two, which favours 0° on a page of sparse text and few rulings.
    y = ys + rng.uniform(-0.5, 0.5, len(ys))
    xs_c = xs - small.shape[1] / 2
    span = int(small.shape[0] + small.shape[1] * math.tan(math.radians(max_angle)) + 4)

    def energy(angle: float) -> float:
        rows = np.round(y + xs_c * math.tan(math.radians(angle)) + span / 2).astype(np.int64)
        counts = np.bincount(np.clip(rows, 0, 2 * span), minlength=2 * span + 1).astype(np.float64)
        return float(np.dot(counts, counts))

    best = max(np.arange(-max_angle, max_angle + 1e-9, 0.1), key=energy)
    best = max(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.02), key=energy)
    return 0.0 if abs(best) >= max_angle - 0.05 else float(best)


def text_height(gray: np.ndarray) -> float | None:
    """The usual height of a line of text on the page, in pixels, or None when it shows too few lines.

    Measured before any OCR, so that the detector can be run at the scale the text needs: ink with the
    long straight lines (rulings) taken out, smeared along the line so that the glyphs of a line make one
    blob, and the median height of the blobs shaped like lines. Taken on the straightened page (a tilted
    line is a taller blob), at most 1000 pixels wide."""
    scale = min(1.0, 1000 / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    h, w = small.shape
    ink = (small < TEXT_DARK).astype(np.uint8)
    text = ink.copy()
    for size in ((max(15, w // 25), 1), (1, max(15, h // 40))):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
        text[cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel) > 0] = 0
    smear = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, w // 150), 1))
    count, _, stats, _ = cv2.connectedComponentsWithStats(cv2.morphologyEx(text, cv2.MORPH_CLOSE, smear))
    heights = [bh for _x, _y, bw, bh, _area in stats[1:count] if bh >= 3 and bw >= 1.5 * bh]
    return float(np.median(heights)) / scale if len(heights) >= 5 else None


def straighten(gray: np.ndarray, angle: float) -> np.ndarray:
    """The page turned back by ``angle`` about its centre: same size, corners filled white."""
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def find_rulings(gray: np.ndarray, height: float) -> Rulings:
    """The straight lines of the page's tables: long thin runs of dark pixels (a morphological opening
    with a line-shaped kernel keeps them and wipes out the text), each run one segment."""
    dark = (gray < RULING_DARK).astype(np.uint8)
    thick = max(2.0, MAX_THICKNESS * height)
    out = Rulings()
    for horizontal, length in ((True, H_RULING * height), (False, V_RULING * height)):
        n = max(10, int(length))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if horizontal else (1, n))
        count, _, stats, _ = cv2.connectedComponentsWithStats(cv2.morphologyEx(dark, cv2.MORPH_OPEN, kernel))
        for x, y, w, h, _area in stats[1:count]:
            if horizontal and h <= thick:
                out.horizontal.append((y + h / 2, float(x), float(x + w)))
            elif not horizontal and w <= thick:
                out.vertical.append((x + w / 2, float(y), float(y + h)))
    return out


def unread_cells(
    gray: np.ndarray, rulings: Rulings, read_centres: Iterable[tuple[float, float]], height: float
) -> list[Box]:
    """Boxes round the ink of ruled cells that hold ink but no text read: a lone thin digit (``1``) that
    the detector scores below its threshold, or finds only a piece of, leaves its cell looking blank."""
    centres = list(read_centres)
    inset, margin = max(3, round(0.15 * height)), max(2, round(0.2 * height))
    out: list[Box] = []
    for grid in ruled_grids(rulings, height, LAYOUT):
        for r, row in enumerate(grid.owner):
            for c, own in enumerate(row):
                if own != (r, c):
                    continue
                x0, y0, x1, y1 = (round(v) for v in grid.cell_bbox(r, c))
                if any(x0 < cx < x1 and y0 < cy < y1 for cx, cy in centres):
                    continue
                ink = gray[y0 + inset : y1 - inset, x0 + inset : x1 - inset] < INK_DARK
                if ink.sum() < max(6, 0.01 * height * height):
                    continue
                ys, xs = np.nonzero(ink)
                if not 0.3 * height <= ys.max() - ys.min() + 1 <= 1.5 * height:
                    continue  # not the size of a line of text: a stamp or a drawing
                left, top = x0 + inset, y0 + inset
                box = (
                    max(left, left + int(xs.min()) - margin),
                    max(top, top + int(ys.min()) - margin),
                    min(x1 - inset, left + int(xs.max()) + 1 + margin),
                    min(y1 - inset, top + int(ys.max()) + 1 + margin),
                )
                if box[2] - box[0] > 3 and box[3] - box[1] > 3:
                    out.append(box)
    return out
