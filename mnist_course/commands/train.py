"""``mnist-course train [--model NAME] [--epochs N] [--out PATH]``: train a model on MNIST, test it, save it.

Introduced in notebooks/05_cnn.ipynb.
"""

from __future__ import annotations

import time
from pathlib import Path

from mnist_course.commands.common import fail

#: The model ``predict``, ``draw`` and ``serve`` use by default; only it is saved to the default path.
COURSE_MODEL = "cnn"

#: ``--limit`` range: images per digit (MNIST's training set has at least 5,421 of each).
MAX_TRAIN_PER_DIGIT = 5000


def default_out(model_name: str) -> Path:
    """Where ``train`` saves a model without ``--out``: the course model path for ``cnn``, else a file named after the model.

    ``cnn`` goes to ``config.default_model_path()`` (``$MNIST_COURSE_HOME/models/cnn.keras``), where the
    other commands look; ``mlp_128`` goes beside it as ``mlp_128.keras``, so it never replaces the course CNN.
    """
    from mnist_course import config

    course_model = config.default_model_path()
    if model_name == COURSE_MODEL:
        return course_model
    return course_model.with_name(f"{model_name}.keras")


def run(args) -> int:
    """Train, test and save a model. Returns the exit status: 0, or 2 with one line on stderr for bad input.

    Introduced in notebooks/05_cnn.ipynb.
    """
    from mnist_course import calibration, config, data, models, training

    if getattr(args, "list", False):
        for name in models.MODEL_NAMES:
            print(f"{name:15} {models.DESCRIPTIONS[name]}")
        return 0
    if args.model not in models.BUILDERS:
        return fail("train", f"unknown model {args.model!r}; choose one of: {', '.join(models.MODEL_NAMES)}")
    if args.epochs is not None and args.epochs < 1:
        return fail("train", f"--epochs must be at least 1, got {args.epochs}")
    if args.limit is not None and not 1 <= args.limit <= MAX_TRAIN_PER_DIGIT:
        return fail("train", f"--limit must be between 1 and {MAX_TRAIN_PER_DIGIT} images per digit, got {args.limit}")
    out = Path(args.out).expanduser() if args.out else default_out(args.model)
    if out.suffix != ".keras":
        return fail("train", f"--out must end in .keras, got {out.name!r}")
    config.quiet_tensorflow()
    try:
        (train_images, train_labels), (test_images, test_labels) = data.load_course_data(
            train_per_class=args.limit, test_per_class=None, path=args.data
        )
    except data.MnistDataError as error:
        return fail("train", str(error))
    print(f"Training {args.model} ({models.DESCRIPTIONS[args.model]}) on {len(train_images)} images")
    config.set_seed(args.seed)
    started = time.perf_counter()
    model, _ = training.train_calibrated(args.model, data.scale(train_images), train_labels,
                                         epochs=args.epochs, seed=args.seed)
    seconds = time.perf_counter() - started
    result = training.evaluate(model, data.scale(test_images), test_labels)
    training.save_model(model, out)
    error = calibration.expected_calibration_error(result["probabilities"], test_labels)
    print(f"Trained in {seconds:.0f} s; test accuracy {100 * result['accuracy']:.2f}% on {len(test_labels)} images")
    print(f"Confidence calibrated (temperature {calibration.temperature_of(model):.2f}): "
          f"calibration error {100 * error:.2f}% on the test images")
    print(f"Saved to {out}")
    return 0
