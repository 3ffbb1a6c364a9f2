"""OCR of a page image into positioned words (and the ruled lines of its tables), for scans and images.

The models are RapidOCR's PP-OCRv4 detector and recogniser, shipped inside the rapidocr-onnxruntime wheel
(its ``models/`` folder): nothing is fetched at run time. We drive them through onnxruntime ourselves,
with RapidOCR's own box post-processing, rather than through ``RapidOCR.__call__``, because a report page
needs what a general OCR call does not give:

* the page straightened first (``scan.skew_angle``): a scan off by a degree drifts half a row across a
  table;
* one word per table cell: the recogniser reads whole detected lines, so each character's position (its
  CTC time step) lets a line be cut where a ruling or a wide gap crosses it;
* no wrong number read silently: without a line around it the model cannot tell a lone ``0`` from ``o``
  or ``。``, so a token made only of digits and their look-alikes is decoded over the digits alone, each
  scored with its look-alikes together; a digit still unsure after a second reading is written ``?``, and
  the extractor reads no number there rather than a wrong one; a ruled cell with ink and nothing read is
  read again on its own;
* speed on two cores: crops are batched by width without the usual 320-pixel padding, so a table of short
  numbers costs a fraction of what padding every ``0`` to a text line's width would.

Coordinates are the input image's pixels (y down) of the page straightened about its centre; for the small
angles corrected this moves no point by more than a few per cent of the page's size.
"""

from __future__ import annotations

import itertools
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from xxgk.formats.layout import Rulings, Word
from xxgk.formats.scan import Box, find_rulings, skew_angle, straighten, to_gray, unread_cells

__all__ = ["DEFAULT", "OcrSettings", "engine", "ocr_page", "ocr_page_words"]

THREADS = 2  # the engine's share of a machine: the models are small, more threads barely help

_DET_MODEL = "ch_PP-OCRv4_det_infer.onnx"
_REC_MODEL = "ch_PP-OCRv4_rec_infer.onnx"
_DIGITS = "0123456789"
_NUMBER = _DIGITS + ".,%"
# What a general decode may make of each character of a printed number. Not l / I / | / 一 for 1: those
# are also what a fragment of a ruling reads as, and must not become a digit.
_READS_AS: dict[str, str] = {
    **{d: d + chr(ord("０") + int(d)) for d in _DIGITS},
    "0": "0０oO○〇。",
    ".": ".．",
    ",": ",，",
    "%": "%％",
}
_LOOKALIKES = set("".join(_READS_AS.values()))
_WEAK = "?"  # written for a digit the model is unsure of


@dataclass(frozen=True)
class OcrSettings:
    """Named defaults; pixel sizes are of the page as the step sees it."""

    work_width: int = 1800  # px: wider pages are scaled down first (A4 at 300 dpi → 220 dpi)
    det_width: int = 1152  # px: the detector sees the page this wide (table text some 16-20 px high) …
    det_min_width: int = 736  # … and a narrow image no narrower (RapidOCR's default least side)
    det_tile: int = 1536  # px at the detector's scale: a long page is detected in strips this tall …
    det_overlap: int = 160  # … overlapping by several lines of text
    det_max_pixels: int = 60_000_000  # the detector's whole page at most (a long screenshot: 1152 x 52000)
    text_score: float = 0.5  # a line the recogniser scores lower is dropped (RapidOCR's default)
    # A digit is unsure when another digit is nearly as likely (its margin, 1 - rival / own, is small)
    # or it is hardly likely at all. Tuned on drawn pages at 120-200 dpi: the digits read wrong had
    # margins of 0.1 (60 as 50) and 0.6 (a blurred 0 as 9); some 0.2 % of those read right fall below.
    digit_margin: float = 0.8  # a digit with a smaller margin is written ? …
    digit_floor: float = 0.25  # … and one less likely than this
    fragment_score: float = 0.45  # a digit this unlikely at the end of a line of text, beside no other
    # digit, is a piece of the next glyph that the box cut through (三、4 for 三、 beside 收): dropped
    rec_batch: int = 8  # crops per recogniser call (all of one width)
    split_gap: float = 1.1  # line heights between two characters' centres that start a new word


DEFAULT = OcrSettings()

# ---------------------------------------------------------------------------------------------- engine


class _Engine:
    """The two onnxruntime sessions and the recogniser's alphabet: loaded once per process."""

    def __init__(self) -> None:
        import onnxruntime as ort
        import rapidocr_onnxruntime
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess

        models = Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = THREADS
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        # a spinning thread burns a core that a shared machine (tests, batch runs) needs elsewhere
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        cpu = ["CPUExecutionProvider"]
        self.det = ort.InferenceSession(str(models / _DET_MODEL), opts, providers=cpu)
        self.rec = ort.InferenceSession(str(models / _REC_MODEL), opts, providers=cpu)
        alphabet = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.chars = ["", *alphabet, " "]  # CTC blank first, space last, as RapidOCR decodes
        index = {c: i for i, c in enumerate(self.chars)}
        self.number_ids = [np.array([index[c] for c in _READS_AS[n] if c in index]) for n in _NUMBER]
        self.number_ids.append(np.array([index[" "]]))  # the space between two numbers, kept apart
        # box_thresh below RapidOCR's 0.5: a lone thin digit scores low, and a false box reads as nothing
        self.post = DBPostProcess(
            thresh=0.3, box_thresh=0.3, max_candidates=2000, unclip_ratio=1.6, use_dilation=True
        )


_engine: _Engine | None = None
_lock = threading.Lock()


def engine() -> _Engine:
    """The process's one engine, created on first use (loading the models takes about a second)."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = _Engine()
        return _engine


# ------------------------------------------------------------------------------------------- detection


def _detect_tile(tile: np.ndarray) -> list[np.ndarray]:
    eng = engine()
    x = (tile.astype(np.float32) / 127.5 - 1.0)[None, None].repeat(3, axis=1)
    pred = eng.det.run(None, {eng.det.get_inputs()[0].name: x})[0]
    quads, _ = eng.post(pred, tile.shape[:2])
    return list(quads)


def detect(gray: np.ndarray, s: OcrSettings = DEFAULT) -> list[Box]:
    """Text-line boxes, axis-aligned (the page is straight), top to bottom.

    The detector sees the page at a fixed width, in overlapping horizontal strips: a long screenshot of a
    whole report costs in proportion to its length and keeps its text readable. A box is taken from the
    strip whose middle part holds its centre."""
    h, w = gray.shape
    ratio = s.det_width / w if w > s.det_width else max(1.0, s.det_min_width / w)
    ratio = min(ratio, math.sqrt(s.det_max_pixels / (h * w)))  # a thin sliver of a strip stays bounded
    dw, dh = max(32, round(w * ratio / 32) * 32), max(32, round(h * ratio / 32) * 32)
    rx, ry = dw / w, dh / h
    small = cv2.resize(gray, (dw, dh), interpolation=cv2.INTER_AREA if ratio < 1 else cv2.INTER_LINEAR)
    tile, overlap = s.det_tile, s.det_overlap
    starts = [0] if dh <= tile else list(range(0, dh - overlap, tile - overlap))
    boxes: list[Box] = []
    for k, top in enumerate(starts):
        bottom = min(dh, top + tile)
        keep_from = top + overlap / 2 if k else 0
        keep_to = bottom - overlap / 2 if k < len(starts) - 1 else dh
        for q in _detect_tile(small[top:bottom]):
            if not keep_from <= top + (q[:, 1].min() + q[:, 1].max()) / 2 < keep_to:
                continue
            x0, x1 = max(0, int(q[:, 0].min() / rx)), min(w, math.ceil(q[:, 0].max() / rx))
            y0, y1 = max(0, int((top + q[:, 1].min()) / ry)), min(h, math.ceil((top + q[:, 1].max()) / ry))
            if x1 - x0 > 3 and y1 - y0 > 3:
                boxes.append((x0, y0, x1, y1))
    return sorted(boxes, key=lambda b: (b[1], b[0]))


# ----------------------------------------------------------------------------------------- recognition


@dataclass
class Read:
    """One box read: its characters, each with its centre along the line (page pixels) and scores."""

    box: Box
    vertical: bool
    chars: list[str]
    centres: list[float]
    probs: list[float]
    margins: list[float]  # digits: 1 - (likeliest other digit) / (this digit); other characters: 1


def _line_image(gray: np.ndarray, box: Box, height: float, stretch: float = 1.0) -> tuple[np.ndarray, bool]:
    """The crop as a line 48 px high, ``stretch`` times as wide as its shape says. A tall box (characters
    stacked in a narrow cell: taller than wide and than two lines, since a lone digit's box is taller than
    wide too) is cut into squares laid side by side, to read as the horizontal line it would have been."""
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    h, w = crop.shape
    vertical = h >= 1.5 * w and h >= 1.8 * height
    if vertical:
        edges = np.linspace(0, h, max(1, round(h / w)) + 1).astype(int)
        crop = np.hstack([cv2.resize(crop[a:b], (w, w)) for a, b in itertools.pairwise(edges)])
        h, w = crop.shape
    # A whole number of the model's 8-pixel time steps, so crops of one width batch without padding (the
    # model reads a padded lone 0 as o); and five steps at least: in three a lone digit reads as nothing.
    width = max(40, round(48 * w / h * stretch / 8) * 8)
    return cv2.resize(crop, (width, 48), interpolation=cv2.INTER_CUBIC), vertical


def _greedy(probs: np.ndarray, labels: list[str]) -> tuple[list[int], list[str], list[float]]:
    """Greedy CTC decode (label 0 the blank): each character's time step, text and score."""
    steps, out, scores = [], [], []
    prev = -1
    for t, i in enumerate(probs.argmax(axis=1)):
        if i != 0 and i != prev:
            steps.append(t)
            out.append(labels[int(i)])
            scores.append(float(probs[t, i]))
        prev = int(i)
    return steps, out, scores


def _read_probs(probs: np.ndarray, eng: _Engine) -> tuple[list[int], list[str], list[float], list[float]]:
    """The characters of one line: time steps, text, probabilities and margins (see ``Read``).

    A token of digits and look-alikes is decoded over the number characters alone, each with its
    look-alikes summed: the model's belief that a digit stands there, whatever glyph of it the general
    decode preferred. A digit's margin compares it with the likeliest other digit, since what makes a
    number wrong is one digit taken for another."""
    steps, text, scores = _greedy(probs, eng.chars)
    merged = np.stack([probs[:, 0], *(probs[:, ids].sum(axis=1) for ids in eng.number_ids)], axis=1)
    apart = True
    if text and all(c in _LOOKALIKES or c == " " for c in text) and set(text) != {" "}:
        spaces = text.count(" ")
        steps, text, scores = _greedy(merged, ["", *_NUMBER, " "])
        apart = text.count(" ") == spaces  # else numbers ran together or split apart: none is sure
    keep = [j for j, c in enumerate(text) if c != " " or 0 < j < len(text) - 1]  # no outer spaces
    margins = []
    for j in keep:
        if text[j] not in _DIGITS:
            margins.append(1.0)
            continue
        digits = merged[steps[j], 1 : len(_DIGITS) + 1].copy()
        own, digits[int(text[j])] = float(digits[int(text[j])]), 0.0
        margins.append(1.0 - float(digits.max()) / own if apart and own > 0 else 0.0)
    return [steps[j] for j in keep], [text[j] for j in keep], [scores[j] for j in keep], margins


def recognise(
    gray: np.ndarray,
    boxes: list[Box],
    height: float,
    s: OcrSettings = DEFAULT,
    *,
    pad_to: int = 0,
    stretch: float = 1.0,
) -> list[Read]:
    """Each box read; one read as nothing, or scored below ``text_score``, is left out. ``pad_to`` pads
    every line on the right to that width, as the model was trained; ``stretch`` widens every line,
    giving each narrow digit more time steps: both slower, and views of their own."""
    eng = engine()
    lines = [_line_image(gray, b, height, stretch) for b in boxes]
    by_width: dict[int, list[int]] = {}
    for i, (img, _) in enumerate(lines):
        by_width.setdefault(max(pad_to, img.shape[1]), []).append(i)
    name = eng.rec.get_inputs()[0].name
    reads: list[Read] = []
    for width, ids in by_width.items():
        for batch in (ids[k : k + s.rec_batch] for k in range(0, len(ids), s.rec_batch)):
            x = np.zeros((len(batch), 3, 48, width), dtype=np.float32)
            for k, i in enumerate(batch):
                x[k, :, :, : lines[i][0].shape[1]] = lines[i][0].astype(np.float32) / 127.5 - 1.0
            probs = eng.rec.run(None, {name: x})[0]
            step = width / probs.shape[1]  # input pixels per time step
            for k, i in enumerate(batch):
                steps, text, chances, margins = _read_probs(probs[k], eng)
                if not text or sum(chances) / len(chances) < s.text_score:
                    continue
                (x0, y0, x1, y1), (img, vertical) = boxes[i], lines[i]
                start, along = (y0, y1 - y0) if vertical else (x0, x1 - x0)
                at = [start + min((t + 0.5) * step, img.shape[1]) / img.shape[1] * along for t in steps]
                reads.append(Read(boxes[i], vertical, text, at, chances, margins))
    return sorted(reads, key=lambda r: (r.box[1], r.box[0]))


def _unsure(read: Read, s: OcrSettings) -> list[bool]:
    return [
        c in _DIGITS and (m < s.digit_margin or p < s.digit_floor)
        for c, p, m in zip(read.chars, read.probs, read.margins, strict=True)
    ]


def second_opinion(
    gray: np.ndarray, reads: list[Read], height: float, s: OcrSettings = DEFAULT
) -> list[Read]:
    """Numbers read again, twice as wide: every number of two characters or more (in a narrow crop the
    model may merge two equal digits, 5555 into 555, with full confidence) and every unsure one. Where
    both readings agree each digit keeps the better of its two scores; where they differ, every digit is
    unsure. A second reading may confirm a number, never change one."""
    again_ids = [
        i
        for i, r in enumerate(reads)
        if not r.vertical
        and all(c in _NUMBER or c == " " for c in r.chars)
        and (len(r.chars) > 1 or any(_unsure(r, s)))
    ]
    if not again_ids:
        return reads
    again = {r.box: r for r in recognise(gray, [reads[i].box for i in again_ids], height, s, stretch=2.0)}
    out = list(reads)
    for i in again_ids:
        first, other = reads[i], again.get(reads[i].box)
        if other is None:  # the wider view read nothing: no opinion
            continue
        if other.chars == first.chars:
            probs = [max(a, b) for a, b in zip(first.probs, other.probs, strict=True)]
            margins = [max(a, b) for a, b in zip(first.margins, other.margins, strict=True)]
        else:
            probs, margins = first.probs, [0.0 if c in _DIGITS else 1.0 for c in first.chars]
        out[i] = Read(first.box, False, first.chars, first.centres, probs, margins)
    return out


# ----------------------------------------------------------------------------------------------- words


def _mark_weak(read: Read, s: OcrSettings) -> list[str]:
    """The read's characters, each unsure digit written ``?`` so that no wrong number is read from it,
    and a digit that is a piece of a neighbouring glyph (see ``fragment_score``) dropped."""
    text = list(read.chars)
    wordy = any(c not in _LOOKALIKES and c != " " for c in text)
    for i, unsure in enumerate(_unsure(read, s)):
        c, p = text[i], read.probs[i]
        beside = text[1:2] if i == 0 else text[-2:-1] if i == len(text) - 1 else ["0"]
        if wordy and c in _DIGITS and p < s.fragment_score and not any(b in _DIGITS for b in beside):
            text[i] = ""
        elif unsure:
            text[i] = _WEAK
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


# ------------------------------------------------------------------------------------------------- API


def ocr_page(image: Image.Image, settings: OcrSettings = DEFAULT) -> tuple[list[Word], Rulings | None]:
    """A page image's words and, when it has drawn table lines, their rulings: both in the image's pixels
    (y down) of the straightened page; ([], None) when the page holds no text."""
    s = settings
    gray = to_gray(image)
    scale = min(1.0, s.work_width / gray.shape[1])
    if scale < 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = straighten(gray, skew_angle(gray))
    boxes = detect(gray, s)
    if not boxes:
        return [], None
    height = float(np.median([b[3] - b[1] for b in boxes]))
    rulings = find_rulings(gray, height)
    reads = second_opinion(gray, recognise(gray, boxes, height, s), height, s)
    centres = [((r.box[0] + r.box[2]) / 2, (r.box[1] + r.box[3]) / 2) for r in reads]
    missed = unread_cells(gray, rulings, centres, height)
    if missed:  # a cell of a table of counts is where a lone glyph goes missing: keep numbers only
        extra = recognise(gray, missed, height, s, pad_to=320)
        reads += second_opinion(gray, [r for r in extra if all(c in _NUMBER for c in r.chars)], height, s)
    words = [w for r in reads for w in words_of(r, rulings.vertical, height, s)]
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
