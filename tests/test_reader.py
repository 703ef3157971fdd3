"""The reader's safety net: every picture is read cleaned and plain, and the model's answers are averaged.

Also the two benchmark kinds that nobody tuned the clean-up on (bench/picture_kinds.py): blocky8
(MNIST test digits through the UCI optical-digits recipe) and small_real (real pictures stored small).
"""

import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_course import handwriting, models, samples, training

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import picture_kinds  # noqa: E402
import real_handwriting  # noqa: E402


@pytest.fixture(scope="module")
def blocky(mnist):
    _, (test_images, test_labels) = mnist
    return picture_kinds.blocky8(test_images, test_labels, split="tune", count=60)


@pytest.fixture(scope="module")
def model(trained_model_path):
    return training.load_model(trained_model_path)


def test_uci_blocks_are_an_8x8_count_of_ink_pixels(mnist):
    _, (test_images, _) = mnist
    counts = picture_kinds.uci_blocks(test_images[0])
    assert counts.shape == (8, 8) and counts.dtype == np.uint8
    assert counts.max() <= 16 and counts.max() >= 12 and counts.min() == 0  # blocks nearly all ink; blocks of paper
    assert counts.sum() > 100  # a digit that fills the 32x32 box
    picture = picture_kinds.blocky_picture(counts)
    assert picture.size == (96, 96) and picture.mode == "L"


def test_blocky8_halves_use_different_test_digits(mnist):
    _, (test_images, test_labels) = mnist
    tune = picture_kinds.blocky8(test_images, test_labels, "tune", count=50)
    report = picture_kinds.blocky8(test_images, test_labels, "report", count=50)
    tune_numbers = {int(p.name.rsplit("-", 1)[1]) for p in tune}
    report_numbers = {int(p.name.rsplit("-", 1)[1]) for p in report}
    assert min(tune_numbers) >= 5000 and max(report_numbers) < 5000
    assert all(p.label == test_labels[int(p.name.rsplit("-", 1)[1])] for p in tune)


def test_every_picture_gets_a_plain_view_as_well(blocky):
    result = handwriting.preprocess(blocky[0].data)
    assert result.plain.shape == (28, 28) and result.plain.dtype == np.float32
    np.testing.assert_array_equal(result.plain, handwriting.simple_to_mnist(blocky[0].data))
    assert result.views.shape == (2, 28, 28)


def test_predict_averages_the_answers_on_both_views(model, blocky):
    result = handwriting.preprocess(blocky[1].data)
    both = models.predict_proba(model, result.views)
    np.testing.assert_allclose(handwriting.predict(model, result), both.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(handwriting.predict(model, blocky[1].data), both.mean(axis=0), atol=1e-5)
    many = handwriting.predict(model, [result, result])
    assert many.shape == (2, 10)


def test_a_blocky_digit_that_fills_the_picture_gets_flat_paper_not_a_lighting_estimate(blocky):
    # The closing that follows uneven light would take thick, soft strokes for paper and lose them.
    # Looking only at the frame, which the digit crosses, 5 of these 40 had flat paper; now most have.
    flat = [handwriting.evenly_lit(handwriting.read_grey(picture.data)[1]) for picture in blocky[:40]]
    assert np.mean(flat) >= 0.75
    photo = samples.make_sample(3, kind="photo", writer="neat", seed=5)
    grey = handwriting.read_grey(samples.encode(photo.image, "PNG"))[1]
    assert handwriting.paper_level_change(grey) > handwriting.EVEN_PAPER_CELLS  # a photo's light is uneven


def test_split_digits_give_each_digit_its_own_plain_view():
    canvas = np.full((120, 300), 255, np.uint8)
    canvas[20:100, 40:52] = 0  # a 1
    canvas[20:30, 180:240] = 0  # a 7: the bar ...
    for row in range(30, 100):  # ... and a slanted stem
        column = 238 - (row - 30) // 2
        canvas[row, column - 6 : column + 6] = 0
    digits = handwriting.split_digits(canvas)
    assert len(digits) == 2
    for digit in digits:
        assert digit.plain is not None and digit.plain.max() > 0.9
    # Each plain view holds one digit: the 1's is tall and thin, the 7's is wide.
    widths = [np.flatnonzero(d.plain.max(axis=0) > 0.3).size for d in digits]
    assert widths[0] < 10 < widths[1]


def test_small_real_stores_each_picture_small_then_enlarges_it():
    rng = np.random.default_rng(0)
    picture = Image.new("L", (300, 200), 255)
    picture.paste(0, (140, 60, 160, 140))  # a thick 1 in the middle of a wide page
    shown = picture_kinds.shrink_and_enlarge(picture, rng)
    # Cropped to the ink first, then 8-16 pixels on the longer side, then 6-10 times larger.
    assert 8 * 6 <= max(shown.size) <= 16 * 10
    grey = np.asarray(shown, np.float32)
    assert grey.min() < 100 and np.abs(np.diff(grey, axis=1)).max() < 120  # dark ink, soft edges


@pytest.mark.skipif(real_handwriting.find_folder() is None, reason="the real handwriting pictures are not on "
                    "this machine (they are kept out of git; see bench/real_digits/README.md)")
def test_small_real_pictures_are_read_without_refusal():
    rows = real_handwriting.load_rows("all")[::20]
    for picture in picture_kinds.small_real(rows):
        result = handwriting.preprocess(io.BytesIO(picture.data))
        assert result.image.max() > 0.9 and result.plain.max() > 0.5, picture.name
