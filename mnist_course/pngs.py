"""A 28x28 digit as PNG bytes and back: how the prediction log keeps the image each model saw.

Used by ``mnist_course.predlog`` (the ``image_png`` column) and the report; lesson 09 reads the images
back with ``predlog.png_to_image``.
"""

from __future__ import annotations

import io

import numpy as np


def image_to_png(image) -> bytes:
    """A 28x28 digit as greyscale PNG bytes (float images in [0, 1] are scaled to 0-255).

    Used for the ``image_png`` column; :func:`png_to_image` reads it back.
    """
    from PIL import Image

    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = np.clip(np.round(np.asarray(array, dtype=np.float32) * 255), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(array.reshape(array.shape[-2:])), mode="L").save(buffer, format="PNG")
    return buffer.getvalue()


def png_to_image(data: bytes) -> np.ndarray:
    """The ``image_png`` column back to a ``(28, 28) float32`` image in [0, 1].

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.float32) / 255.0
