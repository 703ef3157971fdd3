"""Upload your own picture into a notebook: JupyterLab, VS Code, Colab, or a plain file path.

- JupyterLab and VS Code: an ipywidgets ``FileUpload`` button (ipywidgets 8, and 7 as well).
- Colab: ``google.colab.files.upload()``, Colab's own upload dialog. Colab ships ipywidgets 7.7.1,
  whose upload widget cannot take files over about 1 MB (a phone photo is bigger).
- Anywhere: give the path of a file.

Introduced in notebooks/06_your_own_handwriting.ipynb.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

#: File types the upload button offers: pictures, iPhone photos (HEIC/HEIF) and scanned pages (PDF, first page).
IMAGE_TYPES = ".jpg,.jpeg,.png,.bmp,.gif,.webp,.tif,.tiff,.heic,.heif,.pdf,image/*"


def in_colab() -> bool:
    """True when the notebook runs in Google Colab."""
    return "google.colab" in sys.modules


def uploaded_files(value) -> list[tuple[str, bytes]]:
    """The files in a ``FileUpload`` widget's value, as ``(name, bytes)`` pairs.

    ipywidgets 8 gives a tuple of dicts with ``name`` and ``content`` (a memoryview); ipywidgets 7
    gives a dict from file name to a dict with ``content`` (bytes) and ``metadata``. Colab's
    ``files.upload()`` gives a dict from name to bytes. All three are accepted.

    Used by :func:`upload_image` (lesson 06).
    """
    if value is None:
        return []
    files = []
    if isinstance(value, dict):  # ipywidgets 7, or Colab's files.upload()
        for name, item in value.items():
            content = item.get("content", b"") if isinstance(item, dict) else item
            files.append((str(name), bytes(content)))
        return files
    for item in value:  # ipywidgets 8: a tuple of dicts
        if isinstance(item, dict):
            files.append((str(item.get("name", "upload")), bytes(item.get("content", b""))))
    return files


def read_path(path) -> tuple[str, bytes]:
    """Read a picture file from a path: ``(name, bytes)``.

    Raises:
        mnist_course.handwriting.ImageReadError: missing path, a folder, or an empty file.

    Used by :func:`upload_image` (lesson 06).
    """
    from mnist_course.handwriting import ImageReadError

    path = Path(path).expanduser()
    if not path.exists():
        raise ImageReadError(f"{path}: no such file")
    if path.is_dir():
        raise ImageReadError(f"{path}: is a folder, not an image file")
    data = path.read_bytes()
    if not data:
        raise ImageReadError(f"{path}: the file is empty (0 bytes)")
    return path.name, data


#: The upload button's words in each language (``config.language()``; the Korean lessons choose ``ko``).
UPLOAD_WORDS = {"en": "Upload a digit", "ko": "숫자 사진 올리기"}


def upload_button(on_upload: Callable[[str, bytes], None], description: str | None = None):
    """An upload button that calls ``on_upload(name, data)`` for each picture chosen.

    Its words follow ``config.language()`` ("Upload a digit", "숫자 사진 올리기") unless ``description`` is given.

    Works with ipywidgets 7 and 8 (JupyterLab, Jupyter Notebook, VS Code). It never blocks, so a
    notebook run without a person (CI) goes straight on.

    Returns:
        An ipywidgets ``VBox`` with the button and an output area (display it, or make it the
        cell's last line).

    Used by :func:`upload_image` (lesson 06).
    """
    import ipywidgets as widgets

    from mnist_course import config

    description = description or UPLOAD_WORDS.get(config.language(), UPLOAD_WORDS["en"])
    button = widgets.FileUpload(accept=IMAGE_TYPES, multiple=False, description=description)
    output = widgets.Output()

    def changed(change):
        files = uploaded_files(change["new"])
        if not files:
            return
        with output:
            output.clear_output()
            for name, data in files:
                try:
                    on_upload(name, data)
                except ValueError as error:  # a bad picture: one clear line, never a traceback
                    print(f"{name}: {error}")

    button.observe(changed, names="value")
    return widgets.VBox([button, output])


def upload_image(on_upload: Callable[[str, bytes], None], path=None):
    """One helper for every place a notebook runs: give the student's picture to ``on_upload(name, data)``.

    - ``path`` given: reads that file and calls ``on_upload`` at once.
    - Colab: opens Colab's upload dialog (no size limit) and calls ``on_upload`` for each file.
    - JupyterLab, Jupyter Notebook, VS Code: shows an upload button; ``on_upload`` runs when a file
      is chosen. Nothing waits, so the notebook also runs headless (CI).

    Returns:
        The upload widget, or None when there is nothing to show.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    if path is not None:
        on_upload(*read_path(path))
        return None
    if in_colab():
        from google.colab import files  # type: ignore[import-not-found]

        for name, data in uploaded_files(files.upload()):
            on_upload(name, data)
        return None
    return upload_button(on_upload)


def read_upload(model, name: str, data: bytes, label: int | None = None):
    """Read an uploaded picture with a model and write the prediction to the log (source ``upload``).

    Use it inside the function you give :func:`upload_image`:
    ``upload_image(lambda name, data: read_upload(model, name, data), path="my_7.jpg")``.

    Args:
        model: a trained Keras model (the course CNN).
        name: the file's name (kept in the log; never its folder).
        data: the file's bytes.
        label: the digit you wrote, if you want the log to know it.

    Returns:
        ``(result, probabilities)``: the :class:`~mnist_course.handwriting.Preprocessed` picture and
        ``(10,) float32``.

    Raises:
        mnist_course.handwriting.HandwritingError: the picture cannot be read or holds no ink.

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    from mnist_course import handwriting, predlog

    result = handwriting.preprocess(data)
    probabilities = handwriting.predict(model, result)
    predlog.log_preprocessed("upload", result, probabilities, model=model, file_name=name, true_label=label)
    return result, probabilities
