"""Data augmentation that looks like people's own handwriting: tilt, slant, size, position, wobble, pen.

MNIST's writers were careful, and the digits were centred by a machine. A student's digits are
tilted, slanted, bigger or smaller, a little off-centre, drawn with a thinner or thicker pen, and
their strokes wobble. Training on MNIST digits changed in those ways, a new random change in every
epoch, teaches the model that none of it changes the digit.

Every function here takes and returns a batch ``(n, 28, 28, 1) float32`` in [0, 1] and runs inside
a ``tf.data`` pipeline (``dataset.map``), so the changes cost little time next to training.

Introduced in notebooks/06_your_own_handwriting.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Strength of each change. Small on purpose: a 6 turned by 40 degrees starts to look like a 9,
#: and a 1 slanted too far looks like a 7.
MAX_ROTATION_DEGREES = 10.0
MAX_SHEAR = 0.15  # horizontal slant: x moves by 0.15 * y
MAX_ZOOM = 0.12  # 12% bigger or smaller
MAX_SHIFT_PIXELS = 2.0
ELASTIC_PIXELS = 1.2  # how far a point of a stroke may move in the wobble (standard deviation)
ELASTIC_GRID = 4  # the wobble is smooth: random moves on a 4x4 grid, smoothly spread over the image
THICKER_SHARE = 0.2  # part of the images drawn with a thicker pen ...
THINNER_SHARE = 0.15  # ... and with a thinner pen
SOFT_SHARE = 0.15  # part of the images stored small (7-14 pixels) and enlarged again: a soft, blurry digit
SOFT_SIZES = (7, 14)
FORM_SHARE = 0.35  # part of the 1s given a flag (and half of those a foot), and of the 7s given a bar


@dataclass(frozen=True)
class Augmentation:
    """Which changes the augmenter makes.

    The wobble is off by default: measured on the course CNN (3 epochs), it cost almost a point of
    MNIST test accuracy (98.7% against 99.3%) and read no more real handwriting right.
    """

    affine: bool = True  # rotation, slant, size and position
    elastic: bool = False  # the smooth wobble of a hand
    pen: bool = True  # thicker or thinner pen
    soft: bool = False  # stored small and enlarged: a soft digit (a small scan, a thumbnail)


def random_affine(batch, rotation_degrees: float = MAX_ROTATION_DEGREES, shear: float = MAX_SHEAR,
                  zoom: float = MAX_ZOOM, shift_pixels: float = MAX_SHIFT_PIXELS):
    """Tilt, slant, resize and move every image at random, in one transform per image.

    It makes the same four changes as ``affine_layers`` (rotation, horizontal shear, zoom and shift about
    the centre), but composes them into one 2x3 matrix per image and moves the pixels once
    (``keras.ops.image.affine_transform``, bilinear, empty outside), which is about three times faster
    on a CPU than four layers that each move the pixels.

    Args:
        batch: ``(n, 28, 28, 1) float32``.
        rotation_degrees, shear, zoom, shift_pixels: the largest change of each kind (uniform in +-).

    Used when the course CNN and ``cnn_large`` train; notebooks/08_toward_99_7.ipynb shows the layers it replaces.
    """
    import math

    import tensorflow as tf

    import keras

    count = tf.shape(batch)[0]
    height, width = batch.shape[1], batch.shape[2]

    def uniform(limit):
        return tf.random.uniform([count], -limit, limit)

    angle = uniform(math.radians(rotation_degrees))
    slant = uniform(shear)
    scale = 1.0 + uniform(zoom)
    centre_x, centre_y = (width - 1) / 2.0, (height - 1) / 2.0
    to_x, to_y = centre_x + uniform(shift_pixels), centre_y + uniform(shift_pixels)
    cos, sin = tf.cos(angle), tf.sin(angle)
    # Forward map (input -> output): scale * rotation @ shear. affine_transform wants the inverse
    # (for each output pixel, where to read in the input).
    a00, a01 = scale * cos, scale * (cos * slant - sin)
    a10, a11 = scale * sin, scale * (sin * slant + cos)
    det = a00 * a11 - a01 * a10
    i00, i01, i10, i11 = a11 / det, -a01 / det, -a10 / det, a00 / det
    b0 = centre_x - i00 * to_x - i01 * to_y
    b1 = centre_y - i10 * to_x - i11 * to_y
    zeros = tf.zeros([count])
    transform = tf.stack([i00, i01, b0, i10, i11, b1, zeros, zeros], axis=1)
    return keras.ops.image.affine_transform(batch, transform, interpolation="bilinear", fill_mode="constant")


def elastic_wobble(batch, pixels: float = ELASTIC_PIXELS, grid: int = ELASTIC_GRID):
    """Move every pixel by a small, smooth random amount: the wobble of a human hand.

    Random moves are drawn on a coarse ``grid x grid`` lattice, enlarged smoothly to 28x28 (so near
    pixels move together), and the image is sampled at the moved positions (bilinear).

    Args:
        batch: ``(n, 28, 28, 1) float32``.
        pixels: standard deviation of a move, in pixels.
        grid: lattice size; smaller is smoother.

    Used when the course CNN trains (``models.RECIPES["cnn"].augment``); notebooks/06_your_own_handwriting.ipynb says why.
    """
    import tensorflow as tf

    count = tf.shape(batch)[0]
    height, width = batch.shape[1], batch.shape[2]
    moves = tf.random.normal([count, grid, grid, 2], stddev=pixels)
    moves = tf.image.resize(moves, [height, width], method="bicubic")  # (n, 28, 28, 2): dy, dx
    rows, cols = tf.meshgrid(tf.range(height, dtype=tf.float32), tf.range(width, dtype=tf.float32), indexing="ij")
    y = tf.clip_by_value(rows[None] + moves[..., 0], 0.0, height - 1.0)
    x = tf.clip_by_value(cols[None] + moves[..., 1], 0.0, width - 1.0)
    y0, x0 = tf.floor(y), tf.floor(x)
    y1, x1 = tf.minimum(y0 + 1, height - 1.0), tf.minimum(x0 + 1, width - 1.0)
    wy, wx = (y - y0)[..., None], (x - x0)[..., None]
    image_index = tf.broadcast_to(tf.range(count)[:, None, None], tf.shape(y0))

    def pick(rows_at, cols_at):
        index = tf.stack([image_index, tf.cast(rows_at, tf.int32), tf.cast(cols_at, tf.int32)], axis=-1)
        return tf.gather_nd(batch, index)

    top = pick(y0, x0) * (1 - wx) + pick(y0, x1) * wx
    bottom = pick(y1, x0) * (1 - wx) + pick(y1, x1) * wx
    return top * (1 - wy) + bottom * wy


def change_pen(batch, thicker: float = THICKER_SHARE, thinner: float = THINNER_SHARE):
    """Draw some digits with a thicker pen (a 2x2 maximum) and some with a thinner one (a 2x2 minimum).

    Used when the course CNN trains (``models.RECIPES["cnn"].augment``); notebooks/06_your_own_handwriting.ipynb says why.
    """
    import tensorflow as tf

    choice = tf.random.uniform([tf.shape(batch)[0], 1, 1, 1])
    thick = tf.nn.max_pool2d(batch, 2, 1, "SAME")
    thin = -tf.nn.max_pool2d(-batch, 2, 1, "SAME")
    return tf.where(choice < thicker, thick, tf.where(choice > 1.0 - thinner, thin, batch))


def soften(batch, share: float = SOFT_SHARE, sizes=SOFT_SIZES):
    """Store some digits small (7 to 14 pixels, averaged) and enlarge them again: soft, blurry strokes.

    A small scan or a thumbnail of a digit, enlarged by the reader, looks like this. One random size
    per batch (``tf.image.resize`` needs one size), a new one each batch; the brightest pixel of each
    changed digit is brought back to 1, as the reader does.

    Used when the course CNN trains (``models.RECIPES["cnn"].augment``); notebooks/06_your_own_handwriting.ipynb says why.
    """
    import tensorflow as tf

    height, width = batch.shape[1], batch.shape[2]
    size = tf.random.uniform([], sizes[0], sizes[1] + 1, dtype=tf.int32)
    small = tf.image.resize(batch, tf.stack([size, size]), method="area")
    soft = tf.image.resize(small, [height, width], method="bicubic")
    soft = tf.clip_by_value(soft / tf.maximum(tf.reduce_max(soft, axis=[1, 2, 3], keepdims=True), 1e-3), 0.0, 1.0)
    choice = tf.random.uniform([tf.shape(batch)[0], 1, 1, 1])
    return tf.where(choice < share, soft, batch)


def _line(image: np.ndarray, start, end, width: float) -> None:
    """Draw a soft straight line of ``width`` pixels from ``start`` to ``end`` ((row, col)) into ``image``."""
    rows, cols = np.indices(image.shape, dtype=np.float32)
    (r0, c0), (r1, c1) = start, end
    dr, dc = r1 - r0, c1 - c0
    length2 = max(dr * dr + dc * dc, 1e-6)
    t = np.clip(((rows - r0) * dr + (cols - c0) * dc) / length2, 0.0, 1.0)
    distance = np.hypot(rows - (r0 + t * dr), cols - (c0 + t * dc))
    np.maximum(image, np.clip(width / 2 + 0.5 - distance, 0.0, 1.0), out=image)


def add_letter_forms(images, labels, share: float = FORM_SHARE, seed=None, centre: bool = True) -> np.ndarray:
    """Give some MNIST 1s a flag and a foot, and some 7s a bar: letter forms that MNIST lacks.

    Many schools teach a 1 with a flag at the top (and often a foot) and a 7 crossed in the middle.
    MNIST (American writers) has few of them, so a model trained on it reads such a 1 as a 7.
    For ``share`` of the 1s this draws a flag down and to the left from the top of the stroke (half
    of them also get a foot), and for ``share`` of the 7s a short bar across the middle of the stem,
    with a pen as wide as the digit's own.

    Args:
        images: ``(n, 28, 28)`` float32 in [0, 1], light digits on black; labels: ``(n,)`` digits.
        share: the part of the 1s and of the 7s that is changed.
        seed: for a repeatable choice.
        centre: move each changed digit so its centre of mass is in the middle again, as in MNIST.

    Returns:
        A changed copy of ``images`` (the labels stay the same).

    Used when the course CNN trains (``models.RECIPES["cnn"].letter_forms``); notebooks/06_your_own_handwriting.ipynb shows it.
    """
    from scipy import ndimage

    images = np.array(images, dtype=np.float32, copy=True)
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    for digit in (1, 7):
        chosen = np.flatnonzero(labels == digit)
        chosen = chosen[rng.random(len(chosen)) < share]
        for index in chosen:
            image = images[index]
            ink = image > 0.5
            if ink.sum() < 10:
                continue
            rows = np.flatnonzero(ink.any(axis=1))
            top, bottom = rows[0], rows[-1]
            height = bottom - top + 1
            area_width = ink.sum() / height  # the stroke's width, near enough for a 1 or a 7's stem
            pen = float(np.clip(area_width, 1.5, 4.0))
            if digit == 1:
                top_col = float(np.flatnonzero(ink[top]).mean())
                bottom_col = float(np.flatnonzero(ink[bottom]).mean())
                length = height * rng.uniform(0.25, 0.4)
                angle = np.deg2rad(rng.uniform(30, 60))  # below the horizontal, to the left
                _line(image, (top, top_col), (top + length * np.sin(angle), top_col - length * np.cos(angle)), pen)
                if rng.random() < 0.5:
                    half = height * rng.uniform(0.18, 0.28)
                    _line(image, (bottom, bottom_col - half), (bottom, bottom_col + half), pen)
            else:
                middle = int(top + height * rng.uniform(0.5, 0.6))
                cols = np.flatnonzero(ink[middle])
                if len(cols) == 0:
                    continue
                centre = float(cols.mean())
                half = height * rng.uniform(0.15, 0.22)
                _line(image, (middle, centre - half), (middle + rng.uniform(-1, 1), centre + half), pen)
            if centre:  # its centre of mass in the middle again, as MNIST places every digit
                row, col = ndimage.center_of_mass(image)
                images[index] = ndimage.shift(image, (14 - row, 14 - col), order=1, mode="constant")
    return np.clip(images, 0.0, 1.0)


def augmenter(which: Augmentation = Augmentation()):
    """A function ``batch -> batch`` that makes the chosen changes, for ``dataset.map``.

    Used when the course CNN trains (``models.RECIPES["cnn"].augment``); notebooks/06_your_own_handwriting.ipynb says why.
    """

    def augment_batch(batch):
        if which.affine:
            batch = random_affine(batch)
        if which.elastic:
            batch = elastic_wobble(batch)
        if which.pen:
            batch = change_pen(batch)
        if which.soft:
            batch = soften(batch)
        return batch

    return augment_batch
