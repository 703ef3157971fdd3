"""Calibration: the temperature layer, fitting it, the calibration error and the "not sure" answer."""

import numpy as np
import pytest

from mnist_course import calibration, data, models, training


def _softmax(logits):
    logits = logits - logits.max(axis=1, keepdims=True)
    return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


def test_fit_temperature_finds_the_temperature_that_made_the_probabilities():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, (4000, 10))
    honest = _softmax(logits)
    labels = np.array([rng.choice(10, p=row) for row in honest])  # labels drawn from the honest model
    overconfident = _softmax(logits * 2.0)  # the same model, twice too sure
    assert calibration.fit_temperature(overconfident, labels) == pytest.approx(2.0, rel=0.1)
    assert calibration.fit_temperature(honest, labels) == pytest.approx(1.0, rel=0.1)


def test_calibration_error_is_small_for_an_honest_model_and_large_for_a_boastful_one():
    rng = np.random.default_rng(1)
    honest = _softmax(rng.normal(0, 3, (5000, 10)))
    labels = np.array([rng.choice(10, p=row) for row in honest])
    boastful = _softmax(np.log(honest) * 4)
    assert calibration.expected_calibration_error(honest, labels) < 0.02
    assert calibration.expected_calibration_error(boastful, labels) > 0.1


def test_answer_says_not_sure_below_the_threshold():
    sure = np.full(10, 0.01)
    sure[7] = 0.91
    assert calibration.answer(sure) == "7 (91%)"
    torn = np.zeros(10)
    torn[7], torn[1] = 0.55, 0.45
    assert calibration.answer(torn) == "not sure: 7 or 1?"


def test_a_calibrated_model_keeps_its_answers_saves_and_loads(trained_model_path, mnist, tmp_path):
    model = training.load_model(trained_model_path)
    (_, _), (test_images, test_labels) = mnist
    images, labels = data.balanced_subset(test_images, test_labels, per_class=40, seed=3)
    images = data.scale(images)
    calibrated = calibration.calibrate(model, images[:200], labels[:200])
    before = models.predict_proba(model, images[200:])
    after = models.predict_proba(calibrated, images[200:])
    np.testing.assert_array_equal(before.argmax(axis=1), after.argmax(axis=1))  # the best digit never changes
    np.testing.assert_allclose(after.sum(axis=1), 1.0, rtol=1e-5)
    path = training.save_model(calibrated, tmp_path / "calibrated.keras")
    again = training.load_model(path)  # safe mode: the layer is registered, no code runs from the file
    assert calibration.temperature_of(again) == pytest.approx(calibration.temperature_of(calibrated))
    np.testing.assert_allclose(models.predict_proba(again, images[200:]), after, atol=1e-5)
    assert calibration.temperature_of(model) is None


def test_uncalibrated_finds_the_network_inside_and_describe_says_which(trained_model_path, mnist, tmp_path):
    model = training.load_model(trained_model_path)
    (_, _), (test_images, test_labels) = mnist
    images, labels = data.balanced_subset(test_images, test_labels, per_class=20, seed=6)
    images = data.scale(images)
    calibrated = calibration.calibrate(model, images, labels)
    assert calibration.uncalibrated(calibrated) is model
    assert calibration.uncalibrated(model) is model  # not calibrated: the model itself
    again = training.load_model(training.save_model(calibrated, tmp_path / "calibrated.keras"))
    inside = calibration.uncalibrated(again)
    assert calibration.temperature_of(inside) is None
    assert [layer.name for layer in inside.layers] == [layer.name for layer in model.layers]  # its convolutions
    np.testing.assert_allclose(models.predict_proba(inside, images), models.predict_proba(model, images), atol=1e-5)
    temperature = calibration.temperature_of(calibrated)
    assert calibration.describe(calibrated) == f"calibrated: temperature {temperature:.2f}"
    assert calibration.describe(model) == "not calibrated: it has no temperature"


def test_temperature_lowers_the_log_loss_on_the_images_it_was_fitted_on(trained_model_path, mnist):
    model = training.load_model(trained_model_path)
    (_, _), (test_images, test_labels) = mnist
    images, labels = data.balanced_subset(test_images, test_labels, per_class=30, seed=4)
    images = data.scale(images)
    calibrated = calibration.calibrate(model, images, labels)

    def log_loss(probabilities):
        return -np.mean(np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-12, 1)))

    assert log_loss(models.predict_proba(calibrated, images)) <= log_loss(models.predict_proba(model, images)) + 1e-6
