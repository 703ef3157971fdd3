"""Two kinds of picture the course reader was never tuned on: ``blocky8`` and ``small_real``.

- ``blocky8``: MNIST test digits through the recipe that made the UCI optical-recognition digits
  (Alpaydin and Kaynak, 1998): crop to the ink, scale the digit to fit a 32x32 box, binarise, count
  the ink pixels of each 4x4 block (an 8x8 picture of values 0-16). Then the small picture is saved
  enlarged to 96x96 (bicubic, then a Gaussian blur of radius 1), dark ink on white, as a PNG.
  A small, blurry scan that the digit fills. The tune half uses test digits 5000-9999, the report
  half test digits 0-4999, each chosen with its own seed.
- ``small_real``: each picture of the real dev set (``real_handwriting``), cropped to its ink with a
  margin (Otsu's threshold), stored at 8-16 pixels on its longer side (a box filter, as an image
  viewer shrinks), then enlarged 6-10 times (bicubic)
  and softened (a Gaussian blur of radius 1), saved as a PNG. It keeps the real picture's half
  (tune or report), so the report half stays untouched by tuning.

Every picture is encoded to PNG bytes and read back by the reader, as a user's file would be.
Used by ``bench/benchmark_handwriting.py`` (columns ``blocky8`` and ``small_real``) and the tests.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

#: The UCI recipe: the digit fits a 32x32 box, counted in blocks of 4x4 (an 8x8 picture, values 0-16).
UCI_BOX = 32
UCI_BLOCK = 4
#: The stored small picture is shown at this size, then blurred with this radius.
BLOCKY_SHOWN = 96
SOFTEN_RADIUS = 1.0


@dataclass(frozen=True)
class Picture:
    """One benchmark picture: the encoded file, its digit, its kind and a name to find it again."""

    data: bytes
    label: int
    kind: str
    name: str


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def uci_blocks(digit: np.ndarray) -> np.ndarray:
    """An MNIST digit (light ink on dark, 28x28, any range) as UCI's 8x8 picture of counts 0-16.

    Crop to the ink, scale the longer side to 32 pixels (keeping the shape, centred in 32x32),
    binarise at half the brightest ink, and count the ink pixels of each 4x4 block.
    """
    digit = np.asarray(digit, np.float32)
    digit = digit / max(float(digit.max()), 1e-6)
    rows, cols = np.flatnonzero(digit.max(axis=1) > 0.1), np.flatnonzero(digit.max(axis=0) > 0.1)
    crop = digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = UCI_BOX / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    scaled = np.asarray(Image.fromarray(crop, mode="F").resize(size, Image.Resampling.BILINEAR))
    box = np.zeros((UCI_BOX, UCI_BOX), np.float32)
    top, left = (UCI_BOX - scaled.shape[0]) // 2, (UCI_BOX - scaled.shape[1]) // 2
    box[top : top + scaled.shape[0], left : left + scaled.shape[1]] = scaled
    bits = box > 0.5
    side = UCI_BOX // UCI_BLOCK
    return bits.reshape(side, UCI_BLOCK, side, UCI_BLOCK).sum(axis=(1, 3)).astype(np.uint8)


def blocky_picture(counts: np.ndarray) -> Image.Image:
    """UCI's 8x8 counts shown as a 96x96 dark-on-white picture: bicubic enlargement, then a soft blur."""
    grey = np.round(255.0 - counts.astype(np.float32) * (255.0 / (UCI_BLOCK * UCI_BLOCK))).astype(np.uint8)
    small = Image.fromarray(grey, mode="L")
    return small.resize((BLOCKY_SHOWN, BLOCKY_SHOWN), Image.Resampling.BICUBIC).filter(
        ImageFilter.GaussianBlur(SOFTEN_RADIUS))


def blocky8(test_images, test_labels, split: str = "report", count: int = 1000, seed: int = 8) -> list[Picture]:
    """``count`` MNIST test digits as blocky 8x8 scans (see the module docstring for the halves)."""
    first, last = (0, 5000) if split == "report" else (5000, len(test_images))
    rng = np.random.default_rng([seed, 0 if split == "report" else 1])
    chosen = np.sort(rng.choice(np.arange(first, last), size=min(count, last - first), replace=False))
    return [Picture(_png(blocky_picture(uci_blocks(test_images[i]))), int(test_labels[i]), "blocky8",
                    f"mnist-test-{i}") for i in chosen]


def _crop_to_ink(image: Image.Image, margin: float = 0.15) -> Image.Image:
    """Crop a picture to its ink with a margin, so that the digit (not a wide page) is what gets small.

    Plain and independent of the reader: Otsu's threshold (``skimage.filters.threshold_otsu``) on
    the greyscale picture, the smaller side of it is ink, and the box holding 98% of the ink pixels.
    """
    from skimage.filters import threshold_otsu

    grey = np.asarray(image.convert("L"), np.float32)
    ink = grey < threshold_otsu(grey)
    if ink.mean() > 0.5:
        ink = ~ink
    rows, cols = np.nonzero(ink)
    if len(rows) < 10:
        return image
    top, bottom = np.percentile(rows, [1, 99])
    left, right = np.percentile(cols, [1, 99])
    pad = margin * max(bottom - top, right - left)
    box = (max(0, int(left - pad)), max(0, int(top - pad)),
           min(image.width, int(right + pad) + 1), min(image.height, int(bottom + pad) + 1))
    return image.crop(box)


def shrink_and_enlarge(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Store a picture at 8-16 pixels on its longer side, then show it enlarged 6-10 times and softened."""
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("L", "RGB"):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))  # transparency becomes white paper
        image = Image.alpha_composite(background, image.convert("RGBA")).convert("RGB")
    image = _crop_to_ink(image)
    longer = int(rng.integers(8, 17))
    scale = longer / max(image.size)
    small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                         Image.Resampling.BOX)
    factor = int(rng.integers(6, 11))
    large = small.resize((small.width * factor, small.height * factor), Image.Resampling.BICUBIC)
    return large.filter(ImageFilter.GaussianBlur(SOFTEN_RADIUS))


def small_real(rows, seed: int = 16) -> list[Picture]:
    """The real dev-set pictures ``rows`` (``real_handwriting.load_rows``) stored small, then enlarged."""
    pictures = []
    for index, row in enumerate(rows):
        rng = np.random.default_rng([seed, index])
        with Image.open(row.path) as image:
            image.load()
            pictures.append(Picture(_png(shrink_and_enlarge(image, rng)), row.label, "small_real",
                                    str(row.path.relative_to(row.path.parent.parent))))
    return pictures
