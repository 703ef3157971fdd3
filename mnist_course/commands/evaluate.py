"""``mnist-course evaluate [MODEL_PATH] [--tta]``: accuracy, accuracy per digit and the confusion matrix.

Introduced in notebooks/03_mlp.ipynb.
"""

from __future__ import annotations

from mnist_course.commands.common import CommandError, fail, load_model, resolve_model

#: ``--limit`` range: test images per digit (MNIST's test set has at least 892 of each).
MAX_TEST_PER_DIGIT = 890


def run(args) -> int:
    """Test a saved model on the MNIST test set. Returns the exit status: 0, or 2 for bad input.

    Without ``MODEL_PATH`` it tests the model ``mnist-course train`` saved (see ``common.resolve_model``).

    Introduced in notebooks/03_mlp.ipynb.
    """
    from mnist_course import config, data, training

    config.quiet_tensorflow()
    try:
        model_path = resolve_model(args.model_path)
        model = load_model(model_path)
    except CommandError as error:
        return fail("evaluate", error)
    limit = getattr(args, "limit", None)
    if limit is not None and not 1 <= limit <= MAX_TEST_PER_DIGIT:
        return fail("evaluate", f"--limit must be between 1 and {MAX_TEST_PER_DIGIT} test images per digit, got {limit}")
    try:
        _, (test_images, test_labels) = data.load_course_data(test_per_class=limit, path=args.data)
    except data.MnistDataError as error:
        return fail("evaluate", str(error))
    tta = getattr(args, "tta", False)
    try:
        result = training.evaluate(model, data.scale(test_images), test_labels, tta=tta)
    except ValueError as error:
        return fail("evaluate", f"{model_path} does not take 28x28 digit images ({error})")
    from mnist_course import predlog  # one row per test image in the prediction log (lesson 09)

    predlog.log_predictions("evaluate", test_images, result["probabilities"], true_labels=test_labels,
                            model=model, model_path=model_path)  # fmt: skip
    views = " (test-time augmentation: the mean of 5 views of each image)" if tta else ""
    print(f"Test accuracy: {100 * result['accuracy']:.2f}% on {len(test_labels)} images{views}")
    print("Accuracy per digit:")
    for digit, accuracy in enumerate(result["per_class_accuracy"]):
        print(f"  {digit}: {100 * accuracy:.2f}%")
    print("Confusion matrix (rows: true digit, columns: predicted digit):")
    print(training.confusion_text(result["confusion"]))
    return 0
