"""Tests for mnist_course.training: a short real training run, checkpoints, saving and loading."""

import shutil

import keras
import numpy as np
import pytest

from mnist_course import calibration, config, data, history, models, training


@pytest.fixture(scope="module")
def small_mnist(mnist):
    """1,000 training and 500 test images, balanced, scaled to [0, 1]."""
    (x_train, y_train), (x_test, y_test) = mnist
    train_images, train_labels = data.balanced_subset(x_train, y_train, per_class=100, seed=0)
    test_images, test_labels = data.balanced_subset(x_test, y_test, per_class=50, seed=1)
    return data.scale(train_images), train_labels, data.scale(test_images), test_labels


class ZeroWeightsBeforeLastEpoch(keras.callbacks.Callback):
    """Ruin the model just before its last epoch, so the last epoch is certainly not the best."""

    def __init__(self, last_epoch):
        super().__init__()
        self.last_epoch = last_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.last_epoch:
            self.model.set_weights([np.zeros_like(weight) for weight in self.model.get_weights()])


def test_short_run_learns_far_above_chance(small_mnist, capsys):
    train_images, train_labels, test_images, test_labels = small_mnist
    model = models.build("mlp_128")
    history = training.train(model, train_images, train_labels, epochs=4, seed=0)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4  # one quiet line per epoch, no progress bars
    assert lines[0].startswith("epoch 1/4") and "val_acc" in lines[0] and lines[0].endswith(" s")
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy", "seconds", "fit_seconds"}
    assert history.history["fit_seconds"][0] >= sum(history.history["seconds"]) * 0.9
    assert len(history.history["seconds"]) == 4
    result = training.evaluate(model, test_images, test_labels)
    assert result["accuracy"] > 0.75  # chance is 0.10
    assert result["confusion"].sum() == len(test_labels)
    assert result["per_class_accuracy"].shape == (10,)


class CountSteps(keras.callbacks.Callback):
    """The optimizer steps of each epoch: one per batch the model really trained on."""

    def on_train_begin(self, logs=None):
        self.per_epoch, self.start = [], 0

    def on_epoch_begin(self, epoch, logs=None):
        self.start = int(self.model.optimizer.iterations.numpy())

    def on_epoch_end(self, epoch, logs=None):
        self.per_epoch.append(int(self.model.optimizer.iterations.numpy()) - self.start)


def test_every_epoch_runs_all_its_batches(small_mnist, recwarn):
    """900 images in batches of 64 make 15 steps, not a multiple of steps_per_execution (8): no epoch is cut."""
    train_images, train_labels, _, _ = small_mnist
    model = models.build("mlp_128")
    assert model.steps_per_execution == 8
    counter = CountSteps()
    history = training.train(model, train_images[:900], train_labels[:900], epochs=3, batch_size=64,
                             validation_split=0, seed=0, verbose=False, callbacks=[counter])  # fmt: skip
    assert counter.per_epoch == [15, 15, 15]
    assert len(history.history["loss"]) == 3
    assert not [w for w in recwarn if "ran out of data" in str(w.message)]


@pytest.mark.filterwarnings("ignore:Skipping variable loading")
def test_best_checkpoint_is_restored(small_mnist, tmp_path):
    train_images, train_labels, test_images, test_labels = small_mnist
    model = models.build("mlp_128")
    checkpoint = tmp_path / "best.weights.h5"
    history = training.train(
        model, train_images, train_labels, epochs=4, seed=0, verbose=False,
        checkpoint_path=checkpoint, patience=10, callbacks=[ZeroWeightsBeforeLastEpoch(3)],
    )
    validation_loss = history.history["val_loss"]
    assert np.argmin(validation_loss) < 3  # the ruined last epoch is worse
    assert checkpoint.exists()
    # The model holds the best epoch's weights, not the ruined ones.
    assert training.evaluate(model, test_images, test_labels)["accuracy"] > 0.75
    saved = models.build("mlp_128")
    saved.load_weights(checkpoint)
    for restored, best in zip(model.get_weights(), saved.get_weights()):
        np.testing.assert_array_equal(restored, best)


def test_seed_makes_runs_repeatable(small_mnist):
    train_images, train_labels, _, _ = small_mnist
    losses = []
    for _ in range(2):
        config.set_seed(7)  # before building: the first weights are random too
        model = models.build("mlp_128")
        history = training.train(model, train_images[:300], train_labels[:300], epochs=1, seed=7, verbose=False)
        losses.append(history.history["loss"][0])
    assert losses[0] == pytest.approx(losses[1], rel=1e-4)


def test_one_hot_labels_and_bad_labels(small_mnist):
    train_images, train_labels, _, _ = small_mnist
    model = models.build("mlp_128")
    training.train(model, train_images[:200], data.one_hot(train_labels[:200]), epochs=1, verbose=False)
    with pytest.raises(ValueError, match="labels"):
        training.train(model, train_images[:200], train_labels[:100], epochs=1, verbose=False)
    with pytest.raises(ValueError, match="epochs"):
        training.train(model, train_images[:200], train_labels[:200], epochs=0, verbose=False)


def test_one_cycle_schedule_warms_up_then_decays():
    schedule = training.one_cycle_schedule(1e-2, total_steps=100)
    rates = [float(schedule(step)) for step in (0, 20, 60, 99)]
    assert rates[0] < rates[1]
    assert rates[1] == pytest.approx(1e-2, rel=1e-3)
    assert rates[1] > rates[2] > rates[3]


def test_confusion_matrix_and_text():
    matrix = training.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    assert matrix[1, 2] == 1 and matrix.trace() == 3 and matrix.shape == (10, 10)
    text = training.confusion_text(matrix)
    assert len(text.splitlines()) == 11 and "true\\pred" in text


def test_save_and_load_round_trip(trained_model_path, tmp_path, small_mnist):
    _, _, test_images, _ = small_mnist
    model = training.load_model(trained_model_path)
    copy_path = training.save_model(model, tmp_path / "nested" / "copy.keras")
    again = training.load_model(copy_path)
    np.testing.assert_allclose(
        models.predict_proba(model, test_images[:8]), models.predict_proba(again, test_images[:8]), rtol=1e-5
    )


def test_load_model_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file"):
        training.load_model(tmp_path / "missing.keras")
    fake = tmp_path / "fake.keras"
    fake.write_text("not a model")
    with pytest.raises(ValueError, match="could not be read"):
        training.load_model(fake)
    with pytest.raises(ValueError, match=r"\.keras"):
        training.load_model(__file__)
    with pytest.raises(ValueError, match=r"\.keras"):
        training.save_model(models.build("mlp_128"), tmp_path / "model.h5")


def test_load_or_train_cnn_loads_a_saved_model_and_says_whether_it_is_calibrated(
    course_home, trained_model_path, mnist, capsys
):
    target = config.default_model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(trained_model_path, target)  # a plain course CNN, as the old lesson 05 saved it
    model = training.load_or_train_cnn()
    out = capsys.readouterr().out
    assert out == "Loaded the course CNN from [course folder]/models/cnn.keras (not calibrated: it has no temperature)\n"
    assert model.name == "cnn" and calibration.temperature_of(model) is None
    assert not history.history_path(target).exists()  # loaded as it is: nothing trained, nothing written

    _, (x_test, y_test) = mnist
    images, labels = data.balanced_subset(x_test, y_test, per_class=20, seed=5)
    calibrated = calibration.calibrate(model, data.scale(images), labels)
    training.save_model(calibrated, target)  # what lesson 05 and `mnist-course train` save
    loaded = training.load_or_train_cnn()
    out = capsys.readouterr().out
    temperature = calibration.temperature_of(loaded)
    assert temperature == pytest.approx(calibration.temperature_of(calibrated))
    assert out == (f"Loaded the course CNN from [course folder]/models/cnn.keras "
                   f"(calibrated: temperature {temperature:.2f})\n")
    assert loaded.name == "cnn"


def test_load_or_train_cnn_trains_a_calibrated_model_and_keeps_its_history(course_home, mnist, capsys):
    assert config.is_fast_mode()  # tests run in fast mode: a small subset, a few seconds
    model = training.load_or_train_cnn()
    out = capsys.readouterr().out.splitlines()
    path = config.default_model_path()
    assert path.exists()
    temperature = calibration.temperature_of(model)
    assert temperature is not None  # the course CNN that lessons 06, 07 and 09 expect
    assert out[0] == "No saved model at [course folder]/models/cnn.keras: training the course CNN now."
    assert out[-1] == (f"Saved it to [course folder]/models/cnn.keras (calibrated: temperature {temperature:.2f}), "
                       "with its training history.")
    logs = history.load_history(path)  # beside the model: cnn.history.json, for lesson 09's curves
    assert logs is not None and len(logs["loss"]) == len(out) - 2 == 3  # one line per epoch (fast mode: 3)
    _, (x_test, y_test) = mnist
    images, labels = data.balanced_subset(x_test, y_test, per_class=30, seed=2)
    assert training.evaluate(model, data.scale(images), labels)["accuracy"] > 0.8
    again = training.load_or_train_cnn(verbose=False)  # the second time it loads what the first one saved
    assert calibration.temperature_of(again) == pytest.approx(temperature)


def test_random_affine_moves_digits_but_keeps_them_whole(mnist):
    import tensorflow as tf

    from mnist_course import augment, data

    (images, _), _ = mnist
    batch = tf.constant(data.scale(images[:200]).reshape(-1, 28, 28, 1))
    still = augment.random_affine(batch, rotation_degrees=0, shear=0, zoom=0, shift_pixels=0).numpy()
    np.testing.assert_allclose(still, batch.numpy(), atol=1e-5)  # no change asked: the same pixels
    moved = augment.random_affine(batch).numpy()
    assert moved.shape == (200, 28, 28, 1)
    assert np.abs(moved - batch.numpy()).mean() > 0.02  # every batch changes
    ink_before, ink_after = batch.numpy().sum(axis=(1, 2, 3)), moved.sum(axis=(1, 2, 3))
    assert np.median(ink_after / ink_before) == pytest.approx(1.0, abs=0.15)  # the digit stays in the frame


def test_held_out_count_is_the_last_tenth_and_at_least_one():
    assert training.VALIDATION_SPLIT == 0.1
    assert training.held_out_count(60000) == 6000
    assert training.held_out_count(3) == 1  # never an empty validation part
    assert training.held_out_count(1000, 0.25) == 250
    assert models.NUM_CLASSES is data.NUM_CLASSES == 10  # one home (data), still usable from models


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")  # never trained: no optimizer state
def test_a_bfloat16_model_loads_in_float32_where_bfloat16_cannot_run(tmp_path, monkeypatch, small_mnist):
    """A model trained where bfloat16 is fast must still run on a laptop without it (oneDNN refuses it there)."""
    images = small_mnist[0]
    model = models.cnn("mixed_bfloat16")
    path = training.save_model(model, tmp_path / "bf16.keras")
    assert training.computes_in_bfloat16(path)
    expected = models.predict_proba(model, images[:20])
    monkeypatch.setattr(config, "bfloat16_runs_here", lambda: False)
    loaded = training.load_model(path)
    policies = {layer.dtype_policy.name for layer in loaded.layers if hasattr(layer, "dtype_policy")}
    assert "mixed_bfloat16" not in policies and "float32" in policies
    np.testing.assert_allclose(models.predict_proba(loaded, images[:20]), expected, atol=2e-2)
    assert not training.computes_in_bfloat16(training.save_model(models.cnn("float32"), tmp_path / "f32.keras"))
