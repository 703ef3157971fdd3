"""Train, evaluate, save and load models: checkpoints, early stopping and a quiet progress line.

Introduced in notebooks/03_mlp.ipynb.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np

import keras

from mnist_course import calibration, config, data, models  # calibration: loads calibrated models
from mnist_course.augment import Augmentation, add_letter_forms, augmenter
from mnist_course.history import save_history  # the learning curves beside a saved model


class EpochLine(keras.callbacks.Callback):
    """Print one short line per epoch (no progress bars), and remember how long each epoch took.

    Example line: ``epoch 3/8  loss 0.081  acc 97.6%  val_loss 0.062  val_acc 98.1%  4.1 s``.

    Introduced in notebooks/03_mlp.ipynb.
    """

    def __init__(self, num_epochs: int, show: bool = True, stream=None):
        super().__init__()
        self.num_epochs = num_epochs
        self.show = show
        self.stream = stream
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
        if not self.show:
            return
        logs = logs or {}
        parts = [f"epoch {epoch + 1}/{self.num_epochs}"]
        for key, label in (("loss", "loss"), ("accuracy", "acc"), ("val_loss", "val_loss"), ("val_accuracy", "val_acc")):
            if key in logs:
                value = float(logs[key])
                parts.append(f"{label} {100 * value:.1f}%" if "acc" in label else f"{label} {value:.3f}")
        parts.append(f"{self.seconds[-1]:.1f} s")
        print("  ".join(parts), file=self.stream or sys.stdout, flush=True)


def one_cycle_schedule(peak: float, total_steps: int, warmup_fraction: float = 0.2):
    """A learning rate that warms up to ``peak``, then falls along a cosine curve to almost zero.

    A high learning rate learns fast; the warm-up keeps the first steps stable and the slow end
    settles the weights. This is what lets the course CNN learn in a few epochs.

    Args:
        peak: the highest learning rate.
        total_steps: number of training steps (batches) in the whole run.
        warmup_fraction: part of the run spent warming up (from ``peak / 10``).

    Returns:
        A ``keras.optimizers.schedules.CosineDecay`` to give to an optimizer.

    Used by ``train`` for the course models; notebooks/05_cnn.ipynb explains the schedule.
    """
    total_steps = max(2, int(total_steps))
    warmup_steps = max(1, int(warmup_fraction * total_steps))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak / 10,
        warmup_target=peak,
        warmup_steps=warmup_steps,
        decay_steps=total_steps - warmup_steps,
        alpha=0.002,
    )


def _dataset(inputs, targets, batch_size: int, shuffle: bool, seed, augment_batch=None):
    """Batches of ``(images, one-hot labels)`` for ``fit``, kept in memory as float32 tensors.

    ``augment_batch`` (a function of a ``(n, 28, 28, 1)`` batch) changes every batch anew, each epoch.
    A shuffled (training) dataset shuffles the images' numbers, not the images, and gathers each
    batch, so a new order each epoch costs almost nothing. tf.data's autotuning is off and the
    parallelism fixed and small: on 2 cores, with autotuning, closing the iterator (at the end of each
    epoch) sometimes took 7 s for the course CNN and 13 s for ``cnn_large``.
    """
    import tensorflow as tf

    if shuffle:
        images, labels = tf.constant(inputs), tf.constant(targets)
        dataset = (
            tf.data.Dataset.range(len(inputs))
            .shuffle(len(inputs), seed=seed, reshuffle_each_iteration=True)
            .batch(batch_size)
            .map(lambda numbers: (tf.gather(images, numbers), tf.gather(labels, numbers)))
        )
    else:
        dataset = tf.data.Dataset.from_tensor_slices((inputs, targets)).batch(batch_size)
    if augment_batch is not None:
        shape = (-1, 28, 28, 1)

        def change(images, labels):  # the augmentation works on image batches; keep the model's shape
            return tf.reshape(augment_batch(tf.reshape(images, shape)), tf.shape(images)), labels

        dataset = dataset.map(change, num_parallel_calls=2)
    options = tf.data.Options()
    options.autotune.enabled = False  # with it, closing the iterator could take seconds (docstring)
    return dataset.prefetch(2).with_options(options)


def _prepare_labels(labels) -> np.ndarray:
    """Integer labels ``(n,)`` or one-hot ``(n, 10)`` to one-hot ``(n, 10) float32``."""
    labels = np.asarray(labels)
    if labels.ndim == 1:
        return data.one_hot(labels)
    if labels.ndim == 2 and labels.shape[1] == data.NUM_CLASSES:
        return labels.astype(np.float32, copy=False)
    raise ValueError(f"labels must be digits (n,) or one-hot (n, 10), got shape {labels.shape}")


#: The last part of the training images that is kept aside to watch the training (best checkpoint, early
#: stop) and to set the temperature (``calibration.calibrate``): :func:`train`, :func:`train_calibrated`,
#: ``mnist-course train`` (also with ``--strategy``).
VALIDATION_SPLIT = 0.1


def held_out_count(n: int, split: float = VALIDATION_SPLIT) -> int:
    """How many of ``n`` training images are kept aside for validation: the last ``split`` part of them.

    Always at least one image. (To train on all the images, keep none aside: ``validation_split=0``.)

    Example: ``held_out_count(60000)`` is 6000.

    Used by :func:`train`, :func:`train_calibrated`, ``mnist-course train`` and ``mnist_course.distributed``.
    """
    return max(1, int(round(n * split)))


def train(
    model,
    images,
    labels,
    epochs: int | None = None,
    batch_size: int | None = None,
    validation_split: float = VALIDATION_SPLIT,
    validation_data=None,
    patience: int = 3,
    checkpoint_path=None,
    peak_learning_rate="recipe",
    seed: int | None = None,
    verbose: bool = True,
    callbacks=(),
    augment="recipe",
):
    """Train a model with a checkpoint and early stopping: keep the best weights, stop early, print little.

    The best weights by validation loss are saved while training and put back into the model at the
    end, so the model you get is the best one seen, not the last one.

    Args:
        model: a compiled Keras model (for example ``models.build("cnn")``).
        images: ``(n, 28, 28)`` float32 in [0, 1] (reshaped to the model's input for you).
        labels: ``(n,)`` digits 0-9 or ``(n, 10)`` one-hot.
        epochs: number of passes over the data; None uses the model's recipe (``models.recipe_for``: for
            the course CNN it depends on the number format).
        batch_size: images per step; None uses the recipe (128).
        validation_split: part of the data held out to watch for over-fitting (0 to train on all).
        validation_data: ``(images, labels)`` to use instead of a split.
        patience: stop after this many epochs without a better validation loss.
        checkpoint_path: where to keep the best weights (``.weights.h5``); a temporary file if None.
        peak_learning_rate: a number for a one-cycle schedule, None for the optimizer's constant rate,
            or "recipe" to use the model's recipe.
        seed: if given, seeds Python, NumPy and Keras first (shuffling, dropout). For a fully repeatable
            run, also call ``config.set_seed`` before building the model: its first weights are random.
        verbose: print one line per epoch.
        callbacks: more Keras callbacks of your own.
        augment: True to change the training digits like people's own handwriting, each epoch
            (``mnist_course.augment``), False not to, "recipe" to follow the model's recipe, or a
            function of a ``(n, 28, 28, 1)`` batch that makes your own changes.

    Returns:
        The Keras ``History``; ``history.history`` has ``loss``, ``accuracy``, ``val_loss``,
        ``val_accuracy`` and ``seconds`` (time of each epoch) lists, and ``fit_seconds`` (one number in a
        list: the time of the whole ``model.fit`` call).

    Introduced in notebooks/03_mlp.ipynb.
    """
    config.quiet_tensorflow()  # no retracing warnings when a lesson trains several models
    recipe = models.recipe_for(model)
    epochs = recipe.epochs if epochs is None else int(epochs)
    batch_size = recipe.batch_size if batch_size is None else int(batch_size)
    if peak_learning_rate == "recipe":
        peak_learning_rate = recipe.peak_learning_rate
    if augment == "recipe":
        augment = recipe.augment
    which = Augmentation(soft=recipe.soft)  # with augment=True: the changes this model's recipe asks for
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    if seed is not None:
        config.set_seed(seed)

    inputs = models.shape_for(model, images)
    targets = _prepare_labels(labels)
    if len(inputs) != len(targets):
        raise ValueError(f"{len(inputs)} images but {len(targets)} labels: they must match")

    validation = None
    if validation_data is not None:
        validation = (models.shape_for(model, validation_data[0]), _prepare_labels(validation_data[1]))
    elif validation_split:
        held_out = held_out_count(len(inputs), validation_split)
        validation = (inputs[-held_out:], targets[-held_out:])
        inputs, targets = inputs[:-held_out], targets[:-held_out]

    if augment is True and recipe.letter_forms:
        # Some 1s get a flag and a foot, some 7s a bar (the validation digits stay as they are).
        changed = add_letter_forms(inputs.reshape(-1, 28, 28), targets.argmax(axis=1), seed=seed)
        inputs = changed.reshape(inputs.shape)

    if peak_learning_rate:
        # A fresh Adam whose learning rate follows the one-cycle schedule of this run's length.
        steps = epochs * math.ceil(len(inputs) / batch_size)
        model.compile(
            optimizer=keras.optimizers.Adam(one_cycle_schedule(peak_learning_rate, steps)),
            loss=model.loss,
            metrics=["accuracy"],
            steps_per_execution=model.steps_per_execution,
        )

    progress = EpochLine(epochs, show=verbose)
    callbacks = [progress, *callbacks]

    with tempfile.TemporaryDirectory() as scratch:
        best_path = Path(checkpoint_path) if checkpoint_path else Path(scratch) / "best.weights.h5"
        if validation is not None:
            best_path.parent.mkdir(parents=True, exist_ok=True)
            callbacks.append(
                keras.callbacks.ModelCheckpoint(
                    str(best_path), monitor="val_loss", save_best_only=True, save_weights_only=True
                )
            )
            callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience))
        fit_started = time.perf_counter()
        history = model.fit(
            _dataset(inputs, targets, batch_size, shuffle=True, seed=seed,
                     augment_batch=augment if callable(augment) else augmenter(which) if augment else None),
            epochs=epochs,
            validation_data=None if validation is None else _dataset(*validation, 1024, shuffle=False, seed=None),
            callbacks=callbacks,
            shuffle=False,  # the dataset shuffles itself
            verbose=0,
        )
        fit_seconds = time.perf_counter() - fit_started
        if validation is not None and best_path.exists():
            with warnings.catch_warnings():  # a fresh optimizer state is not an error here
                warnings.simplefilter("ignore")
                model.load_weights(str(best_path))
    history.history["seconds"] = list(progress.seconds)
    history.history["fit_seconds"] = [fit_seconds]  # the whole ``model.fit`` call, validation included
    return history


def train_calibrated(name: str, images, labels, validation_split: float = VALIDATION_SPLIT, **options):
    """Build a model by name, train it, and calibrate its confidence on the held-out validation part.

    The last ``validation_split`` of the images watch the training (best checkpoint, early stop) and
    then set the temperature (``calibration.calibrate``); the test set is never used.

    Args:
        name: one of ``models.MODEL_NAMES``.
        images: ``(n, 28, 28)`` float32 in [0, 1]; labels: ``(n,)`` digits.
        options: passed to :func:`train` (``epochs``, ``batch_size``, ``seed``, ``verbose``, ...).

    Returns:
        ``(model, history)``: the calibrated model (its last layer is a ``calibration.Temperature``).

    Used by ``load_or_train_cnn`` and ``mnist-course train``.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    held_out = held_out_count(len(images), validation_split)
    model = models.build(name)
    history = train(model, images[:-held_out], labels[:-held_out],
                    validation_data=(images[-held_out:], labels[-held_out:]), **options)
    return calibration.calibrate(model, images[-held_out:], labels[-held_out:]), history


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


def confusion_matrix(true_labels, predicted_labels, num_classes: int = data.NUM_CLASSES) -> np.ndarray:
    """Count how often each true digit (row) was predicted as each digit (column): ``(10, 10) int64``.

    Introduced in notebooks/03_mlp.ipynb.
    """
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(true_labels, dtype=np.int64), np.asarray(predicted_labels, dtype=np.int64)), 1)
    return matrix


def evaluate(model, images, labels, tta: bool = False) -> dict:
    """Test a model: accuracy, accuracy of each digit, the confusion matrix and the predictions.

    Args:
        model: a trained model.
        images: ``(n, 28, 28)`` float32 in [0, 1].
        labels: ``(n,)`` digits.
        tta: average each image's answers over five views (``models.predict_proba_tta``).

    Returns:
        dict with ``accuracy`` (float 0-1), ``per_class_accuracy`` (``(10,)`` float), ``confusion``
        (``(10, 10)`` int), ``probabilities`` (``(n, 10)`` float32) and ``predicted`` (``(n,)`` int).

    Introduced in notebooks/03_mlp.ipynb.
    """
    labels = np.asarray(labels)
    if labels.ndim == 2:
        labels = labels.argmax(axis=1)
    probabilities = (models.predict_proba_tta if tta else models.predict_proba)(model, images)
    predicted = probabilities.argmax(axis=1)
    matrix = confusion_matrix(labels, predicted)
    per_class = np.diag(matrix) / np.maximum(1, matrix.sum(axis=1))
    return {
        "accuracy": float((predicted == labels).mean()) if len(labels) else float("nan"),
        "per_class_accuracy": per_class,
        "confusion": matrix,
        "probabilities": probabilities,
        "predicted": predicted,
    }


def confusion_text(matrix) -> str:
    """The confusion matrix as a text table (rows: true digit, columns: predicted digit)."""
    matrix = np.asarray(matrix)
    width = max(4, len(str(matrix.max())) + 1)
    lines = ["true\\pred" + "".join(f"{digit:>{width}}" for digit in range(matrix.shape[1]))]
    for digit, row in enumerate(matrix):
        lines.append(f"{digit:>9}" + "".join(f"{count:>{width}}" for count in row))
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Saving and loading
# ---------------------------------------------------------------------------


def save_model(model, path) -> Path:
    """Save a model as one ``.keras`` file (architecture, weights and optimizer); create folders.

    Raises:
        ValueError: the path does not end in ``.keras``.

    Introduced in notebooks/05_cnn.ipynb.
    """
    path = Path(path).expanduser()
    if path.suffix != ".keras":
        raise ValueError(f"model files must end in .keras, got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    return path


def load_model(path, safe_mode: bool = True):
    """Load a ``.keras`` model saved by ``save_model`` (or by Keras).

    Args:
        path: the ``.keras`` file.
        safe_mode: keep Keras's safe mode on (it refuses to run code stored in the file). Turn it off
            only for a file you made yourself.

    Raises:
        FileNotFoundError: there is no such file.
        ValueError: the file is not a Keras model.

    Introduced in notebooks/05_cnn.ipynb.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(
            f"no model file at {path}; train one first with: mnist-course train --out {path}"
        )
    if path.is_dir() or path.suffix != ".keras":
        raise ValueError(f"{path} is not a .keras model file")
    try:
        if computes_in_bfloat16(path) and not config.bfloat16_runs_here():
            return _load_in_float32(path, safe_mode)
        return keras.saving.load_model(path, safe_mode=safe_mode)
    except Exception as error:  # Keras raises many kinds for a damaged or foreign file
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(f"{path} could not be read as a Keras model ({reason[:200]})") from None


# How a saved layer asks for bfloat16 arithmetic (its dtype policy's name in the file's config.json).
BFLOAT16_POLICY = '"name": "mixed_bfloat16"'


def computes_in_bfloat16(path) -> bool:
    """True when the ``.keras`` file's layers compute in bfloat16 (trained where bfloat16 was faster)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return BFLOAT16_POLICY in archive.read("config.json").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return False  # not a readable .keras file: Keras's own loader says why


def _load_in_float32(path: Path, safe_mode: bool):
    """Load a bfloat16 model as float32, for a computer that cannot run bfloat16.

    The weights are kept in float32 anyway (bfloat16 is only used for the arithmetic), so only the layers'
    number format changes: the answers differ in the last digits of the probabilities.
    """
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        with zipfile.ZipFile(copy, "w") as target:
            for item in archive.infolist():
                data = archive.read(item.filename)
                if item.filename == "config.json":
                    data = data.decode("utf-8").replace(BFLOAT16_POLICY, '"name": "float32"').encode("utf-8")
                target.writestr(item, data)
        return keras.saving.load_model(copy, safe_mode=safe_mode)


def load_or_train_cnn(path=None, verbose: bool = True):
    """Load the course CNN from ``path`` (default ``config.default_model_path()``), or train and save it.

    A saved model is loaded as it is, never trained again. Without one, the calibrated course CNN is
    trained as lesson 05 and ``mnist-course train`` train it (``train_calibrated("cnn", ...)``: the last
    tenth of the training images kept aside for the best checkpoint and the temperature) on all of MNIST
    (a small balanced part in fast mode), then saved with its training history beside it
    (``history.save_history``: ``cnn.keras`` -> ``cnn.history.json``, the curves of lesson 09's report).

    The lines it prints say which happened, and whether the model is calibrated
    (``calibration.describe``)::

        Loaded the course CNN from [course folder]/models/cnn.keras (calibrated: temperature 0.47)
        No saved model at [course folder]/models/cnn.keras: training the course CNN now.
        Saved it to [course folder]/models/cnn.keras (calibrated: temperature 0.47), with its training history.

    Returns:
        The model, ready to predict.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    path = Path(path).expanduser() if path else config.default_model_path()
    if path.exists():
        model = load_model(path)
        if verbose:
            print(f"Loaded the course CNN from {config.display_path(path)} ({calibration.describe(model)})")
        return model
    if verbose:
        print(f"No saved model at {config.display_path(path)}: training the course CNN now.")
    (train_images, train_labels), _ = data.load_course_data(train_per_class=config.pick(full=None, fast=300))
    config.set_seed(42)
    model, history = train_calibrated(
        "cnn",
        data.scale(train_images),
        train_labels,
        epochs=config.pick(full=None, fast=3),
        batch_size=config.pick(full=None, fast=64),  # enough steps on the small fast-mode subset
        seed=42,
        verbose=verbose,
    )
    save_model(model, path)
    save_history(history, path)
    if verbose:
        print(f"Saved it to {config.display_path(path)} ({calibration.describe(model)}), with its training history.")
    return model
