"""The augmentations that make MNIST look like people's own handwriting (mnist_course.augment).

Each test changes real MNIST digits and checks the change its name states.
"""

import numpy as np
import pytest

from mnist_course import augment, data


@pytest.fixture(scope="module")
def digits(mnist):
    (images, labels), _ = mnist
    images, labels = data.balanced_subset(images, labels, per_class=20, seed=3)
    return data.scale(images), labels


def _batch(images):
    import tensorflow as tf

    return tf.constant(images[..., None])


def test_letter_forms_give_every_chosen_one_a_flag_up_and_to_the_left(digits):
    images, labels = digits
    changed = augment.add_letter_forms(images, labels, share=1.0, seed=0, centre=False)
    for index in np.flatnonzero(labels == 1):
        before, after = images[index] > 0.5, changed[index] > 0.5
        added = after & ~before
        assert added.sum() > 3, f"1 number {index}: no stroke was added"
        rows = np.flatnonzero(before.any(axis=1))
        top_col = np.flatnonzero(before[rows[0]]).mean()
        flag = added[: rows[0] + (rows[-1] - rows[0]) // 2]  # what was added in the upper half
        assert flag.sum() > 3, f"1 number {index}: no flag at the top"
        assert np.nonzero(flag)[1].mean() < top_col, f"1 number {index}: the flag does not go to the left"


def test_letter_forms_cross_the_sevens_and_leave_other_digits_alone(digits):
    images, labels = digits
    changed = augment.add_letter_forms(images, labels, share=1.0, seed=0)
    sevens = labels == 7
    # A bar across the middle: the widest row of the lower part of a 7 gets wider.
    for index in np.flatnonzero(sevens):
        before, after = images[index] > 0.5, changed[index] > 0.5
        assert after.sum() > before.sum() + 3
    others = ~np.isin(labels, [1, 7])
    np.testing.assert_array_equal(changed[others], images[others])
    assert changed.dtype == np.float32 and 0 <= changed.min() and changed.max() <= 1


def test_letter_forms_change_only_the_given_share_and_repeat_with_a_seed(digits):
    images, labels = digits
    first = augment.add_letter_forms(images, labels, share=0.5, seed=7)
    again = augment.add_letter_forms(images, labels, share=0.5, seed=7)
    np.testing.assert_array_equal(first, again)
    touched = np.flatnonzero(np.abs(first - images).max(axis=(1, 2)) > 0)
    assert 0 < len(touched) < np.isin(labels, [1, 7]).sum()
    assert set(labels[touched]) <= {1, 7}
    np.testing.assert_array_equal(augment.add_letter_forms(images, labels, share=0.0), images)


def test_soften_blurs_the_chosen_digits_and_keeps_their_white(digits):
    images, _ = digits
    soft = augment.soften(_batch(images), share=1.0).numpy()[..., 0]
    sharpness = lambda x: np.abs(np.diff(x, axis=2)).sum(axis=(1, 2))  # noqa: E731
    assert (sharpness(soft) < sharpness(images)).mean() > 0.95
    np.testing.assert_allclose(soft.max(axis=(1, 2)), 1.0, atol=1e-5)
    untouched = augment.soften(_batch(images), share=0.0).numpy()[..., 0]
    np.testing.assert_array_equal(untouched, images)


def test_change_pen_thickens_and_thins(digits):
    images, _ = digits
    ink = (images > 0.5).sum()
    thick = augment.change_pen(_batch(images), thicker=1.0, thinner=0.0).numpy()[..., 0]
    thin = augment.change_pen(_batch(images), thicker=0.0, thinner=1.0).numpy()[..., 0]
    assert (thick > 0.5).sum() > 1.3 * ink
    assert (thin > 0.5).sum() < 0.8 * ink


def test_elastic_wobble_moves_strokes_a_little(digits):
    images, _ = digits
    moved = augment.elastic_wobble(_batch(images)).numpy()[..., 0]
    assert np.abs(moved - images).mean() > 0.01  # the strokes moved
    # ... but only a little: most of the ink stays where it was, and the amount of ink is about the same.
    overlap = ((moved > 0.5) & (images > 0.5)).sum() / (images > 0.5).sum()
    assert overlap > 0.5
    assert abs(moved.sum() / images.sum() - 1) < 0.1


def test_the_course_cnn_recipe_trains_on_letter_forms_and_soft_digits(monkeypatch, digits):
    from mnist_course import models, training

    recipe = models.RECIPES["cnn"]
    assert recipe.letter_forms and recipe.soft and recipe.float32.letter_forms and recipe.float32.soft
    calls = []
    original = training.add_letter_forms

    def record(images, labels, **options):
        calls.append(len(images))
        return original(images, labels, **options)

    monkeypatch.setattr(training, "add_letter_forms", record)
    images, labels = digits
    training.train(models.build("cnn"), images, labels, epochs=1, validation_split=0.1, verbose=False)
    assert calls == [len(images) - round(0.1 * len(images))]  # the training part only, not validation
    calls.clear()
    training.train(models.build("cnn"), images, labels, epochs=1, augment=False, verbose=False)
    assert calls == []
