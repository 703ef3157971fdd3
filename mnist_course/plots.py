"""Pictures for the course: digit grids, learning curves, confusion matrices, mistakes and feature maps.

Every function returns the matplotlib ``Figure`` (or draws into the ``ax`` you give it), so a notebook
cell shows the idea and not the axes code.

The pictures are made to be read on a projector (a 1280x720 screen): every title, label, tick label and
number is at least ``FONT_SIZE`` points, figures are at most ``MAX_WIDTH`` inches wide (so the notebook
shows them at full size), titles that are too wide for their picture are wrapped onto more lines, and the
layout (matplotlib's ``constrained`` layout) makes room for them.

Introduced in notebooks/01_explore_mnist.ipynb (digit grids) and notebooks/03_mlp.ipynb (the rest).
"""

from __future__ import annotations

import functools
import itertools
import math
import re

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator, PercentFormatter

DIGITS = list(range(10))

#: Smallest font size (points) of every title, axis label, tick label, legend and number in a picture.
#: At the notebook's 100 dots per inch, 12 points are about 17 pixels: readable on a projector.
FONT_SIZE = 12
#: Font size (points) of a figure's own title.
TITLE_SIZE = 14
#: Widest figure (inches). At 100 dots per inch this is 1000 pixels, which a 1280x720 screen shows unscaled.
MAX_WIDTH = 10.0
#: Colour of the page lines drawn over a picture (see :func:`show_found_lines`).
LINE_COLOUR = (0.9, 0.1, 0.1)


def _as_image(image) -> np.ndarray:
    """Return a 2-D array for ``imshow`` from (28, 28), (28, 28, 1) or (784,) input."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim == 1 and image.size == 784:
        image = image.reshape(28, 28)
    if image.ndim != 2:
        raise ValueError(f"expected one image of shape (28, 28), got shape {image.shape}")
    return image


# ---------------------------------------------------------------------------
# Readable text: sizes, wrapping, a last check on every figure
# ---------------------------------------------------------------------------


def text_width(text: str, fontsize: float = FONT_SIZE) -> float:
    """Width in points of the widest line of ``text`` at ``fontsize`` (matplotlib's default font)."""
    return max(_line_width(line, float(fontsize)) for line in str(text).split("\n"))


@functools.lru_cache(maxsize=4096)
def _line_width(line: str, fontsize: float) -> float:
    from matplotlib.textpath import text_to_path

    if not line:
        return 0.0
    return text_to_path.get_text_width_height_descent(line, FontProperties(size=fontsize), ismath=False)[0]


def wrap_title(text, width: float, fontsize: float = FONT_SIZE) -> str:
    """Break ``text`` into lines no wider than ``width`` points where it can.

    Lines break after a space, ``_``, ``-``, ``/`` or ``,`` and before ``.`` or ``(``, so file names such as
    ``canvas_3_transparent.png`` wrap too. A single piece that is still too wide stays whole (the layout then
    makes room for it). Text that fits, and text that already has line breaks that fit, is returned as is.
    """
    text = str(text)
    if text_width(text, fontsize) <= width:
        return text
    return "\n".join(_wrap_line(line, width, fontsize) for line in text.split("\n"))


def _wrap_line(line: str, width: float, fontsize: float) -> str:
    """Wrap one line in as few lines as fit, with lines of even width ("clear ink,/no lines").

    Breaks at spaces are tried first; inside words (``_``, ``-``, ``/``, ``.``) only when that is not enough.
    """
    if text_width(line, fontsize) <= width:
        return line
    at_spaces = _best_breaks([piece for piece in re.split(r"(?<= )", line) if piece], width, fontsize)
    if at_spaces is not None and at_spaces[0] <= width:
        return at_spaces[1]
    anywhere = _best_breaks([piece for piece in re.split(r"(?<=[ _\-/,])|(?=[.(])", line) if piece], width, fontsize)
    return line if anywhere is None else anywhere[1]


def _best_breaks(pieces, width: float, fontsize: float):
    """``(widest line, text)`` for the fewest lines that fit (or the narrowest found); None for one piece."""
    if len(pieces) < 2:
        return None

    def widest(groups) -> float:
        return max(text_width("".join(group).strip(), fontsize) for group in groups)

    best = None
    for count in range(2, len(pieces) + 1):  # fewest lines first
        for breaks in itertools.combinations(range(1, len(pieces)), count - 1):
            edges = (0, *breaks, len(pieces))
            groups = [pieces[start:end] for start, end in zip(edges, edges[1:])]
            size = widest(groups)
            if best is None or size < best[0]:
                best = (size, groups)
        if best[0] <= width:
            break
        if math.comb(len(pieces) - 1, count) > 2000:  # a very long title: stop searching
            break
    return best[0], "\n".join("".join(group).strip() for group in best[1])


def _line_count(texts) -> int:
    return max((str(text).count("\n") + 1 for text in texts if text is not None), default=0)


def _new_figure(nrows=1, ncols=1, figsize=None, **options):
    """``plt.subplots`` with the constrained layout, which makes room for every title, label and colour bar."""
    return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **options)


def readable(figure, fontsize: float = FONT_SIZE):
    """Raise every text of ``figure`` (titles, labels, tick labels, legends, numbers) to at least ``fontsize``.

    Every function of this module calls it last. Call it on your own figures too.

    Returns:
        The same ``figure``.
    """
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_major_ticks()
            if ticks and ticks[0].label1.get_fontsize() < fontsize:
                axis.set_tick_params(labelsize=fontsize)
    for text in figure.findobj(Text):
        if text.get_fontsize() < fontsize:
            text.set_fontsize(fontsize)
    return figure


def _image_title(ax, text, fontsize: float = FONT_SIZE, width: float | None = None):
    """Set a panel title, wrapped to ``width`` points (the panel's width when None)."""
    if text is None:
        return
    if width is None:
        width = ax.get_position().width * ax.figure.get_figwidth() * 72
    ax.set_title(wrap_title(text, width, fontsize), fontsize=fontsize)


# ---------------------------------------------------------------------------
# Digits (lesson 01)
# ---------------------------------------------------------------------------


def show_digit(image, title=None, ax=None):
    """Show one digit in grey as the data really is: 0 is black, the largest value is white.

    Args:
        image: ``(28, 28)`` array, uint8 (0-255) or float (0-1); ``(28, 28, 1)`` and ``(784,)`` also work.
        title: optional text above the image (``FONT_SIZE`` points).
        ax: optional matplotlib Axes to draw into; a new small figure is made if None.

    Returns:
        The matplotlib ``Axes``.

    Used by :func:`show_digits` (lesson 01) and the other galleries of this module.
    """
    image = _as_image(image)
    if ax is None:
        _, ax = _new_figure(figsize=(2.5, 2.5))
    high = 255 if image.max() > 1.0 else 1.0
    ax.imshow(image, cmap="gray", vmin=0, vmax=high)  # true colours: MNIST is white ink on black
    if title is not None:
        ax.set_title(str(title), fontsize=FONT_SIZE)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def show_digits(images, labels=None, ncols=10, titles=None, size=1.0, suptitle=None):
    """Show many digits in a grid, with their labels as titles.

    Titles wider than their column are wrapped onto two or more lines, so neighbours never overlap.

    Args:
        images: ``(n, 28, 28)`` array (uint8 or float), or a list of such images.
        labels: optional ``(n,)`` labels; each is shown above its image.
        ncols: images per row.
        titles: optional list of strings to use instead of the labels (``"\\n"`` starts a new line).
        size: inches per image.
        suptitle: optional title for the whole figure.

    Returns:
        The matplotlib ``Figure``.

    Introduced in notebooks/01_explore_mnist.ipynb.
    """
    images = list(images)
    count = len(images)
    if count == 0:
        raise ValueError("no images to show")
    if titles is None and labels is not None:
        titles = [str(label) for label in labels]
    ncols = max(1, min(ncols, count))
    nrows = math.ceil(count / ncols)
    column_width = size * 72 - 8  # points; a space between neighbours
    if titles is not None:
        titles = [wrap_title(title, column_width) for title in titles]
    title_height = _line_count(titles or []) * FONT_SIZE * 1.25 / 72 + 0.08 if titles is not None else 0.0
    top = (TITLE_SIZE * 1.6 / 72 + 0.1) * (_line_count([suptitle]) if suptitle else 0)
    figure, axes = _new_figure(nrows, ncols, figsize=(ncols * size, nrows * (size * 1.02 + title_height) + top + 0.1),
                               squeeze=False)
    figure.get_layout_engine().set(w_pad=0.02, h_pad=0.03, wspace=0.02, hspace=0.02)
    for index, ax in enumerate(axes.flat):
        if index < count:
            show_digit(images[index], title=None if titles is None else titles[index], ax=ax)
        else:
            ax.axis("off")
    if suptitle:
        figure.suptitle(wrap_title(suptitle, ncols * size * 72, TITLE_SIZE), fontsize=TITLE_SIZE)
    return readable(figure)


# ---------------------------------------------------------------------------
# Training and evaluation (lessons 03 and 05)
# ---------------------------------------------------------------------------


def _history_dict(history) -> dict:
    return history.history if hasattr(history, "history") else dict(history)


def _epoch_ticks(epochs) -> np.ndarray:
    return epochs if len(epochs) <= 12 else epochs[:: math.ceil(len(epochs) / 10)]


def plot_history(history, title=None, figsize=(10, 3.8)):
    """Learning curves: loss and accuracy per epoch, training against validation.

    Args:
        history: the ``History`` that ``training.train`` (or ``model.fit``) returns, or its ``.history`` dict.
        title: optional title for the figure.
        figsize: ``(width, height)`` in inches.

    Returns:
        The ``Figure``, with two axes: loss (left) and accuracy in % (right).

    Introduced in notebooks/03_mlp.ipynb.
    """
    logs = _history_dict(history)
    if not logs.get("loss"):
        raise ValueError("the history has no 'loss' values: was the model trained?")
    epochs = np.arange(1, len(logs["loss"]) + 1)
    figure, (loss_ax, accuracy_ax) = _new_figure(1, 2, figsize=figsize)
    for ax, key, label in ((loss_ax, "loss", "loss"), (accuracy_ax, "accuracy", "accuracy (%)")):
        scale = 100 if key == "accuracy" else 1
        if key in logs:
            ax.plot(epochs, np.asarray(logs[key]) * scale, "o-", label="training", linewidth=2)
        if "val_" + key in logs:
            ax.plot(epochs, np.asarray(logs["val_" + key]) * scale, "s--", label="validation", linewidth=2)
        ax.set_xlabel("epoch", fontsize=FONT_SIZE)
        ax.set_ylabel(label, fontsize=FONT_SIZE)
        ax.set_xticks(_epoch_ticks(epochs))
        ax.tick_params(labelsize=FONT_SIZE)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=FONT_SIZE)
    loss_ax.set_title("Loss (lower is better)", fontsize=FONT_SIZE + 1)
    accuracy_ax.set_title("Accuracy (higher is better)", fontsize=FONT_SIZE + 1)
    if title:
        figure.suptitle(title, fontsize=TITLE_SIZE)
    return readable(figure)


def plot_histories(histories: dict, key: str = "val_accuracy", title=None, figsize=(7, 3.8)):
    """Compare several runs on one axis: ``{"adam": history, "rmsprop": history}``.

    Args:
        figsize: ``(width, height)`` in inches.

    Returns:
        The ``Figure`` with one line per run.

    Introduced in notebooks/03_mlp.ipynb.
    """
    figure, ax = _new_figure(figsize=figsize)
    longest = 1
    for name, history in histories.items():
        values = np.asarray(_history_dict(history)[key], dtype=float)
        scale = 100 if "accuracy" in key else 1
        ax.plot(np.arange(1, len(values) + 1), values * scale, "o-", label=name, linewidth=2)
        longest = max(longest, len(values))
    ax.set_xticks(_epoch_ticks(np.arange(1, longest + 1)))
    ax.set_xlabel("epoch", fontsize=FONT_SIZE)
    ax.set_ylabel(key.replace("_", " ") + (" (%)" if "accuracy" in key else ""), fontsize=FONT_SIZE)
    ax.tick_params(labelsize=FONT_SIZE)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=FONT_SIZE)
    ax.set_title(wrap_title(title or key.replace("_", " "), figsize[0] * 72 - 20, TITLE_SIZE), fontsize=TITLE_SIZE)
    return readable(figure)


def _text_colour(rgba) -> str:
    """Black on a light cell, white on a dark one (by the cell's luminance)."""
    red, green, blue = rgba[:3]
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def plot_confusion_matrix(true_labels, predicted_labels, title="Confusion matrix", figsize=(7.5, 6.4)):
    """Confusion matrix: how often each true digit (row) was read as each digit (column).

    The diagonal (right answers) is so much larger than the rest that the colours use the mistakes
    only (right answers stay white and their counts are bold); every cell shows its count, as large as the
    axis labels, black on light cells and white on dark ones.

    Args:
        true_labels: ``(n,)`` digits.
        predicted_labels: ``(n,)`` digits the model chose.
        title: the title above the matrix.
        figsize: ``(width, height)`` in inches; the default leaves room for four-digit counts.

    Returns:
        The ``Figure`` (one axis, 10x10 cells, with a colour bar).

    Introduced in notebooks/03_mlp.ipynb.
    """
    from mnist_course.training import confusion_matrix

    matrix = confusion_matrix(true_labels, predicted_labels)
    mistakes = matrix.astype(float)
    np.fill_diagonal(mistakes, np.nan)
    figure, ax = _new_figure(figsize=figsize)
    colours = plt.get_cmap("Reds").with_extremes(bad="white")  # the diagonal: right answers are not coloured
    top = max(1.0, float(np.nanmax(mistakes)))
    image = ax.imshow(mistakes, cmap=colours, vmin=0, vmax=top)
    bar = figure.colorbar(image, ax=ax, shrink=0.9)
    bar.set_label("mistakes", fontsize=FONT_SIZE)
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    bar.ax.tick_params(labelsize=FONT_SIZE)
    for row in range(10):
        for column in range(10):
            count = matrix[row, column]
            if count:
                colour = "black" if row == column else _text_colour(image.cmap(image.norm(count)))
                ax.text(column, row, str(count), ha="center", va="center", fontsize=FONT_SIZE,
                        fontweight="bold" if row == column else "normal", color=colour)
    ax.set_xticks(DIGITS)
    ax.set_yticks(DIGITS)
    ax.tick_params(labelsize=FONT_SIZE)
    ax.set_xlabel("predicted digit", fontsize=FONT_SIZE)
    ax.set_ylabel("true digit", fontsize=FONT_SIZE)
    ax.set_title(title, fontsize=TITLE_SIZE)
    return readable(figure)


def plot_per_class_accuracy(true_labels, predicted_labels, title="Accuracy for each digit", start=None,
                            figsize=(8, 3.8)):
    """Bar chart of the accuracy for each digit, to see which digits are hardest.

    Each bar shows its value. The accuracy axis starts at 0 when ``start=0``. By default (``start=None``) it
    starts a little below the lowest bar (at a multiple of 5: 95, 90, ...), so that small differences show,
    and the axis label says where it starts: ``accuracy (%), axis starts at 95``.

    Args:
        start: where the accuracy axis starts (in %); None chooses it as above.
        figsize: ``(width, height)`` in inches.

    Returns:
        The ``Figure`` (one axis with 10 bars).

    Introduced in notebooks/03_mlp.ipynb.
    """
    true_labels = np.asarray(true_labels)
    predicted_labels = np.asarray(predicted_labels)
    accuracies = np.array(
        [(predicted_labels[true_labels == digit] == digit).mean() if np.any(true_labels == digit) else np.nan
         for digit in DIGITS]
    ) * 100
    if start is None:
        low = np.nanmin(accuracies) if np.any(np.isfinite(accuracies)) else 0.0
        start = max(0.0, 5 * math.floor((low - 1) / 5))
    figure, ax = _new_figure(figsize=figsize)
    bars = ax.bar(DIGITS, accuracies, color="tab:blue")  # from 0: the axis below ``start`` is cut off
    span = 100 - start
    for bar, value in zip(bars, accuracies):
        if np.isfinite(value):
            ax.text(bar.get_x() + bar.get_width() / 2, value + 0.01 * span, f"{value:.1f}", ha="center",
                    va="bottom", fontsize=FONT_SIZE)
    ax.set_ylim(start, 100 + 0.16 * span)  # room for the numbers above the bars
    ax.set_yticks([tick for tick in MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(start, 100)
                   if start <= tick <= 100])
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xticks(DIGITS)
    ax.tick_params(labelsize=FONT_SIZE)
    ax.set_xlabel("digit", fontsize=FONT_SIZE)
    ax.set_ylabel("accuracy (%)" if start == 0 else f"accuracy (%),\naxis starts at {start:g}", fontsize=FONT_SIZE)
    ax.set_title(title, fontsize=TITLE_SIZE)
    return readable(figure)


def plot_mistakes(images, true_labels, probabilities, count: int = 20, ncols: int = 10, title=None, size=1.0):
    """A gallery of misclassified digits, the most confident mistakes first.

    Each title reads ``4→9 87%``: the true digit, the model's answer and its confidence.

    Args:
        images: ``(n, 28, 28)`` test images.
        true_labels: ``(n,)`` digits.
        probabilities: ``(n, 10)`` model output (``models.predict_proba``).
        count: how many mistakes to show at most.
        size: inches per digit.

    Returns:
        The ``Figure``; the number of panels with a digit is min(count, number of mistakes).

    Introduced in notebooks/03_mlp.ipynb.
    """
    images = np.asarray(images)
    true_labels = np.asarray(true_labels)
    probabilities = np.asarray(probabilities)
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != true_labels)
    if len(wrong) == 0:
        figure, ax = _new_figure(figsize=(5, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "No mistakes on these images.", ha="center", va="center", fontsize=FONT_SIZE)
        return figure
    confidence = probabilities[wrong, predicted[wrong]]
    chosen = wrong[np.argsort(-confidence)][:count]
    titles = [f"{true_labels[i]}→{predicted[i]} {100 * probabilities[i, predicted[i]]:.0f}%" for i in chosen]
    figure = show_digits(images[chosen], titles=titles, ncols=ncols, size=size,
                         suptitle=title or f"{len(wrong)} mistakes; shown: true→predicted confidence")
    return figure


# ---------------------------------------------------------------------------
# Inside a CNN (lessons 04 and 05)
# ---------------------------------------------------------------------------


def _conv_layers(model):
    return [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]


def _colour_bar(figure, image, axes, label: str):
    """One colour bar for all ``axes``, with a short label, at ``FONT_SIZE``."""
    bar = figure.colorbar(image, ax=axes, shrink=0.9, aspect=15, pad=0.02)
    bar.set_label(label, fontsize=FONT_SIZE)
    bar.ax.tick_params(labelsize=FONT_SIZE)
    bar.ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    return bar


def plot_filters(model, layer_index: int = 0, ncols: int = 8, title=None):
    """Show the learned filters of a CNN's first convolution (or of ``layer_index``, counting Conv2D only).

    Red is a positive weight, blue a negative one; one colour bar (``weight``) serves all filters. For a
    deeper layer, the filter's weights for the first input channel are shown.

    Returns:
        The ``Figure``, one panel per filter, and the colour bar.

    Introduced in notebooks/05_cnn.ipynb.
    """
    convolutions = _conv_layers(model)
    if not convolutions:
        raise ValueError("this model has no Conv2D layer: filters exist only in a CNN")
    layer = convolutions[layer_index]
    kernel = np.asarray(layer.get_weights()[0], dtype=np.float32)  # (height, width, in_channels, filters)
    count = kernel.shape[-1]
    ncols = min(ncols, count)
    nrows = math.ceil(count / ncols)
    heading = title or f"The {count} learned {kernel.shape[0]}x{kernel.shape[1]} filters of convolution {layer_index + 1}"
    figure, axes = _new_figure(nrows, ncols, figsize=(ncols * 0.9 + 1.2, nrows * 0.9 + 0.5), squeeze=False)
    limit = float(np.abs(kernel[:, :, 0, :]).max()) or 1.0
    image = None
    for index, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if index < count:
            image = ax.imshow(kernel[:, :, 0, index], cmap="bwr", vmin=-limit, vmax=limit)
        else:
            ax.axis("off")
    _colour_bar(figure, image, axes, "weight")
    figure.suptitle(wrap_title(heading, (ncols * 0.9 + 1.2) * 72, TITLE_SIZE), fontsize=TITLE_SIZE)
    return readable(figure)


def feature_maps(model, image, layer_index: int = 0) -> np.ndarray:
    """What one convolution of a CNN makes of one digit: its feature maps.

    Args:
        model: a CNN (input ``(28, 28, 1)``).
        image: ``(28, 28)`` float32 in [0, 1].
        layer_index: which Conv2D layer, counting Conv2D layers only.

    Returns:
        ``(height, width, filters) float32`` output of that layer (before pooling).

    Used by :func:`plot_feature_maps` (lesson 05).
    """
    import keras

    from mnist_course.models import shape_for

    convolutions = _conv_layers(model)
    if not convolutions:
        raise ValueError("this model has no Conv2D layer: feature maps exist only in a CNN")
    layer = convolutions[layer_index]
    probe = keras.Model(model.inputs[0], layer.output)
    output = probe(shape_for(model, image), training=False)
    return np.asarray(keras.ops.convert_to_numpy(output), dtype=np.float32)[0]  # float32 even from bfloat16


def plot_feature_maps(model, image, layer_index: int = 0, count: int = 16, ncols: int = 8, title=None):
    """Show a digit next to the feature maps one convolution makes of it.

    All maps share one colour scale and one colour bar (``output``), so a bright map is a strong answer.

    Returns:
        The ``Figure``: the input digit, then ``min(count, filters)`` feature-map panels, and the colour bar.

    Introduced in notebooks/05_cnn.ipynb.
    """
    maps = feature_maps(model, image, layer_index)
    count = min(count, maps.shape[-1])
    panels = count + 1
    ncols = min(ncols, panels)
    nrows = math.ceil(panels / ncols)
    figure, axes = _new_figure(nrows, ncols, figsize=(min(MAX_WIDTH, ncols * 1.1 + 1.2), nrows * 1.45 + 0.45),
                               squeeze=False)
    axes = axes.flat
    show_digit(image, title="input", ax=axes[0])
    shown = maps[:, :, :count]
    low, high = float(shown.min()), float(shown.max())
    if high <= low:
        high = low + 1.0
    picture = None
    for index, ax in enumerate(axes[1:]):
        ax.set_xticks([])
        ax.set_yticks([])
        if index < count:
            picture = ax.imshow(maps[:, :, index], cmap="viridis", vmin=low, vmax=high)
            ax.set_title(f"map {index}", fontsize=FONT_SIZE)
        else:
            ax.axis("off")
    if picture is not None:
        _colour_bar(figure, picture, list(axes), "output")
    heading = title or f"Feature maps of convolution {layer_index + 1} ({maps.shape[0]}x{maps.shape[1]})"
    figure.suptitle(heading, fontsize=TITLE_SIZE)
    return readable(figure)


def plot_kernel_on_digit(image, kernels: dict, title=None):
    """Apply hand-made 3x3 filters (for example edge detectors) to one digit and show the results.

    Args:
        image: ``(28, 28)`` float in [0, 1].
        kernels: ``{"name": (3, 3) array}``.

    Returns:
        The ``Figure``: the digit, then one panel per filter output (red positive, blue negative, one shared
        colour scale and colour bar, ``result of the mask``).

    Introduced in notebooks/04_convolution_and_pooling.ipynb.
    """
    from scipy.signal import correlate2d

    image = _as_image(image).astype(np.float32)
    outputs = {name: correlate2d(image, np.asarray(kernel, dtype=np.float32), mode="valid")
               for name, kernel in kernels.items()}
    limit = max((float(np.abs(output).max()) for output in outputs.values()), default=0.0) or 1.0
    panels = len(kernels) + 1
    panel = min(2.2, (MAX_WIDTH - 1.2) / panels)
    figure, axes = _new_figure(1, panels, figsize=(panel * panels + 1.2, panel + 0.8 + (0.35 if title else 0)),
                               squeeze=False)
    axes = list(axes.flat)
    show_digit(image, title="digit", ax=axes[0])
    picture = None
    for ax, (name, output) in zip(axes[1:], outputs.items()):
        picture = ax.imshow(output, cmap="bwr", vmin=-limit, vmax=limit)
        _image_title(ax, name, width=panel * 72 - 4)
        ax.set_xticks([])
        ax.set_yticks([])
    if picture is not None:
        _colour_bar(figure, picture, axes, "result of the mask")
    if title:
        figure.suptitle(title, fontsize=TITLE_SIZE)
    return readable(figure)


# --- your own handwriting (lesson 06) ---------------------------------------------------------


STEP_TITLES = {
    "original": "as read",
    "greyscale": "greyscale",
    "background": "paper",
    "ink": "ink = 1 - grey/paper",
    "mask": "clear ink, no lines",
    "digit": "the digit, cropped",
    "stroke": "pen width adjusted",
    "box": "fitted in 20x20",
    "mnist": "28x28, centred",
    "lines": "lines found",
}
#: Steps kept in ``Preprocessed.steps`` but not drawn in the strip unless ``plot_steps(..., with_lines=True)``:
#: the page lines that were taken out (the mask after them is drawn; lesson 06 shows the lines on their own).
HIDDEN_STEPS = ("lines",)


def _show_picture(ax, picture):
    """Draw a photo (RGB) as it is, or a grey picture from black (0) to white (1, or 255 for uint8)."""
    picture = np.asarray(picture)
    if picture.ndim == 3:
        ax.imshow(picture)
    else:
        high = 255 if picture.dtype == np.uint8 else 1
        ax.imshow(picture.astype(np.float32) if picture.dtype == bool else picture, cmap="gray", vmin=0, vmax=high)
    ax.set_xticks([])
    ax.set_yticks([])


def show_found_lines(lines, picture=None, ax=None, title: str | None = "lines found"):
    """Show the page lines that :func:`mnist_course.handwriting.remove_lines` found: red over the grey picture.

    The lines are drawn a few pixels wide, so that even a one-pixel line shows when the picture is drawn
    small. When no line was found, the panel says so ("no lines found") instead of being all black.

    Args:
        lines: ``(h, w)`` array, true (or 1) where a line was found (``remove_lines``'s second result, or
            ``Preprocessed.steps["lines"]``).
        picture: optional ``(h, w)`` grey picture to draw under the lines (for example the greyscale step, or
            the ink mask); a white page when None.
        ax: optional Axes to draw into; a new figure is made if None.
        title: the panel's title (None for none).

    Returns:
        The ``Axes``.

    :func:`plot_steps` and :func:`plot_line_removal` use it.
    """
    from scipy.ndimage import binary_dilation

    found = np.asarray(lines) > 0.5
    if ax is None:
        _, ax = _new_figure(figsize=(3, 2.6))
    if picture is None or np.shape(picture)[:2] != found.shape:
        picture = np.ones(found.shape, np.float32)
    picture = np.asarray(picture, dtype=np.float32)
    if picture.ndim == 3:
        picture = picture[..., :3].mean(axis=-1) / (255 if picture.max() > 1 else 1)
    elif picture.max() > 1:
        picture = picture / 255
    # Greyed and lightened, so that the red lines stand out.
    background = 0.45 + 0.5 * picture
    ax.imshow(background, cmap="gray", vmin=0, vmax=1)
    if found.any():
        width = max(1, round(max(found.shape) / 160))  # about 2 pixels of the picture as drawn
        thick = binary_dilation(found, iterations=width)
        overlay = np.zeros(found.shape + (4,), np.float32)
        overlay[thick] = (*LINE_COLOUR, 1.0)
        ax.imshow(overlay)
    else:
        panel_width = ax.get_position().width * ax.figure.get_figwidth() * 72 - 10
        ax.text(0.5, 0.5, wrap_title("no lines found", panel_width), transform=ax.transAxes, ha="center",
                va="center", fontsize=FONT_SIZE, color="black",
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"})
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        _image_title(ax, title)
    return ax


def plot_line_removal(mask, lines, cleaned, picture=None, title: str | None = None):
    """Three panels of the clean-up step: the clear ink, the page lines found, and the ink without them.

    The lines are drawn red over ``picture`` (the greyscale photo, or the mask when None); "no lines found"
    is written in the middle panel when there were none.

    Args:
        mask: ``(h, w)`` ink mask (``handwriting.ink_mask``).
        lines: ``(h, w)`` lines found (``handwriting.remove_lines``'s second result).
        cleaned: ``(h, w)`` mask without the lines (its first result).
        picture: optional ``(h, w)`` greyscale picture to draw the lines over.

    Returns:
        The ``Figure``.

    Introduced in notebooks/06_your_own_handwriting.ipynb (step 3).
    """
    figure, axes = _new_figure(1, 3, figsize=(9, 2.9 + (0.35 if title else 0)))
    _show_picture(axes[0], mask)
    _image_title(axes[0], "clear ink")
    show_found_lines(lines, picture=mask if picture is None else picture, ax=axes[1])
    _show_picture(axes[2], cleaned)
    _image_title(axes[2], "ink without lines")
    if title:
        figure.suptitle(title, fontsize=TITLE_SIZE)
    return readable(figure)


def plot_steps(result, axes=None, title: str | None = None, with_lines: bool = False):
    """Draw the steps of :func:`mnist_course.handwriting.preprocess` as a strip of small pictures.

    Every step in ``result.steps`` is drawn, in order, except those in ``HIDDEN_STEPS``. Titles wrap onto
    two lines where they are wider than their picture.

    Args:
        result: a :class:`~mnist_course.handwriting.Preprocessed`.
        axes: optional Axes to draw into (one per step drawn).
        title: optional title for the strip.
        with_lines: also draw the page lines that were taken out (red over the greyscale picture, or
            "no lines found"), just after the ink.

    Returns:
        The matplotlib figure.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    names = [name for name in result.steps if name not in HIDDEN_STEPS or (with_lines and name == "lines")]
    panel = min(1.15, MAX_WIDTH / len(names))  # inches per picture
    if axes is None:
        figure, axes = _new_figure(1, len(names), figsize=(panel * len(names), 2.1 + (0.35 if title else 0)))
        figure.get_layout_engine().set(w_pad=0.01, wspace=0.02)
    else:
        figure = np.ravel(axes)[0].figure
        panel = np.ravel(axes)[0].get_position().width * figure.get_figwidth()
    width = panel * 72 - 4  # points
    for axis, name in zip(np.ravel(axes), names):
        picture = result.steps[name]
        if name == "lines":
            show_found_lines(picture, picture=result.steps.get("greyscale"), ax=axis, title=None)
            axis.set_title(wrap_title(STEP_TITLES["lines"], width), fontsize=FONT_SIZE)
            continue
        light_on_dark = name in ("ink", "mask", "digit", "stroke", "box", "mnist")
        _show_picture(axis, picture)
        axis.set_title(wrap_title(STEP_TITLES.get(name, name), width), fontsize=FONT_SIZE)
        if not light_on_dark:
            for spine in axis.spines.values():
                spine.set_color("0.7")
    if title:
        figure.suptitle(title, fontsize=TITLE_SIZE)
    return readable(figure)


def plot_gallery(pictures, titles, images=None, image_titles=None, title: str | None = None,
                 width: float | None = None):
    """A row of pictures with their names above, and (optionally) a second row below, each with a title.

    Lesson 06 shows each sample photo above the 28x28 digit it became, with the model's answer. Titles
    wrap (at spaces, ``_``, ``-`` and before ``.``) to fit their picture, so neighbours never overlap.

    Args:
        pictures: photos (PIL images or arrays: RGB, RGBA or grey).
        titles: one title per picture (for example the file names).
        images: optional pictures for the second row (for example ``Preprocessed.image``).
        image_titles: optional titles for the second row (for example ``"9 (56%)"``).
        title: optional title for the whole figure.
        width: figure width in inches (``min(MAX_WIDTH, 1.25 * columns)`` when None).

    Returns:
        The ``Figure``.

    Introduced in notebooks/06_your_own_handwriting.ipynb (its gallery of sample pictures).
    """
    pictures = [np.asarray(picture) for picture in pictures]
    ncols = len(pictures)
    if ncols == 0:
        raise ValueError("no pictures to show")
    width = width or min(MAX_WIDTH, 1.25 * ncols)
    column = width / ncols * 72 - 8  # points; a space between neighbours
    top_titles = [wrap_title(text, column) for text in titles]
    rows = [(pictures, top_titles)]
    if images is not None:
        bottom_titles = [wrap_title(text, column) for text in image_titles] if image_titles is not None else None
        rows.append(([np.asarray(image) for image in images], bottom_titles))
    line = FONT_SIZE * 1.25 / 72
    height = sum(width / ncols + line * _line_count(texts or []) + 0.1 for _, texts in rows)
    height += 0.4 if title else 0
    figure, axes = _new_figure(len(rows), ncols, figsize=(width, height), squeeze=False)
    figure.get_layout_engine().set(w_pad=0.01, wspace=0.02)
    for row, (row_pictures, row_titles) in enumerate(rows):
        for index, ax in enumerate(axes[row]):
            _show_picture(ax, row_pictures[index])
            ax.axis("off")
            if row_titles is not None:
                ax.set_title(row_titles[index], fontsize=FONT_SIZE)
    if title:
        figure.suptitle(title, fontsize=TITLE_SIZE)
    return readable(figure)


def plot_prediction(image: np.ndarray, probabilities: np.ndarray, title: str | None = None):
    """Show a 28x28 digit next to the model's confidence for each digit, with the top 3 named.

    Returns:
        The matplotlib figure.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    from mnist_course import handwriting

    probabilities = np.asarray(probabilities).reshape(-1)
    figure, (left, right) = _new_figure(1, 2, figsize=(8, 2.9), gridspec_kw={"width_ratios": [1, 2.6]})
    left.imshow(image, cmap="gray", vmin=0, vmax=1)
    left.set_xticks([])
    left.set_yticks([])
    best = int(probabilities.argmax())
    colours = ["tab:blue" if digit == best else "0.7" for digit in range(10)]
    right.bar(range(10), probabilities, color=colours)
    right.set_xticks(range(10))
    right.set_ylim(0, 1)
    right.set_yticks([0, 0.5, 1])
    right.yaxis.set_major_formatter(PercentFormatter(1.0))
    right.set_ylabel("confidence", fontsize=FONT_SIZE)
    right.set_xlabel("digit", fontsize=FONT_SIZE)
    right.tick_params(labelsize=FONT_SIZE)
    right.spines[["top", "right"]].set_visible(False)
    ranked = ", ".join(f"{digit}: {value:.0%}" for digit, value in handwriting.top_k(probabilities))
    right.set_title(f"top 3 - {ranked}", fontsize=FONT_SIZE)
    if title:
        _image_title(left, title)
    return readable(figure)


def show_prediction(model, source, invert: bool | None = None, title: str | None = None, with_lines: bool = False):
    """Preprocess a picture, predict its digit, and draw the steps and the model's confidence.

    Args:
        with_lines: also draw the page lines found (see :func:`plot_steps`).

    Returns:
        ``(result, probabilities)``: the :class:`~mnist_course.handwriting.Preprocessed` and ``(10,) float32``.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    from mnist_course import handwriting

    result = handwriting.preprocess(source, invert=invert)
    probabilities = handwriting.predict(model, result)
    plot_steps(result, title=title, with_lines=with_lines)
    plt.show()
    plot_prediction(result.image, probabilities)
    plt.show()
    return result, probabilities
