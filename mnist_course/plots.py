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

    Introduced in notebooks/01_explore_mnist.ipynb.
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
    figure, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size * 1.15), squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index < count:
            show_digit(images[index], title=None if titles is None else titles[index], ax=ax)
        else:
            ax.axis("off")
    if suptitle:
        figure.suptitle(suptitle)
    figure.tight_layout()
    return figure
