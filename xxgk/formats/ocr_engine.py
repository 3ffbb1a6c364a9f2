"""The OCR engine: RapidOCR's PP-OCRv4 detector and recogniser on onnxruntime, the settings of the whole
OCR step, and text-line detection.

The models ship inside the rapidocr-onnxruntime wheel (its ``models/`` folder): nothing is fetched at run
time. We drive them through onnxruntime ourselves, with RapidOCR's own box post-processing, rather than
through ``RapidOCR.__call__`` (see ``xxgk.formats.ocr`` for why), their graphs rewritten for
onnxruntime's CPU kernels first (``xxgk.formats.ocr_graph``). Loading takes about half a second, so the
engine is made once per process, on the first page that needs it.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import cv2
import numpy as np

from xxgk.formats.ocr_graph import faster
from xxgk.formats.scan import Box

T = TypeVar("T")
R = TypeVar("R")

THREADS = 2  # the engine's share of a machine: runs at once, one onnxruntime thread each

_DET_MODEL = "ch_PP-OCRv4_det_infer.onnx"
_REC_MODEL = "ch_PP-OCRv4_rec_infer.onnx"


@dataclass(frozen=True)
class OcrSettings:
    """Named defaults; pixel sizes are of the page as the step sees it."""

    work_width: int = 1800  # px: wider pages are scaled down first (A4 at 300 dpi → 220 dpi)
    # The detector's cost grows with the square of its scale. Measured on eight drawn and printed pages
    # (100-300 dpi, clean and scanned): text 8.5 px high lost whole tables, 10 px and up lost nothing
    # (its boxes cut at the rulings, see ``ocr.split_at_rulings``); the fixed 1152 px width used before
    # cost twice as much on the same pages, and a fixed width leaves small text on a wide page too small.
    det_text: float = 11.0  # px: the detector sees the page scaled so that a line of text is this high …
    det_width: int = 1152  # … or, when the page shows no text to measure, this wide …
    det_min_width: int = 320  # … and never narrower than this
    det_max_scale: float = 2.0  # small text is enlarged at most this much
    det_tile: int = 1536  # px at the detector's scale: a long page is detected in strips this tall …
    det_overlap: int = 160  # … overlapping by several lines of text; a page this tall …
    det_split: int = 480  # … is cut into one strip per thread at least, detected at once
    det_max_pixels: int = 60_000_000  # the detector's whole page at most (a long screenshot: 1152 x 52000)
    text_score: float = 0.5  # a line the recogniser scores lower is dropped (RapidOCR's default)
    rec_batch: int = 8  # crops per recogniser call (all of one width)
    # A digit is unsure when another digit is nearly as likely (its margin, 1 - rival / own, is small)
    # or it is hardly likely at all. Tuned on drawn pages at 120-200 dpi: the digits read wrong had
    # margins of 0.1 (60 as 50) and 0.6 (a blurred 0 as 9); some 0.2 % of those read right fall below.
    digit_margin: float = 0.8  # a digit with a smaller margin is written ? …
    digit_floor: float = 0.25  # … and one less likely than this
    # Two equal digits run together (5555 read as 555) show as one digit held over a digit's width
    # and more: on drawn pages at 100-200 dpi every such digit was held 3-6 time steps, and every digit
    # read right 1 or 2. Only a number with such a digit, or an unsure one, is read a second time.
    held_steps: int = 3
    fragment_score: float = 0.45  # a digit this unlikely at the end of a line of text, beside no other
    # digit, is a piece of the next glyph that the box cut through (三、4 for 三、 beside 收): dropped
    split_gap: float = 1.1  # line heights between two characters' centres that start a new word


DEFAULT = OcrSettings()


class Engine:
    """The two onnxruntime sessions and the recogniser's alphabet: loaded once per process."""

    def __init__(self) -> None:
        import onnxruntime as ort
        import rapidocr_onnxruntime
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess

        models = Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"

        opts = ort.SessionOptions()
        # One thread per run, THREADS runs at a time: the detector's strips of a page (each with its box
        # post-processing, which would leave a second intra-op thread idle) and the recogniser's batches,
        # too small to share one between threads.
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        # a spinning thread burns a core that a shared machine (tests, batch runs) needs elsewhere
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")

        def session(name: str) -> Any:
            """The model's graph rewritten for onnxruntime's CPU kernels (``ocr_graph``: the same
            function at about half the CPU); the shipped graph should the rewritten one not load."""
            shipped = (models / name).read_bytes()
            try:
                return ort.InferenceSession(faster(shipped), opts, providers=["CPUExecutionProvider"])
            except Exception:  # onnxruntime's own error types: a graph it refuses
                return ort.InferenceSession(shipped, opts, providers=["CPUExecutionProvider"])

        self.det: Any = session(_DET_MODEL)
        self.rec: Any = session(_REC_MODEL)
        self.pool = ThreadPoolExecutor(THREADS, thread_name_prefix="xxgk-ocr")
        self.pid = os.getpid()
        alphabet = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.chars: list[str] = ["", *alphabet, " "]  # CTC blank first, space last, as RapidOCR decodes
        self.index = {c: i for i, c in enumerate(self.chars)}
        # box_thresh below RapidOCR's 0.5: a lone thin digit scores low, and a false box reads as nothing
        self.post = DBPostProcess(
            thresh=0.3, box_thresh=0.3, max_candidates=2000, unclip_ratio=1.6, use_dilation=True
        )

    def map(self, fn: Callable[[T], R], items: list[T]) -> list[R]:
        """``fn`` over ``items`` on the engine's threads (in the caller's for a single item), in order."""
        if len(items) < 2:
            return [fn(x) for x in items]
        return list(self.pool.map(fn, items))


_engine: Engine | None = None
_lock = threading.Lock()


def engine() -> Engine:
    """The process's one engine, created on first use (loading the models takes about a second). A
    process forked from one that had an engine makes its own: threads do not survive a fork."""
    global _engine
    with _lock:
        if _engine is None or _engine.pid != os.getpid():
            _engine = Engine()
        return _engine


# ------------------------------------------------------------------------------------------- detection


def _detect_tile(tile: np.ndarray) -> list[np.ndarray]:
    eng = engine()
    x = (tile.astype(np.float32) / 127.5 - 1.0)[None, None].repeat(3, axis=1)
    pred = eng.det.run(None, {eng.det.get_inputs()[0].name: x})[0]
    quads, _ = eng.post(pred, tile.shape[:2])
    return list(quads)


def detection_scale(shape: tuple[int, int], text_height: float | None, s: OcrSettings = DEFAULT) -> float:
    """How much the detector enlarges (>1) or shrinks the page: text ``s.det_text`` high where the page's
    text height is known, else the page ``s.det_width`` wide; bounded by ``det_min_width``,
    ``det_max_scale`` and ``det_max_pixels`` (a thin sliver of a strip stays bounded too)."""
    h, w = shape
    ratio = s.det_text / text_height if text_height else s.det_width / w
    ratio = max(ratio, s.det_min_width / w)
    return min(ratio, s.det_max_scale, math.sqrt(s.det_max_pixels / (h * w)))


def strips(dh: int, s: OcrSettings = DEFAULT) -> list[tuple[int, int]]:
    """(top, bottom) of the horizontal strips in which the detector sees a page ``dh`` pixels tall at its
    scale: at most ``det_tile`` tall (give or take 32 px, the model's stride), overlapping by
    ``det_overlap``, and one per thread at least once the page is ``det_split`` tall, so that all
    threads work on one page; every strip's height a multiple of 32."""
    overlap = s.det_overlap
    n = 1 if dh <= s.det_tile else math.ceil((dh - overlap) / (s.det_tile - overlap))
    if n < THREADS and dh >= s.det_split:
        n = THREADS
    step = math.ceil((dh - overlap) / n / 32) * 32 if n > 1 else dh
    return [(k * step, min(dh, k * step + step + overlap)) for k in range(n)]


def detect(gray: np.ndarray, s: OcrSettings = DEFAULT, *, text_height: float | None = None) -> list[Box]:
    """Text-line boxes, axis-aligned (the page is straight), top to bottom.

    The detector sees the page at the scale ``detection_scale`` chooses, in overlapping horizontal
    strips (``strips``), on the engine's threads at once: a long screenshot of a whole report costs in
    proportion to its length and keeps its text readable. A box is taken from the strip whose middle
    part holds its centre."""
    h, w = gray.shape
    ratio = detection_scale((h, w), text_height, s)
    dw, dh = max(32, round(w * ratio / 32) * 32), max(32, round(h * ratio / 32) * 32)
    rx, ry = dw / w, dh / h
    small = cv2.resize(gray, (dw, dh), interpolation=cv2.INTER_AREA if ratio < 1 else cv2.INTER_LINEAR)
    parts = strips(dh, s)
    found = engine().map(lambda part: _detect_tile(small[part[0] : part[1]]), parts)
    boxes: list[Box] = []
    for k, ((top, bottom), quads) in enumerate(zip(parts, found, strict=True)):
        keep_from = top + s.det_overlap / 2 if k else 0
        keep_to = bottom - s.det_overlap / 2 if k < len(parts) - 1 else dh
        for q in quads:
            if not keep_from <= top + (q[:, 1].min() + q[:, 1].max()) / 2 < keep_to:
                continue
            x0, x1 = max(0, int(q[:, 0].min() / rx)), min(w, math.ceil(q[:, 0].max() / rx))
            y0, y1 = max(0, int((top + q[:, 1].min()) / ry)), min(h, math.ceil((top + q[:, 1].max()) / ry))
            if x1 - x0 > 3 and y1 - y0 > 3:
                boxes.append((x0, y0, x1, y1))
    return sorted(boxes, key=lambda b: (b[1], b[0]))
