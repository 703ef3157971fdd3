"""Reading a picture of handwriting: any file, bytes, PIL image or array, upright, greyscale, ink side.

This is the first job of lesson 06: get one brightness number per pixel from whatever a student
uploads (a phone photo, a scan, a paint file), and find out whether the ink is darker or lighter
than the paper. Turning that into an MNIST digit is :mod:`mnist_course.handwriting`.

Introduced in notebooks/06_your_own_handwriting.ipynb.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy import ndimage

#: Longest side, in pixels, of the picture that the clean-up steps work on. A digit needs far fewer
#: pixels than a phone camera gives; working small keeps a 12-megapixel photo well under 100 ms.
WORKING_SIZE = 480
#: Smallest picture (either side) that can hold a digit.
MIN_SIDE = 8


class HandwritingError(ValueError):
    """A picture could not be turned into a digit. The message says why and what to do."""


class ImageReadError(HandwritingError):
    """The file or data is not an image that can be read (missing, empty, damaged, too large)."""





def _describe(source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return type(source).__name__


def open_image(source, working_size: int = WORKING_SIZE) -> Image.Image:
    """Read a picture from a path, bytes, a file object or a PIL image, upright and not too large.

    JPEG files are decoded at 1/2, 1/4 or 1/8 size when that still leaves ``working_size`` pixels
    on the longest side (Pillow's ``draft``), which is much faster than a full decode. The EXIF
    orientation that phones write is applied. Animated images give their first frame.

    Args:
        source: path (``str`` or ``Path``), ``bytes``, a binary file object, or a ``PIL.Image``.
        working_size: longest side the result needs (it may be up to twice that).

    Returns:
        A loaded ``PIL.Image`` in its own mode (``"RGB"``, ``"L"``, ``"RGBA"``, ``"I;16"``, ...).

    Raises:
        ImageReadError: missing path, folder, empty or damaged file, not an image, or too many pixels.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    name = _describe(source)
    if isinstance(source, Image.Image):
        image = source
    else:
        if isinstance(source, (str, os.PathLike)):
            path = Path(source).expanduser()
            if not path.exists():
                raise ImageReadError(f"{path}: no such file")
            if path.is_dir():
                raise ImageReadError(f"{path}: is a folder, not an image file")
            if path.stat().st_size == 0:
                raise ImageReadError(f"{path}: the file is empty (0 bytes)")
            handle = path
        elif isinstance(source, (bytes, bytearray, memoryview)):
            if len(source) == 0:
                raise ImageReadError("the image data is empty (0 bytes)")
            handle = io.BytesIO(bytes(source))
        elif hasattr(source, "read"):
            handle = source
        else:
            raise ImageReadError(
                f"cannot read a {type(source).__name__}: give a file path, bytes, a PIL image or a NumPy array"
            )
        try:
            with warnings.catch_warnings():
                # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; both mean "too large".
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = Image.open(handle)
                image = _decode(image, working_size)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageReadError(
                f"{name}: the image has too many pixels (Pillow's limit is {Image.MAX_IMAGE_PIXELS:,}); "
                "it may be a decompression bomb. Make it smaller first."
            ) from None
        except UnidentifiedImageError:
            raise ImageReadError(f"{name}: not an image file that Pillow can read (JPEG, PNG, BMP, GIF, WebP, ...)") from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            reason = str(error) or type(error).__name__
            if "truncated" in reason or "broken data stream" in reason or isinstance(error, EOFError):
                reason = "the file is truncated or damaged"
            raise ImageReadError(f"{name}: could not read the image ({reason})") from None
    try:
        # Phones store the camera's rotation in EXIF instead of turning the pixels.
        image = ImageOps.exif_transpose(image)
    except Exception:  # a damaged EXIF block should not stop us: keep the pixels as stored
        pass
    width, height = image.size
    if min(width, height) < MIN_SIDE:
        raise ImageReadError(
            f"{name}: the image is {width}x{height} pixels, too small to hold a digit (need at least {MIN_SIDE}x{MIN_SIDE})"
        )
    return image


def _decode(image: Image.Image, working_size: int) -> Image.Image:
    """Decode an opened image, at reduced size for JPEG, and shrink it to about ``working_size``."""
    if getattr(image, "is_animated", False):
        image.seek(0)  # the first frame of an animated GIF or WebP
    width, height = image.size
    scale = working_size / max(width, height)
    if image.format == "JPEG" and scale < 0.5:
        # The JPEG decoder can scale by 1/2, 1/4, 1/8 as it decodes; ask for at least working_size.
        image.draft(image.mode if image.mode in ("L", "RGB") else None,
                    (max(1, int(width * scale)), max(1, int(height * scale))))
    image.load()
    factor = int(max(image.size) // working_size)
    if factor >= 2 and image.mode in ("L", "LA", "RGB", "RGBA", "I", "F", "P", "I;16"):
        if image.mode == "P":
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        if image.mode == "I;16":
            image = image.convert("I")
        image = image.reduce(factor)  # fast block average, for PNG and other full decodes
    return image


def to_grey(image) -> np.ndarray:
    """Turn a PIL image or NumPy array into greyscale brightness: ``(h, w) float32`` in [0, 1].

    Colour uses the usual luminance weights; transparent pixels become paper (white behind dark
    strokes, black behind light strokes); 16-bit and floating-point pictures are scaled to [0, 1].

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    if isinstance(image, Image.Image):
        mode = image.mode
        if mode == "P":
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        elif mode in ("1", "CMYK", "YCbCr", "LAB", "HSV"):
            image = image.convert("L" if mode == "1" else "RGB")
        elif mode in ("PA", "La"):
            image = image.convert("RGBA")
        elif mode in ("RGBa",):
            image = image.convert("RGBA")
        array = np.asarray(image)
        if image.mode.startswith("I;16") or image.mode in ("I", "F"):
            array = array.astype(np.float32)
            top = 65535.0 if array.max() > 255 else 255.0
            if image.mode == "F":
                top = max(float(array.max()), 1.0)
            return np.clip(array / top, 0, 1).astype(np.float32)
        return _array_to_grey(array)
    return _array_to_grey(np.asarray(image))


def _array_to_grey(array: np.ndarray) -> np.ndarray:
    """Greyscale ``float32`` [0, 1] from an ``(h, w)``, ``(h, w, 1|2|3|4)`` array of any number type."""
    if array.dtype == bool:
        array = array.astype(np.float32)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (2, 3, 4)):
        raise ImageReadError(
            f"an image array must have shape (h, w), (h, w, 3) or (h, w, 4); got {array.shape}"
        )
    if not np.issubdtype(array.dtype, np.number):
        raise ImageReadError(f"an image array must hold numbers, not {array.dtype}")
    if np.issubdtype(array.dtype, np.integer):
        top = float(np.iinfo(array.dtype).max) if array.dtype != np.uint8 else 255.0
        if array.dtype.itemsize > 1 and array.max() <= 255:
            top = 255.0
        values = array.astype(np.float32) / top
    else:
        values = np.nan_to_num(array.astype(np.float32))
        top = float(values.max()) if values.size else 1.0
        if top > 1.0:
            values = values / (255.0 if top <= 255.0 else top)
        values = np.clip(values, 0, 1)
    if values.ndim == 2:
        return values
    alpha = None
    if values.shape[-1] in (2, 4):
        alpha = values[..., -1]
        values = values[..., :-1]
    grey = values[..., 0] if values.shape[-1] == 1 else values @ np.array([0.299, 0.587, 0.114], np.float32)
    if alpha is not None and alpha.min() < 0.99:
        # Transparent = paper. The paper is white when the visible strokes are dark, black otherwise.
        opaque = alpha > 0.5
        strokes_dark = not opaque.any() or float(grey[opaque].mean()) < 0.5
        paper = 1.0 if strokes_dark else 0.0
        grey = grey * alpha + paper * (1.0 - alpha)
    return grey.astype(np.float32)


def _shrink(grey: np.ndarray, working_size: int) -> np.ndarray:
    """Shrink a greyscale array so its longest side is at most ``working_size`` (area average)."""
    height, width = grey.shape
    if max(height, width) <= working_size:
        return grey
    picture = Image.fromarray(grey, mode="F")
    scale = working_size / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(picture.resize(size, Image.Resampling.BOX), dtype=np.float32)


def read_grey(source, working_size: int = WORKING_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Read any source as a working-size greyscale array.

    Returns:
        ``(original, grey)``: the picture as read (``uint8``, at most ``working_size`` on its longest
        side, for showing) and its greyscale ``(h, w) float32`` in [0, 1].

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    if isinstance(source, np.ndarray):
        if source.ndim < 2 or min(source.shape[:2]) < MIN_SIDE:
            raise ImageReadError(
                f"the image array has shape {source.shape}, too small to hold a digit (need at least {MIN_SIDE}x{MIN_SIDE})"
            )
        grey = _shrink(_array_to_grey(source), working_size)
        original = source if source.dtype == np.uint8 and max(source.shape[:2]) <= working_size else None
        if original is None:
            original = (grey * 255).round().astype(np.uint8)
        return original, grey
    image = open_image(source, working_size)
    if max(image.size) > working_size:
        scale = working_size / max(image.size)
        size = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
        if image.mode in ("L", "RGB", "RGBA", "LA", "I", "F"):
            image = image.resize(size, Image.Resampling.BOX)
        else:
            grey = _shrink(to_grey(image), working_size)
            return (grey * 255).round().astype(np.uint8), grey
    grey = to_grey(image)
    if image.mode in ("L", "RGB", "RGBA"):
        original = np.asarray(image)
    else:
        original = (grey * 255).round().astype(np.uint8)
    return original, grey



def _block_mean(grey: np.ndarray, step: int) -> np.ndarray:
    """Average ``step x step`` blocks (the edge rows and columns that do not fill a block are dropped)."""
    if step <= 1:
        return grey
    height, width = grey.shape
    cropped = grey[: height - height % step, : width - width % step]
    return cropped.reshape(cropped.shape[0] // step, step, cropped.shape[1] // step, step).mean(axis=(1, 3))


def _background_step(shape) -> int:
    return 4 if min(shape) >= 64 else 1


def ink_is_dark(grey: np.ndarray) -> bool:
    """Decide whether the ink is darker than the paper (the usual pen on paper) or lighter (chalk, MNIST).

    The paper covers most of the picture, so its brightness is near the median. The ink is the side
    whose extreme pixels lie further from it (looked at on a 4x smaller copy, which averages away noise).

    Args:
        grey: ``(h, w) float32`` in [0, 1].

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
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
