"""A drawing as the course reads it: strokes to a picture, the picture to the model's answer.

The notebook pad (``widgets.DrawingPad``), the desktop app (``mnist-course draw``) and the class page
(``mnist-course class``) all read drawings with these functions. Only NumPy, Pillow and SciPy: the class
server and the desktop app import this without a notebook's widgets or TensorFlow.

Introduced in notebooks/07_drawing_pad.ipynb.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnist_course import answers, config

#: Drawing coordinates: the canvas is 280x280 (the desktop app uses the same).
CANVAS_SIZE = 280

#: Pixels a side of the drawing that goes to Python (4 times MNIST's 28).
INK_SIZE = 112

BLANK_MESSAGE = "draw a digit"
NO_MODEL_MESSAGE = "no model attached: pad.model = training.load_or_train_cnn()"

#: What a reading says, in each language the course speaks (``config.LANGUAGES``).
WORDS = {
    "en": {"blank": BLANK_MESSAGE, "no_model": "no model attached", "sure": "{digit} ({percent:.1f}% sure)"},
    "ko": {"blank": "숫자를 그려 보세요", "no_model": "모델이 없습니다", "sure": "{digit} ({percent:.1f}% 확신)"},
}


@dataclass
class Reading:
    """What the model made of one drawing.

    Attributes:
        image: ``(28, 28) float32`` in [0, 1], the image the model saw; None for a blank drawing.
        probabilities: ``(10,) float32`` summing to 1; None when blank or without a model.
        prediction: the most likely digit; None when blank or without a model.
        seconds: time for preprocessing and prediction together.
        preprocessed: the :class:`~mnist_course.handwriting.Preprocessed` steps (for the prediction log).

    Introduced in notebooks/07_drawing_pad.ipynb.
    """

    image: np.ndarray | None
    probabilities: np.ndarray | None
    prediction: int | None
    seconds: float = 0.0
    preprocessed: object = field(default=None, repr=False, compare=False)

    @property
    def blank(self) -> bool:
        """True when the drawing has no ink."""
        return self.image is None

    def describe(self, language: str | None = None) -> str:
        """One line for people: ``"7 (98.2% sure)"``, ``"not sure: 7 or 1?"``, or what to do instead.

        Args:
            language: ``"en"`` or ``"ko"`` (default: ``config.language()``).
        """
        language = language or config.language()
        words = WORDS.get(language, WORDS["en"])
        if self.blank:
            return words["blank"]
        if self.prediction is None:
            return words["no_model"]
        if self.unsure:
            return answers.answer(self.probabilities, language=language)
        return words["sure"].format(digit=self.prediction, percent=100 * self.probabilities[self.prediction])

    @property
    def unsure(self) -> bool:
        """True when the model's confidence is below ``calibration.UNSURE_BELOW``."""
        return self.probabilities is not None and float(np.max(self.probabilities)) < answers.UNSURE_BELOW


def pad_ink_image(strokes, brush_size: float = 18, canvas_size: int = CANVAS_SIZE, out_size: int = INK_SIZE):
    """Draw strokes the way the pad does: white ink with round ends on a black square.

    Use it to make a drawing in code, or to turn the desktop app's strokes into an image.

    Args:
        strokes: a list of strokes; each is a list of ``(x, y)`` points in a
            ``canvas_size`` x ``canvas_size`` square (one point draws a dot).
        brush_size: pen width in canvas units (the pad's default is 18).
        canvas_size: the size of the square the points are in (280 for the pad).
        out_size: pixels a side of the result.

    Returns:
        ``(out_size, out_size) uint8``: 0 = background, 255 = ink.

    Introduced in notebooks/07_drawing_pad.ipynb.
    """
    from PIL import Image, ImageDraw

    oversample = 4  # draw big, then shrink: smooth edges like the browser's canvas
    factor = out_size * oversample / canvas_size
    big = Image.new("L", (out_size * oversample, out_size * oversample), 0)
    pen = ImageDraw.Draw(big)
    width = max(1, round(brush_size * factor))
    radius = width / 2
    for stroke in strokes:
        points = [(float(x) * factor, float(y) * factor) for x, y in stroke]
        if not points:
            continue
        if len(points) > 1:
            pen.line(points, fill=255, width=width, joint="curve")
        for x, y in points:  # round ends and joints
            pen.ellipse([x - radius, y - radius, x + radius, y + radius], fill=255)
    return np.asarray(big.resize((out_size, out_size), Image.Resampling.BOX), dtype=np.uint8)


def read_drawing(ink, model=None) -> Reading:
    """Preprocess a drawing like lesson 06 and, with a model, predict its digit.

    Args:
        ink: ``(h, w) uint8`` drawing, 255 = ink on a 0 background (what the pad sends and
            :func:`pad_ink_image` makes).
        model: a trained Keras model, or None to get only the 28x28 image.

    Returns:
        a :class:`Reading`; ``reading.blank`` is True when there is no ink.

    Introduced in notebooks/07_drawing_pad.ipynb.
    """
    from mnist_course import handwriting

    start = time.perf_counter()
    ink = np.asarray(ink)
    if ink.ndim != 2:
        raise ValueError(f"a drawing must be one grayscale image (h, w), got shape {ink.shape}")
    if ink.max(initial=0) < 32:  # no stroke at all: nothing to preprocess
        return Reading(image=None, probabilities=None, prediction=None, seconds=time.perf_counter() - start)
    try:
        # A margin as wide as the drawing: lesson 06's clean-up removes straight strokes that cross
        # most of a photo as ruled lines, and a drawing has none (a tall "1" must stay).
        framed = np.pad(ink, ((ink.shape[0] // 2,) * 2, (ink.shape[1] // 2,) * 2))
        preprocessed = handwriting.preprocess(framed, invert=False)  # the pad's ink is light on dark, like MNIST
    except handwriting.BlankImageError:
        return Reading(image=None, probabilities=None, prediction=None, seconds=time.perf_counter() - start)
    image = preprocessed.image
    probabilities = prediction = None
    if model is not None:
        # Both views in one call of the compiled graph: about 1 ms.
        probabilities = handwriting.predict(model, preprocessed)
        prediction = int(np.argmax(probabilities))
    return Reading(image=image, probabilities=probabilities, prediction=prediction,
                   seconds=time.perf_counter() - start, preprocessed=preprocessed)  # fmt: skip


def save_drawing(ink, label: int, folder=None) -> Path:
    """Save a drawing as a PNG (dark ink on white, like a scan) in your own digits folder.

    Files go to ``folder/<label>/<label>_<date-time>.png``, so lesson 06's tools can read the
    label from the folder name and the file name.

    Args:
        ink: ``(h, w) uint8`` drawing, 255 = ink on a 0 background.
        label: the digit you drew, 0-9.
        folder: where to save; default ``config.my_digits_dir()``.

    Returns:
        the path of the new file.

    Raises:
        ValueError: the label is not a digit 0-9, or the drawing is empty.

    Introduced in notebooks/07_drawing_pad.ipynb.
    """
    from PIL import Image

    try:
        label = int(label)
    except (TypeError, ValueError):
        raise ValueError(f"the label must be a digit 0-9, got {label!r}") from None
    if not 0 <= label <= 9:
        raise ValueError(f"the label must be a digit 0-9, got {label}")
    ink = np.asarray(ink, dtype=np.uint8)
    if ink.ndim != 2 or ink.max(initial=0) < 32:
        raise ValueError("the drawing is empty: draw a digit first, then save it")
    folder = Path(folder) if folder is not None else config.my_digits_dir()
    target = folder / str(label)
    target.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = target / f"{label}_{stamp}.png"
    number = 1
    while path.exists():
        number += 1
        path = target / f"{label}_{stamp}_{number}.png"
    Image.fromarray(255 - ink, mode="L").save(path)
    return path
