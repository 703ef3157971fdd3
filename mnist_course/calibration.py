"""A confidence that means what it says: temperature scaling, calibration error, and "not sure".

The course CNN trains with label smoothing, which makes it modest: a perfect 7 gets about 94% and
every other digit about 1%. When a model says "90% sure", it should be right about 90% of the time.
Temperature scaling fixes that with one number ``T`` found on the validation images: the model's
probabilities ``p`` become ``softmax(log(p) / T)``. ``T < 1`` makes it bolder, ``T > 1`` more careful.
The best digit never changes, so accuracy stays the same.

Introduced in notebooks/06_your_own_handwriting.ipynb.
"""

from __future__ import annotations

import numpy as np

import keras

# "not sure: 7 or 1?" lives in ``answers`` (NumPy only, for the commands that predict without TensorFlow);
# lesson 06 uses it from here.
from mnist_course.answers import UNSURE_BELOW, answer  # noqa: F401


@keras.saving.register_keras_serializable(package="mnist_course")
class Temperature(keras.layers.Layer):
    """Rescale probabilities with a temperature: ``softmax(log(p) / T)``. Saved inside the ``.keras`` file.

    Used by ``training.train_calibrated``; notebooks/06_your_own_handwriting.ipynb measures the result.
    """

    def __init__(self, temperature: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.temperature = float(temperature)

    def call(self, probabilities):
        logits = keras.ops.log(keras.ops.clip(keras.ops.cast(probabilities, "float32"), 1e-7, 1.0))
        return keras.ops.softmax(logits / self.temperature, axis=-1)

    def get_config(self):
        return {**super().get_config(), "temperature": self.temperature}


def _scaled(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    logits = np.log(np.clip(probabilities, 1e-7, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(probabilities, labels) -> float:
    """The temperature that makes the probabilities most likely on these labels (least log loss).

    Args:
        probabilities: ``(n, 10)`` the model's probabilities on validation images (not the test set).
        labels: ``(n,)`` the true digits.

    Returns:
        ``T`` between 0.05 and 10.

    Used by ``training.train_calibrated``; notebooks/06_your_own_handwriting.ipynb measures the result.
    """
    from scipy.optimize import minimize_scalar

    probabilities = np.asarray(probabilities, np.float64)
    labels = np.asarray(labels).astype(int)
    rows = np.arange(len(labels))

    def log_loss(log_temperature):
        scaled = _scaled(probabilities, float(np.exp(log_temperature)))
        return -float(np.mean(np.log(np.clip(scaled[rows, labels], 1e-12, 1.0))))

    best = minimize_scalar(log_loss, bounds=(np.log(0.05), np.log(10.0)), method="bounded")
    return float(np.exp(best.x))


def calibrate(model, images, labels, name: str | None = None) -> keras.Model:
    """Wrap a trained model with the temperature that fits ``images``/``labels`` (a validation split).

    Args:
        model: a trained Keras model that outputs probabilities.
        images: ``(n, 28, 28)`` float32 in [0, 1], images the model did not train on.
        labels: ``(n,)`` digits.
        name: the wrapped model's name (default: the model's own, so its recipe is still found).

    Returns:
        A model with the same input whose output is the calibrated probabilities; its last layer is a
        :class:`Temperature` (``model.layers[-1].temperature``).

    Used by ``training.train_calibrated``; notebooks/06_your_own_handwriting.ipynb measures the result.
    """
    from mnist_course import models

    temperature = fit_temperature(models.predict_proba(model, images), labels)
    inputs = keras.Input(shape=model.inputs[0].shape[1:])
    outputs = Temperature(temperature, name="temperature")(model(inputs))
    return keras.Model(inputs, outputs, name=name or model.name)


def temperature_of(model) -> float | None:
    """The temperature a calibrated model applies, or None for a model that was not calibrated."""
    last = model.layers[-1] if getattr(model, "layers", None) else None
    return last.temperature if isinstance(last, Temperature) else None


def uncalibrated(model) -> keras.Model:
    """The network inside a calibrated model, without its temperature; any other model as it is.

    ``calibrate`` wraps the trained network: the wrapper's layers are its input, the network and a
    :class:`Temperature`. The network's own layers (its convolutions, for ``plots.plot_filters``) and its
    own probabilities (before calibration) are found here.

    Introduced in notebooks/05_cnn.ipynb; notebooks/06_your_own_handwriting.ipynb compares both models.
    """
    return model.layers[-2] if temperature_of(model) is not None else model


def describe(model) -> str:
    """Whether a model is calibrated, in a few words.

    Returns:
        ``"calibrated: temperature 0.47"``, or ``"not calibrated: it has no temperature"``.

    Used by ``training.load_or_train_cnn`` (the line it prints when it loads or saves the course CNN) and
    notebooks/05_cnn.ipynb.
    """
    temperature = temperature_of(model)
    if temperature is None:
        return "not calibrated: it has no temperature"
    return f"calibrated: temperature {temperature:.2f}"


def expected_calibration_error(probabilities, labels, bins: int = 15) -> float:
    """How far confidence is from accuracy, on average (0 = a perfectly honest model).

    The answers are put in ``bins`` groups by their confidence; in each group the gap between the
    mean confidence and the accuracy is weighted by the group's size.

    Returns:
        The error as a fraction (0.015 = 1.5%).

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    group = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for index in range(bins):
        members = group == index
        if members.any():
            error += members.mean() * abs(confidence[members].mean() - correct[members].mean())
    return float(error)
