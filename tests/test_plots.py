"""Tests for mnist_course.plots: each figure has the axes and panels it promises."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mnist_course import models, plots, training


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits(mnist):
    (x_train, y_train), _ = mnist
    return x_train[:12], y_train[:12]


def _image_axes(figure):
    return [ax for ax in figure.axes if ax.images]


def test_show_digit_draws_one_image(digits):
    images, labels = digits
    ax = plots.show_digit(images[0], title=labels[0])
    assert len(ax.images) == 1 and ax.get_title() == str(labels[0])
    assert ax.images[0].get_array().shape == (28, 28)
    # Float images in [0, 1], (28, 28, 1) and (784,) work too.
    plots.show_digit(images[0][..., None] / 255.0)
    plots.show_digit(images[0].reshape(784))


def test_show_digit_into_given_axes(digits):
    figure, axes = plt.subplots(1, 2)
    assert plots.show_digit(digits[0][1], ax=axes[1]) is axes[1]
    assert len(axes[1].images) == 1 and not axes[0].images


def test_show_digits_grid(digits):
    images, labels = digits
    figure = plots.show_digits(images, labels, ncols=5)
    assert len(figure.axes) == 15  # 3 rows of 5; the last 3 are empty
    assert len(_image_axes(figure)) == 12
    assert [ax.get_title() for ax in _image_axes(figure)] == [str(label) for label in labels]


def test_show_digits_errors():
    with pytest.raises(ValueError, match="no images"):
        plots.show_digits([])
    with pytest.raises(ValueError, match="28, 28"):
        plots.show_digit(np.zeros((5, 5, 3)))


def test_learning_curves_have_loss_and_accuracy_panels():
    history = {"loss": [0.5, 0.3, 0.2], "accuracy": [0.8, 0.9, 0.95], "val_loss": [0.4, 0.3, 0.3],
               "val_accuracy": [0.85, 0.9, 0.92], "seconds": [1, 1, 1]}
    figure = plots.plot_history(history)
    loss_ax, accuracy_ax = figure.axes
    assert "Loss" in loss_ax.get_title() and "Accuracy" in accuracy_ax.get_title()
    assert len(loss_ax.lines) == 2 and len(accuracy_ax.lines) == 2
    np.testing.assert_allclose(accuracy_ax.lines[1].get_ydata(), [85, 90, 92])
    with pytest.raises(ValueError, match="loss"):
        plots.plot_history({})
    comparison = plots.plot_histories({"adam": history, "rmsprop": history})
    assert len(comparison.axes[0].lines) == 2


def test_confusion_matrix_and_per_class_accuracy():
    true_labels = np.array([0, 1, 2, 3, 3, 9])
    predicted = np.array([0, 1, 2, 5, 3, 4])
    figure = plots.plot_confusion_matrix(true_labels, predicted)
    ax = figure.axes[0]
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"
    assert ax.images[0].get_array().shape == (10, 10)
    assert sorted(text.get_text() for text in ax.texts) == ["1"] * 6
    bars = plots.plot_per_class_accuracy(true_labels, predicted)
    heights = [patch.get_height() for patch in bars.axes[0].patches]
    assert len(heights) == 10 and heights[3] == pytest.approx(50.0) and heights[0] == pytest.approx(100.0)


def test_mistakes_gallery_shows_true_predicted_and_confidence(digits):
    images, labels = digits
    probabilities = np.full((12, 10), 0.01, dtype=np.float32)
    probabilities[np.arange(12), labels] = 0.91
    probabilities[3] = 0.0
    probabilities[3, (labels[3] + 1) % 10] = 0.8
    probabilities[3, labels[3]] = 0.2
    figure = plots.plot_mistakes(images, labels, probabilities)
    shown = _image_axes(figure)
    assert len(shown) == 1
    assert shown[0].get_title() == f"{labels[3]}→{(labels[3] + 1) % 10} 80%"
    perfect = plots.plot_mistakes(images, labels, np.eye(10)[labels])
    assert "No mistakes" in perfect.axes[0].texts[0].get_text()


def test_filters_and_feature_maps_of_a_cnn(trained_model_path, digits):
    model = training.load_model(trained_model_path)
    image = digits[0][0] / 255.0
    first_filters = model.layers[0].get_weights()[0].shape[-1]
    figure = plots.plot_filters(model)
    assert len(_image_axes(figure)) == first_filters
    maps = plots.feature_maps(model, image)
    assert maps.shape == (24, 24, first_filters)
    figure = plots.plot_feature_maps(model, image, count=8)
    assert len(_image_axes(figure)) == 9  # the digit and 8 maps
    with pytest.raises(ValueError, match="Conv2D"):
        plots.plot_filters(models.build("mlp_128"))


def test_hand_made_kernels_on_a_digit(digits):
    kernels = {"vertical edges": [[-1, 0, 1]] * 3, "horizontal edges": [[-1] * 3, [0] * 3, [1] * 3]}
    figure = plots.plot_kernel_on_digit(digits[0][0] / 255.0, kernels)
    assert len(_image_axes(figure)) == 3
    assert figure.axes[1].images[0].get_array().shape == (26, 26)
