"""Any photo or drawing of a digit to a 28x28 MNIST-style image, one visible step at a time.

MNIST digits are light ink on a dark background, scaled to fit a 20x20 box and centred by their
centre of mass in a 28x28 image. A model trained on MNIST only works on your own digits after
they are brought to the same form. The steps (each kept for teaching):

1. read: any file, bytes, PIL image or NumPy array; phone orientation (EXIF) applied; large JPEGs
   are decoded at a reduced size, which is both fast and enough for a digit;
2. greyscale: one brightness number per pixel (transparent pixels become paper);
3. background: the paper, estimated at low resolution, so that lighting and shadows divide out;
4. ink: how much darker than the paper each pixel is (light-on-dark pictures are turned round);
5. mask: pixels that are clearly ink; ruled and grid lines and specks are removed (the lines
   taken out are kept too, as the step ``lines``);
6. digit: the cleaned ink, cropped to the digit;
7. stroke: the pen width brought near MNIST's (thin pens thickened, markers thinned);
8. box: fitted into a 20x20 box, keeping the shape;
9. mnist: placed in 28x28 with its centre of mass in the middle.

Introduced in notebooks/06_your_own_handwriting.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from scipy import ndimage

# Reading is its own module. These public names can also be used from here (``handwriting.open_image``).
from mnist_course.images import (  # noqa: F401
    MIN_SIDE,
    WORKING_SIZE,
    HandwritingError,
    ImageReadError,
    open_image,
    read_grey,
    to_grey,
)

# --- sizes -------------------------------------------------------------------------------------

#: MNIST fits each digit into a box of this many pixels ...
BOX_SIZE = 20
#: ... and places the box in an image of this size.
MNIST_SIZE = 28
#: The digit is drawn this many times larger than the 20x20 box while its stroke width is adjusted.
_DETAIL = 4
#: MNIST's typical stroke width as a fraction of the digit's height (measured on MNIST's training
#: digits with the same measure, :func:`stroke_width`, at the same scale).
MNIST_STROKE_FRACTION = 0.15
#: In the detail picture (values 0 to 1), a pixel above this is ink. The stroke width is measured on
#: these ink pixels, and thinning a stroke must keep enough of them.
INK_CUTOFF = 0.35
#: A picture whose shorter side is under this many pixels (an MNIST digit, an icon) is too small to
#: hold page lines or shadows: no lines are looked for, and the paper is one flat brightness.
SMALL_PICTURE = 64
#: Where MNIST puts the centre of mass of a digit (row, column); the average over its training set.
MNIST_CENTRE = (14.0, 14.0)


class BlankImageError(HandwritingError):
    """The picture has no ink that could be a digit."""


@dataclass
class Preprocessed:
    """The result of :func:`preprocess`: the 28x28 digit and every step that led to it.

    Attributes:
        image: ``(28, 28) float32`` in [0, 1], light digit on black, ready for the model.
        steps: ordered ``{name: array}`` of intermediate pictures (greyscale ``float32`` in [0, 1],
            except ``"original"``, which is the picture as read, as ``uint8``). ``"lines"`` is 1 where
            a page line was taken out (all 0 when there was none or ``Cleanup.lines`` is off).
        dark_ink: True when the ink was darker than the paper (the picture was turned round).
        stroke_width: stroke width before and after adjustment, in pixels of the 80x80 detail box.
        box: ``(top, left, bottom, right)`` of the digit in the working picture.
        plain: ``(28, 28) float32``: the same digit through the plain recipe (:func:`plain_view`, no
            clean-up). :func:`predict` reads both views and averages the model's answers, so a clean-up
            step that was not needed cannot ruin a picture.
    """

    image: np.ndarray
    steps: dict = field(default_factory=dict)
    dark_ink: bool = True
    stroke_width: tuple = (0.0, 0.0)
    box: tuple = (0, 0, 0, 0)
    plain: np.ndarray | None = None

    @property
    def views(self) -> np.ndarray:
        """``(2, 28, 28)``: the cleaned view and the plain view (``(1, 28, 28)`` when there is no plain view)."""
        return np.stack([self.image] if self.plain is None else [self.image, self.plain])


@dataclass(frozen=True)
class Cleanup:
    """Which clean-up steps run on top of the plain pipeline (:func:`simple_to_mnist`).

    Each one can be turned off to measure what it is worth (``bench/benchmark_handwriting.py
    --ablation`` does that on every kind of picture).

    Attributes:
        lighting: divide by the paper's own brightness under each pixel, so that uneven light and
            shadows of a phone photo do not look like ink. Off: the paper is one flat level.
        lines: remove ruled and grid lines of the page.
        specks: drop specks of dirt and what lies along the frame (a table edge, a page edge).
        stroke: bring the pen width near MNIST's (thicken a thin pen, thin a marker).
    """

    lighting: bool = True
    lines: bool = True
    specks: bool = True
    stroke: bool = True


FULL_CLEANUP = Cleanup()


def simple_to_mnist(source, invert: bool | None = None) -> np.ndarray:
    """The plain MNIST recipe in a few lines: ink side from the border, crop, fit 20x20, centre of mass.

    No clean-up at all: this is the baseline every step of :func:`preprocess` is measured against,
    and the second view of every picture that :func:`predict` reads (the safety net).

    Args:
        source: anything :func:`~mnist_course.images.read_grey` reads (path, bytes, PIL image, array).
        invert: None takes the ink side from the border; True: dark ink on light paper; False: light ink.

    Returns:
        ``(28, 28) float32`` in [0, 1], light digit on black.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    _, grey = read_grey(source)
    return plain_view(grey, invert)


def plain_view(grey: np.ndarray, dark_ink: bool | None = None) -> np.ndarray:
    """:func:`simple_to_mnist` on a greyscale picture that is already read (``(h, w) float32`` in [0, 1]).

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    if dark_ink is None:
        dark_ink = bool(np.median(frame(grey)) > 0.5)  # the paper is the border
    ink = 1.0 - grey if dark_ink else grey  # make the ink light
    paper = np.median(frame(ink))
    ink = np.clip((ink - paper) / max(float(ink.max() - paper), 1e-3), 0, 1)  # paper 0, darkest ink 1
    if ink.max() < 0.5:
        return np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)  # no ink found
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.5), np.flatnonzero(ink.max(axis=0) > 0.5)
    digit = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # crop to the ink
    scale = BOX_SIZE / max(digit.shape)  # the longer side becomes 20 pixels
    size = (max(1, round(digit.shape[1] * scale)), max(1, round(digit.shape[0] * scale)))
    box = np.asarray(Image.fromarray(digit.astype(np.float32), mode="F").resize(size, Image.Resampling.LANCZOS))
    return centre_by_mass(np.clip(box, 0, 1))


# =================================================================================================
# 1. Cleaning: ink side, background, ink, mask, lines and specks
# =================================================================================================

def _block_mean(grey: np.ndarray, step: int) -> np.ndarray:
    """Average ``step x step`` blocks (the edge rows and columns that do not fill a block are dropped)."""
    if step <= 1:
        return grey
    height, width = grey.shape
    cropped = grey[: height - height % step, : width - width % step]
    return cropped.reshape(cropped.shape[0] // step, step, cropped.shape[1] // step, step).mean(axis=(1, 3))


def _background_step(shape) -> int:
    """How many pixels a side of one block has when the picture is made smaller to study its paper.

    4 (blocks of 4x4 pixels), or 1 for a small picture, which is used as it is.
    """
    return 4 if min(shape) >= SMALL_PICTURE else 1


#: The paper along the frame of a scan, a crop or a drawing varies less than this; a photo's light varies more.
EVEN_LIGHT = 0.08


def frame(picture: np.ndarray) -> np.ndarray:
    """The pixels along the four edges of a picture, as one flat array."""
    return np.concatenate([picture[0], picture[-1], picture[:, 0], picture[:, -1]])


def _even(paper: np.ndarray) -> bool:
    """True when most of ``paper`` has one brightness (its median distance from the median is small).

    Unlike :func:`spread`, the soft edges of strokes that cross the frame do not count.
    """
    return len(paper) > 0 and float(np.median(np.abs(paper - np.median(paper)))) < EVEN_LIGHT / 2.5


def spread(values: np.ndarray) -> float:
    """How much ``values`` vary: the distance from their 5th to their 95th percentile (0 for none)."""
    if len(values) == 0:
        return 0.0
    low, high = np.percentile(values, [5, 95])
    return float(high - low)


#: The frame of a picture is nearly all paper, even when the digit fills the picture and touches it.
#: When at least this share of the frame is on one side of the ink/paper threshold, that side is paper.
BORDER_DECIDES = 0.9
#: A tight crop of a thick digit: the frame is mostly bright, even paper, and brighter than the picture
#: as a whole (the ink fills the middle). Then the ink is dark even though the ink crosses the frame
#: in many places. (A mostly dark frame is not decided this way: in a photo it is often a table.)
TIGHT_FRAME_BRIGHT = 0.7


def otsu_threshold(values: np.ndarray, bins: int = 64) -> float:
    """The brightness that best splits ``values`` into two groups (Otsu's method): ink and paper.

    A step inside ``ink_is_dark``, ``evenly_lit`` and ``noise_floor``; notebooks/06_your_own_handwriting.ipynb
    uses ``ink_is_dark``.
    """
    counts, edges = np.histogram(values, bins=bins, range=(float(values.min()), float(values.max()) + 1e-6))
    centres = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts)
    weight_high = weight_low[-1] - weight_low
    mean_low = np.cumsum(counts * centres) / np.maximum(weight_low, 1)
    mean_high = (np.sum(counts * centres) - np.cumsum(counts * centres)) / np.maximum(weight_high, 1)
    between = weight_low * weight_high * (mean_low - mean_high) ** 2  # spread between the two groups
    return float(edges[int(np.argmax(between)) + 1])


def ink_is_dark(grey: np.ndarray) -> bool:
    """Decide whether the ink is darker than the paper (the usual pen on paper) or lighter (chalk, MNIST).

    First the frame: in a scan, a crop or a drawing it is evenly lit paper, even when the digit
    fills the picture, so if nearly all of it is bright the ink is dark, and the other way round.
    A tight crop of a thick digit has ink across much of its frame: when most of the frame is even,
    bright paper, clearly brighter than the picture as a whole, the ink is dark too.
    When the frame is mixed or unevenly lit (a photo with a table or a shadow along its edge), the ink
    is the side whose extreme pixels lie further from the paper around them (looked at on a smaller
    copy, which averages away noise).

    Args:
        grey: ``(h, w) float32`` in [0, 1].

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    border = frame(grey)
    threshold = otsu_threshold(grey)
    bright = border > threshold
    bright_share = float(bright.mean())
    paper = border[bright] if bright_share >= 0.5 else border[~bright]
    if max(bright_share, 1.0 - bright_share) >= BORDER_DECIDES and spread(paper) < EVEN_LIGHT:
        return bright_share >= 0.5
    if bright_share >= TIGHT_FRAME_BRIGHT and _even(paper) and bright_share >= float(np.mean(grey > threshold)) + 0.1:
        return True
    small = _block_mean(grey, _background_step(grey.shape)).astype(np.float32)
    # Divide by a heavy blur: lighting and shadows change slowly and divide out; the ink stays.
    lighting = ndimage.gaussian_filter(small, sigma=max(small.shape) / 8, mode="nearest")
    relative = (small + 0.05) / (lighting + 0.05)
    low, high = np.percentile(relative, [0.5, 99.5])
    darker = 1.0 - float(low)
    lighter = float(high) - 1.0
    if darker > 1.5 * lighter:
        return True
    if lighter > 1.5 * darker:
        return False
    return float(np.median(small)) >= 0.5


def evenly_lit(paper: np.ndarray) -> bool:
    """True when the paper along the frame has one brightness: a scan, a crop or a drawing, not a photo.

    Args:
        paper: ``(h, w) float32``, dark ink on light paper.

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    border = frame(paper)
    threshold = otsu_threshold(paper)
    bright = border[border > threshold]  # the paper of the frame, without the ink that crosses it
    if len(bright) >= 0.8 * len(border) and spread(bright) < EVEN_LIGHT:
        return True
    # A digit that fills the picture crosses much of the frame. Then look at the paper inside: the
    # brightest pixels of each part of a 4x4 grid are paper, and under even light they match.
    return paper_level_change(paper, threshold) < EVEN_PAPER_CELLS


#: The picture is cut into this many parts along each side to compare the paper's brightness between them.
LIGHT_GRID = 4
#: Under even light the brighter half of the parts' paper levels lie within this of each other.
EVEN_PAPER_CELLS = 0.04


def paper_level_change(paper: np.ndarray, threshold: float | None = None) -> float:
    """How much the paper's brightness changes across the picture (the lighting), in [0, 1].

    The picture is cut into a 4x4 grid; the 95th percentile of each part is its paper level (some
    paper shows in most parts, even when a thick digit fills the picture). The answer is the
    spread of the middle half of the levels brighter than Otsu's split between ink and paper: parts
    that a thick stroke fills do not count, a gradient or a shadow over a quarter of the picture does.

    Args:
        paper: ``(h, w) float32``, dark ink on light paper.
        threshold: Otsu's split of ``paper`` when it is already known (found here otherwise).

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    height, width = paper.shape
    levels = [
        np.percentile(paper[row * height // LIGHT_GRID : (row + 1) * height // LIGHT_GRID,
                            col * width // LIGHT_GRID : (col + 1) * width // LIGHT_GRID], 95)
        for row in range(LIGHT_GRID) for col in range(LIGHT_GRID)
    ]
    levels = np.array(levels)
    if threshold is None:  # (evenly_lit passes the one it has already found)
        threshold = otsu_threshold(paper)
    paper_levels = levels[levels > threshold]  # parts that a thick stroke fills are not paper
    if len(paper_levels) < LIGHT_GRID:
        paper_levels = levels
    low, high = np.percentile(paper_levels, [25, 75])
    return float(high - low)


def estimate_background(paper: np.ndarray) -> np.ndarray:
    """Estimate the brightness of the bare paper under each pixel (lighting, shadows, tint).

    Works at quarter resolution: a grey closing (a maximum then a minimum filter) wipes out dark
    strokes narrower than the filter, and what is left is the paper.

    Args:
        paper: ``(h, w) float32``, dark ink on light paper.

    Returns:
        ``(h, w) float32``, the paper brightness.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    height, width = paper.shape
    step = _background_step(paper.shape)
    if step == 1:  # a small picture (an MNIST digit, an icon) is too small to hold shadows: flat paper
        return flat_background(paper)
    if evenly_lit(paper):
        # A scan, a crop or a drawing: one flat paper level. A closing would take a stroke that is
        # wide next to the picture (a marker, a tight crop, an enlarged small image) for paper.
        return flat_background(paper)
    small = _block_mean(paper, step).astype(np.float32)
    size = max(3, round(max(small.shape) / 7))
    background = ndimage.grey_closing(small, size=(size, size))
    background = ndimage.uniform_filter(background, size=3)
    if background.shape != paper.shape:
        picture = Image.fromarray(np.ascontiguousarray(background, dtype=np.float32), mode="F")
        background = np.asarray(picture.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)
    # Never darker than the pixel itself: the paper is at least as bright as what lies on it.
    return np.maximum(background, paper).astype(np.float32)


def flat_background(paper: np.ndarray) -> np.ndarray:
    """The paper as one flat brightness (its 75th percentile), never darker than the pixel itself.

    Right for a small picture or a clean drawing, which has no shadows to follow.

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    return np.maximum(np.full_like(paper, np.percentile(paper, 75)), paper).astype(np.float32)


def ink_from_background(paper: np.ndarray, background: np.ndarray) -> np.ndarray:
    """How much light the ink takes away from the paper: ``1 - paper / background``, in [0, 1].

    Dividing (not subtracting) makes the answer the same in bright light and in shadow.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    return np.clip(1.0 - paper / np.maximum(background, 0.04), 0.0, 1.0).astype(np.float32)


def _touches_ends(region, axis: int, extent: int) -> bool:
    """True when a piece reaches an edge of the picture along the line's direction."""
    return region[axis].start == 0 or region[axis].stop == extent


def _fit_line(piece: np.ndarray, axis: int):
    """Fit a straight line to a piece of ink that runs along ``axis`` (1: horizontal, 0: vertical).

    Uses the mean position of the ink across the line at each step along it, where the ink is thin
    (not where a digit's stroke crosses the line), fitted twice to ignore what is off the line.

    Returns:
        ``(slope, intercept, thickness, straight_fraction)``: the line ``across = slope * along +
        intercept`` in the piece's own coordinates, its thickness in pixels, and the fraction of
        positions along it that lie on the line.
    """
    piece = piece if axis == 1 else piece.T  # now the line runs along the columns
    counts = piece.sum(axis=0)
    along = np.flatnonzero(counts)
    if len(along) < 10:
        return 0.0, 0.0, 0.0, 0.0
    rows = np.arange(piece.shape[0], dtype=float)[:, None]
    across = (piece * rows).sum(axis=0)[along] / counts[along]
    # Where a digit's stroke touches the line, the ink is thicker there: fit where it is thin.
    inliers = counts[along] <= 2 * np.median(counts[along]) + 1
    for _ in range(2):
        slope, intercept = np.polyfit(along[inliers].astype(float), across[inliers], 1)
        residual = np.abs(across - (slope * along + intercept))
        inliers = residual < 2.0
        if inliers.sum() < 10:
            return 0.0, 0.0, 0.0, 0.0
    thickness = float(np.median(counts[along][inliers]))
    return float(slope), float(intercept), thickness, float(inliers.mean()) * len(along) / piece.shape[1]


def _line_pixels(piece: np.ndarray, axis: int, slope: float, intercept: float, thickness: float) -> np.ndarray:
    """The pixels of ``piece`` that lie on the fitted line (within half its thickness plus one)."""
    rows, cols = np.indices(piece.shape)
    along, across = (cols, rows) if axis == 1 else (rows, cols)
    return piece & (np.abs(across - (slope * along + intercept)) <= thickness / 2 + 1.0)


#: A page line is looked for with a straight probe this long: an eighth of the picture's side ...
LINE_PROBE_PARTS = 8
#: ... and never shorter than this many pixels.
LINE_PROBE_MIN = 15
#: Before the probe is tried, the ink is widened across the line to this many pixels (4 each way),
#: so that lines tilted up to about 7 degrees still fit the straight probe.
LINE_TILT_WIDENING = 9
#: Faint printed lines have small gaps: gaps shorter than this many pixels along a line are bridged.
LINE_GAP = 7
#: A line crosses at least this share of the picture (a digit's stroke is shorter) ...
LINE_SPAN = 0.75
#: ... or at least this share when it runs off an edge of the picture (a page seen at a slant).
#: A row (column) with less ink than this share of the picture holds no line.
LINE_SPAN_AT_EDGE = 0.45
#: At least this share of a line's length lies on the straight line fitted to it.
LINE_STRAIGHT = 0.6
#: A line is at most this share of the picture's side thick ...
LINE_THICKNESS_SHARE = 0.015
#: ... plus this many pixels (a pen stroke is thicker).
LINE_THICKNESS_EXTRA = 2
#: Only pixels near the fitted line are removed: within half its thickness plus one pixel. The thickness
#: used for this is at most this many pixels.
LINE_MAX_THICKNESS = 5.0
#: One line alone (not one of several parallel lines) may be a long stroke, such as a tall 1. It is
#: removed only when it crosses at least this share of the picture ...
LONE_LINE_SPAN = 0.95
#: ... and at least this many pixels of ink are left without it.
LONE_LINE_INK_LEFT = 20
#: A line pixel is given back to a stroke when the stroke's ink lies within 4 pixels of it on both
#: sides, across the line (a closing this many pixels wide).
HEAL_ACROSS = 9
#: A stroke crosses a line in a short gap. A stretch this long or longer along the line is a stroke
#: that runs beside the line: it is not given back.
HEAL_ALONG = 13


def _find_line_candidates(evidence: np.ndarray, axis: int) -> list:
    """Long, nearly straight pieces of ink along ``axis`` (1: horizontal, 0: vertical) that may be page lines.

    A morphological opening with a long thin probe keeps only the ink the probe fits into (the ink is
    first widened across the line, so that slightly tilted lines still fit). Pieces close to each other
    along the line are joined, and those that cross enough of the picture are kept.

    Returns:
        A list of ``(region, piece)``: the piece's box (a pair of slices) and its ink in that box (``bool``).
    """
    extent = evidence.shape[axis]
    length = max(LINE_PROBE_MIN, extent // LINE_PROBE_PARTS)
    widened = ndimage.maximum_filter1d(evidence, size=LINE_TILT_WIDENING, axis=1 - axis)
    widened = ndimage.maximum_filter1d(widened, size=LINE_GAP, axis=axis)  # bridge small gaps in faint lines
    if widened.sum(axis=axis).max() < LINE_SPAN_AT_EDGE * extent:
        return []  # no row (column) has enough ink to hold a line
    runs = ndimage.minimum_filter1d(widened, size=length, axis=axis)  # erosion along the line
    found = ndimage.maximum_filter1d(runs, size=length, axis=axis) & evidence  # dilation: the opening
    if not found.any():
        return []
    # Faint lines have gaps: join pieces less than LINE_GAP pixels apart along the line before measuring them.
    joined = ndimage.maximum_filter1d(found, size=LINE_GAP, axis=axis)
    labels, _count = ndimage.label(joined, structure=np.ones((3, 3)))  # pixels that touch, corners too
    candidates = []
    for index, region in enumerate(ndimage.find_objects(labels), start=1):
        span = (region[axis].stop - region[axis].start) / extent
        if span < LINE_SPAN and not (span >= LINE_SPAN_AT_EDGE and _touches_ends(region, axis, extent)):
            continue
        candidates.append((region, (labels[region] == index) & found[region]))
    return candidates


def _fit_lines(candidates: list, axis: int, extent: int) -> list:
    """Fit a straight line to each candidate and keep those that are thin and straight over most of their length.

    Args:
        candidates: ``(region, piece)`` pairs from :func:`_find_line_candidates`.
        extent: the picture's size along the lines, in pixels.

    Returns:
        A list of ``(region, pixels)``: only the pixels of each piece that lie on its fitted line.
    """
    lines = []
    for region, piece in candidates:
        slope, intercept, thickness, straight = _fit_line(piece, axis)
        if straight >= LINE_STRAIGHT and thickness <= LINE_THICKNESS_SHARE * extent + LINE_THICKNESS_EXTRA:
            pixels = _line_pixels(piece, axis, slope, intercept, min(thickness, LINE_MAX_THICKNESS))
            lines.append((region, pixels))
    return lines


def _heal_crossings(remaining: np.ndarray, these: np.ndarray, axis: int) -> np.ndarray:
    """The line pixels to give back to the strokes that cross the lines (so a digit is not cut in two).

    A line pixel is given back when ink lies close to it on both sides, across the line (a closing:
    a maximum filter, then a minimum filter). A long stretch along the line is not given back: that
    is a stroke running beside the line, not across it.

    Args:
        remaining: ``(h, w) bool``, the ink without the lines.
        these: ``(h, w) bool``, the line pixels that were taken out.
        axis: 1 for horizontal lines, 0 for vertical lines.

    Returns:
        ``(h, w) bool``, part of ``these``.
    """
    across = ndimage.maximum_filter1d(remaining, size=HEAL_ACROSS, axis=1 - axis)
    healed = ndimage.minimum_filter1d(across, size=HEAL_ACROSS, axis=1 - axis) & these
    along_line = ndimage.minimum_filter1d(healed, size=HEAL_ALONG, axis=axis)
    healed &= ~ndimage.maximum_filter1d(along_line, size=HEAL_ALONG, axis=axis)
    return healed


def remove_lines(mask: np.ndarray, faint: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Remove ruled and grid lines: long, straight, nearly horizontal or vertical runs of ink.

    A morphological opening with a long thin line keeps only the ink the line fits into (it is
    first widened by four pixels so that slightly tilted lines still fit). Each long piece found this
    way is fitted with a straight line; thin straight lines that cross most of the picture are
    removed, only along the fitted line, and the strokes they cut are joined again.

    Args:
        mask: ``(h, w) bool`` ink mask.
        faint: optional ``(h, w) bool`` of all marks above the paper's noise. Printed lines are often
            fainter than the pen; they are found whole in this mask, then removed from ``mask``.

    Returns:
        ``(cleaned, lines)``: both ``(h, w) bool``.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    lines = np.zeros_like(mask)
    if min(mask.shape) < SMALL_PICTURE:  # a small picture (an MNIST digit, an icon) has no page lines
        return mask, lines
    cleaned = mask
    evidence = mask if faint is None else (mask | faint)
    for axis in (1, 0):  # axis 1: horizontal lines; axis 0: vertical lines
        extent = mask.shape[axis]
        found_lines = _fit_lines(_find_line_candidates(evidence, axis), axis, extent)
        # Pages have several parallel lines. A single long stroke (a tall 1 on a drawing pad) stays
        # unless it crosses the whole picture and something else is left.
        if not found_lines:
            continue
        these = np.zeros_like(mask)
        for region, pixels in found_lines:
            these[region] |= pixels
        if len(found_lines) == 1:
            region = found_lines[0][0]
            too_short = (region[axis].stop - region[axis].start) < LONE_LINE_SPAN * extent
            if too_short or (cleaned & ~these).sum() < LONE_LINE_INK_LEFT:
                continue
        # One more pixel on each side (the same as a binary dilation with a cross, done as two 1-D filters).
        these = ndimage.maximum_filter1d(these, size=3, axis=0) | ndimage.maximum_filter1d(these, size=3, axis=1)
        evidence = evidence & ~these
        these &= cleaned
        remaining = cleaned & ~these
        healed = _heal_crossings(remaining, these, axis)
        cleaned = remaining | healed
        lines |= these & ~healed
    return cleaned, lines


#: The paper covers at least this share of any picture of a digit, so this percentile of the ink is paper.
PAPER_PERCENTILE = 10
#: A picture whose pixel-to-pixel noise is below this share of its spread is soft: an enlarged small
#: image or a blurred one (scans and photos measure 0.25 and more, enlarged small digits 0.11 and less).
SOFT_SHARE = 0.2
#: When this share of the picture is ink (Otsu's split), the digit fills it: a tight crop.
FILLED_SHARE = 0.2


def noise_floor(ink: np.ndarray) -> float:
    """The ink level that plain paper (texture, faint printed lines, noise) stays below.

    Usually the paper is most of the picture: its level is the median and its noise the spread
    around it, so the floor is the median + 5 robust standard deviations. When a thick or blurry
    digit fills the picture, that floor would rise above the ink itself. Then the paper's level is a
    low percentile (the paper is at least a tenth of any picture) and its noise is measured from
    pixel-to-pixel jumps, which the slow edges of a soft digit hardly have. The same holds for a soft
    picture (a small digit enlarged and blurred): its blurred edges widen the spread, not the noise.
    And when the digit fills much of the picture (a tight crop), the paper is measured away from
    the ink, where Otsu's split says paper; the lower of the two floors is kept.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    median = float(np.median(ink))
    spread = 1.4826 * float(np.median(np.abs(ink - median)))  # robust standard deviation of the paper
    floor = median + 5.0 * spread
    jumps = np.concatenate([np.diff(ink, axis=0).ravel(), np.diff(ink, axis=1).ravel()])
    noise = 1.4826 * float(np.median(np.abs(jumps))) / np.sqrt(2)  # a jump has twice a pixel's variance
    # The "paper" is not a clear majority below the ink, or the picture is soft (enlarged, blurred):
    # its spread then comes from the smooth edges of the ink, not from noise, which jumps measure.
    if floor >= float(np.percentile(ink, 99)) or noise < SOFT_SHARE * spread:
        floor = float(np.percentile(ink, PAPER_PERCENTILE)) + 5.0 * noise
    # A thick digit that fills much of the picture (a tight crop): measure the paper away from the ink.
    threshold = otsu_threshold(ink)
    if threshold >= 0.15 and np.mean(ink > threshold) >= FILLED_SHARE:  # (a lower split is faint lines)
        paper = ink[~ndimage.binary_dilation(ink > threshold, iterations=2)]
        if paper.size >= 0.1 * ink.size:  # (the paper's values are clipped at 0, so its top, not its spread)
            floor = min(floor, float(np.percentile(paper, 99.5)) + 0.02)
    return max(0.08, floor)


#: A piece of ink is kept whole down to this share of the usual ink strength (faint pencil stays).
FAINT_SHARE = 0.25
#: Ink at this share of its usual strength becomes full white (the middle of every stroke, as in MNIST).
SATURATE_AT = 0.6


def ink_mask(ink: np.ndarray, floor: float | None = None) -> np.ndarray:
    """Pixels that are clearly ink: above the noise of the paper and a fair part of the darkest ink.

    Two thresholds (hysteresis): a piece of ink is kept when some of it is strong, and then all of
    it that rises above the lower threshold is kept, so faint pencil strokes stay whole.

    Args:
        ink: ``(h, w) float32`` in [0, 1], 0 = paper.
        floor: the paper's noise level (default: :func:`noise_floor`).

    Returns:
        ``(h, w) bool``.

    Raises:
        BlankImageError: nothing stands out from the paper.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    floor = noise_floor(ink) if floor is None else floor
    candidates = ink[ink > floor]
    if candidates.size < 6:
        raise BlankImageError("image has no ink: is the page blank?")
    strong = float(np.percentile(candidates, 90))
    if strong < 0.12:
        raise BlankImageError("image has no ink: is the page blank? (only faint marks were found)")
    low = ink > max(floor, FAINT_SHARE * strong)
    high = ink > max(floor, 0.5 * strong)
    labels, count = ndimage.label(low, structure=np.ones((3, 3)))
    keep = np.zeros(count + 1, bool)
    keep[np.unique(labels[high])] = True
    keep[0] = False
    return keep[labels]


@dataclass
class _Part:
    """One connected piece of ink."""

    label: int
    area: int
    top: int
    left: int
    bottom: int
    right: int


def _parts(mask: np.ndarray) -> tuple[np.ndarray, list[_Part]]:
    labels, count = ndimage.label(mask, structure=np.ones((3, 3)))
    if count == 0:
        return labels, []
    areas = ndimage.sum_labels(mask, labels, index=np.arange(1, count + 1))
    parts = []
    for index, region in enumerate(ndimage.find_objects(labels), start=1):
        parts.append(_Part(index, int(areas[index - 1]), region[0].start, region[1].start, region[0].stop, region[1].stop))
    return labels, parts


def _frame_like(labels: np.ndarray, part: _Part) -> bool:
    """True for a piece that lies along the edge of the picture (a table, a page edge, a shadow).

    A piece that touches the frame over much more than a stroke's width, and hardly reaches into the
    middle third of the picture.
    """
    window = labels[part.top : part.bottom, part.left : part.right] == part.label
    height, width = labels.shape
    contact = 0
    if part.top == 0:
        contact += int(window[0].sum())
    if part.bottom == height:
        contact += int(window[-1].sum())
    if part.left == 0:
        contact += int(window[:, 0].sum())
    if part.right == width:
        contact += int(window[:, -1].sum())
    if contact <= 2.5 * stroke_width(window) + 2:
        return False
    # A table or a page edge stays along the frame; a digit cut tightly also fills the middle.
    middle = labels[height // 3 : height - height // 3, width // 3 : width - width // 3] == part.label
    return middle.mean() < 0.05


#: A piece inside the frame beats the pieces that run off the edge only if it is at least this share of their largest.
INSIDE_SHARE = 0.3


def _significant(parts: list[_Part], labels: np.ndarray) -> list[_Part]:
    """Keep the pieces of ink that can belong to a digit: drop specks and what lies along the frame.

    Pieces that lie along the edge of the picture are not writing: the table around a photographed
    page, the page's edge, a shadow. A stroke that only runs off the edge is kept when nothing else
    is left (a digit cut by the frame).
    """
    if not parts:
        return []
    height, width = labels.shape

    def touches(part):
        return part.top == 0 or part.left == 0 or part.bottom == height or part.right == width

    inside = [part for part in parts if not touches(part)]
    crossing = [part for part in parts if touches(part) and not _frame_like(labels, part)]
    largest_inside = max((part.area for part in inside), default=0)
    largest_crossing = max((part.area for part in crossing), default=0)
    # Pieces inside the frame win, unless they are small beside a stroke that runs off the edge
    # (a digit cut tightly, with a speck or a loop's hole inside).
    if largest_inside >= 30 and largest_inside >= INSIDE_SHARE * largest_crossing:
        chosen = inside
    elif crossing or inside:
        chosen = inside + crossing
    else:
        chosen = parts
    biggest = max(part.area for part in chosen)
    return [part for part in chosen if part.area >= max(4, 0.06 * biggest)]


def group_digits(parts: list[_Part]) -> list[list[_Part]]:
    """Group pieces of ink into digits: pieces that overlap left-to-right belong to one digit.

    Returns the groups ordered left to right; tiny groups (a dot, a speck) are dropped.

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    groups: list[list[_Part]] = []
    for part in sorted(parts, key=lambda part: part.left):
        for group in groups:
            left = min(p.left for p in group)
            right = max(p.right for p in group)
            overlap = min(right, part.right) - max(left, part.left)
            narrower = min(right - left, part.right - part.left)
            if overlap > 0.5 * narrower:
                group.append(part)
                break
        else:
            groups.append([part])
    groups.sort(key=lambda group: min(p.left for p in group))
    if not groups:
        return []
    tallest = max(max(p.bottom for p in group) - min(p.top for p in group) for group in groups)
    biggest = max(sum(p.area for p in group) for group in groups)
    return [
        group
        for group in groups
        if max(p.bottom for p in group) - min(p.top for p in group) >= 0.35 * tallest
        and sum(p.area for p in group) >= 0.1 * biggest
    ]


# =================================================================================================
# 2. Shaping: stroke width, the 20x20 box, centre of mass
# =================================================================================================


def stroke_width(mask: np.ndarray) -> float:
    """Average stroke width in pixels: twice the ink area divided by the length of its outline.

    A stroke of width w and length L has area w*L and an outline about 2*L long.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    mask = np.asarray(mask, bool)
    area = int(mask.sum())
    if area == 0:
        return 0.0
    outline = int((mask & ~ndimage.binary_erosion(mask, border_value=0)).sum())
    return 2.0 * area / max(outline, 1)


def _disk(radius: int) -> np.ndarray:
    rows, cols = np.ogrid[-radius : radius + 1, -radius : radius + 1]
    return rows * rows + cols * cols <= radius * radius + radius * 0.5


def fit_detail(digit: np.ndarray) -> np.ndarray:
    """Scale a cropped digit so its longer side is 80 pixels (4x the 20x20 box), keeping the shape.

    Returns:
        ``(80, w) or (h, 80) float32``, with the other side a multiple of 4.

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    detail = BOX_SIZE * _DETAIL
    height, width = digit.shape
    scale = detail / max(height, width)
    new_height = max(_DETAIL, round(height * scale / _DETAIL) * _DETAIL)
    new_width = max(_DETAIL, round(width * scale / _DETAIL) * _DETAIL)
    if scale < 0.5:
        # Shrinking more than 2x would fade a thin pen line to grey: first widen every stroke to
        # about one pixel of the result (a maximum filter), then shrink.
        digit = ndimage.maximum_filter(digit, size=int(1 / scale))
    picture = Image.fromarray(np.ascontiguousarray(digit, dtype=np.float32), mode="F")
    resized = picture.resize((min(new_width, detail), min(new_height, detail)), Image.Resampling.BILINEAR)
    return np.clip(np.asarray(resized, dtype=np.float32), 0, 1)


def adjust_stroke(detail: np.ndarray, target: float | None = None) -> tuple[np.ndarray, float, float]:
    """Thicken thin strokes and thin thick ones so the pen width is near MNIST's.

    Args:
        detail: the digit at detail scale (:func:`fit_detail`), ``float32`` in [0, 1].
        target: wanted stroke width in detail pixels (default: MNIST's, from ``MNIST_STROKE_FRACTION``).

    Returns:
        ``(adjusted, width_before, width_after)``.

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    if target is None:
        target = MNIST_STROKE_FRACTION * BOX_SIZE * _DETAIL
    before = stroke_width(detail > INK_CUTOFF)
    adjusted = detail
    if before < 0.8 * target:
        radius = max(1, round((target - before) / 2))
        adjusted = ndimage.grey_dilation(detail, footprint=_disk(radius))
    elif before > 1.25 * target:
        radius = max(1, round((before - target) / 2))
        thinner = ndimage.grey_erosion(detail, footprint=_disk(radius))
        # Thinning must not erase the digit: stop short if too much ink would go.
        if (thinner > INK_CUTOFF).sum() >= 0.25 * (detail > INK_CUTOFF).sum():
            adjusted = thinner
    after = stroke_width(adjusted > INK_CUTOFF)
    return adjusted.astype(np.float32), before, after


def to_box(detail: np.ndarray) -> np.ndarray:
    """Average each 4x4 block: the 80-pixel detail picture becomes the 20-pixel box, smoothly edged.

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    height, width = detail.shape
    return detail.reshape(height // _DETAIL, _DETAIL, width // _DETAIL, _DETAIL).mean(axis=(1, 3)).astype(np.float32)


def centre_by_mass(box: np.ndarray) -> np.ndarray:
    """Place the box in a 28x28 image so its centre of mass lands in the middle, as MNIST does.

    Args:
        box: ``(h, w) float32`` with ``h, w <= 20``.

    Returns:
        ``(28, 28) float32`` in [0, 1].

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    height, width = box.shape
    row, col = ndimage.center_of_mass(box) if box.sum() > 0 else (height / 2, width / 2)
    top = int(round(MNIST_CENTRE[0] - row))
    left = int(round(MNIST_CENTRE[1] - col))
    # Keep the whole box inside the image.
    top = min(max(top, 0), MNIST_SIZE - height)
    left = min(max(left, 0), MNIST_SIZE - width)
    image = np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)
    image[top : top + height, left : left + width] = box
    return np.clip(image, 0, 1)


# =================================================================================================
# 3. The whole pipeline
# =================================================================================================


def _clean(source, invert, cleanup: Cleanup = FULL_CLEANUP):
    """Steps 1-5: read, greyscale, background, ink, mask. Returns (steps, ink, mask, dark_ink)."""
    original, grey = read_grey(source)
    steps = {"original": original, "greyscale": grey}
    if float(grey.max() - grey.min()) < 0.02:
        raise BlankImageError("image has no ink: is the page blank? (every pixel has the same brightness)")
    dark_ink = ink_is_dark(grey) if invert is None else bool(invert)
    paper = grey if dark_ink else 1.0 - grey
    background = estimate_background(paper) if cleanup.lighting else flat_background(paper)
    ink = ink_from_background(paper, background)
    steps["background"] = background if dark_ink else 1.0 - background
    steps["ink"] = ink
    floor = noise_floor(ink)
    mask = ink_mask(ink, floor)
    lines = np.zeros(mask.shape, bool)
    if cleanup.lines:
        mask, lines = remove_lines(mask, faint=ink > floor)
    steps["lines"] = lines.astype(np.float32)  # 1 where a page line was taken out (the prediction log counts them)
    return steps, ink, mask, dark_ink


def _group_window(labels: np.ndarray, group: list[_Part]):
    """The bounding box of a group of pieces and the mask of its ink inside it."""
    top = min(p.top for p in group)
    left = min(p.left for p in group)
    bottom = max(p.bottom for p in group)
    right = max(p.right for p in group)
    window = (slice(top, bottom), slice(left, right))
    return window, np.isin(labels[window], [p.label for p in group])


def split_touching(window, core: np.ndarray) -> list:
    """Cut a group that is too wide for one digit (two digits that touch) where it has the least ink.

    Returns:
        A list of ``(window, core)`` pairs, left to right.

    A step inside ``preprocess``, which notebooks/06_your_own_handwriting.ipynb shows as a whole.
    """
    height, width = core.shape
    if width < 1.15 * height or height < 8:
        return [(window, core)]
    # Trim the empty rows, then look for the emptiest column in the middle part.
    columns = core.sum(axis=0).astype(float)
    columns = ndimage.uniform_filter1d(columns, size=max(3, height // 10))
    start, stop = int(0.3 * width), int(0.7 * width)
    if width > 2.2 * height:  # three or more digits: look further out
        start, stop = int(0.35 * height), int(width - 0.35 * height)
    cut = start + int(np.argmin(columns[start:stop]))
    rows, cols = window
    pieces = []
    for low, high in ((0, cut), (cut, width)):
        part = core[:, low:high]
        filled = np.flatnonzero(part.any(axis=1))
        if len(filled) == 0:
            continue
        part_rows = slice(rows.start + filled[0], rows.start + filled[-1] + 1)
        part_window = (part_rows, slice(cols.start + low, cols.start + high))
        pieces.extend(split_touching(part_window, part[filled[0] : filled[-1] + 1]))
    return pieces


def _shape_digit(ink: np.ndarray, window, core: np.ndarray, steps: dict, cleanup: Cleanup = FULL_CLEANUP) -> Preprocessed:
    """Steps 6-9 for one digit: the ink inside ``window`` where ``core`` is True (and its soft edges)."""
    top, left = window[0].start, window[1].start
    bottom, right = window[0].stop, window[1].stop
    # Soft ink next to the kept pieces (their anti-aliased edges), nothing elsewhere.
    keep = ndimage.binary_dilation(core, iterations=1)
    digit = ink[window] * keep
    # The ink's usual strength becomes 1: MNIST's strokes are full white whatever the pen.
    strong = float(np.percentile(ink[window][core], 75)) if core.any() else 1.0
    digit = np.clip(digit / max(strong, 1e-3), 0, 1).astype(np.float32)
    # Saturate: the middle of every stroke becomes full white, as in MNIST (the soft edges come back
    # when the detail picture is averaged down to the 20x20 box).
    detail = np.clip(fit_detail(digit) / SATURATE_AT, 0, 1)
    if cleanup.stroke:
        adjusted, before, after = adjust_stroke(detail)
    else:
        width = stroke_width(detail > INK_CUTOFF)
        adjusted, before, after = detail, width, width
    box = to_box(adjusted)
    image = centre_by_mass(box)
    steps = dict(steps)
    steps["digit"] = digit
    steps["stroke"] = adjusted
    steps["box"] = box
    steps["mnist"] = image
    return Preprocessed(image=image, steps=steps, stroke_width=(before, after), box=(top, left, bottom, right))


def preprocess(source, invert: bool | None = None, cleanup: Cleanup = FULL_CLEANUP) -> Preprocessed:
    """Bring any picture of one digit to MNIST's form, keeping every step for teaching.

    Args:
        source: a file path, ``bytes``, a binary file object, a ``PIL.Image`` or a NumPy array
            (``(h, w)``, ``(h, w, 3)`` RGB or ``(h, w, 4)`` RGBA; ``uint8``, ``uint16``, ``bool`` or
            ``float`` in [0, 1]).
        invert: None decides automatically; True says the ink is darker than the paper (pen on paper),
            False says it is lighter (chalk on a board, or an MNIST image).
        cleanup: which clean-up steps run (:class:`Cleanup`; all of them by default).

    Returns:
        :class:`Preprocessed` with ``.image`` ``(28, 28) float32`` in [0, 1] and ``.steps``.

    Raises:
        ImageReadError: the source cannot be read.
        BlankImageError: there is no ink.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    steps, ink, mask, dark_ink = _clean(source, invert, cleanup)
    labels, parts = _parts(mask)
    parts = _significant(parts, labels) if cleanup.specks else parts
    steps["mask"] = np.isin(labels, [p.label for p in parts]).astype(np.float32) if parts else mask.astype(np.float32)
    if not parts:
        raise BlankImageError("image has no ink: is the page blank?")
    groups = group_digits(parts) or [parts]  # (no group passes the size rules: all the ink is one digit)
    # One digit: the largest group and any pieces close to it (a 5's loose top bar, a broken stroke).
    main = max(groups, key=lambda group: sum(p.area for p in group))
    top = min(p.top for p in main)
    bottom = max(p.bottom for p in main)
    left = min(p.left for p in main)
    right = max(p.right for p in main)
    reach = 0.25 * (bottom - top)
    chosen = [
        p for p in parts
        if p.left < right + reach and p.right > left - reach and p.top < bottom + reach and p.bottom > top - reach
    ]
    window, core = _group_window(labels, chosen)
    result = _shape_digit(ink, window, core, steps, cleanup)
    result.dark_ink = dark_ink
    # The plain recipe decides the ink side on its own (from the border), unless you said it: a
    # second opinion that shares none of the clean-up's choices (measured better on small scans).
    result.plain = plain_view(steps["greyscale"], invert)
    return result


def to_mnist(source, invert: bool | None = None, cleanup: Cleanup = FULL_CLEANUP) -> np.ndarray:
    """Any picture of one digit to a ``(28, 28) float32`` array in [0, 1], ready for the model.

    See :func:`preprocess` for the arguments and the errors; this returns only the final image.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    return preprocess(source, invert=invert, cleanup=cleanup).image


def split_digits(source, invert: bool | None = None, cleanup: Cleanup = FULL_CLEANUP) -> list[Preprocessed]:
    """Split a picture of several digits (a written year, a phone number) into MNIST-style digits.

    Pieces of ink that overlap left-to-right form one digit; a piece too wide for one digit (two
    digits that touch) is cut where it has the least ink. Digits are returned left to right.

    Returns:
        A list of :class:`Preprocessed`, one per digit.

    Raises:
        ImageReadError, BlankImageError: as :func:`preprocess`.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    steps, ink, mask, dark_ink = _clean(source, invert, cleanup)
    labels, parts = _parts(mask)
    parts = _significant(parts, labels) if cleanup.specks else parts
    if not parts:
        raise BlankImageError("image has no ink: is the page blank?")
    steps["mask"] = np.isin(labels, [p.label for p in parts]).astype(np.float32)
    results = []
    for group in group_digits(parts) or [parts]:
        window, core = _group_window(labels, group)
        for piece_window, piece_core in split_touching(window, core):
            result = _shape_digit(ink, piece_window, piece_core, steps, cleanup)
            result.dark_ink = dark_ink
            result.plain = plain_view(_around(steps["greyscale"], piece_window), dark_ink)
            results.append(result)
    return results


def _around(picture: np.ndarray, window, margin: float = 0.1) -> np.ndarray:
    """The part of ``picture`` inside ``window`` and a margin around it (a share of its longer side)."""
    rows, cols = window
    pad = int(round(margin * max(rows.stop - rows.start, cols.stop - cols.start))) + 1
    return picture[max(0, rows.start - pad) : rows.stop + pad, max(0, cols.start - pad) : cols.stop + pad]


#: How much the plain view counts when :func:`predict` averages the model's answers on both views.
PLAIN_WEIGHT = 0.5


def predict(model, digits, invert: bool | None = None) -> np.ndarray:
    """The model's probabilities for one digit or several: the mean of its answers on both views.

    Each picture is read twice: the cleaned view (:func:`preprocess`) and the plain view (the plain
    recipe, :func:`simple_to_mnist`). The cleaned view is right more often on photos and pages; the
    plain view keeps what a clean-up step may break on a kind of picture nobody tuned it on (a small,
    blurry scan). Averaging the two answers is never much worse than the better of them
    (``bench/benchmark_handwriting.py`` measures all three on every kind of picture).

    Args:
        model: a Keras model that takes MNIST digits (the course CNN).
        digits: a :class:`Preprocessed` (or a list of them), or any picture :func:`preprocess` reads.
        invert: as in :func:`preprocess`, when ``digits`` is a picture.

    Returns:
        ``(10,) float32`` for one digit, ``(n, 10)`` for a list.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    single = not isinstance(digits, (list, tuple))
    if single and not isinstance(digits, Preprocessed):
        digits = preprocess(digits, invert=invert)
    many = [digits] if single else list(digits)
    if not many:
        return np.zeros((0, 10), np.float32)
    images = [digit.image for digit in many]
    plain = [digit.views[-1] for digit in many]  # the cleaned view again when a digit has no plain view
    probabilities = _predict(model, np.stack(images + plain))  # one call of the model for both views
    combined = combine_views(probabilities[: len(many)], probabilities[len(many) :])
    return combined[0] if single else combined


def combine_views(cleaned: np.ndarray, plain: np.ndarray) -> np.ndarray:
    """The model's answers on the cleaned and the plain view, averaged (``PLAIN_WEIGHT`` for the plain one).

    A step inside ``predict``, which notebooks/06_your_own_handwriting.ipynb shows.
    """
    return ((1.0 - PLAIN_WEIGHT) * np.asarray(cleaned) + PLAIN_WEIGHT * np.asarray(plain)).astype(np.float32)


def read_number(model, source, invert: bool | None = None) -> tuple[str, np.ndarray]:
    """Read a number written in one picture: split it into digits and classify each.

    Args:
        model: a Keras model that takes MNIST digits (the course CNN).
        source: as in :func:`preprocess`.

    Returns:
        ``(number, probabilities)``: the digits as a string (``"2026"``) and ``(n, 10) float32``.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    digits = split_digits(source, invert=invert)
    probabilities = predict(model, digits)
    return "".join(str(int(row.argmax())) for row in probabilities), probabilities


def _predict(model, images: np.ndarray) -> np.ndarray:
    """Class probabilities ``(n, 10)`` for ``(n, 28, 28)`` images, using the course's predict_proba."""
    from mnist_course.onnx_model import is_onnx

    if is_onnx(model):  # the model's ONNX copy: no TensorFlow needed (``onnx_model``)
        return model.predict_proba(images)
    from mnist_course.models import predict_proba

    return predict_proba(model, images)


def top_k(probabilities: np.ndarray, k: int = 3) -> list[tuple[int, float]]:
    """The ``k`` most likely digits with their probabilities, most likely first.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    probabilities = np.asarray(probabilities).reshape(-1)
    order = np.argsort(probabilities)[::-1][:k]
    return [(int(digit), float(probabilities[digit])) for digit in order]
