"""Tests for mnist_course.models: shapes, parameter counts, prediction."""

import numpy as np
import pytest

from mnist_course import models

# Parameter counts that follow from each network's layers (lesson 03 counts the first one by hand).
EXPECTED_PARAMETERS = {
    "mlp_128": 101_770,
    "mlp_512": 407_050,
    "mlp_deep": 575_050,
    "cnn_simple": 693_962,
    "cnn_three_conv": 93_322,
    "cnn_dropout": 1_199_882,
    "cnn_large": 331_306,  # 330,314 learned and 992 batch-norm statistics
}


@pytest.mark.parametrize("name", models.MODEL_NAMES)
def test_every_builder_gives_ten_probabilities(name):
    model = models.build(name)
    assert model.name == name
    assert tuple(model.outputs[0].shape) == (None, 10)
    images = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    probabilities = models.predict_proba(model, images)
    assert probabilities.shape == (3, 10)
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("name, expected", sorted(EXPECTED_PARAMETERS.items()))
def test_parameter_counts_match_the_published_architectures(name, expected):
    assert models.build(name).count_params() == expected


def test_dense_networks_take_images_and_cnns_take_a_channel():
    assert tuple(models.build("mlp_deep").inputs[0].shape) == (None, 28, 28)
    assert tuple(models.build("cnn").inputs[0].shape) == (None, 28, 28, 1)


def test_the_deep_dense_network_trains_with_rmsprop():
    assert models.build("mlp_deep").optimizer.__class__.__name__ == "RMSprop"


def test_predict_proba_accepts_one_image_and_flat_rows():
    model = models.build("mlp_128")
    image = np.zeros((28, 28), dtype=np.float32)
    assert models.predict_proba(model, image).shape == (1, 10)
    assert models.predict_proba(model, np.zeros((4, 784), dtype=np.float32)).shape == (4, 10)
    assert models.predict_proba(model, np.zeros((0, 28, 28), dtype=np.float32)).shape == (0, 10)
    assert models.predict_digits(model, np.zeros((2, 28, 28))).shape == (2,)


def test_predict_proba_is_the_model_output_in_batches():
    model = models.build("cnn")
    images = np.random.default_rng(1).random((5, 28, 28), dtype=np.float32)
    direct = np.asarray(model(images[..., None], training=False))
    np.testing.assert_allclose(models.predict_proba(model, images, batch_size=2), direct, rtol=1e-5, atol=1e-6)


def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="unknown model"):
        models.build("resnet")
    with pytest.raises(ValueError, match="28x28"):
        models.predict_proba(models.build("mlp_128"), np.zeros((5, 10)))


def test_every_model_has_a_recipe_and_a_description():
    for name in models.MODEL_NAMES:
        assert models.RECIPES[name].epochs >= 1
        assert models.DESCRIPTIONS[name]
    assert models.recipe_for("my_own_model").epochs >= 1


def test_ensemble_averages_its_members_and_survives_saving(tmp_path):
    from mnist_course import calibration, training

    first, second = models.build("cnn"), models.build("cnn_simple")
    images = np.random.default_rng(1).random((5, 28, 28), dtype=np.float32)
    ensemble = models.ensemble([first, second])
    expected = (models.predict_proba(first, images) + models.predict_proba(second, images)) / 2
    np.testing.assert_allclose(models.predict_proba(ensemble, images), expected, atol=1e-6)
    # Calibrated and saved as one .keras file, it loads (safe mode) and answers the same.
    calibrated = calibration.calibrate(ensemble, images, np.arange(5), name="ensemble")
    path = training.save_model(calibrated, tmp_path / "ensemble.keras")
    loaded = training.load_model(path)
    np.testing.assert_allclose(models.predict_proba(loaded, images), models.predict_proba(calibrated, images), atol=1e-6)
    assert [member.name for member in models.ensemble_members(loaded)] == ["member_1", "member_2"]
    assert models.ensemble_members(first) == []


def test_an_ensemble_needs_two_cnns():
    with pytest.raises(ValueError, match="at least two"):
        models.ensemble([models.build("cnn")])
    with pytest.raises(ValueError, match="28x28x1"):
        models.ensemble([models.build("cnn"), models.build("mlp_128")])


def test_shifted_moves_pixels_and_fills_with_black():
    image = np.zeros((28, 28), np.float32)
    image[5, 7] = 1.0
    image[27, 0] = 1.0  # moved down and left, it leaves the image
    moved = models.shifted(image, 1, -1)[0]
    assert moved[6, 6] == 1.0 and moved.sum() == 1.0
    np.testing.assert_array_equal(models.shifted(image, 0, 0)[0], image)


def test_test_time_augmentation_averages_the_shifted_views():
    model = models.build("cnn")
    images = np.random.default_rng(2).random((4, 28, 28), dtype=np.float32)
    views = [models.predict_proba(model, models.shifted(images, r, c)) for r, c in models.TTA_SHIFTS]
    np.testing.assert_allclose(models.predict_proba_tta(model, images), np.mean(views, axis=0), atol=1e-6)
    assert not np.allclose(models.predict_proba_tta(model, images), models.predict_proba(model, images))


@pytest.mark.parametrize("asked, expected", [("float32", "float32"), ("mixed_bfloat16", "mixed_bfloat16"),
                                             ("bf16", "mixed_bfloat16")])
def test_precision_variable_forces_the_number_format(monkeypatch, asked, expected):
    monkeypatch.setenv("MNIST_COURSE_PRECISION", asked)
    assert models.fast_dtype_policy() == expected
    assert models.build("cnn").layers[0].dtype_policy.name == expected


def test_a_wrong_precision_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_PRECISION", "float8")
    with pytest.raises(ValueError, match="MNIST_COURSE_PRECISION='float8'.*float32, mixed_bfloat16"):
        models.fast_dtype_policy()


def test_the_course_cnn_has_its_own_float32_recipe(monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_PRECISION", "float32")
    float32_model = models.build("cnn")
    assert models.number_format(float32_model) == "float32"
    assert models.recipe_for(float32_model) == models.RECIPES["cnn"].float32
    assert models.recipe_for(float32_model).epochs == 3 and models.recipe_for(float32_model).batch_size == 512
    monkeypatch.setenv("MNIST_COURSE_PRECISION", "mixed_bfloat16")
    bfloat16_model = models.build("cnn")
    assert models.number_format(bfloat16_model) == "mixed_bfloat16"
    assert models.number_format(models.ensemble([bfloat16_model, models.build("cnn")])) == "mixed_bfloat16"
    assert models.recipe_for(bfloat16_model) == models.recipe_for("cnn") == models.RECIPES["cnn"]
    assert models.recipe_for(float32_model.name).epochs == 4  # by name: the main recipe
