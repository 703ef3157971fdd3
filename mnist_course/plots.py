"""Pictures for the course: digit grids, learning curves, confusion matrices, mistakes and feature maps.

Every function returns the matplotlib ``Figure`` (or draws into the ``ax`` you give it), so a notebook
cell shows the idea and not the axes code.

Introduced in notebooks/01_explore_mnist.ipynb (digit grids) and notebooks/03_mlp.ipynb (the rest).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

DIGITS = list(range(10))


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


def show_digit(image, title=None, ax=None):
    """Show one digit in grey as the data really is: 0 is black, the largest value is white.

    Args:
        image: ``(28, 28)`` array, uint8 (0-255) or float (0-1); ``(28, 28, 1)`` and ``(784,)`` also work.
        title: optional text above the image.
        ax: optional matplotlib Axes to draw into; a new small figure is made if None.

    Returns:
        The matplotlib ``Axes``.

    Introduced in notebooks/04_convolution_and_pooling.ipynb.
    """
    image = _as_image(image)
    if ax is None:
        _, ax = plt.subplots(figsize=(2.5, 2.5))
    high = 255 if image.max() > 1.0 else 1.0
    ax.imshow(image, cmap="gray", vmin=0, vmax=high)  # true colours: MNIST is white ink on black
    if title is not None:
        ax.set_title(str(title), fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def show_digits(images, labels=None, ncols=10, titles=None, size=1.0, suptitle=None):
    """Show many digits in a grid, with their labels as titles.

    Args:
        images: ``(n, 28, 28)`` array (uint8 or float), or a list of such images.
        labels: optional ``(n,)`` labels; each is shown above its image.
        ncols: images per row.
        titles: optional list of strings to use instead of the labels.
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
    row_height = size * (1.35 if titles is not None else 1.05)  # room for the titles
    figure, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * row_height + 0.3), squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index < count:
            show_digit(images[index], title=None if titles is None else titles[index], ax=ax)
        else:
            ax.axis("off")
    if suptitle:
        figure.suptitle(suptitle)
    figure.tight_layout()
    return figure


# ---------------------------------------------------------------------------
# Training and evaluation (lessons 03 and 05)
# ---------------------------------------------------------------------------


def _history_dict(history) -> dict:
    return history.history if hasattr(history, "history") else dict(history)


def plot_history(history, title=None):
    """Learning curves: loss and accuracy per epoch, training against validation.

    Args:
        history: the ``History`` that ``training.train`` (or ``model.fit``) returns, or its ``.history`` dict.
        title: optional title for the figure.

    Returns:
        The ``Figure``, with two axes: loss (left) and accuracy in % (right).

    Introduced in notebooks/03_mlp.ipynb.
    """
    logs = _history_dict(history)
    if not logs.get("loss"):
        raise ValueError("the history has no 'loss' values: was the model trained?")
    epochs = np.arange(1, len(logs["loss"]) + 1)
    figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(9, 3.2))
    for ax, key, label in ((loss_ax, "loss", "loss"), (accuracy_ax, "accuracy", "accuracy (%)")):
        scale = 100 if key == "accuracy" else 1
        if key in logs:
            ax.plot(epochs, np.asarray(logs[key]) * scale, "o-", label="training")
        if "val_" + key in logs:
            ax.plot(epochs, np.asarray(logs["val_" + key]) * scale, "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_xticks(epochs if len(epochs) <= 15 else epochs[:: max(1, len(epochs) // 10)])
        ax.grid(alpha=0.3)
        ax.legend()
    loss_ax.set_title("Loss (lower is better)")
    accuracy_ax.set_title("Accuracy (higher is better)")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_histories(histories: dict, key: str = "val_accuracy", title=None):
    """Compare several runs on one axis: ``{"adam": history, "rmsprop": history}``.

    Returns:
        The ``Figure`` with one line per run.

    Introduced in notebooks/03_mlp.ipynb.
    """
    figure, ax = plt.subplots(figsize=(6, 3.2))
    for name, history in histories.items():
        values = np.asarray(_history_dict(history)[key], dtype=float)
        scale = 100 if "accuracy" in key else 1
        ax.plot(np.arange(1, len(values) + 1), values * scale, "o-", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(key.replace("_", " ") + (" (%)" if "accuracy" in key else ""))
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title or key.replace("_", " "))
    figure.tight_layout()
    return figure


def plot_confusion_matrix(true_labels, predicted_labels, title="Confusion matrix"):
    """Confusion matrix: how often each true digit (row) was read as each digit (column).

    The diagonal (right answers) is so much larger than the rest that the colours use the mistakes
    only; every cell shows its count.

    Args:
        true_labels: ``(n,)`` digits.
        predicted_labels: ``(n,)`` digits the model chose.

    Returns:
        The ``Figure`` (one axis, 10x10 cells, with a colour bar).

    Introduced in notebooks/03_mlp.ipynb.
    """
    from mnist_course.training import confusion_matrix

    matrix = confusion_matrix(true_labels, predicted_labels)
    mistakes = matrix.astype(float)
    np.fill_diagonal(mistakes, np.nan)
    figure, ax = plt.subplots(figsize=(6, 5))
    image = ax.imshow(mistakes, cmap="Reds", vmin=0, vmax=max(1.0, np.nanmax(mistakes)))
    figure.colorbar(image, ax=ax, label="mistakes")
    for row in range(10):
        for column in range(10):
            count = matrix[row, column]
            if count:
                dark = row != column and count > 0.6 * np.nanmax(mistakes)
                ax.text(column, row, str(count), ha="center", va="center", fontsize=7,
                        fontweight="bold" if row == column else "normal", color="white" if dark else "black")
    ax.set_xticks(DIGITS)
    ax.set_yticks(DIGITS)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)
    figure.tight_layout()
    return figure


def plot_per_class_accuracy(true_labels, predicted_labels, title="Accuracy for each digit"):
    """Bar chart of the accuracy for each digit, to see which digits are hardest.

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
    figure, ax = plt.subplots(figsize=(7, 3))
    bars = ax.bar(DIGITS, accuracies, color="tab:blue")
    for bar, value in zip(bars, accuracies):
        if np.isfinite(value):
            ax.text(bar.get_x() + bar.get_width() / 2, value, f"{value:.1f}", ha="center", va="bottom", fontsize=8)
    low = np.nanmin(accuracies) if np.any(np.isfinite(accuracies)) else 0
    ax.set_ylim(max(0, low - 3), 100.5)
    ax.set_xticks(DIGITS)
    ax.set_xlabel("digit")
    ax.set_ylabel("accuracy (%)")
    ax.set_title(title)
    figure.tight_layout()
    return figure


def plot_mistakes(images, true_labels, probabilities, count: int = 20, ncols: int = 10, title=None):
    """A gallery of misclassified digits, the most confident mistakes first.

    Each title reads ``true 4 -> 9 (87%)``: the true digit, the model's answer and its confidence.

    Args:
        images: ``(n, 28, 28)`` test images.
        true_labels: ``(n,)`` digits.
        probabilities: ``(n, 10)`` model output (``models.predict_proba``).
        count: how many mistakes to show at most.

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
        figure, ax = plt.subplots(figsize=(5, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "No mistakes on these images.", ha="center", va="center")
        return figure
    confidence = probabilities[wrong, predicted[wrong]]
    chosen = wrong[np.argsort(-confidence)][:count]
    titles = [f"{true_labels[i]}→{predicted[i]} {100 * probabilities[i, predicted[i]]:.0f}%" for i in chosen]
    figure = show_digits(images[chosen], titles=titles, ncols=ncols, size=1.1,
                         suptitle=title or f"{len(wrong)} mistakes; shown: true→predicted confidence")
    return figure


# ---------------------------------------------------------------------------
# Inside a CNN (lessons 04 and 05)
# ---------------------------------------------------------------------------


def _conv_layers(model):
    return [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]


def plot_filters(model, layer_index: int = 0, ncols: int = 8, title=None):
    """Show the learned filters of a CNN's first convolution (or of ``layer_index``, counting Conv2D only).

    Red is a positive weight, blue a negative one. For a deeper layer, the filter's weights for
    the first input channel are shown.

    Returns:
        The ``Figure``, one panel per filter.

    Introduced in notebooks/05_cnn.ipynb.
    """
    convolutions = _conv_layers(model)
    if not convolutions:
        raise ValueError("this model has no Conv2D layer: filters exist only in a CNN")
    layer = convolutions[layer_index]
    kernel = np.asarray(layer.get_weights()[0])  # (height, width, in_channels, filters)
    count = kernel.shape[-1]
    ncols = min(ncols, count)
    nrows = math.ceil(count / ncols)
    figure, axes = plt.subplots(nrows, ncols, figsize=(ncols * 0.9, nrows * 0.95), squeeze=False)
    limit = np.abs(kernel[:, :, 0, :]).max() or 1.0
    for index, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if index < count:
            ax.imshow(kernel[:, :, 0, index], cmap="bwr", vmin=-limit, vmax=limit)
        else:
            ax.axis("off")
    figure.suptitle(title or f"The {count} learned {kernel.shape[0]}x{kernel.shape[1]} filters of convolution {layer_index + 1}")
    figure.tight_layout()
    return figure


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

    Returns:
        The ``Figure``: the input digit, then ``min(count, filters)`` feature-map panels.

    Introduced in notebooks/05_cnn.ipynb.
    """
    maps = feature_maps(model, image, layer_index)
    count = min(count, maps.shape[-1])
    panels = count + 1
    ncols = min(ncols, panels)
    nrows = math.ceil(panels / ncols)
    figure, axes = plt.subplots(nrows, ncols, figsize=(ncols * 1.1, nrows * 1.2), squeeze=False)
    axes = axes.flat
    show_digit(image, title="input", ax=axes[0])
    for index, ax in enumerate(axes[1:]):
        ax.set_xticks([])
        ax.set_yticks([])
        if index < count:
            ax.imshow(maps[:, :, index], cmap="viridis")
            ax.set_title(f"map {index}", fontsize=8)
        else:
            ax.axis("off")
    figure.suptitle(title or f"Feature maps of convolution {layer_index + 1} ({maps.shape[0]}x{maps.shape[1]})")
    figure.tight_layout()
    return figure


def plot_kernel_on_digit(image, kernels: dict, title=None):
    """Apply hand-made 3x3 filters (for example edge detectors) to one digit and show the results.

    Args:
        image: ``(28, 28)`` float in [0, 1].
        kernels: ``{"name": (3, 3) array}``.

    Returns:
        The ``Figure``: the digit, then one panel per filter output (red positive, blue negative).

    Introduced in notebooks/04_convolution_and_pooling.ipynb.
    """
    from scipy.signal import correlate2d

    image = _as_image(image).astype(np.float32)
    figure, axes = plt.subplots(1, len(kernels) + 1, figsize=(2.2 * (len(kernels) + 1), 2.6))
    show_digit(image, title="digit", ax=axes[0])
    for ax, (name, kernel) in zip(axes[1:], kernels.items()):
        output = correlate2d(image, np.asarray(kernel, dtype=np.float32), mode="valid")
        limit = np.abs(output).max() or 1.0
        ax.imshow(output, cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_title(name, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


# --- your own handwriting (lesson 06) ---------------------------------------------------------


STEP_TITLES = {
    "original": "as read",
    "greyscale": "greyscale",
    "background": "paper (background)",
    "ink": "ink = 1 - grey/paper",
    "mask": "clear ink, no lines",
    "digit": "the digit, cropped",
    "stroke": "stroke width adjusted",
    "box": "fitted in 20x20",
    "mnist": "28x28, centred",
    "lines": "page lines taken out",
}
#: Steps kept in ``Preprocessed.steps`` but not drawn in the strip: the page lines that were taken out
#: (the mask after them is drawn; lesson 06 shows the lines on their own).
HIDDEN_STEPS = ("lines",)


def plot_steps(result, axes=None, title: str | None = None):
    """Draw the steps of :func:`mnist_course.handwriting.preprocess` as a strip of small pictures.

    Every step in ``result.steps`` is drawn, in order, except those in ``HIDDEN_STEPS``.

    Returns:
        The matplotlib figure.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    names = [name for name in result.steps if name not in HIDDEN_STEPS]
    if axes is None:
        figure, axes = plt.subplots(1, len(names), figsize=(1.15 * len(names), 1.65))
    else:
        figure = np.ravel(axes)[0].figure
    for axis, name in zip(np.ravel(axes), names):
        picture = result.steps[name]
        light_on_dark = name in ("ink", "mask", "digit", "stroke", "box", "mnist")
        if picture.ndim == 3:
            axis.imshow(picture)
        else:
            axis.imshow(picture, cmap="gray", vmin=0, vmax=255 if picture.dtype == np.uint8 else 1)
        axis.set_title(STEP_TITLES.get(name, name), fontsize=7)
        axis.set_xticks([])
        axis.set_yticks([])
        if not light_on_dark:
            for spine in axis.spines.values():
                spine.set_color("0.7")
    if title:
        figure.suptitle(title, fontsize=9)
    figure.tight_layout()
    return figure


def plot_prediction(image: np.ndarray, probabilities: np.ndarray, title: str | None = None):
    """Show a 28x28 digit next to the model's confidence for each digit, with the top 3 named.

    Returns:
        The matplotlib figure.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    from mnist_course import handwriting

    probabilities = np.asarray(probabilities).reshape(-1)
    figure, (left, right) = plt.subplots(1, 2, figsize=(7, 2.4), gridspec_kw={"width_ratios": [1, 2.4]})
    left.imshow(image, cmap="gray", vmin=0, vmax=1)
    left.set_xticks([])
    left.set_yticks([])
    best = int(probabilities.argmax())
    colours = ["tab:blue" if digit == best else "0.75" for digit in range(10)]
    right.bar(range(10), probabilities, color=colours)
    right.set_xticks(range(10))
    right.set_ylim(0, 1)
    right.set_ylabel("confidence")
    ranked = ", ".join(f"{digit}: {value:.0%}" for digit, value in handwriting.top_k(probabilities))
    right.set_title(f"top 3 - {ranked}", fontsize=9)
    if title:
        left.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def show_prediction(model, source, invert: bool | None = None, title: str | None = None):
    """Preprocess a picture, predict its digit, and draw the steps and the model's confidence.

    Returns:
        ``(result, probabilities)``: the :class:`~mnist_course.handwriting.Preprocessed` and ``(10,) float32``.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    from mnist_course import handwriting

    result = handwriting.preprocess(source, invert=invert)
    probabilities = handwriting.predict(model, result)
    plot_steps(result, title=title)
    plt.show()
    plot_prediction(result.image, probabilities)
    plt.show()
    return result, probabilities
