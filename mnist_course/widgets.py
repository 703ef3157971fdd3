"""The drawing pad: draw a digit in the notebook and watch the model's answer change live.

``DrawingPad`` is an anywidget; its JavaScript and CSS live in ``mnist_course/static/``.
Drawing happens in the browser; after each stroke the drawing comes to Python, goes through
the same preprocessing as your own photos (``handwriting.to_mnist``) and the model's
probabilities go back to the page. ``mnist-course serve`` shows the pad as a web page for a class.

Introduced in notebooks/07_drawing_pad.ipynb.
"""

from __future__ import annotations

import os
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from mnist_course import config, predlog
# The drawing itself: the pad, the desktop app and the class page read it the same way.
from mnist_course.drawings import (  # noqa: F401
    BLANK_MESSAGE, CANVAS_SIZE, INK_SIZE, NO_MODEL_MESSAGE, WORDS, Reading, pad_ink_image, read_drawing, save_drawing,
)

STATIC = Path(__file__).resolve().parent / "static"

#: The page ``mnist-course serve`` shows (a notebook that Voila runs).
PAD_NOTEBOOK = Path(__file__).resolve().parent / "pad.ipynb"

#: Environment variable with the model file the served pad uses (``mnist-course serve --model``).
PAD_MODEL_VARIABLE = "MNIST_COURSE_PAD_MODEL"


#: The pad's words in Korean (``DrawingPad(language="ko")``; the Korean lessons set it with
#: ``lesson.start(language="ko")``). English is the default of ``static/drawing_pad.js``.
PAD_TEXTS = {
    "en": {},
    "ko": {
        "canvas": "그리는 곳: 숫자 하나를 그리세요",
        "undo": "되돌리기",
        "undoTitle": "마지막 획을 지웁니다",
        "clear": "지우기",
        "clearTitle": "그림을 모두 지웁니다",
        "brush": "붓 굵기 ",
        "labelTitle": "내가 그린 숫자",
        "labelPlaceholder": "숫자 선택...",
        "save": "저장",
        "saveTitle": "그림을 그 숫자와 함께 내 숫자 폴더에 저장합니다",
        "seen": "모델이 보는 그림(28x28)",
        "blank": WORDS["ko"]["blank"],
        "sure": "% 확신",
        "drawFirst": "먼저 숫자를 그린 다음 저장하세요.",
        "chooseLabel": "그린 숫자를 고른(숫자 선택...) 다음 저장을 누르세요.",
    },
}

#: What Python tells the pad, in each language.
PAD_MESSAGES = {
    "en": {"blank": BLANK_MESSAGE, "no_model": NO_MODEL_MESSAGE,
           "saved": "Saved as {label}: {name} ({count} {drawings} in {folder})", "one": "drawing", "many": "drawings"},
    "ko": {"blank": WORDS["ko"]["blank"], "no_model": "모델이 없습니다: pad.model = training.load_or_train_cnn()",
           "saved": "{label}(으)로 저장했습니다: {name} ({folder}에 그림 {count}개)", "one": "", "many": ""},
}  # fmt: skip


def _warm_up(model) -> None:
    """Call the model once so the first drawing is not slowed by building its graph."""
    from mnist_course import models

    models.predict_proba(model, np.zeros((28, 28), dtype=np.float32))


class DrawingPad(anywidget.AnyWidget):
    """A drawing pad for the notebook: draw with mouse, touch or pen and see the model's answer.

    After each stroke the drawing comes to Python; with a model attached the pad shows the
    predicted digit, a probability bar for each digit and the 28x28 image the model saw.
    "Save" keeps the drawing with the label you choose in ``config.my_digits_dir()``.

    Args:
        model: a trained Keras model (or None: the pad then shows only the 28x28 image).
        brush_size: pen width in canvas units (6-40; default 18).
        size: the pad's width on screen in pixels (default 280; bigger for a projector).
        save_folder: where "Save" puts drawings (default ``config.my_digits_dir()``).
        language: ``"en"`` or ``"ko"``: the words on the pad (default: ``config.language()``, which
            ``lesson.start(language="ko")`` sets in the Korean lessons).

    Attributes:
        drawing: the last drawing, ``(112, 112) uint8`` with 255 = ink, or None.
        reading: the last :class:`Reading`, or None.

    Example::

        pad = DrawingPad(model=training.load_or_train_cnn())
        pad

    Introduced in notebooks/07_drawing_pad.ipynb.
    """

    _esm = STATIC / "drawing_pad.js"
    _css = STATIC / "drawing_pad.css"

    brush_size = traitlets.Int(18).tag(sync=True)
    size = traitlets.Int(CANVAS_SIZE).tag(sync=True)
    prediction = traitlets.Int(-1).tag(sync=True)
    probabilities = traitlets.List(traitlets.Float()).tag(sync=True)
    model_input = traitlets.List(traitlets.Int()).tag(sync=True)
    message = traitlets.Unicode(BLANK_MESSAGE).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    result_id = traitlets.Int(0).tag(sync=True)
    #: Milliseconds Python took for the last drawing (preprocessing + model), shown to no one, kept for timing.
    python_ms = traitlets.Float(0.0).tag(sync=True)
    #: The pad's words (buttons, captions) when not English: ``PAD_TEXTS[language]``.
    texts = traitlets.Dict().tag(sync=True)

    def __init__(self, model=None, brush_size: int = 18, size: int = CANVAS_SIZE, save_folder=None,
                 language: str | None = None, **kwargs):  # fmt: skip
        language = (language or config.language()).lower()
        if language not in PAD_TEXTS:
            raise ValueError(f"the pad speaks {', '.join(PAD_TEXTS)}, not {language!r}")
        self.language = language
        self._words = PAD_MESSAGES[language]
        super().__init__(brush_size=brush_size, size=size, texts=PAD_TEXTS[language], message=self._words["blank"],
                         **kwargs)  # fmt: skip
        self._model = None
        self.save_folder = save_folder
        self.drawing = None
        self.reading = None
        self._log_id = None  # the prediction log's row for the current drawing (lesson 09)
        self.model = model
        self.on_msg(self._on_message)

    def __repr__(self) -> str:
        # What a notebook shows where the live pad cannot appear (a saved file on GitHub): no memory address.
        model = getattr(self._model, "name", None) if self._model is not None else None
        return f"DrawingPad(model={model!r}, size={self.size}, brush_size={self.brush_size})"

    @property
    def model(self):
        """The Keras model that reads the drawings (set it at any time; None removes it)."""
        return self._model

    @model.setter
    def model(self, model):
        if model is not None:
            _warm_up(model)
            predlog.attach_model(model)
        self._model = model
        if self.drawing is not None:
            self.classify(self.drawing)
        elif self.prediction < 0:
            self.message = self._words["blank"] if model is not None else self._words["no_model"]

    @traitlets.validate("brush_size")
    def _check_brush(self, proposal):
        return int(min(40, max(2, proposal["value"])))

    def classify(self, ink, result_id: int | None = None) -> Reading:
        """Read one drawing and show the result on the pad (what happens after each stroke).

        Args:
            ink: ``(h, w) uint8`` drawing, 255 = ink on 0 (see :func:`pad_ink_image`).
            result_id: the number of the browser's request (None: the next number).

        Returns:
            the :class:`Reading`, also kept in ``pad.reading``.
        """
        ink = np.asarray(ink, dtype=np.uint8)
        reading = read_drawing(ink, self._model)
        self.drawing = None if reading.blank else ink
        self.reading = None if reading.blank else reading
        # Logged (and committed) before the answer goes to the page; never fails the prediction.
        self._log_id = predlog.log_preprocessed("pad", reading.preprocessed, reading.probabilities, model=self._model,
                                                notes=predlog.drawing_notes(ink))  # fmt: skip
        with self.hold_sync():  # one message to the browser with every change
            if reading.blank:
                self.model_input = []
                self.probabilities = []
                self.prediction = -1
                self.message = self._words["blank"]
            else:
                self.model_input = np.round(reading.image * 255).astype(int).ravel().tolist()
                if reading.prediction is None:
                    self.probabilities = []
                    self.prediction = -1
                    self.message = self._words["no_model"]
                else:
                    self.probabilities = [round(float(p), 4) for p in reading.probabilities]
                    self.prediction = reading.prediction
                    self.message = reading.describe(self.language) if reading.unsure else ""
            self.python_ms = round(1000 * reading.seconds, 2)
            self.result_id = self.result_id + 1 if result_id is None else max(int(result_id), self.result_id + 1)
        return reading

    def clear(self) -> None:
        """Clear the drawing, here and on every view of the pad."""
        self.classify(np.zeros((INK_SIZE, INK_SIZE), dtype=np.uint8))
        self.send({"type": "clear"})

    def save(self, label: int) -> Path:
        """Save the current drawing as ``label`` in your own digits folder; returns the file's path.

        Raises:
            ValueError: there is no drawing, or the label is not 0-9.
        """
        if self.drawing is None:
            raise ValueError("the pad is empty: draw a digit first, then save it")
        path = save_drawing(self.drawing, label, self.save_folder)
        predlog.label_prediction(self._log_id, label)
        count = sum(1 for _ in path.parent.parent.glob("*/*.png"))
        words = self._words
        self.status = words["saved"].format(label=label, name=path.name, count=count, folder=config.display_path(path.parent.parent),
                                            drawings=words["one"] if count == 1 else words["many"])  # fmt: skip
        return path

    def _on_message(self, widget, content, buffers):
        """Handle the browser's messages: a new drawing, a cleared pad, or "Save"."""
        kind = content.get("type") if isinstance(content, dict) else None
        try:
            if kind == "drawing":
                width, height = int(content["width"]), int(content["height"])
                ink = np.frombuffer(bytes(buffers[0]), dtype=np.uint8).reshape(height, width)
                self.classify(ink, result_id=content.get("id"))
            elif kind == "clear":
                self.classify(np.zeros((INK_SIZE, INK_SIZE), dtype=np.uint8), result_id=content.get("id"))
            elif kind == "save":
                self.save(content.get("label"))
        except Exception as error:  # show it on the pad: the browser has no other place for it
            self.status = f"{type(error).__name__}: {error}"
            if kind == "drawing":
                self.result_id = max(int(content.get("id") or 0), self.result_id + 1)


def classroom_pad(model_path=None, size: int = 420) -> DrawingPad:
    """The big pad ``mnist-course serve`` shows: loads the model and returns the pad.

    Args:
        model_path: a ``.keras`` file; default ``$MNIST_COURSE_PAD_MODEL`` (``mnist-course serve`` sets it
            to the model it found), else the course CNN (trained and saved the first time, see
            ``training.load_or_train_cnn``).
        size: the pad's width on screen in pixels.

    Used by the page that ``mnist-course serve`` shows (``mnist_course/pad.ipynb``; lesson 07 shows the command).
    """
    config.import_keras_quietly()  # no TensorFlow start-up lines on the page or in the terminal
    from mnist_course import training

    model_path = model_path or os.environ.get(PAD_MODEL_VARIABLE)
    if model_path:
        model = training.load_model(model_path)
        predlog.remember_model_file(model, model_path)
    else:
        model = training.load_or_train_cnn(verbose=False)
    return DrawingPad(model=model, size=size, brush_size=24)
