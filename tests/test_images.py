"""Reading pictures in mnist_course.images: iPhone photos (HEIC/HEIF) and scanned pages (PDF).

Every file is made here: a HEIC written with pillow-heif (one with the camera's rotation in its EXIF),
PDFs written with Pillow, and damaged files cut from them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mnist_course import cli, handwriting, images

REPO = Path(__file__).resolve().parent.parent
#: EXIF tag of the camera's rotation; 6 means "turn the stored pixels 90 degrees clockwise to show them".
ORIENTATION_TAG = 0x0112


def page_with_digit(digit: int, size=(600, 800)) -> Image.Image:
    """A white page with one digit written on it in dark blue ink: a 1 or a 7."""
    page = Image.new("RGB", size, (248, 248, 244))
    width, height = size
    pen = ImageDraw.Draw(page)
    left, top, right, bottom = width * 0.35, height * 0.3, width * 0.65, height * 0.7
    if digit == 1:
        pen.line([(width * 0.52, top), (width * 0.49, bottom)], fill=(20, 30, 110), width=int(width * 0.035))
    elif digit == 7:
        pen.line([(left, top), (right, top), (width * 0.45, bottom)], fill=(20, 30, 110), width=int(width * 0.035),
                 joint="curve")  # fmt: skip
    else:
        raise ValueError(digit)
    return page


def save_heic(picture: Image.Image, path: Path, orientation: int | None = None) -> Path:
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION_TAG] = orientation
    picture.save(path, format="HEIF", quality=90, exif=exif.tobytes())
    assert path.read_bytes()[4:12] == b"ftypheic", "the test must write a real HEIC file"
    return path


@pytest.fixture(scope="module")
def model(trained_model_path):
    from mnist_course import training

    return training.load_model(trained_model_path)


def read_digit(model, source) -> int:
    from mnist_course import models

    return int(models.predict_proba(model, handwriting.to_mnist(source))[0].argmax())


def assert_clean_digit(image):
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert 0 <= image.min() and image.max() <= 1 and image.max() > 0.9
    frame = np.concatenate([image[:2].ravel(), image[-2:].ravel(), image[:, :2].ravel(), image[:, -2:].ravel()])
    assert frame.max() < 0.1  # an empty frame round the digit, like MNIST
    rows, cols = np.nonzero(image > 0.5)
    assert abs(rows.mean() - 14) < 3 and abs(cols.mean() - 14) < 3


# --- HEIC / HEIF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("digit", [1, 7])
def test_heic_photo_reads_like_the_same_png(digit, tmp_path, model):
    page = page_with_digit(digit)
    page.save(tmp_path / "page.png")
    heic = save_heic(page, tmp_path / "photo.heic")
    from_heic = handwriting.to_mnist(heic)
    assert_clean_digit(from_heic)
    assert np.abs(from_heic - handwriting.to_mnist(tmp_path / "page.png")).mean() < 0.03
    assert read_digit(model, heic) == digit
    assert read_digit(model, heic.read_bytes()) == digit  # bytes, as an upload gives them


def test_heic_camera_rotation_is_applied(tmp_path, model):
    upright = page_with_digit(7)
    sideways = upright.transpose(Image.Transpose.ROTATE_90)  # how the sensor stored it
    turned = save_heic(sideways, tmp_path / "turned.heic", orientation=6)
    not_turned = save_heic(sideways, tmp_path / "sideways.heic")
    opened = images.open_image(turned)
    assert opened.size[0] < opened.size[1], "portrait page: taller than wide once the rotation is applied"
    reference = handwriting.to_mnist(upright)
    assert np.abs(handwriting.to_mnist(turned) - reference).mean() < 0.03
    assert np.abs(handwriting.to_mnist(not_turned) - reference).mean() > 0.05  # the tag is what made the difference
    assert read_digit(model, turned) == 7


def test_random_bytes_named_heic_is_one_clear_error(tmp_path):
    path = tmp_path / "photo.heic"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(images.ImageReadError, match="not an image file") as error:
        images.open_image(path)
    assert "\n" not in str(error.value)


def test_damaged_heic_is_one_clear_error(tmp_path):
    data = save_heic(page_with_digit(1), tmp_path / "photo.heic").read_bytes()
    cut = tmp_path / "cut.heic"
    cut.write_bytes(data[:40])
    with pytest.raises(images.ImageReadError, match="HEIC/HEIF picture .*truncated or damaged"):
        images.open_image(cut)


def test_heic_without_pillow_heif_says_what_to_install(tmp_path, monkeypatch):
    path = save_heic(page_with_digit(1), tmp_path / "photo.heic")
    monkeypatch.setattr(images, "_heif_opener_registered", False)
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # `import pillow_heif` now fails
    with pytest.raises(images.ImageReadError, match="pip install pillow-heif"):
        images.open_image(path)


# --- PDF ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("digit", [1, 7])
def test_one_page_pdf_scan(digit, tmp_path, model):
    path = tmp_path / "scan.pdf"
    page_with_digit(digit).save(path, resolution=100)  # a 6 x 8 inch page
    assert path.read_bytes().startswith(b"%PDF-")
    opened = images.open_image(path)
    assert images.WORKING_SIZE <= max(opened.size) <= 2 * images.WORKING_SIZE
    digit_image = handwriting.to_mnist(path)
    assert_clean_digit(digit_image)
    assert read_digit(model, path) == digit
    assert read_digit(model, path.read_bytes()) == digit


def test_pdf_with_several_pages_reads_the_first(tmp_path, model):
    path = tmp_path / "worksheet.pdf"
    page_with_digit(1).save(path, save_all=True, append_images=[page_with_digit(7)], resolution=100)
    assert read_digit(model, path) == 1


@pytest.mark.parametrize("damage", ["cut", "garbage"])
def test_damaged_pdf_is_one_clear_error(damage, tmp_path):
    path = tmp_path / "scan.pdf"
    page_with_digit(1).save(path)
    data = path.read_bytes()
    path.write_bytes(data[:200] if damage == "cut" else b"%PDF-1.4\n" + bytes(range(256)) * 4)
    with pytest.raises(images.ImageReadError, match=r"scan\.pdf: could not read the PDF") as error:
        images.open_image(path)
    assert "\n" not in str(error.value)


def test_pdf_without_pypdfium2_says_what_to_install(tmp_path, monkeypatch):
    path = tmp_path / "scan.pdf"
    page_with_digit(1).save(path)
    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    with pytest.raises(images.ImageReadError, match="pip install pypdfium2"):
        images.open_image(path)


# --- importing does nothing; the command line --------------------------------------------------------


def test_heif_and_pdf_libraries_load_only_when_needed():
    code = "import sys, mnist_course.images, mnist_course.handwriting; print(sorted({'pillow_heif', 'pypdfium2'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_upload_button_offers_heic_and_pdf():
    from mnist_course import upload

    for suffix in (".heic", ".heif", ".pdf"):
        assert suffix in upload.IMAGE_TYPES.split(",")


def test_predict_reads_a_heic_photo_and_a_pdf_scan(tmp_path, capsys, trained_model_path):
    photo = save_heic(page_with_digit(7).transpose(Image.Transpose.ROTATE_90), tmp_path / "photo.heic", orientation=6)
    scan = tmp_path / "scan.pdf"
    page_with_digit(1).save(scan, resolution=100)
    status = cli.main(["predict", str(photo), str(scan), "--model", str(trained_model_path), "--json"])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0
    assert [(record["file"], record["digit"]) for record in records] == [(str(photo), 7), (str(scan), 1)]


def test_predict_damaged_pdf_and_random_heic_in_a_real_process(tmp_path, trained_model_path):
    damaged = tmp_path / "scan.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    noise = tmp_path / "photo.heic"
    noise.write_bytes(os.urandom(3000))
    result = subprocess.run(
        [sys.executable, "-m", "mnist_course.cli", "predict", str(damaged), str(noise), "--model", str(trained_model_path)],
        capture_output=True, text=True, timeout=180, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"error: {damaged}: could not read the PDF")
    assert lines[1].startswith(f"error: {noise}: not an image file")
