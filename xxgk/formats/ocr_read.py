"""Recognition: text-line boxes of a page image → characters with their positions and scores, numbers
decoded over the digits alone, and the numbers the first reading may have got wrong read a second time.

Nothing here is allowed to read a wrong number silently: without a line around it the model cannot tell
a lone ``0`` from ``o`` or ``。``, so a token made only of digits and their look-alikes is decoded over the
digits alone, each scored with its look-alikes together; each digit keeps its margin over the next likeliest
digit, and how long the decoder held it (two equal digits run together, 5555 read as 555, show as one
digit held too long). ``xxgk.formats.ocr`` writes a digit still unsure after the second reading as ``?``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from xxgk.formats.ocr_engine import DEFAULT, Engine, OcrSettings, engine
from xxgk.formats.scan import Box

DIGITS = "0123456789"
NUMBER = DIGITS + ".,%"
# What a general decode may make of each character of a printed number. Not l / I / | / 一 for 1: those
# are also what a fragment of a ruling reads as, and must not become a digit.
_READS_AS: dict[str, str] = {
    **{d: d + chr(ord("０") + int(d)) for d in DIGITS},
    "0": "0０oO○〇。",
    ".": ".．",
    ",": ",，",
    "%": "%％",
}
LOOKALIKES = set("".join(_READS_AS.values()))
LINE = 48  # px: the height of the recogniser's input line
STEP = 8  # px of input per time step of its output


@cache
def _number_ids(eng: Engine) -> list[np.ndarray]:
    """For each number character (and the space between two numbers), the alphabet indices it reads as."""
    ids = [np.array([eng.index[c] for c in _READS_AS[n] if c in eng.index]) for n in NUMBER]
    return [*ids, np.array([eng.index[" "]])]


@dataclass
class Read:
    """One box read: its characters, each with its centre along the line (page pixels) and scores."""

    box: Box
    vertical: bool
    chars: list[str]
    centres: list[float]
    probs: list[float]
    margins: list[float]  # digits: 1 - (likeliest other digit) / (this digit); other characters: 1
    held: list[int]  # time steps the decoder held each character


def _line_shape(box: Box, height: float, stretch: float) -> tuple[int, bool]:
    """The width of the box's line image (see ``line_image``) and whether it is read as stacked squares:
    known before any pixel is resized, so that crops can be batched by width first."""
    x0, y0, x1, y1 = box
    h, w = y1 - y0, x1 - x0
    vertical = h >= 1.5 * w and h >= 1.8 * height
    if vertical:
        h, w = w, w * max(1, round(h / w))
    # A whole number of time steps, so crops of one width batch without padding (the model reads a
    # padded lone 0 as o); and five steps at least: in three a lone digit reads as nothing.
    return max(5 * STEP, round(LINE * w / h * stretch / STEP) * STEP), vertical


def line_image(gray: np.ndarray, box: Box, height: float, stretch: float = 1.0) -> tuple[np.ndarray, bool]:
    """The crop as a line 48 px high, ``stretch`` times as wide as its shape says. A tall box (characters
    stacked in a narrow cell: taller than wide and than two lines, since a lone digit's box is taller than
    wide too) is cut into squares laid side by side, to read as the horizontal line it would have been.

    Why not narrower: the glyphs already fill only some 55 % of the line (the detector's box has a margin,
    as in the model's training), so a digit spans two time steps; squeezed to 80 %, two equal digits run
    together (on drawn pages at 100-200 dpi, 3 of 112 prose lines lost a digit: 30000 read as 3000)."""
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    width, vertical = _line_shape(box, height, stretch)
    if vertical:
        h, w = crop.shape
        edges = np.linspace(0, h, max(1, round(h / w)) + 1).astype(int)
        crop = np.hstack([cv2.resize(crop[a:b], (w, w)) for a, b in itertools.pairwise(edges)])
    return cv2.resize(crop, (width, LINE), interpolation=cv2.INTER_CUBIC), vertical


def _greedy(probs: np.ndarray, labels: list[str]) -> tuple[list[int], list[str], list[float], list[int]]:
    """Greedy CTC decode (label 0 the blank): each character's first time step, text, score and the
    number of steps it is held."""
    steps: list[int] = []
    out: list[str] = []
    scores: list[float] = []
    held: list[int] = []
    prev = -1
    for t, i in enumerate(probs.argmax(axis=1).tolist()):
        if i != 0 and i == prev:
            held[-1] += 1
        elif i != 0:
            steps.append(t)
            out.append(labels[i])
            scores.append(float(probs[t, i]))
            held.append(1)
        prev = i
    return steps, out, scores, held


def read_probs(
    probs: np.ndarray, eng: Engine
) -> tuple[list[int], list[str], list[float], list[float], list[int]]:
    """The characters of one line: time steps, text, probabilities, margins and steps held (``Read``).

    A token of digits and look-alikes is decoded over the number characters alone, each with its
    look-alikes summed: the model's belief that a digit stands there, whatever glyph of it the general
    decode preferred. A digit's margin compares it with the likeliest other digit, since what makes a
    number wrong is one digit taken for another."""
    steps, text, scores, held = _greedy(probs, eng.chars)
    merged = np.stack([probs[:, 0], *(probs[:, ids].sum(axis=1) for ids in _number_ids(eng))], axis=1)
    apart = True
    if text and all(c in LOOKALIKES or c == " " for c in text) and set(text) != {" "}:
        spaces = text.count(" ")
        steps, text, scores, held = _greedy(merged, ["", *NUMBER, " "])
        apart = text.count(" ") == spaces  # else numbers ran together or split apart: none is sure
    keep = [j for j, c in enumerate(text) if c != " " or 0 < j < len(text) - 1]  # no outer spaces
    margins = []
    for j in keep:
        if text[j] not in DIGITS:
            margins.append(1.0)
            continue
        digits = merged[steps[j], 1 : len(DIGITS) + 1].copy()
        own, digits[int(text[j])] = float(digits[int(text[j])]), 0.0
        margins.append(1.0 - float(digits.max()) / own if apart and own > 0 else 0.0)
    pick = [steps[j] for j in keep], [text[j] for j in keep], [scores[j] for j in keep]
    return *pick, margins, [held[j] for j in keep]


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
    giving each narrow digit more time steps: both slower, and views of their own.

    Crops of one width go through the model together, ``rec_batch`` at a time; each batch is cut out,
    read and decoded on one of the engine's threads, the costliest first, so that the threads finish
    together and the page waits on no single long line at the end."""
    eng = engine()
    by_width: dict[int, list[int]] = {}
    for i, box in enumerate(boxes):
        by_width.setdefault(max(pad_to, _line_shape(box, height, stretch)[0]), []).append(i)
    batches = [
        (width, ids[k : k + s.rec_batch])
        for width, ids in by_width.items()
        for k in range(0, len(ids), s.rec_batch)
    ]
    batches.sort(key=lambda b: -b[0] * len(b[1]))

    def read(batch: tuple[int, list[int]]) -> list[Read]:
        width, ids = batch
        x = np.zeros((len(ids), 3, LINE, width), dtype=np.float32)  # padding: 0, as in training
        lines = [line_image(gray, boxes[i], height, stretch) for i in ids]
        for k, (img, _) in enumerate(lines):
            x[k, :, :, : img.shape[1]] = img.astype(np.float32) / 127.5 - 1.0
        probs = eng.rec.run(None, {eng.rec.get_inputs()[0].name: x})[0]
        step = width / probs.shape[1]  # input pixels per time step
        out = []
        for k, i in enumerate(ids):
            steps, text, chances, margins, held = read_probs(probs[k], eng)
            if not text or sum(chances) / len(chances) < s.text_score:
                continue
            (x0, y0, x1, y1), (img, vertical) = boxes[i], lines[k]
            start, along = (y0, y1 - y0) if vertical else (x0, x1 - x0)
            at = [start + min((t + 0.5) * step, img.shape[1]) / img.shape[1] * along for t in steps]
            out.append(Read(boxes[i], vertical, text, at, chances, margins, held))
        return out

    reads = [r for batch in eng.map(read, batches) for r in batch]
    return sorted(reads, key=lambda r: (r.box[1], r.box[0]))


def unsure(read: Read, s: OcrSettings = DEFAULT) -> list[bool]:
    """Which characters are digits the model is unsure of (see ``OcrSettings.digit_margin``)."""
    return [
        c in DIGITS and (m < s.digit_margin or p < s.digit_floor)
        for c, p, m in zip(read.chars, read.probs, read.margins, strict=True)
    ]


def doubtful(read: Read, s: OcrSettings = DEFAULT) -> bool:
    """A number worth a second reading: one of its digits is unsure, or held so long that it may be two."""
    return (
        not read.vertical
        and all(c in NUMBER or c == " " for c in read.chars)
        and (
            any(unsure(read, s))
            or any(c in DIGITS and n >= s.held_steps for c, n in zip(read.chars, read.held, strict=True))
        )
    )


def second_opinion(
    gray: np.ndarray, reads: list[Read], height: float, s: OcrSettings = DEFAULT
) -> list[Read]:
    """Doubtful numbers read again, twice as wide. Where both readings agree each
    digit keeps the better of its two scores; where they differ, every digit is unsure. A second reading
    may confirm a number, never change one."""
    again_ids = [i for i, r in enumerate(reads) if doubtful(r, s)]
    if not again_ids:
        return reads
    boxes = [reads[i].box for i in again_ids]
    again = {r.box: r for r in recognise(gray, boxes, height, s, stretch=2.0)}
    out = list(reads)
    for i in again_ids:
        first, other = reads[i], again.get(reads[i].box)
        if other is None:  # the wider view read nothing: no opinion
            continue
        if other.chars == first.chars:
            probs = [max(a, b) for a, b in zip(first.probs, other.probs, strict=True)]
            margins = [max(a, b) for a, b in zip(first.margins, other.margins, strict=True)]
        else:
            probs, margins = first.probs, [0.0 if c in DIGITS else 1.0 for c in first.chars]
        out[i] = Read(first.box, False, first.chars, first.centres, probs, margins, first.held)
    return out
