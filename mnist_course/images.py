"""Reading a picture of handwriting: any file, bytes, PIL image or array, upright and greyscale.

This is the first job of lesson 06: get one brightness number per pixel from whatever a student
uploads (a phone photo, an iPhone HEIC, a scan or a scanned PDF, a paint file). Everything after
reading (is the ink darker or lighter than the paper? where is the digit?) is in
:mod:`mnist_course.handwriting`, which imports this module (this module never imports it at the top).

Introduced in notebooks/06_your_own_handwriting.ipynb.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

#: Longest side, in pixels, of the picture that the clean-up steps work on. A digit needs far fewer
#: pixels than a phone camera gives; working small keeps a 12-megapixel photo well under 100 ms.
WORKING_SIZE = 480
#: Smallest picture (either side) that can hold a digit.
MIN_SIDE = 8


class HandwritingError(ValueError):
    """A picture could not be turned into a digit. The message says why and what to do."""


class ImageReadError(HandwritingError):
    """The file or data is not an image that can be read (missing, empty, damaged, too large)."""


#: The first bytes of every PDF file.
PDF_MAGIC = b"%PDF-"
#: HEIF files (iPhone photos are HEIC) start with a box ``....ftyp`` naming one of these brands.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1",
               b"avif", b"avis"}  # fmt: skip
#: A scanned page is rendered this many times ``working_size`` on its longest side: room for the
#: clean-up steps, which shrink it to ``working_size`` themselves.
PDF_RENDER_FACTOR = 2

_heif_opener_registered = False


def _file_kind(head: bytes) -> str:
    """``"pdf"``, ``"heif"`` or ``"other"`` from a file's first 12 bytes."""
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "heif"
    return "other"


def _register_heif_opener(name: str) -> None:
    """Teach Pillow to open HEIC/HEIF pictures (``pillow-heif``), once, when the first one is read."""
    global _heif_opener_registered
    if _heif_opener_registered:
        return
    try:
        import pillow_heif
    except ImportError:
        raise ImageReadError(
            f"{name}: this is a HEIC/HEIF picture (the iPhone's photo format); to read it, run: pip install pillow-heif"
        ) from None
    pillow_heif.register_heif_opener()
    _heif_opener_registered = True


def _render_pdf(document, name: str, working_size: int) -> Image.Image:
    """The first page of a PDF as an RGB picture about ``PDF_RENDER_FACTOR * working_size`` pixels on its longest side.

    Args:
        document: the PDF as a path (``str``) or ``bytes``.
    """
    try:
        import pypdfium2
    except ImportError:
        raise ImageReadError(f"{name}: this is a PDF; to read scanned pages, run: pip install pypdfium2") from None
    try:
        pdf = pypdfium2.PdfDocument(document)
    except pypdfium2.PdfiumError as error:
        reason = str(error).split("(PDFium: ")[-1].rstrip(").") if "PDFium: " in str(error) else str(error)
        raise ImageReadError(f"{name}: could not read the PDF, it may be damaged or password-protected ({reason})") from None
    try:
        if len(pdf) == 0:
            raise ImageReadError(f"{name}: the PDF has no pages")
        page = pdf[0]
        width, height = page.get_size()  # in points, 1/72 inch
        if min(width, height) <= 0:
            raise ImageReadError(f"{name}: the first page of the PDF has no size")
        scale = PDF_RENDER_FACTOR * working_size / max(width, height)
        picture = page.render(scale=scale).to_pil()
        picture.load()
        return picture.convert("RGB")
    except pypdfium2.PdfiumError as error:
        raise ImageReadError(f"{name}: could not draw the first page of the PDF ({error})") from None
    finally:
        pdf.close()


def _describe(source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return type(source).__name__


def open_image(source, working_size: int = WORKING_SIZE) -> Image.Image:
    """Read a picture from a path, bytes, a file object or a PIL image, upright and not too large.

    JPEG files are decoded at 1/2, 1/4 or 1/8 size when that still leaves ``working_size`` pixels
    on the longest side (Pillow's ``draft``), which is much faster than a full decode. The EXIF
    orientation that phones write is applied. Animated images give their first frame.

    Besides what Pillow reads (JPEG, PNG, BMP, GIF, WebP, TIFF, ...):

    - HEIC/HEIF, the iPhone's photo format, through ``pillow-heif`` (its opener is registered the
      first time such a file is read, not at import); the camera's rotation is applied as for JPEG.
    - PDF, for a scanned worksheet: the first page is drawn with ``pypdfium2`` at about
      ``2 * working_size`` pixels on its longest side. A PDF with several pages gives its first page
      only; save the page you want as its own file to read another.

    Args:
        source: path (``str`` or ``Path``), ``bytes``, a binary file object, or a ``PIL.Image``.
        working_size: longest side the result needs (it may be up to twice that).

    Returns:
        A loaded ``PIL.Image`` in its own mode (``"RGB"``, ``"L"``, ``"RGBA"``, ``"I;16"``, ...).

    Raises:
        ImageReadError: missing path, folder, empty or damaged file, not an image, or too many pixels;
            a HEIC or PDF file when ``pillow-heif`` or ``pypdfium2`` is not installed (the message says
            what to install).

    A step inside ``read_grey``, which notebooks/06_your_own_handwriting.ipynb uses.
    """
    name = _describe(source)
    kind = "other"
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
            with open(path, "rb") as file:
                kind = _file_kind(file.read(12))
            handle = path
        elif isinstance(source, (bytes, bytearray, memoryview)):
            if len(source) == 0:
                raise ImageReadError("the image data is empty (0 bytes)")
            handle = io.BytesIO(bytes(source))
            kind = _file_kind(handle.getvalue()[:12])
        elif hasattr(source, "read"):
            handle = source
            if hasattr(source, "seek") and hasattr(source, "tell"):
                start = source.tell()
                kind = _file_kind(source.read(12))
                source.seek(start)
        else:
            raise ImageReadError(
                f"cannot read a {type(source).__name__}: give a file path, bytes, a PIL image or a NumPy array"
            )
        if kind == "heif":
            _register_heif_opener(name)
        try:
            with warnings.catch_warnings():
                # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; both mean "too large".
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                if kind == "pdf":
                    document = str(handle) if isinstance(handle, Path) else handle.read()
                    image = _render_pdf(document, name, working_size)
                else:
                    image = Image.open(handle)
                image = _decode(image, working_size)
        except ImageReadError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageReadError(
                f"{name}: the image has too many pixels (Pillow's limit is {Image.MAX_IMAGE_PIXELS:,}); "
                "it may be a decompression bomb. Make it smaller first."
            ) from None
        except UnidentifiedImageError:
            if kind == "heif":
                raise ImageReadError(f"{name}: could not read the HEIC/HEIF picture (the file is truncated or damaged)") from None
            raise ImageReadError(
                f"{name}: not an image file that Pillow can read (JPEG, PNG, BMP, GIF, WebP, TIFF, HEIC, PDF, ...)"
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError, RuntimeError) as error:  # RuntimeError: pillow-heif
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

    A step inside ``read_grey``, which notebooks/06_your_own_handwriting.ipynb uses.
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

