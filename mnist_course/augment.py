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


@dataclass(frozen=True)
class Augmentation:
    """Which changes the augmenter makes.

    The wobble is off by default: measured on the course CNN (3 epochs), it cost almost a point of
    MNIST test accuracy (98.7% against 99.3%) and read no more real handwriting right.
    """

    affine: bool = True  # rotation, slant, size and position
    elastic: bool = False  # the smooth wobble of a hand
    pen: bool = True  # thicker or thinner pen


def affine_layers():
    """Keras preprocessing layers for tilt, slant, size and position (one random change per image).

    Used when the course CNN trains (``models.RECIPES["cnn"].augment``); notebooks/06_your_own_handwriting.ipynb says why.
    """
    from keras import layers

    import keras

    return keras.Sequential(
        [
            layers.RandomRotation(MAX_ROTATION_DEGREES / 360.0, fill_mode="constant"),
            layers.RandomShear(x_factor=MAX_SHEAR, y_factor=0.0, fill_mode="constant"),
            layers.RandomZoom((-MAX_ZOOM, MAX_ZOOM), fill_mode="constant"),
            layers.RandomTranslation(MAX_SHIFT_PIXELS / 28.0, MAX_SHIFT_PIXELS / 28.0, fill_mode="constant"),
        ],
        name="affine",
    )


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


def augmenter(which: Augmentation = Augmentation()):
    """A function ``batch -> batch`` that makes the chosen changes, for ``dataset.map``.

    Used when the course CNN trains (``models.RECIPES["cnn"].augment``); notebooks/06_your_own_handwriting.ipynb says why.
    """
    affine = affine_layers() if which.affine else None

    def augment_batch(batch):
        if affine is not None:
            batch = affine(batch, training=True)
        if which.elastic:
            batch = elastic_wobble(batch)
        if which.pen:
            batch = change_pen(batch)
        return batch

    return augment_batch
