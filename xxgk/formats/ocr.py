"""OCR of a page image into positioned words (and the ruled lines of its tables), for scans and images.

The models are RapidOCR's PP-OCRv4 detector and recogniser, shipped inside the rapidocr-onnxruntime wheel
and driven through onnxruntime by ``xxgk.formats.ocr_engine``; recognition and the reading of numbers are
``xxgk.formats.ocr_read``. We do not call ``RapidOCR.__call__``, because a report page needs what a general
OCR call does not give:

* the page straightened first (``scan.skew_angle``): a scan off by a degree drifts half a row across a
  table;
* the detector run at the scale the page's text needs (``scan.text_height``), not at a fixed size: its
  cost grows with the square of the scale;
* one word per table cell: the recogniser reads whole detected lines, so each character's position (its
  CTC time step) lets a line be cut where a ruling or a wide gap crosses it;
* no wrong number read silently: a digit still unsure after a second reading is written ``?``, and the
  extractor reads no number there rather than a wrong one; a ruled cell with ink and nothing read is read
  again on its own;
* speed on two cores: the models' graphs are rewritten for onnxruntime's CPU kernels
  (``xxgk.formats.ocr_graph``: half the CPU, same outputs); the detector sees the page as one strip per
  thread and the recogniser's batches are spread over the threads, the costliest first; crops are batched
  by width without the usual 320-pixel padding, so a table of short numbers costs a fraction of what
  padding every ``0`` to a text line's width would, and only the numbers in doubt are read twice.

Coordinates are the input image's pixels (y down) of the page straightened about its centre; for the small
angles corrected this moves no point by more than a few per cent of the page's size.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np
from PIL import Image

from xxgk.formats.layout import Rulings, Word
from xxgk.formats.ocr_engine import DEFAULT, THREADS, OcrSettings, detect, engine
from xxgk.formats.ocr_read import DIGITS, LOOKALIKES, NUMBER, Read, recognise, second_opinion, unsure
from xxgk.formats.scan import (
    Box,
    find_rulings,
    skew_angle,
    straighten,
    text_height,
    to_gray,
    unread_cells,
)

__all__ = ["DEFAULT", "THREADS", "OcrSettings", "engine", "ocr_page", "ocr_page_words", "words_of"]

WEAK = "?"  # written for a digit the model is unsure of


def _mark_weak(read: Read, s: OcrSettings) -> list[str]:
    """The read's characters, each unsure digit written ``?`` so that no wrong number is read from it,
    and a digit that is a piece of a neighbouring glyph (see ``fragment_score``) dropped."""
    text = list(read.chars)
    wordy = any(c not in LOOKALIKES and c != " " for c in text)
    for i, weak in enumerate(unsure(read, s)):
        c, p = text[i], read.probs[i]
        beside = text[1:2] if i == 0 else text[-2:-1] if i == len(text) - 1 else ["0"]
        if wordy and c in DIGITS and p < s.fragment_score and not any(b in DIGITS for b in beside):
            text[i] = ""
        elif weak:
            text[i] = WEAK
    return text


def _cuts(
    read: Read, verticals: list[tuple[float, float, float]], height: float, s: OcrSettings
) -> list[int]:
    """Indices i where a new word starts at character i: after a space, a wide gap, or a ruling."""
    x0, y0, x1, y1 = read.box
    mid = (y0 + y1) / 2
    walls = [x for x, a, b in verticals if a <= mid <= b and x0 < x < x1]
    cuts = []
    for i in range(1, len(read.chars)):
        left, right = read.centres[i - 1], read.centres[i]
        if (
            " " in (read.chars[i], read.chars[i - 1])
            or right - left > s.split_gap * height
            or any(left < x < right for x in walls)
        ):
            cuts.append(i)
    return cuts


def words_of(
    read: Read, verticals: list[tuple[float, float, float]], height: float, s: OcrSettings = DEFAULT
) -> list[Word]:
    """One read box as words: cut at spaces, wide gaps and rulings; unsure digits written ``?``."""
    text = _mark_weak(read, s)
    x0, y0, x1, y1 = read.box
    if read.vertical:
        joined = "".join(text).strip()
        return [Word(joined, x0, y0, x1, y1)] if joined else []
    gaps = np.diff(read.centres)
    half = float(np.median(gaps)) / 2 if len(gaps) else (x1 - x0) / 2
    words: list[Word] = []
    for a, b in itertools.pairwise([0, *_cuts(read, verticals, height, s), len(text)]):
        piece = "".join(text[a:b]).strip()
        if piece:
            left = x0 if a == 0 else max(x0, read.centres[a] - half)
            right = x1 if b == len(text) else min(x1, read.centres[b - 1] + half)
            words.append(Word(piece, float(left), float(y0), float(right), float(y1)))
    return words


def split_at_rulings(
    boxes: list[Box], verticals: list[tuple[float, float, float]], height: float
) -> list[Box]:
    """Each box cut where a vertical ruling crosses its middle: at the small scale the detector runs at,
    the numbers of neighbouring narrow cells may come as one box, and a piece recognised on its own lands
    in its cell for sure, where one character's position along a long line may miss it. Slivers (a box
    running a little past its cell's border) are dropped."""
    out: list[Box] = []
    halo, least = max(2, round(0.1 * height)), 0.25 * height
    for x0, y0, x1, y1 in boxes:
        mid = (y0 + y1) / 2
        walls = sorted(round(x) for x, a, b in verticals if a <= mid <= b and x0 + halo < x < x1 - halo)
        edges = [x0, *(e for x in walls for e in (x - halo, x + halo)), x1]
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            if b - a >= least or not walls:
                out.append((a, y0, b, y1))
    return out


def ocr_page(image: Image.Image, settings: OcrSettings = DEFAULT) -> tuple[list[Word], Rulings | None]:
    """A page image's words and, when it has drawn table lines, their rulings: both in the image's pixels
    (y down) of the straightened page; ([], None) when the page holds no text."""
    s = settings
    gray = to_gray(image)
    scale = min(1.0, s.work_width / gray.shape[1])
    if scale < 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = straighten(gray, skew_angle(gray))
    boxes = detect(gray, s, text_height=text_height(gray))
    if not boxes:
        return [], None
    height = float(np.median([b[3] - b[1] for b in boxes]))
    rulings = find_rulings(gray, height)
    boxes = split_at_rulings(boxes, rulings.vertical, height)
    reads = second_opinion(gray, recognise(gray, boxes, height, s), height, s)
    words = [w for r in reads for w in words_of(r, rulings.vertical, height, s)]
    # a cell holds a word when a word's centre is in it (a box read across cells was cut at the rulings)
    missed = unread_cells(gray, rulings, [((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2) for w in words], height)
    if missed:  # a cell of a table of counts is where a lone glyph goes missing: keep numbers only
        extra = recognise(gray, missed, height, s, pad_to=320)
        extra = second_opinion(gray, [r for r in extra if all(c in NUMBER for c in r.chars)], height, s)
        words += [w for r in extra for w in words_of(r, rulings.vertical, height, s)]
    if scale < 1:
        k = 1 / scale
        words = [Word(w.text, w.x0 * k, w.y0 * k, w.x1 * k, w.y1 * k) for w in words]
        rulings = Rulings(
            [(y * k, a * k, b * k) for y, a, b in rulings.horizontal],
            [(x * k, a * k, b * k) for x, a, b in rulings.vertical],
        )
    return words, rulings if rulings.horizontal and rulings.vertical else None


def ocr_page_words(image: Image.Image) -> list[Word]:
    """A page image's words, boxes in the image's pixels (y down): for a backend that finds rulings its own
    way (a PDF's drawing); ``ocr_page`` also gives the rulings drawn in the image itself."""
    return ocr_page(image)[0]
