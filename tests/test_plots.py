"""Tests for mnist_course.plots: each figure has the axes and panels it promises."""

import matplotlib
import matplotlib.colors
import matplotlib.text

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


# --- readable on a projector (issue 19): sizes, colour bars, titles apart, honest axes -------------


def _texts(figure):
    """Every visible, non-empty text of a drawn figure, tick labels included."""
    figure.canvas.draw()
    return [text for text in figure.findobj(matplotlib.text.Text) if text.get_visible() and text.get_text().strip()]


def _assert_readable(figure):
    small = [(text.get_text(), text.get_fontsize()) for text in _texts(figure) if text.get_fontsize() < plots.FONT_SIZE]
    assert not small, f"texts smaller than {plots.FONT_SIZE} pt: {small[:5]}"


def _title_boxes(figure):
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    return [(ax.title.get_text(), ax.title.get_window_extent(renderer)) for ax in figure.axes if ax.get_title()]


def _assert_titles_apart(figure):
    """No two panel titles overlap, and none runs over the figure's edges or into another panel's picture."""
    boxes = _title_boxes(figure)
    assert boxes
    for index, (text, box) in enumerate(boxes):
        for other, other_box in boxes[index + 1:]:
            assert not box.overlaps(other_box), f"titles overlap: {text!r} and {other!r}"
    renderer = figure.canvas.get_renderer()
    width, height = figure.bbox.width, figure.bbox.height
    for text, box in boxes:
        assert box.x0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, f"title outside the figure: {text!r}"
    for ax in figure.axes:
        picture = ax.get_window_extent(renderer)
        for text, box in boxes:
            if text != ax.get_title() and ax.images:
                assert not box.overlaps(picture), f"title {text!r} runs into a picture"


def _colour_bars(figure):
    return [ax for ax in figure.axes if ax.get_label() == "<colorbar>"]


def test_wrap_title_breaks_at_spaces_first_and_keeps_short_titles():
    assert plots.wrap_title("7", 20) == "7"
    assert plots.wrap_title("clear ink, no lines", 80) == "clear ink,\nno lines"
    wrapped = plots.wrap_title("canvas_3_transparent.png", 80)
    assert wrapped.replace("\n", "") == "canvas_3_transparent.png" and wrapped.count("\n") >= 1
    assert all(plots.text_width(line) <= 80 for line in wrapped.split("\n"))
    assert plots.text_width("MNIST") < plots.text_width("MNIST", 24)


def test_every_figure_uses_at_least_the_course_font_size(digits):
    images, labels = digits
    history = {"loss": [0.5, 0.3], "accuracy": [0.8, 0.9], "val_loss": [0.4, 0.3], "val_accuracy": [0.85, 0.9]}
    true_labels = np.arange(10).repeat(3)
    figures = [
        plots.show_digits(images, labels, ncols=6, suptitle="digits"),
        plots.plot_history(history, title="Dense(128)"),
        plots.plot_histories({"adam": history, "rmsprop": history}),
        plots.plot_confusion_matrix(true_labels, (true_labels + (true_labels == 3)) % 10),
        plots.plot_per_class_accuracy(true_labels, true_labels),
        plots.plot_kernel_on_digit(images[0] / 255.0, {"vertical edges": [[-1, 0, 1]] * 3}, title="masks"),
        plots.plot_prediction(images[0] / 255.0, np.full(10, 0.1), title="a long title for a small picture"),
    ]
    for figure in figures:
        _assert_readable(figure)
        assert figure.get_figwidth() <= plots.MAX_WIDTH + 0.5


def test_confusion_matrix_numbers_are_as_large_as_the_axis_labels_and_contrast_with_their_cell():
    rng = np.random.default_rng(0)
    true_labels = np.repeat(np.arange(10), 1000)  # 1000 right answers per digit: four-digit counts
    predicted = true_labels.copy()
    predicted[rng.choice(len(predicted), 300, replace=False)] = 7  # many 7s: one dark column
    figure = plots.plot_confusion_matrix(true_labels, predicted)
    ax = figure.axes[0]
    figure.canvas.draw()
    tick_size = max(label.get_fontsize() for label in ax.get_xticklabels() + ax.get_yticklabels())
    assert tick_size >= plots.FONT_SIZE
    assert all(text.get_fontsize() >= tick_size for text in ax.texts)
    assert all(text.get_fontsize() >= ax.xaxis.label.get_fontsize() for text in ax.texts)
    # Each number fits inside its cell (four digits included), so neighbours never run together.
    renderer = figure.canvas.get_renderer()
    cell = ax.transData.transform([(0, 0), (1, 1)])
    cell_width = abs(cell[1, 0] - cell[0, 0])
    assert max(text.get_window_extent(renderer).width for text in ax.texts) < cell_width
    # Light numbers on dark cells, dark numbers on light ones.
    image = ax.images[0]
    for text in ax.texts:
        column, row = (round(value) for value in text.get_position())
        if row == column:
            continue
        red, green, blue, _ = image.cmap(image.norm(image.get_array()[row, column]))
        dark_cell = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        colour = matplotlib.colors.to_rgb(text.get_color())
        assert (sum(colour) / 3 > 0.5) == dark_cell, (row, column, text.get_text())
    assert any(matplotlib.colors.to_rgb(text.get_color()) == (1.0, 1.0, 1.0) for text in ax.texts)
    assert _colour_bars(figure)


def test_accuracy_bars_start_at_zero_or_say_where_they_start():
    true_labels = np.repeat(np.arange(10), 100)
    predicted = true_labels.copy()
    predicted[::50] = (predicted[::50] + 1) % 10  # 98% for every digit
    for options in ({}, {"start": 0}, {"start": 90}):
        ax = plots.plot_per_class_accuracy(true_labels, predicted, **options).axes[0]
        bottom = ax.get_ylim()[0]
        assert bottom == 0 or f"starts at {bottom:g}" in ax.get_ylabel(), (options, bottom, ax.get_ylabel())
        assert ax.get_ylim()[1] >= 100
        heights = [patch.get_height() for patch in ax.patches]
        np.testing.assert_allclose(heights, 98.0)  # a bar's height is its accuracy, even when the axis is cut
    assert plots.plot_per_class_accuracy(true_labels, predicted, start=0).axes[0].get_ylabel() == "accuracy (%)"


def test_maps_have_one_shared_colour_bar(trained_model_path, digits):
    model = training.load_model(trained_model_path)
    image = digits[0][0] / 255.0
    for figure in (plots.plot_feature_maps(model, image, count=8), plots.plot_filters(model),
                   plots.plot_kernel_on_digit(image, {"vertical": [[-1, 0, 1]] * 3, "blur": np.full((3, 3), 1 / 9)})):
        bars = _colour_bars(figure)
        assert len(bars) == 1 and bars[0].get_ylabel(), "one colour bar, with a label"
        maps = [ax.images[0] for ax in figure.axes if ax.images and ax.images[0].get_cmap().name != "gray"]
        assert len({(image.norm.vmin, image.norm.vmax) for image in maps}) == 1, "the maps share one colour scale"
        _assert_readable(figure)


SAMPLE_NAMES = ["phone_9_exif.jpg", "ballpoint_0.webp", "pencil_5_scan.png", "canvas_3_transparent.png",
                "marker_2.png", "chalk_4.jpg", "tight_0.png", "lowres_8.png"]


def test_gallery_titles_do_not_overlap(digits):
    images, labels = digits
    photos = [np.full((120, 160, 3), 230, np.uint8)] * len(SAMPLE_NAMES)
    figure = plots.plot_gallery(photos, SAMPLE_NAMES, images[:8] / 255.0, [f"{d} (97%)" for d in labels[:8]])
    assert len(_image_axes(figure)) == 16
    assert [ax.get_title().replace("\n", "") for ax in figure.axes[:8]] == SAMPLE_NAMES
    _assert_titles_apart(figure)
    _assert_readable(figure)
    # Digit grids with long, two-line titles (lesson 08) and the mistakes gallery.
    titles = [f"#{9700 + i}: label {label}\nsays {label} (97%)" for i, label in enumerate(labels[:10])]
    grid = plots.show_digits(images[:10], titles=titles, ncols=10, size=1.2, suptitle="Wrong for every model")
    _assert_titles_apart(grid)
    _assert_titles_apart(plots.show_digits(images[:2], labels=["MNIST style", "your style"], ncols=2))
    probabilities = np.full((12, 10), 0.9 / 9)
    probabilities[np.arange(12), (labels + 1) % 10] = 0.1  # every digit wrong, with a 3-character confidence
    probabilities[np.arange(12), (labels + 2) % 10] = 0.99
    _assert_titles_apart(plots.plot_mistakes(images, labels, probabilities))


@pytest.fixture(scope="module")
def lined_page():
    """A grey page with a digit-like stroke and ruled lines: the lines found, and none."""
    grey = np.full((120, 160), 0.9, np.float32)
    grey[30:90, 70:76] = 0.2
    lines = np.zeros(grey.shape, bool)
    lines[[40, 80], :] = True  # two one-pixel ruled lines
    return grey, lines


def _panel_pixels(ax):
    figure = ax.figure
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3]
    box = ax.get_window_extent(figure.canvas.get_renderer())
    height = pixels.shape[0]
    return pixels[int(height - box.y1) + 2:int(height - box.y0) - 2, int(box.x0) + 2:int(box.x1) - 2]


def test_lines_panel_shows_the_lines_in_red_or_says_there_are_none(lined_page):
    grey, lines = lined_page
    ax = plots.show_found_lines(lines, picture=grey)
    pixels = _panel_pixels(ax).astype(int)
    assert pixels.std() > 10, "the panel is not all one value"
    red = (pixels[..., 0] > 180) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    assert red.mean() > 0.01, "the lines are drawn red and wide enough to see"
    empty = plots.show_found_lines(np.zeros_like(lines), picture=grey)
    assert [text.get_text().replace("\n", " ") for text in empty.texts] == ["no lines found"]
    assert _panel_pixels(empty).std() > 10
    # The lesson's three panels: clear ink, lines found, ink without lines.
    figure = plots.plot_line_removal(grey < 0.5, np.zeros_like(lines), grey < 0.5, picture=grey)
    assert [ax.get_title() for ax in figure.axes] == ["clear ink", "lines found", "ink without lines"]
    assert "no lines found" in figure.axes[1].texts[0].get_text().replace("\n", " ")
    _assert_titles_apart(figure)
    _assert_readable(figure)


def test_steps_strip_titles_apart_and_lines_on_request(lined_page):
    from mnist_course import handwriting

    grey, lines = lined_page
    page = (255 * grey).astype(np.uint8)
    result = handwriting.preprocess(page)
    figure = plots.plot_steps(result, title="a stroke")
    assert len(figure.axes) == len(result.steps) - len(plots.HIDDEN_STEPS)
    _assert_titles_apart(figure)
    _assert_readable(figure)
    result.steps["lines"] = lines.astype(np.float32)
    with_lines = plots.plot_steps(result, with_lines=True)
    assert len(with_lines.axes) == len(result.steps)
    titles = [ax.get_title().replace("\n", " ") for ax in with_lines.axes]
    lines_panel = with_lines.axes[titles.index(plots.STEP_TITLES["lines"])]
    assert _panel_pixels(lines_panel).std() > 10
    _assert_titles_apart(with_lines)
    assert with_lines.get_figwidth() <= plots.MAX_WIDTH + 0.01
