"""OCR: the one module that knows the engine (RapidOCR's PP-OCR models on ONNX Runtime).

``read_image(image) -> Page`` is the whole interface, so the engine can be swapped. The
models ship inside the ``rapidocr`` wheel; the engine is loaded once per process, on first
use, and never downloads anything (a missing model is an error, not a download).

Pages are turned upright around the reading: when the detected lines run sideways (a
photo taken at 90°) the page is turned and read again; the widest lines are recognised
once more turned round, and if that reads better the page was upside down and is read
again turned. Skew (a phone photo's lean) needs no second reading: each line is cut out
along its own slant, and only the boxes are levelled.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import threading
from pathlib import Path

from capture.document import Line, Page, Word
from capture.errors import UnreadableDocument

# The longest side the recogniser is given; receipts and A4 scans read well at this size.
MAX_SIDE = 2000
# The longest side the text detector works on: its memory grows with the square of this.
DETECTION_SIDE = 1024
MIN_SKEW_DEGREES = 0.4
MAX_SKEW_DEGREES = 25.0

_engine = None
_lock = threading.Lock()


def _load_engine():
    global _engine
    with _lock:
        if _engine is None:
            import rapidocr
            from rapidocr import RapidOCR

            models = Path(rapidocr.__file__).parent / "models"
            if not any(models.glob("*det*.onnx")) or not any(models.glob("*rec*.onnx")):
                raise RuntimeError(f"RapidOCR's models are missing from {models}; reinstall the rapidocr wheel.")
            _engine = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "Global.max_side_len": MAX_SIDE,
                    # Detection on at most DETECTION_SIDE pixels (the default scales narrow
                    # receipts *up* to 736 on their short side, which costs seconds and
                    # hundreds of MB); recognition still reads crops of the full-size image.
                    "Det.limit_type": "max",
                    "Det.limit_side_len": DETECTION_SIDE,
                    # One line at a time: a batch is padded to its widest line, which costs
                    # memory and, measured here, time.
                    "Rec.rec_batch_num": 1,
                    # One thread: measured on 2 shared cores, a second one mostly waits (more CPU
                    # time, no faster), and a worker's processes each get a core anyway.
                    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                }
            )
    return _engine


def release_memory() -> None:
    """Hand the memory a reading freed back to the system. glibc keeps freed blocks for reuse,
    so a worker's resting size would otherwise creep up document after document, and each
    peak sit on top of it. (Elsewhere than glibc this does nothing.)"""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _box_geometry(quad) -> tuple[float, float, float]:
    """Width, height and angle (degrees) of a detected quadrilateral (clockwise from top-left)."""
    (x0, y0), (x1, y1), (x2, y2), _ = quad
    width = math.hypot(x1 - x0, y1 - y0)
    height = math.hypot(x2 - x1, y2 - y1)
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    return width, height, angle


def _sideways(geometry) -> bool:
    tall = sum(1 for w, h, _ in geometry if h > 1.5 * w and h > 20)
    wide = sum(1 for w, h, _ in geometry if w > 1.5 * h and w > 20)
    return tall > wide


def _skew(geometry) -> float:
    """How far the lines lean, in degrees (positive: down to the right)."""
    angles = sorted(angle for w, h, angle in geometry if w > 3 * h and w > 40 and abs(angle) < MAX_SKEW_DEGREES)
    if len(angles) < 3:
        return 0.0
    skew = angles[len(angles) // 2]
    return skew if abs(skew) >= MIN_SKEW_DEGREES else 0.0


def _upside_down(engine, image, result) -> bool:
    """Whether the page reads better turned round: the widest lines are recognised again
    upside down, and the recogniser's confidence decides."""
    import numpy as np
    from PIL import Image

    lines = sorted(
        (
            (quad, score)
            for quad, text, score in zip(result.boxes, result.txts, result.scores, strict=True)
            if len(str(text).strip()) >= 4
        ),
        key=lambda pair: -(max(p[0] for p in pair[0]) - min(p[0] for p in pair[0])),
    )[:6]
    if len(lines) < 2:
        return False
    as_read, turned = [], []
    for quad, score in lines:
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        crop = image.crop((max(min(xs), 0), max(min(ys), 0), max(xs), max(ys))).transpose(Image.Transpose.ROTATE_180)
        again = engine(np.asarray(crop), use_det=False, use_cls=False, use_rec=True)
        scores = getattr(again, "scores", None) or (0.0,)
        as_read.append(float(score))
        turned.append(float(scores[0]))
    return sum(turned) / len(turned) > sum(as_read) / len(as_read) + 0.05


def _recognise(engine, image):
    import numpy as np

    return engine(np.asarray(image), use_det=True, use_cls=False, use_rec=True)


def read_image(image) -> Page:
    """Read a PIL image: upright it, OCR it, and return its lines of words (boxes 0..1)."""
    from PIL import Image

    engine = _load_engine()
    image = image.convert("RGB")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if min(image.size) < 16:
        raise UnreadableDocument("the image is too small to read.")
    # Most pages arrive upright: read first, and turn and read again only when the detected
    # lines run sideways or the recogniser reads them better upside down.
    turn = 0
    result = _recognise(engine, image)
    if _boxes(result) and _sideways([_box_geometry(q) for q in _boxes(result)]):
        turn = 90
        image = image.transpose(Image.Transpose.ROTATE_90)
        result = _recognise(engine, image)
    if _boxes(result) and _upside_down(engine, image, result):
        turn = (turn + 180) % 360
        image = image.transpose(Image.Transpose.ROTATE_180)
        result = _recognise(engine, image)
    width, height = image.size
    page = Page(number=1, width=float(width), height=float(height), lines=[], rotation=turn)
    if not _boxes(result) or getattr(result, "txts", None) is None:
        return page
    # A skewed photo is not rotated again: each line was cut out along its own slant for
    # the recogniser, and only the boxes are levelled here, so lines group correctly.
    skew = math.radians(_skew([_box_geometry(q) for q in _boxes(result)]))
    cos, sin, cx, cy = math.cos(skew), math.sin(skew), width / 2, height / 2
    segments = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
        text = " ".join(str(text).split())
        if not text:
            continue
        points = [(cx + (x - cx) * cos + (y - cy) * sin, cy - (x - cx) * sin + (y - cy) * cos) for x, y in quad]
        xs = [min(max(p[0] / width, 0.0), 1.0) for p in points]
        ys = [min(max(p[1] / height, 0.0), 1.0) for p in points]
        segments.append(segment_words(text, (min(xs), min(ys), max(xs), max(ys)), float(score)))
    page.lines = group_lines(segments)
    return page


def _boxes(result) -> list:
    boxes = getattr(result, "boxes", None)
    return [] if boxes is None else [[(float(x), float(y)) for x, y in quad] for quad in boxes]


def segment_words(text: str, box: tuple[float, float, float, float], confidence: float) -> list[Word]:
    """Split a run of text into words, sharing its box out by character count."""
    x0, y0, x1, y1 = box
    length = max(len(text), 1)
    words = []
    position = 0
    for token in text.split(" "):
        if token:
            start = x0 + (x1 - x0) * position / length
            end = x0 + (x1 - x0) * (position + len(token)) / length
            words.append(Word(text=token, box=(start, y0, end, y1), confidence=confidence))
        position += len(token) + 1
    return words


def group_lines(segments: list[list[Word]], *, slack: float = 0.5) -> list[Line]:
    """Put runs of words that sit on the same baseline into one line, left to right, and
    the lines top to bottom. ``slack`` is how far (in line heights) two runs' middles may
    differ and still be one line: OCR's boxes wobble, a text layer's don't (there a looser
    rule joins a label to the line above it when two columns' lines interleave)."""
    segments = [segment for segment in segments if segment]
    segments.sort(key=lambda seg: (seg[0].box[1] + seg[0].box[3]) / 2)
    lines: list[list[list[Word]]] = []
    for segment in segments:
        top, bottom = segment[0].box[1], segment[0].box[3]
        middle = (top + bottom) / 2
        placed = False
        for line in reversed(lines[-3:]):
            ref = line[0][0].box
            ref_middle = (ref[1] + ref[3]) / 2
            ref_height = ref[3] - ref[1]
            overlap = min(bottom, ref[3]) - max(top, ref[1])
            if abs(middle - ref_middle) < slack * min(bottom - top, ref_height) or overlap > (1.1 - slack) * min(bottom - top, ref_height):
                line.append(segment)
                placed = True
                break
        if not placed:
            lines.append([segment])
    result = []
    for line in lines:
        line.sort(key=lambda seg: seg[0].box[0])
        result.append(Line(words=[word for segment in line for word in segment]))
    return result
