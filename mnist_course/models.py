"""The networks of lessons 03-05: dense networks (MLPs), the CNNs of well-known tutorials and the course's own fast CNN.

Every builder returns a compiled Keras model that takes pixels scaled to [0, 1] and ends in a softmax
over the 10 digits. Dense networks take ``(28, 28)`` images and flatten them themselves; CNNs take
``(28, 28, 1)`` images. ``predict_proba`` reshapes for you.

Introduced in notebooks/03_mlp.ipynb (dense networks) and notebooks/05_cnn.ipynb (CNNs).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

import keras
from keras import layers

from mnist_course import config
from mnist_course.data import NUM_CLASSES  # its home is data; ``models.NUM_CLASSES`` works too


@dataclass(frozen=True)
class Recipe:
    """How a model is trained by default: epochs, batch size and learning rate.

    ``peak_learning_rate`` set: one-cycle schedule (warm-up, then cosine decay to almost zero).
    ``peak_learning_rate`` None: the optimizer's own constant learning rate.
    ``augment`` True: every epoch sees the digits tilted, slanted, resized, moved and with another pen.
    ``float32`` set: the recipe to use instead when the model computes in float32 (a computer without
    bfloat16 instructions, where each step takes about twice as long).
    """

    epochs: int
    batch_size: int = 128
    peak_learning_rate: float | None = None
    label_smoothing: float = 0.0
    augment: bool = False  # train on digits changed like people's own (``mnist_course.augment``)
    soft: bool = False  # with augment: also soft digits, stored small and enlarged (``augment.soften``)
    letter_forms: bool = False  # with augment: 1s with a flag and a foot, 7s with a bar (``augment.add_letter_forms``)
    float32: "Recipe | None" = None


# ---------------------------------------------------------------------------
# Dense networks (lesson 03)
# ---------------------------------------------------------------------------


def _compile(model, optimizer="adam", label_smoothing=0.0):
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        metrics=["accuracy"],
        steps_per_execution=8,  # several batches per call: less Python work per step on a CPU
    )
    return model


def mlp_128() -> keras.Model:
    """The first dense network: one hidden layer of 128 units, 101,770 parameters.

    Input ``(n, 28, 28)`` float32 in [0, 1]; output ``(n, 10)`` probabilities. Optimizer: Adam.

    Introduced in notebooks/03_mlp.ipynb.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="mlp_128",
    )
    return _compile(model)


def mlp_512() -> keras.Model:
    """A wider dense network: 512 hidden units with dropout, 407,050 parameters.

    Input ``(n, 28, 28)`` float32 in [0, 1]; output ``(n, 10)`` probabilities. Optimizer: Adam.

    Introduced in notebooks/03_mlp.ipynb.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Flatten(),
            layers.Dense(512, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="mlp_512",
    )
    return _compile(model)


def mlp_deep() -> keras.Model:
    """A deep dense network 512-256-128-64 trained with RMSprop, 575,050 parameters.

    Input ``(n, 28, 28)`` float32 in [0, 1]; output ``(n, 10)`` probabilities.

    Introduced in notebooks/03_mlp.ipynb.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Flatten(),
            layers.Dense(512, activation="relu"),
            layers.Dense(256, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="mlp_deep",
    )
    return _compile(model, optimizer="rmsprop")


def mlp() -> keras.Model:
    """The course's best dense network: two hidden layers of 800 units with dropout, 1,276,810 parameters.

    LeCun's table lists 800 hidden units at 98.4%; dropout and a one-cycle learning rate take it higher.
    Input ``(n, 28, 28)`` float32 in [0, 1]; output ``(n, 10)`` probabilities. Optimizer: Adam.

    Introduced in notebooks/03_mlp.ipynb.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Flatten(),
            layers.Dense(800, activation="relu"),
            layers.Dropout(0.3),
            layers.Dense(800, activation="relu"),
            layers.Dropout(0.3),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="mlp",
    )
    return _compile(model)


# ---------------------------------------------------------------------------
# Convolutional networks (lesson 05)
# ---------------------------------------------------------------------------


def cnn_simple() -> keras.Model:
    """The first CNN: one convolution, one pooling, a dense layer of 128, 693,962 parameters.

    Input ``(n, 28, 28, 1)`` float32 in [0, 1]; output ``(n, 10)`` probabilities. Optimizer: Adam.

    Introduced in notebooks/05_cnn.ipynb.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="cnn_simple",
    )
    return _compile(model)


def cnn_three_conv() -> keras.Model:
    """A CNN with three convolutions, 93,322 parameters.

    Input ``(n, 28, 28, 1)`` float32 in [0, 1]; output ``(n, 10)`` probabilities. Optimizer: Adam.

    Introduced in notebooks/05_cnn.ipynb.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="cnn_three_conv",
    )
    return _compile(model)


def cnn_dropout() -> keras.Model:
    """The classic Keras MNIST CNN with dropout (the Keras MNIST example), 1,199,882 parameters.

    conv32 - conv64 - pool - dropout - flatten - dense128 - dropout - softmax.
    Input ``(n, 28, 28, 1)`` float32 in [0, 1]; output ``(n, 10)`` probabilities. Optimizer: Adam.

    Introduced in notebooks/05_cnn.ipynb.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Dropout(0.25),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="cnn_dropout",
    )
    return _compile(model)


def number_format(model) -> str:
    """``"mixed_bfloat16"`` if any layer of the model computes in bfloat16, else ``"float32"``."""
    for layer in getattr(model, "layers", []):
        inner = number_format(layer) if isinstance(layer, keras.Model) else getattr(layer.dtype_policy, "name", "")
        if inner == "mixed_bfloat16":
            return inner
    return "float32"


def fast_dtype_policy() -> str:
    """The number format that trains the course CNN fastest on this computer.

    ``"mixed_bfloat16"`` on a CPU with bfloat16 instructions (AVX512-BF16 or AMX) and no GPU: the layers
    compute with 16-bit numbers, about twice as fast, while the weights stay float32. ``"float32"``
    everywhere else, where 16-bit numbers would be slower. ``MNIST_COURSE_PRECISION=float32`` (or
    ``mixed_bfloat16``) forces one (``config.precision_asked``).
    """
    asked = config.precision_asked()
    if asked:
        return asked
    return "mixed_bfloat16" if config.bfloat16_is_faster() else "float32"


def cnn(dtype_policy: str | None = None) -> keras.Model:
    """The course CNN: small, fast on a laptop CPU, and more accurate than every other model in the course.

    A CPU spends its time on convolutions over large images. So the first convolution has few, wide
    (5x5) filters, and the image is pooled to half its size straight away; the second convolution
    then works on a quarter of the pixels. Batches of 256, a high one-cycle learning rate and label
    smoothing (see ``RECIPES["cnn"]``) let it learn in 4 epochs (3 in float32), on digits tilted, slanted, resized,
    moved and redrawn with another pen each epoch (``mnist_course.augment``), so it also reads people's
    own handwriting: about 99.4% on the test set.

    Args:
        dtype_policy: ``"float32"`` or ``"mixed_bfloat16"``; None picks the faster one for this
            computer (``fast_dtype_policy``). The output is float32 either way.

    Returns:
        A compiled model. Input ``(n, 28, 28, 1)`` float32 in [0, 1]; output ``(n, 10)`` probabilities.

    Introduced in notebooks/05_cnn.ipynb.
    """
    policy = dtype_policy or fast_dtype_policy()
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(24, 5, dtype=policy),  # 24 filters of 5x5: 28x28 -> 24x24
            layers.MaxPooling2D(2, dtype=policy),  # -> 12x12
            layers.ReLU(dtype=policy),  # after pooling: the same numbers, computed on a quarter of the pixels
            layers.Conv2D(32, 3, dtype=policy),  # -> 10x10
            layers.MaxPooling2D(2, dtype=policy),  # -> 5x5
            layers.ReLU(dtype=policy),
            layers.Flatten(dtype=policy),  # 5 * 5 * 32 = 800 numbers
            layers.Dense(256, activation="relu", dtype=policy),
            layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32"),  # probabilities in float32
        ],
        name="cnn",
    )
    return _compile(model, label_smoothing=RECIPES["cnn"].label_smoothing)


def _conv_bn_relu(filters: int, size: int, policy: str):
    """A convolution without bias, batch normalisation, then ReLU (the norm's shift does the bias's job)."""
    return [
        layers.Conv2D(filters, size, use_bias=False, dtype=policy),
        layers.BatchNormalization(dtype=policy),
        layers.ReLU(dtype=policy),
    ]


def cnn_large(dtype_policy: str | None = None) -> keras.Model:
    """The course's best single model: two conv-conv-pool blocks with batch normalisation, 331,306 parameters.

    conv32-conv32-pool, conv64-conv64-pool, dense 256, each convolution followed by batch normalisation,
    with dropout after each block. It trains for 15 epochs on augmented digits with a one-cycle learning
    rate (``RECIPES["cnn_large"]``): 99.61-99.69% on the test set over three seeds (median 99.67%), in
    6.5-7.5 minutes on an idle 2-core CPU (bench/results.md).

    Args:
        dtype_policy: ``"float32"`` or ``"mixed_bfloat16"``; None picks the faster one for this
            computer (``fast_dtype_policy``). The output is float32 either way.

    Returns:
        A compiled model. Input ``(n, 28, 28, 1)`` float32 in [0, 1]; output ``(n, 10)`` probabilities.

    Introduced in notebooks/08_toward_99_7.ipynb.
    """
    policy = dtype_policy or fast_dtype_policy()
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            *_conv_bn_relu(32, 3, policy),  # -> 26x26
            *_conv_bn_relu(32, 3, policy),  # -> 24x24
            layers.MaxPooling2D(2, dtype=policy),  # -> 12x12
            layers.Dropout(0.25, dtype=policy),
            *_conv_bn_relu(64, 3, policy),  # -> 10x10
            *_conv_bn_relu(64, 3, policy),  # -> 8x8
            layers.MaxPooling2D(2, dtype=policy),  # -> 4x4
            layers.Dropout(0.25, dtype=policy),
            layers.Flatten(dtype=policy),  # 4 * 4 * 64 = 1,024 numbers
            layers.Dense(256, use_bias=False, dtype=policy),
            layers.BatchNormalization(dtype=policy),
            layers.ReLU(dtype=policy),
            layers.Dropout(0.4, dtype=policy),
            layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32"),
        ],
        name="cnn_large",
    )
    return _compile(model, label_smoothing=RECIPES["cnn_large"].label_smoothing)


#: Each builder by name: the names ``mnist-course train --model NAME`` accepts.
BUILDERS = {
    "mlp_128": mlp_128,
    "mlp_512": mlp_512,
    "mlp_deep": mlp_deep,
    "mlp": mlp,
    "cnn_simple": cnn_simple,
    "cnn_three_conv": cnn_three_conv,
    "cnn_dropout": cnn_dropout,
    "cnn": cnn,
    "cnn_large": cnn_large,
}

MODEL_NAMES = tuple(BUILDERS)

#: The default training recipe of each model (epochs, batch size, learning-rate schedule).
RECIPES = {
    "mlp_128": Recipe(epochs=10),
    "mlp_512": Recipe(epochs=10),
    "mlp_deep": Recipe(epochs=10),
    "mlp": Recipe(epochs=15, peak_learning_rate=2e-3),
    "cnn_simple": Recipe(epochs=5),
    "cnn_three_conv": Recipe(epochs=5),
    "cnn_dropout": Recipe(epochs=12),
    # In float32 (most laptops): 3 epochs of bigger batches, so that it stays near 20 s (bench/results.md).
    "cnn": Recipe(epochs=4, batch_size=256, peak_learning_rate=2e-2, label_smoothing=0.1, augment=True,
                  soft=True, letter_forms=True,
                  float32=Recipe(epochs=3, batch_size=512, peak_learning_rate=3e-2, label_smoothing=0.1,
                                 augment=True, soft=True, letter_forms=True)),
    "cnn_large": Recipe(epochs=15, batch_size=128, peak_learning_rate=4e-3, label_smoothing=0.1, augment=True),
}

#: One line about each model, for ``mnist-course train --list`` and the lessons' tables.
DESCRIPTIONS = {
    "mlp_128": "dense 128",
    "mlp_512": "dense 512 + dropout",
    "mlp_deep": "dense 512-256-128-64, RMSprop",
    "mlp": "dense 800-800 + dropout, one-cycle (course MLP)",
    "cnn_simple": "conv32-pool-dense128",
    "cnn_three_conv": "three convolutions",
    "cnn_dropout": "conv32-conv64-pool-dropout-dense128 (the Keras MNIST example)",
    "cnn": "course CNN: few wide filters, early pooling, one-cycle (course CNN)",
    "cnn_large": "conv-conv-pool x2 with batch norm, augmented, one-cycle (best single model)",
}


def build(name: str = "cnn") -> keras.Model:
    """Build a fresh, compiled model by name (one of ``MODEL_NAMES``).

    Raises:
        ValueError: the name is not one of ``MODEL_NAMES``.

    Introduced in notebooks/03_mlp.ipynb.
    """
    if name not in BUILDERS:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODEL_NAMES)}")
    return BUILDERS[name]()


def recipe_for(model_or_name) -> Recipe:
    """The default ``Recipe`` of a model (by its name); a plain Adam recipe for a model of your own.

    Given a model (not a name) that computes in float32, the recipe's ``float32`` variant if it has one.
    """
    name = model_or_name if isinstance(model_or_name, str) else getattr(model_or_name, "name", "")
    recipe = RECIPES.get(name, Recipe(epochs=5))
    if recipe.float32 is not None and not isinstance(model_or_name, str) and number_format(model_or_name) == "float32":
        return recipe.float32
    return recipe


# ---------------------------------------------------------------------------
# Prediction (all lessons)
# ---------------------------------------------------------------------------


def shape_for(model, images) -> np.ndarray:
    """Reshape images to what ``model`` takes: ``(n, 784)``, ``(n, 28, 28)`` or ``(n, 28, 28, 1)``.

    Args:
        model: a Keras model with a single 28x28-image input.
        images: one image ``(28, 28)`` or many ``(n, 28, 28)`` (also ``(n, 784)`` or ``(n, 28, 28, 1)``),
            float in [0, 1].

    Returns:
        ``float32`` array with a batch axis, in the model's input shape.
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 2 and images.shape == (28, 28):
        images = images[np.newaxis]
    elif images.ndim == 1 and images.size == 784:
        images = images[np.newaxis]
    if images.size % 784 or images.ndim < 2:
        raise ValueError(f"expected 28x28 images, got an array of shape {images.shape}")
    input_shape = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else (28, 28, 1)
    return images.reshape((-1, *input_shape))


_FAST_CALLS = weakref.WeakKeyDictionary()  # model -> its compiled forward pass


def _fast_call(model):
    """The model's forward pass compiled once as a TensorFlow graph (much faster than eager calls)."""
    call = _FAST_CALLS.get(model)
    if call is None:
        import tensorflow as tf

        model_ref = weakref.ref(model)  # the cache must not keep the model alive
        spec = tf.TensorSpec([None, *model.inputs[0].shape[1:]], tf.float32)
        call = tf.function(lambda batch: model_ref()(batch, training=False), input_signature=[spec])
        _FAST_CALLS[model] = call
    return call


def predict_proba(model, images, batch_size: int = 2048) -> np.ndarray:
    """Return the model's probability for each digit, fast (no ``model.predict``, which costs 40-60 ms a call).

    The first call for a model prepares a compiled forward pass (about a second); later calls take a
    few milliseconds for one image.

    Args:
        model: any model of this module (or a loaded one).
        images: ``(28, 28)`` or ``(n, 28, 28)`` float32 in [0, 1].
        batch_size: images per call, to keep memory small on big arrays.

    Returns:
        ``(n, 10) float32`` probabilities; each row sums to 1.

    Introduced in notebooks/05_cnn.ipynb.
    """
    batch = shape_for(model, images)
    if len(batch) == 0:
        return np.zeros((0, NUM_CLASSES), dtype=np.float32)
    try:
        forward = _fast_call(model)
    except (TypeError, AttributeError, ValueError):  # an unusual model: call it directly instead
        forward = lambda part: model(part, training=False)  # noqa: E731
    outputs = [np.asarray(forward(batch[start : start + batch_size])) for start in range(0, len(batch), batch_size)]
    return np.concatenate(outputs).astype(np.float32, copy=False)


#: The views of each image that test-time augmentation averages: the image itself and the image moved
#: by one pixel up, down, left and right (rows, columns).
TTA_SHIFTS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))


def shifted(images, rows: int, cols: int) -> np.ndarray:
    """Move ``(n, 28, 28)`` images by whole pixels (down and right are positive), filling with black."""
    images = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28)
    moved = np.zeros_like(images)
    source = images[:, max(0, -rows) : 28 - max(0, rows), max(0, -cols) : 28 - max(0, cols)]
    moved[:, max(0, rows) : max(0, rows) + source.shape[1], max(0, cols) : max(0, cols) + source.shape[2]] = source
    return moved


def predict_proba_tta(model, images, shifts=TTA_SHIFTS) -> np.ndarray:
    """Test-time augmentation: the average of the model's probabilities over a few moved copies of each image.

    A digit moved by one pixel is the same digit, but the model may see it a little differently; the
    average of the five views is steadier than any one of them. It costs five predictions instead of one.

    Args:
        model: any model of this module (or a loaded one).
        images: ``(28, 28)`` or ``(n, 28, 28)`` float32 in [0, 1].
        shifts: ``(rows, columns)`` moves; ``(0, 0)`` is the image itself.

    Returns:
        ``(n, 10) float32`` probabilities.

    Introduced in notebooks/08_toward_99_7.ipynb.
    """
    images = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28)
    total = np.zeros((len(images), NUM_CLASSES), dtype=np.float64)
    for rows, cols in shifts:
        total += predict_proba(model, shifted(images, rows, cols))
    return (total / len(shifts)).astype(np.float32)


def ensemble(members, name: str = "ensemble") -> keras.Model:
    """One model that averages the probabilities of several trained models: save it, load it, use it as any model.

    Each member is copied without its optimizer (an ensemble is for predicting, not for more training)
    and renamed ``member_1``, ``member_2``, ... The result is a Keras model that takes ``(n, 28, 28, 1)``
    images, so ``evaluate``, ``predict``, the drawing pad and the desktop app use a saved ensemble
    like any other ``.keras`` file.

    Args:
        members: trained models that take ``(n, 28, 28, 1)`` images and return ``(n, 10)`` probabilities.
        name: the ensemble's name.

    Raises:
        ValueError: fewer than two members, or a member that does not take 28x28x1 images.

    Introduced in notebooks/08_toward_99_7.ipynb.
    """
    members = list(members)
    if len(members) < 2:
        raise ValueError(f"an ensemble needs at least two members, got {len(members)}")
    inputs = keras.Input(shape=(28, 28, 1), name="digits")
    outputs = []
    for number, member in enumerate(members, start=1):
        if tuple(member.inputs[0].shape[1:]) != (28, 28, 1):
            raise ValueError(f"member {number} ({member.name}) takes {tuple(member.inputs[0].shape[1:])}, "
                             "not 28x28x1 images; ensembles are made of CNNs")  # fmt: skip
        copy = keras.models.clone_model(member)  # no optimizer, no compile state
        copy.set_weights(member.get_weights())
        copy.name = f"member_{number}"
        outputs.append(copy(inputs))
    average = layers.Average(name="average", dtype="float32")(outputs)
    return keras.Model(inputs, average, name=name)


def ensemble_members(model) -> list:
    """The member models inside an ensemble made by ``ensemble`` (an empty list for any other model).

    Used to look inside a saved ensemble (the tests); notebooks/08_toward_99_7.ipynb makes one.
    """
    found = []
    for layer in getattr(model, "layers", []):
        if layer.name.startswith("member_"):
            found.append(layer)
        elif isinstance(layer, keras.Model):  # a calibrated ensemble wraps the ensemble itself
            found.extend(ensemble_members(layer))
    return found


def predict_digits(model, images) -> np.ndarray:
    """Return the most likely digit of each image: ``(n,)`` int64.

    Used by the benchmarks and tests.
    """
    return predict_proba(model, images).argmax(axis=1)


def count_parameters(model) -> int:
    """Number of numbers the model learns and keeps (all weights, including batch-norm statistics)."""
    return int(model.count_params())
