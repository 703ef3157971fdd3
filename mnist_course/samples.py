"""Synthetic handwriting: digits drawn by code, put on paper, and "photographed".

The course needs pictures of handwritten digits that are not MNIST and not other people's photos:
to show the steps of lesson 06, and to test how well the course CNN reads new handwriting. This
module makes them:

- each digit is a few pen strokes through control points, in several letter forms (a 7 with or
  without a bar, an open or closed 4, a 1 with or without a flag, ...);
- a *writer* picks letter forms, slant, width, size and how unsteady the hand is;
- the strokes are drawn with a pen (width, ink colour, pencil grain) on a page (paper tint, texture,
  ruled or grid lines) or on a drawing canvas, or in chalk on a board;
- a *photo* of the page adds a lighting gradient, a shadow, a colour cast, a small rotation, blur,
  sensor noise and JPEG compression, and may store the camera's rotation in EXIF, as phones do.

Everything is random but repeatable: pass a ``numpy.random.Generator`` (or a seed).

Introduced in notebooks/06_your_own_handwriting.ipynb.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from scipy import ndimage

# =================================================================================================
# Letter forms: strokes through control points in a box 0.6 wide and 1 tall (y grows downwards)
# =================================================================================================


def _arc(cx, cy, rx, ry, start, end, count=14):
    """Points on an ellipse from angle ``start`` to ``end`` (degrees; 0 = right, 90 = down)."""
    angles = np.deg2rad(np.linspace(start, end, count))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


#: For each digit, its letter forms; each form is a list of strokes; each stroke a list of points.
FORMS: dict[int, dict[str, list[list[tuple[float, float]]]]] = {
    0: {
        "oval": [_arc(0.3, 0.5, 0.27, 0.49, -80, 290, 20)],
        "leaning": [[(x + 0.08 * (0.5 - y), y) for x, y in _arc(0.3, 0.5, 0.24, 0.49, -100, 268, 20)]],
    },
    1: {
        "stick": [[(0.3, 0.0), (0.3, 0.5), (0.3, 1.0)]],
        "flag": [[(0.1, 0.22), (0.22, 0.1), (0.34, 0.0), (0.34, 0.5), (0.34, 1.0)]],
        "serif": [[(0.12, 0.2), (0.34, 0.0), (0.34, 0.5), (0.34, 1.0)], [(0.12, 1.0), (0.56, 1.0)]],
    },
    2: {
        "plain": [[(0.04, 0.26), (0.14, 0.06), (0.32, 0.0), (0.5, 0.07), (0.56, 0.26), (0.46, 0.5),
                   (0.22, 0.76), (0.03, 0.99), (0.03, 0.99), (0.3, 0.99), (0.6, 0.98)]],
        "loop": [[(0.04, 0.26), (0.14, 0.06), (0.32, 0.0), (0.5, 0.07), (0.56, 0.26), (0.46, 0.5),
                  (0.2, 0.8), (0.06, 0.95), (0.12, 1.0), (0.2, 0.9), (0.14, 0.86), (0.3, 0.96), (0.6, 0.98)]],
    },
    3: {
        "round": [[(0.05, 0.12), (0.25, 0.0), (0.47, 0.06), (0.52, 0.24), (0.4, 0.42), (0.22, 0.48)],
                  [(0.22, 0.48), (0.45, 0.54), (0.57, 0.74), (0.45, 0.95), (0.25, 1.0), (0.03, 0.88)]],
        "flat": [[(0.04, 0.02), (0.3, 0.02), (0.55, 0.02), (0.55, 0.02), (0.26, 0.42), (0.26, 0.42),
                  (0.48, 0.5), (0.58, 0.72), (0.46, 0.94), (0.24, 1.0), (0.02, 0.88)]],
    },
    4: {
        "closed": [[(0.44, 1.0), (0.44, 0.5), (0.44, 0.0), (0.44, 0.0), (0.22, 0.35), (0.02, 0.68),
                    (0.02, 0.68), (0.3, 0.68), (0.62, 0.68)]],
        "open": [[(0.1, 0.0), (0.07, 0.3), (0.04, 0.62), (0.04, 0.62), (0.3, 0.62), (0.62, 0.62)],
                 [(0.46, 0.18), (0.46, 0.6), (0.46, 1.0)]],
    },
    5: {
        "bar": [[(0.12, 0.02), (0.09, 0.25), (0.07, 0.46), (0.07, 0.46), (0.3, 0.38), (0.5, 0.46),
                 (0.57, 0.7), (0.45, 0.94), (0.22, 1.0), (0.02, 0.9)],
                [(0.12, 0.02), (0.35, 0.02), (0.58, 0.02)]],
        "one_stroke": [[(0.58, 0.02), (0.35, 0.02), (0.12, 0.02), (0.12, 0.02), (0.08, 0.46), (0.08, 0.46),
                        (0.32, 0.38), (0.52, 0.48), (0.57, 0.72), (0.44, 0.95), (0.2, 1.0), (0.02, 0.9)]],
    },
    6: {
        "curly": [[(0.52, 0.06), (0.3, 0.1), (0.12, 0.35), (0.06, 0.62), (0.14, 0.9), (0.32, 1.0),
                   (0.52, 0.9), (0.56, 0.7), (0.44, 0.55), (0.26, 0.54), (0.09, 0.66)]],
        "straight": [[(0.45, 0.0), (0.3, 0.25), (0.14, 0.5), (0.08, 0.7), (0.16, 0.93), (0.34, 1.0),
                      (0.52, 0.9), (0.55, 0.72), (0.42, 0.58), (0.22, 0.6), (0.1, 0.72)]],
    },
    7: {
        "plain": [[(0.02, 0.03), (0.3, 0.02), (0.58, 0.02), (0.58, 0.02), (0.4, 0.5), (0.24, 1.0)]],
        "bar": [[(0.02, 0.03), (0.3, 0.02), (0.58, 0.02), (0.58, 0.02), (0.42, 0.5), (0.26, 1.0)],
                [(0.16, 0.52), (0.36, 0.51), (0.56, 0.5)]],
        "hook": [[(0.03, 0.16), (0.03, 0.04), (0.03, 0.04), (0.3, 0.03), (0.58, 0.03), (0.58, 0.03),
                  (0.36, 0.5), (0.22, 1.0)]],
    },
    8: {
        "figure": [[(0.5, 0.12), (0.3, 0.0), (0.1, 0.1), (0.12, 0.32), (0.3, 0.47), (0.5, 0.62),
                    (0.54, 0.86), (0.32, 1.0), (0.08, 0.88), (0.1, 0.64), (0.3, 0.48), (0.48, 0.32),
                    (0.51, 0.13)]],
        "two_loops": [_arc(0.3, 0.24, 0.2, 0.23, 90, 450, 16), _arc(0.3, 0.73, 0.26, 0.26, -90, 270, 18)],
    },
    9: {
        "straight": [_arc(0.29, 0.26, 0.25, 0.25, 5, 372, 16) + [(0.54, 0.3), (0.53, 0.65), (0.52, 1.0)]],
        "curved": [_arc(0.29, 0.26, 0.25, 0.25, 5, 372, 16) + [(0.54, 0.3), (0.52, 0.7), (0.4, 0.95), (0.16, 0.98)]],
    },
}


@dataclass(frozen=True)
class Writer:
    """How one person writes digits.

    Attributes:
        name: a short name, used as the style in reports.
        forms: the letter form of each digit (digits not named use their first form).
        slant: forward lean in degrees (positive leans right, like italic).
        width: how wide the digits are compared with the plain forms.
        wobble: how unsteady the hand is (random shift of control points, in digit heights).
        tilt: random rotation of each digit, in degrees (standard deviation).
    """

    name: str
    forms: dict
    slant: float = 0.0
    width: float = 1.0
    wobble: float = 0.015
    tilt: float = 3.0


#: The writers of the course's sample handwriting: different letter forms, slants and hands.
WRITERS = (
    Writer("neat", {}, slant=2, width=1.0, wobble=0.012, tilt=2),
    Writer("european", {1: "flag", 4: "open", 7: "bar", 9: "curved", 2: "plain", 5: "bar"}, slant=6, width=0.95,
           wobble=0.016, tilt=3),
    Writer("slanted", {0: "leaning", 1: "flag", 3: "flat", 6: "straight", 7: "hook"}, slant=18, width=0.8,
           wobble=0.016, tilt=3),
    Writer("round", {2: "loop", 4: "closed", 8: "two_loops", 5: "one_stroke"}, slant=-3, width=1.3, wobble=0.02,
           tilt=4),
    Writer("quick", {1: "serif", 4: "open", 7: "hook", 9: "curved", 3: "flat"}, slant=10, width=1.1, wobble=0.035,
           tilt=6),
    Writer("child", {1: "stick", 6: "straight", 8: "two_loops"}, slant=-6, width=1.2, wobble=0.05, tilt=8),
)

WRITER_NAMES = tuple(writer.name for writer in WRITERS)


def writer_named(name: str) -> Writer:
    """The writer with this name (one of ``WRITER_NAMES``)."""
    for writer in WRITERS:
        if writer.name == name:
            return writer
    raise ValueError(f"unknown writer {name!r}; choose one of: {', '.join(WRITER_NAMES)}")


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _smooth(points: np.ndarray, per_segment: int = 8) -> np.ndarray:
    """A Catmull-Rom curve through the points (repeated points make a sharp corner)."""
    if len(points) < 3:
        return points
    padded = np.vstack([points[0], points, points[-1]])
    t = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
    curve = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        curve.append(
            0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3)
        )
    curve.append(points[-1:])
    return np.vstack(curve)


def digit_strokes(digit: int, writer: Writer | str = "neat", seed=None) -> list[np.ndarray]:
    """The pen strokes of one handwritten digit, as smooth curves in a box about 1 tall.

    Args:
        digit: 0-9.
        writer: a :class:`Writer` or a name from ``WRITER_NAMES``.
        seed: an int or ``numpy.random.Generator`` for the hand's randomness.

    Returns:
        A list of ``(n, 2) float`` arrays of ``(x, y)`` points, y growing downwards.

    Used to make the pictures of notebooks/06_your_own_handwriting.ipynb and the benchmark.
    """
    rng = _rng(seed)
    writer = writer_named(writer) if isinstance(writer, str) else writer
    forms = FORMS[int(digit)]
    form = writer.forms.get(int(digit), next(iter(forms)))
    slant = np.tan(np.deg2rad(writer.slant + rng.normal(0, 3)))
    width = writer.width * rng.uniform(0.88, 1.12)
    angle = np.deg2rad(rng.normal(0, writer.tilt))
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    strokes = []
    for stroke in forms[form]:
        points = np.array(stroke, dtype=float)
        points = points + rng.normal(0, writer.wobble, points.shape)
        points[:, 0] = (points[:, 0] - 0.3) * width + slant * (0.5 - points[:, 1])
        points[:, 1] -= 0.5
        points = points @ rotation.T
        strokes.append(_smooth(points))
    return strokes


def draw_strokes(strokes, height: int, pen_width: float, canvas=None, origin=(0, 0), supersample: int = 3):
    """Draw strokes as ink coverage: ``float32`` in [0, 1], 1 = full ink.

    Args:
        strokes: from :func:`digit_strokes` (box about 1 tall, centred on 0).
        height: digit height in pixels.
        pen_width: pen width in pixels.
        canvas: ``(h, w) float32`` to draw into (a new one fitted to the digit if None).
        origin: ``(x, y)`` pixel position of the digit's centre on the canvas.

    Returns:
        The canvas with the digit drawn.

    Used to make the pictures of notebooks/06_your_own_handwriting.ipynb and the benchmark.
    """
    all_points = np.vstack(strokes) * height
    if canvas is None:
        margin = pen_width + 2
        low, high = all_points.min(axis=0) - margin, all_points.max(axis=0) + margin
        size = (int(np.ceil(high[1] - low[1])), int(np.ceil(high[0] - low[0])))
        canvas = np.zeros(size, np.float32)
        origin = (-low[0], -low[1])
    rows, cols = canvas.shape
    # Draw only the digit's own region, supersampled, then average it down (smooth edges).
    low = np.floor(all_points.min(axis=0) + origin - pen_width - 2).astype(int)
    high = np.ceil(all_points.max(axis=0) + origin + pen_width + 2).astype(int)
    left, top = max(low[0], 0), max(low[1], 0)
    right, bottom = min(high[0], cols), min(high[1], rows)
    if right <= left or bottom <= top:
        return canvas
    picture = Image.new("L", ((right - left) * supersample, (bottom - top) * supersample), 0)
    draw = ImageDraw.Draw(picture)
    width = max(1, int(round(pen_width * supersample)))
    for stroke in strokes:
        points = (stroke * height + origin - (left, top)) * supersample
        xy = [tuple(point) for point in points]
        draw.line(xy, fill=255, width=width, joint="curve")
        radius = width / 2
        for x, y in (xy[0], xy[-1]):  # round pen ends
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    small = picture.reduce(supersample) if supersample > 1 else picture
    coverage = np.asarray(small, np.float32)[: bottom - top, : right - left] / 255.0
    canvas[top:bottom, left:right] = np.maximum(canvas[top:bottom, left:right], coverage)
    return canvas


# =================================================================================================
# Pens, paper, canvas, board, camera
# =================================================================================================

#: Ink colours (RGB) of the pens in the samples.
INKS = {
    "black": (25, 25, 32),
    "blue": (28, 48, 150),
    "ballpoint": (45, 70, 175),
    "red": (175, 30, 40),
    "green": (25, 105, 60),
    "pencil": (95, 95, 100),
}

#: Paper colours (RGB).
PAPERS = {"white": (246, 246, 242), "cream": (242, 234, 212), "grey": (218, 218, 214), "squared": (244, 244, 246)}


@dataclass(frozen=True)
class Sample:
    """One synthetic picture and what it shows.

    Attributes:
        image: the picture, a ``PIL.Image``.
        label: the digit (or the digits, as a string, for a number).
        writer: the writer's name.
        kind: ``"canvas"``, ``"scan"``, ``"photo"`` or ``"chalk"``.
        details: what the picture was made with (pen, ink, paper, lines, ...).
    """

    image: Image.Image
    label: int | str
    writer: str
    kind: str
    details: dict


def _draw_text(text, writer, rng, height, pen_width, canvas, centre, spacing=0.8):
    """Draw a string of digits side by side, centred on ``centre``."""
    widths = [spacing * height * writer.width for _ in text]
    total = sum(widths)
    x = centre[0] - total / 2 + widths[0] / 2
    for character, width in zip(text, widths):
        strokes = digit_strokes(int(character), writer, rng)
        offset = (x + rng.normal(0, 0.03 * height), centre[1] + rng.normal(0, 0.04 * height))
        draw_strokes(strokes, height * rng.uniform(0.92, 1.06), pen_width, canvas, offset)
        x += width
    return canvas


def _paper(shape, paper_rgb, rng, lines: str, line_rgb=(150, 175, 220)):
    """A page: paper colour, fibre texture, and ruled or grid lines. ``(h, w, 3) float32`` 0-255."""
    rows, cols = shape
    texture = ndimage.gaussian_filter(rng.normal(0, 1, (rows, cols)).astype(np.float32), 1.2)
    texture = 1 + 0.025 * texture / (texture.std() + 1e-6)
    page = np.ones((rows, cols, 3), np.float32) * np.array(paper_rgb, np.float32) * texture[..., None]
    if lines != "none":
        spacing = rng.uniform(0.07, 0.11) * rows if lines == "ruled" else rng.uniform(0.045, 0.07) * rows
        thickness = max(1.0, rows / 500)
        strength = rng.uniform(0.35, 0.8)
        line_map = np.zeros((rows, cols), np.float32)
        phase = rng.uniform(0, spacing)
        y = np.arange(rows)[:, None]
        line_map = np.maximum(line_map, np.clip(thickness - np.abs((y - phase) % spacing - spacing / 2) + 0.5, 0, 1))
        if lines == "grid":
            x = np.arange(cols)[None, :]
            line_map = np.maximum(line_map, np.clip(thickness - np.abs((x - phase) % spacing - spacing / 2) + 0.5, 0, 1))
        line_map = np.broadcast_to(line_map, (rows, cols)) * strength
        tint = np.array(line_rgb, np.float32) / np.array(paper_rgb, np.float32)
        page = page * (1 - line_map[..., None] * (1 - tint))
    return page


def _ink_on(page, coverage, ink_rgb, rng, pencil=False):
    """Put ink on a page: multiply the paper by the ink's colour where the pen went."""
    if pencil:  # graphite is grainy and lighter
        grain = np.clip(rng.normal(0.75, 0.25, coverage.shape), 0, 1).astype(np.float32)
        coverage = coverage * ndimage.uniform_filter(grain, 2)
    paper_white = np.array((246, 246, 242), np.float32)
    colour = np.array(ink_rgb, np.float32) / paper_white
    return page * (1 - coverage[..., None] * (1 - colour))


def photograph(page: np.ndarray, rng, size=None, rotate=True) -> Image.Image:
    """Take a "phone photo" of a page: lighting gradient, shadow, colour cast, tilt, blur and noise.

    Args:
        page: ``(h, w, 3) float32`` 0-255.
        rng: ``numpy.random.Generator``.
        size: ``(width, height)`` of the photo (default: the page's size).
        rotate: tilt the camera by a few degrees.

    Returns:
        An RGB ``PIL.Image``.

    Used to make the pictures of notebooks/06_your_own_handwriting.ipynb and the benchmark.
    """
    rows, cols = page.shape[:2]
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
    y /= rows
    x /= cols
    angle = rng.uniform(0, 2 * np.pi)
    gradient = np.cos(angle) * (x - 0.5) + np.sin(angle) * (y - 0.5)
    light = rng.uniform(0.75, 1.0) + rng.uniform(0.15, 0.45) * gradient
    light -= rng.uniform(0.1, 0.3) * ((x - 0.5) ** 2 + (y - 0.5) ** 2)  # vignette: darker corners
    if rng.random() < 0.6:  # the shadow of a hand or a phone: a soft-edged dark half-plane
        shadow_angle = rng.uniform(0, 2 * np.pi)
        distance = np.cos(shadow_angle) * (x - 0.5) + np.sin(shadow_angle) * (y - 0.5) - rng.uniform(0.1, 0.4)
        softness = rng.uniform(0.02, 0.12)
        light *= 1 - rng.uniform(0.25, 0.5) * (1 / (1 + np.exp(-distance / softness)))
    cast = np.array([1.0, rng.uniform(0.93, 1.0), rng.uniform(0.8, 1.0)], np.float32)  # warm indoor light
    photo = page * light[..., None] * cast
    picture = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8), "RGB")
    if rotate:
        table = tuple(int(v) for v in rng.integers(40, 110, 3))
        picture = picture.rotate(rng.normal(0, 4), resample=Image.Resampling.BILINEAR, expand=False, fillcolor=table)
    if size is not None and size != picture.size:
        picture = picture.resize(size, Image.Resampling.BILINEAR)
    picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.3) * max(picture.size) / 1000))
    noisy = np.asarray(picture, np.float32) + rng.normal(0, rng.uniform(2, 7), (picture.size[1], picture.size[0], 1))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


def _placement(rng, shape, height):
    """A random centre for a digit of this height, anywhere it fits."""
    rows, cols = shape
    margin_x, margin_y = 0.5 * height + 4, 0.6 * height + 4
    return (rng.uniform(margin_x, max(margin_x + 1, cols - margin_x)), rng.uniform(margin_y, max(margin_y + 1, rows - margin_y)))


def make_sample(label, kind: str = "photo", writer: Writer | str = "neat", seed=None, size=None) -> Sample:
    """Make one synthetic picture of handwriting.

    Args:
        label: a digit 0-9, or a string of digits (``"2026"``) for a written number.
        kind: ``"canvas"`` (a drawing app: clean, any size, transparent or white), ``"scan"`` (a flat,
            evenly lit page with texture and lines), ``"photo"`` (a page photographed with a phone),
            ``"chalk"`` (light chalk on a dark board), ``"tight"`` (one digit cut tightly from a scanned
            form: it fills most of the picture and may touch the edges, often with a thick pen) or
            ``"lowres"`` (a digit stored at 8 to 64 pixels, then enlarged and softened).
        writer: a :class:`Writer` or one of ``WRITER_NAMES``.
        seed: an int or ``numpy.random.Generator``.
        size: ``(width, height)`` of the picture (default: chosen at random for the kind).

    Returns:
        A :class:`Sample`.

    Used to make the pictures of notebooks/06_your_own_handwriting.ipynb and the benchmark.
    """
    rng = _rng(seed)
    writer = writer_named(writer) if isinstance(writer, str) else writer
    text = str(label)
    if kind in ("tight", "lowres"):
        return _small_sample(int(label), kind, writer, rng, size)
    if size is None:
        size = {
            "canvas": tuple(int(v) for v in rng.choice([(280, 280), (400, 300), (600, 600), (1000, 800)])),
            "scan": (int(rng.integers(500, 900)), int(rng.integers(400, 700))),
            "photo": (1600, 1200),
            "chalk": (800, 600),
        }[kind]
    if kind == "photo":  # draw the page at a lower resolution, then "photograph" it at full size
        shape = (600, int(600 * size[0] / size[1]))
    else:
        shape = (size[1], size[0])
    rows, cols = shape
    height = rng.uniform(0.25, 0.8) * rows if len(text) == 1 else rng.uniform(0.15, 0.35) * rows
    height = min(height, 0.9 * cols / (0.8 * len(text) * writer.width + 0.3))
    pen_fraction = {"canvas": (0.03, 0.16), "scan": (0.02, 0.09), "photo": (0.02, 0.09), "chalk": (0.06, 0.13)}[kind]
    pen_width = max(1.0, rng.uniform(*pen_fraction) * height)
    width_needed = 0.8 * len(text) * height * writer.width
    if kind == "photo":  # the camera turns a little: keep the writing clear of the frame
        height = min(height, 0.7 * rows)
    centre = _placement(rng, shape, max(height, width_needed * 0.8 if len(text) > 1 else height) * (1.15 if kind == "photo" else 1))
    if len(text) > 1:
        centre = (np.clip(centre[0], width_needed / 2 + 4, cols - width_needed / 2 - 4), centre[1])
    coverage = _draw_text(text, writer, rng, height, pen_width, np.zeros(shape, np.float32), centre)
    details = {"height_px": round(float(height)), "pen_px": round(float(pen_width), 1), "size": tuple(size)}
    if kind == "canvas":
        ink = tuple(int(v) for v in rng.choice([(0, 0, 0), (20, 20, 20), (30, 60, 200), (200, 30, 30)]))
        transparent = rng.random() < 0.5
        rgba = np.zeros(shape + (4,), np.uint8)
        rgba[..., :3] = ink
        rgba[..., 3] = np.round(coverage * 255).astype(np.uint8)
        if not transparent:  # a white canvas: flatten onto white
            rgb = 255 - coverage[..., None] * (255 - np.array(ink, np.float32))
            picture = Image.fromarray(np.round(rgb).astype(np.uint8), "RGB")
        else:
            picture = Image.fromarray(rgba, "RGBA")
        details.update(ink=ink, transparent=transparent)
    elif kind == "chalk":
        board = np.array(rng.choice([(40, 60, 50), (30, 32, 36)]), np.float32)
        grain = np.clip(rng.normal(0.85, 0.2, coverage.shape), 0, 1).astype(np.float32)
        chalk = coverage * grain
        board_texture = 1 + 0.06 * ndimage.gaussian_filter(rng.normal(0, 1, shape), 3).astype(np.float32)
        rgb = board * board_texture[..., None] * (1 - chalk[..., None]) + 235 * chalk[..., None]
        smudge = ndimage.gaussian_filter(rng.random(shape).astype(np.float32), 25)
        rgb += 25 * (smudge - smudge.mean())[..., None] / (smudge.std() + 1e-6) * 0.3
        picture = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
        picture = picture.filter(ImageFilter.GaussianBlur(0.6))
        details.update(ink="chalk")
    else:
        ink_name = str(rng.choice(list(INKS)))
        paper_name = str(rng.choice(list(PAPERS)))
        lines = str(rng.choice(["none", "ruled", "grid"], p=[0.4, 0.35, 0.25]))
        if paper_name == "squared":
            lines = "grid"
        page = _paper(shape, PAPERS[paper_name], rng, lines)
        page = _ink_on(page, coverage, INKS[ink_name], rng, pencil=ink_name == "pencil")
        if rng.random() < 0.5:  # specks of dust and dirt
            specks = np.zeros(shape, np.float32)
            for _ in range(int(rng.integers(3, 15))):
                r, c = int(rng.integers(0, rows)), int(rng.integers(0, cols))
                specks[r : r + int(rng.integers(1, 4)), c : c + int(rng.integers(1, 4))] = rng.uniform(0.3, 0.8)
            page = page * (1 - 0.7 * specks[..., None])
        details.update(ink=ink_name, paper=paper_name, lines=lines)
        if kind == "photo":
            picture = photograph(page, rng, size=size)
        else:
            picture = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8), "RGB")
    return Sample(picture, label if len(text) > 1 else int(label), writer.name, kind, details)


#: Sizes of the small kinds: a tight crop is 24-120 pixels tall; a low-resolution digit is stored at
#: 8-64 pixels and enlarged 2-8 times, as when a small picture is zoomed in a viewer or an app.
TIGHT_HEIGHTS = (24, 120)
LOWRES_SIDES = (8, 64)


def _small_sample(label: int, kind: str, writer: Writer, rng, size=None) -> Sample:
    """A ``"tight"`` crop or a ``"lowres"`` digit (see :func:`make_sample`)."""
    # Draw the digit large on a page, then cut around its ink: what a form reader or a student's crop gives.
    rows = 200
    height = 0.8 * rows
    pen_width = rng.uniform(0.05, 0.22) * height if kind == "tight" else rng.uniform(0.05, 0.16) * height
    cols = int(rows * 0.9)
    coverage = _draw_text(str(label), writer, rng, height, pen_width, np.zeros((rows, cols), np.float32),
                          (cols / 2, rows / 2))
    filled_rows = np.flatnonzero(coverage.max(axis=1) > 0.3)
    filled_cols = np.flatnonzero(coverage.max(axis=0) > 0.3)
    top, bottom = filled_rows[0], filled_rows[-1] + 1
    left, right = filled_cols[0], filled_cols[-1] + 1
    # The crop's margin: from cutting into the stroke (negative) to a little paper around it.
    ink_height = bottom - top
    margins = rng.uniform(-0.04, 0.12, 4) * ink_height
    side = max(right - left, 0.55 * ink_height)  # forms have boxes: a 1 sits in a box wider than itself
    middle = (left + right) / 2
    box = (int(max(0, middle - side / 2 - margins[0])), int(max(0, top - margins[1])),
           int(min(cols, middle + side / 2 + margins[2])), int(min(rows, bottom + margins[3])))
    paper_name = str(rng.choice(["white", "cream", "grey"]))
    ink_name = str(rng.choice(["black", "blue", "ballpoint", "pencil"]))
    page = _paper((rows, cols), PAPERS[paper_name], rng, "none")
    page = _ink_on(page, coverage, INKS[ink_name], rng, pencil=ink_name == "pencil")
    picture = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8), "RGB").crop(box)
    light_on_dark = rng.random() < 0.2  # some forms and apps store light digits on black
    if light_on_dark:
        picture = Image.fromarray(255 - np.asarray(picture.convert("L")), "L")
    details = {"pen_px": round(float(pen_width), 1), "ink": ink_name, "paper": paper_name,
               "light_on_dark": light_on_dark}
    if kind == "tight":
        target = size or (None, int(rng.integers(*TIGHT_HEIGHTS)))
        scale = target[1] / picture.size[1]
        picture = picture.resize((max(8, round(picture.size[0] * scale)), target[1]), Image.Resampling.BOX)
        picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.0, 0.8)))
    else:
        stored = int(rng.integers(*LOWRES_SIDES))
        scale = stored / max(picture.size)
        small = picture.resize((max(4, round(picture.size[0] * scale)), max(4, round(picture.size[1] * scale))),
                               Image.Resampling.BOX)
        enlarge = float(rng.uniform(2, 8)) if size is None else size[1] / small.size[1]
        new_size = (max(8, round(small.size[0] * enlarge)), max(8, round(small.size[1] * enlarge)))
        method = rng.choice([Image.Resampling.BILINEAR, Image.Resampling.BICUBIC, Image.Resampling.NEAREST])
        picture = small.resize(new_size, method).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.5) * enlarge / 2))
        details.update(stored_px=stored, enlarged=round(enlarge, 1))
    details["size"] = picture.size
    return Sample(picture.convert("RGB"), label, writer.name, kind, details)


def encode(image: Image.Image, format: str = "JPEG", quality: int = 85, orientation: int | None = None) -> bytes:
    """Save a picture to bytes, as a camera or app would (JPEG quality, phone EXIF orientation).

    Args:
        image: a ``PIL.Image``.
        format: ``"JPEG"``, ``"PNG"``, ``"WEBP"``, ``"BMP"`` or ``"GIF"``.
        quality: JPEG/WebP quality.
        orientation: an EXIF orientation (6: the phone was turned right, 8: left, 3: upside down).
            The pixels are stored turned so that only a viewer that honours EXIF shows them upright.

    Returns:
        The file's bytes.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    buffer = io.BytesIO()
    options = {}
    if orientation in (3, 6, 8):
        # Store the pixels as the sensor saw them; EXIF says how to turn them upright.
        image = image.transpose({3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
                                 8: Image.Transpose.ROTATE_270}[orientation])
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
    if format.upper() in ("JPEG", "WEBP"):
        options["quality"] = int(quality)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    if format.upper() in ("BMP",) and image.mode == "RGBA":
        image = image.convert("RGB")
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def dataset(count_per_digit: int, kinds=("canvas", "scan", "photo", "chalk"), writers=WRITER_NAMES, seed=0):
    """Yield a varied set of samples: every digit, writer and kind, with random pens and pages.

    Yields:
        :class:`Sample` objects, ``count_per_digit * 10 * len(writers) * len(kinds)`` of them.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    rng = np.random.default_rng(seed)
    for kind in kinds:
        for writer in writers:
            for digit in range(10):
                for _ in range(count_per_digit):
                    yield make_sample(digit, kind=kind, writer=writer, seed=rng)


#: The sample pictures in ``assets/``: file name -> (label, kind, writer, seed, size, format, EXIF orientation).
ASSETS = {
    "photo_7.jpg": (7, "photo", "european", 7, (1024, 768), "JPEG", None),
    "photo_2026.jpg": ("2026", "photo", "neat", 2026, (1024, 768), "JPEG", None),
    "phone_9_exif.jpg": (9, "photo", "round", 9, (1024, 768), "JPEG", 6),
    "ballpoint_0.webp": (0, "photo", "quick", 10, (1024, 768), "WEBP", None),
    "pencil_5_scan.png": (5, "scan", "slanted", 5, (480, 360), "PNG", None),
    "canvas_3_transparent.png": (3, "canvas", "child", 3, (1000, 800), "PNG", None),
    "marker_2.png": (2, "canvas", "round", 22, (400, 300), "PNG", None),
    "chalk_4.jpg": (4, "chalk", "neat", 4, (800, 600), "JPEG", None),
    "tight_0.png": (0, "tight", "round", 13, None, "PNG", None),
    "lowres_8.png": (8, "lowres", "neat", 13, None, "PNG", None),
}


def make_assets(folder) -> list:
    """Write the course's sample pictures (``ASSETS``) into ``folder``; return their paths.

    Every picture is made by this module from fixed seeds, so anyone can make them again:
    ``python -c "from mnist_course import samples; samples.make_assets('assets')"``.

    Used to make the pictures of notebooks/06_your_own_handwriting.ipynb and the benchmark.
    """
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (label, kind, writer, seed, size, file_format, orientation) in ASSETS.items():
        sample = make_sample(label, kind=kind, writer=writer, seed=seed, size=size)
        image = sample.image
        if name.startswith("pencil"):  # force the pencil look for this one, whatever the seed chose
            rng = np.random.default_rng(seed)
            rows, cols = size[1], size[0]
            height = 0.6 * rows
            coverage = _draw_text(str(label), writer_named(writer), rng, height, 0.035 * height,
                                  np.zeros((rows, cols), np.float32), (0.45 * cols, 0.5 * rows))
            page = _paper((rows, cols), PAPERS["squared"], rng, "grid")
            image = Image.fromarray(np.clip(_ink_on(page, coverage, INKS["pencil"], rng, pencil=True), 0, 255)
                                    .astype(np.uint8), "RGB")
        if name.startswith("canvas"):  # a thin pen on a large transparent canvas, away from the centre
            rng = np.random.default_rng(seed)
            rows, cols = size[1], size[0]
            coverage = _draw_text(str(label), writer_named(writer), rng, 0.3 * rows, 4.0,
                                  np.zeros((rows, cols), np.float32), (0.72 * cols, 0.3 * rows))
            rgba = np.zeros((rows, cols, 4), np.uint8)
            rgba[..., 3] = np.round(coverage * 255).astype(np.uint8)
            image = Image.fromarray(rgba, "RGBA")
        if name.startswith("marker"):  # a thick marker, filling the picture
            rng = np.random.default_rng(seed)
            rows, cols = size[1], size[0]
            coverage = _draw_text(str(label), writer_named(writer), rng, 0.8 * rows, 0.16 * 0.8 * rows,
                                  np.zeros((rows, cols), np.float32), (0.5 * cols, 0.5 * rows))
            image = Image.fromarray(np.round(255 - 235 * coverage).astype(np.uint8), "L").convert("RGB")
        path = folder / name
        path.write_bytes(encode(image, file_format, quality=80, orientation=orientation))
        written.append(path)
    return written
