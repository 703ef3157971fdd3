"""Tests of mnist_course.samples: synthetic handwriting that is varied, repeatable and readable."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_course import handwriting, samples


def test_every_digit_has_forms_and_every_writer_is_valid():
    assert sorted(samples.FORMS) == list(range(10))
    for writer in samples.WRITERS:
        for digit, form in writer.forms.items():
            assert form in samples.FORMS[digit], (writer.name, digit, form)
    with pytest.raises(ValueError, match="unknown writer"):
        samples.writer_named("nobody")


def test_strokes_are_repeatable_and_vary_with_the_seed():
    first = samples.digit_strokes(8, "quick", seed=1)
    again = samples.digit_strokes(8, "quick", seed=1)
    other = samples.digit_strokes(8, "quick", seed=2)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


def test_draw_strokes_coverage():
    coverage = samples.draw_strokes(samples.digit_strokes(0, "neat", seed=0), height=100, pen_width=6)
    assert coverage.dtype == np.float32 and coverage.max() == pytest.approx(1.0, abs=0.01)
    assert 0.02 < coverage.mean() < 0.5
    assert 95 < coverage.shape[0] < 130


@pytest.mark.parametrize("kind", ["canvas", "scan", "photo", "chalk"])
def test_kinds(kind):
    sample = samples.make_sample(5, kind=kind, writer="round", seed=4)
    assert sample.label == 5 and sample.kind == kind and sample.writer == "round"
    image = sample.image
    array = np.asarray(image.getchannel("A") if image.mode == "RGBA" else image.convert("L"), np.float32)
    assert array.std() > 3  # something is drawn
    if kind == "photo":
        assert sample.image.size == (1600, 1200)
    if kind == "chalk":
        assert np.median(array) < 100  # a dark board


def test_samples_are_repeatable():
    first = samples.make_sample(3, kind="photo", writer="child", seed=9, size=(400, 300))
    again = samples.make_sample(3, kind="photo", writer="child", seed=9, size=(400, 300))
    assert np.array_equal(np.asarray(first.image), np.asarray(again.image))


def test_numbers():
    sample = samples.make_sample("2026", kind="scan", writer="neat", seed=1)
    assert sample.label == "2026"
    assert len(handwriting.split_digits(sample.image)) == 4


@pytest.mark.parametrize("file_format", ["JPEG", "PNG", "WEBP", "BMP", "GIF"])
def test_encode_formats(file_format):
    image = samples.make_sample(2, kind="canvas", seed=0, size=(120, 100)).image
    data = samples.encode(image, file_format)
    assert Image.open(io.BytesIO(data)).format == file_format


def test_encode_exif_orientation():
    image = samples.make_sample(2, kind="scan", seed=0, size=(300, 200)).image
    data = samples.encode(image, "JPEG", orientation=6)
    stored = Image.open(io.BytesIO(data))
    assert stored.size == (200, 300) and stored.getexif()[0x0112] == 6


def test_dataset_size_and_labels():
    items = list(samples.dataset(1, kinds=("canvas",), writers=("neat", "child"), seed=3))
    assert len(items) == 20
    assert sorted(item.label for item in items) == sorted(list(range(10)) * 2)


#: The committed sample pictures (assets/ at the top of the repository).
ASSETS_FOLDER = Path(__file__).resolve().parent.parent / "assets"


def pixels(path):
    """A picture file's decoded pixels, with its mode (RGBA keeps the canvas's transparency)."""
    with Image.open(path) as image:
        return image.mode, np.asarray(image, dtype=np.int16)


def test_committed_assets_are_what_the_code_makes(tmp_path):
    written = samples.make_assets(tmp_path)
    assert sorted(path.name for path in written) == sorted(samples.ASSETS)
    for path in written:
        made_mode, made = pixels(path)
        kept_mode, kept = pixels(ASSETS_FOLDER / path.name)
        assert (made_mode, made.shape) == (kept_mode, kept.shape), path.name
        difference = np.abs(made - kept)
        if path.suffix == ".png":  # lossless: every pixel must be the same (PNG bytes may differ with zlib)
            assert difference.max() == 0, f"{path.name}: the code no longer makes this picture (python assets/make_assets.py)"
        else:
            # JPEG and WebP: the same code and Pillow give the same bytes, but another NumPy, libjpeg or
            # libwebp may round a few pixel values differently (up to 9 with Colab's NumPy 2.0.2). A changed
            # drawing differs by far more than this (an old photo_2026.jpg: up to 212).
            assert difference.max() <= 32 and difference.mean() <= 0.5, (
                f"{path.name}: the code no longer makes this picture (python assets/make_assets.py); "
                f"pixels differ by up to {difference.max()}")
    total = sum(path.stat().st_size for path in written)
    assert total < 1_500_000
    for path in written:
        handwriting.preprocess(path)  # every sample picture holds a readable digit
