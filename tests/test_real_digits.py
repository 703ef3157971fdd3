"""Real handwriting nobody on this project drew (bench/real_digits): every picture becomes a digit.

The pictures come from public repositories (see bench/real_digits/README.md). They are kept out of
git: the images are found in bench/real_digits (a developer's copy), in ../shared/real_digits (CI),
or in the folder named by MNIST_COURSE_REAL_DIGITS. Accuracy targets are measured by
``python bench/benchmark_handwriting.py``, not here; these tests check behaviour on a sample.
"""

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import real_handwriting  # noqa: E402

from mnist_course import handwriting, models, training  # noqa: E402


FOLDER = real_handwriting.find_folder()
pytestmark = pytest.mark.skipif(FOLDER is None, reason="the real handwriting pictures are not on this machine "
                                "(they are kept out of git; see bench/real_digits/README.md)")


@pytest.fixture(scope="module")
def sample():
    """Every fourth picture of each kind: a quick sample that covers every kind and source."""
    rows = real_handwriting.load_rows("all", FOLDER)
    return [row for index, row in enumerate(rows) if index % 4 == 0]


def test_no_real_picture_with_ink_is_called_blank(sample):
    images, errors = real_handwriting.prepare(sample, handwriting.to_mnist)
    assert [error for error in errors if error] == []
    assert images.shape == (len(sample), 28, 28)


def test_every_real_picture_becomes_a_centred_mnist_style_digit(sample):
    for row in sample:
        image = handwriting.to_mnist(row.path)
        assert image.dtype == np.float32 and 0 <= image.min() and image.max() <= 1
        assert image.max() > 0.9, f"{row.path.name}: the strokes are not full white"
        filled_rows = np.flatnonzero(image.max(axis=1) > 0.2)
        filled_cols = np.flatnonzero(image.max(axis=0) > 0.2)
        # MNIST: the longer side of the digit is fitted to 20 pixels, its centre of mass in the middle.
        longer = max(filled_rows[-1] - filled_rows[0], filled_cols[-1] - filled_cols[0]) + 1
        assert 16 <= longer <= 21, f"{row.path.name}: the digit is {longer} pixels, not fitted to 20"
        row_centre, col_centre = ndimage.center_of_mass(image)
        assert abs(row_centre - 14) < 1.5 and abs(col_centre - 14) < 1.5, row.path.name


def test_the_model_reads_most_real_pictures(sample, trained_model_path):
    model = training.load_model(trained_model_path)  # trained briefly on 3,000 digits: a weak model
    images, _ = real_handwriting.prepare(sample, handwriting.to_mnist)
    plain, _ = real_handwriting.prepare(sample, handwriting.simple_to_mnist)
    labels = np.array([row.label for row in sample])
    accuracy = (models.predict_digits(model, images) == labels).mean()
    assert accuracy > 0.8
    assert accuracy >= (models.predict_digits(model, plain) == labels).mean() - 0.05
