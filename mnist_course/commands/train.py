"""``mnist-course train [--model NAME] [--epochs N] [--out PATH]``: train a model on MNIST, test it, save it.

Introduced in notebooks/05_cnn.ipynb.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from mnist_course import config
from mnist_course.commands.common import fail

#: The model ``predict``, ``draw`` and ``serve`` use by default; only it is saved to the default path.
COURSE_MODEL = "cnn"

#: ``--limit`` range: images per digit (MNIST's training set has at least 5,421 of each).
MAX_TRAIN_PER_DIGIT = 5000

#: ``--model ensemble``: the model each member is, and how many members by default.
ENSEMBLE = "ensemble"
ENSEMBLE_MEMBER_MODEL = "cnn_large"
ENSEMBLE_MEMBERS = 3

#: ``--workers`` range for ``--strategy``.
MAX_WORKERS = 8


def model_names() -> list[str]:
    """The names ``--model`` accepts: every model of ``models.BUILDERS``, and ``ensemble``."""
    from mnist_course import models

    return [*models.MODEL_NAMES, ENSEMBLE]


def describe(name: str) -> str:
    """One line about a ``--model`` name."""
    from mnist_course import models

    if name == ENSEMBLE:
        return f"average of {ENSEMBLE_MEMBERS} {ENSEMBLE_MEMBER_MODEL} models (--members N), saved as one model"
    return models.DESCRIPTIONS[name]


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


def members_folder(out: Path) -> Path:
    """Where ``train --model ensemble --out OUT`` keeps each member as it finishes: ``OUT.members/``.

    A run that stops half-way (Ctrl+C, a closed laptop) starts again from the members already there.
    """
    return out.with_name(out.stem + ".members")


def _check(args) -> str | None:
    """The problem with the arguments in one line, or None."""
    if args.model not in model_names():
        return f"unknown model {args.model!r}; choose one of: {', '.join(model_names())}"
    if args.epochs is not None and args.epochs < 1:
        return f"--epochs must be at least 1, got {args.epochs}"
    if args.limit is not None and not 1 <= args.limit <= MAX_TRAIN_PER_DIGIT:
        return f"--limit must be between 1 and {MAX_TRAIN_PER_DIGIT} images per digit, got {args.limit}"
    members = getattr(args, "members", None)
    if members is not None and (args.model != ENSEMBLE or not 2 <= members <= 20):
        return ("--members goes with --model ensemble" if args.model != ENSEMBLE
                else f"--members must be between 2 and 20, got {members}")  # fmt: skip
    return None


def run(args) -> int:
    """Train, test and save a model. Returns the exit status: 0, or 2 with one line on stderr for bad input.

    Introduced in notebooks/05_cnn.ipynb.
    """
    from mnist_course import config, data

    if getattr(args, "list", False):
        for name in model_names():
            print(f"{name:15} {describe(name)}")
        return 0
    problem = _check(args)
    if problem:
        return fail("train", problem)
    out = Path(args.out).expanduser() if args.out else default_out(args.model)
    if out.suffix != ".keras":
        return fail("train", f"--out must end in .keras, got {out.name!r}")
    try:
        config.precision_asked()
    except ValueError as error:
        return fail("train", str(error))
    config.quiet_tensorflow()
    if getattr(args, "strategy", None) or getattr(args, "workers", None):  # lesson A1: tf.distribute
        if not args.strategy:
            return fail("train", "--workers goes with --strategy mirrored or --strategy multiworker")
        return _train_distributed(args, out)
    try:
        (train_images, train_labels), (test_images, test_labels) = data.load_course_data(
            train_per_class=args.limit, test_per_class=None, path=args.data
        )
    except data.MnistDataError as error:
        return fail("train", str(error))
    images, tests = data.scale(train_images), (data.scale(test_images), test_labels)
    if args.model == ENSEMBLE:
        model, result = _train_ensemble(args, out, images, train_labels, tests)
        _finish(model, out, result, test_labels)
    else:
        print(f"Training {args.model} ({describe(args.model)}) on {len(images)} images")
        model, history, result, seconds = _train_one(args.model, args.seed, args.epochs, images, train_labels, tests)
        _finish(model, out, result, test_labels, seconds=seconds, history=history)
    return 0


def _finish(model, out: Path, result, test_labels, seconds=None, history=None) -> None:
    """The closing lines of every ``train``: time and test accuracy, calibration, then save the model.

    Args:
        model: the calibrated model; result: its test result (``training.evaluate``) on ``test_labels``.
        seconds: the training time; None when it was printed already (the ensemble prints its own line).
        history: the Keras ``History``, kept beside the model for the learning curves of
            ``mnist-course report`` (None: nothing kept).
    """
    from mnist_course import training

    if seconds is not None:
        _print_trained(seconds, result, len(test_labels))
    _report_calibration(model, result["probabilities"], test_labels)
    training.save_model(model, out)
    if history is not None:
        from mnist_course import report

        report.save_history(history, out)  # the learning curves of `mnist-course report`
    print(f"Saved to {config.display_path(out)}")
    _save_onnx_copy(model, out)


def _save_onnx_copy(model, out: Path) -> None:
    """Save the model's ONNX copy beside it (``predict`` and ``draw`` then start without TensorFlow).

    A copy that cannot be made is not an error: the line says why, and the ``.keras`` file works as before.
    """
    from mnist_course import onnx_model

    try:
        copy = onnx_model.export(model, out)
    except onnx_model.ExportError as error:
        print(f"No ONNX copy for fast prediction ({error}); predict uses the .keras file")
        return
    print(f"Saved an ONNX copy for fast prediction to {config.display_path(copy)}")


def _print_trained(seconds: float, result, count: int) -> None:
    """Print ``Trained in S s; test accuracy A% on N images``."""
    print(f"Trained in {seconds:.0f} s; test accuracy {100 * result['accuracy']:.2f}% on {count} images")


def _train_one(name, seed, epochs, images, labels, tests, verbose=True):
    """Train one calibrated model and test it. Returns ``(model, history, result, seconds)``."""
    from mnist_course import config, training

    config.set_seed(seed)
    started = time.perf_counter()
    model, history = training.train_calibrated(name, images, labels, epochs=epochs, seed=seed, verbose=verbose)
    seconds = time.perf_counter() - started
    result = training.evaluate(model, *tests)
    return model, history, result, seconds


def _train_ensemble(args, out, images, labels, tests):
    """Train (or find, from an earlier run) each member, then join them into one calibrated model.

    Returns ``(model, result)``: the ensemble and its test result (``training.evaluate``).
    """
    from mnist_course import calibration, config, models, training

    count = args.members or ENSEMBLE_MEMBERS
    folder = members_folder(out)
    settings = {"model": ENSEMBLE_MEMBER_MODEL, "epochs": args.epochs, "limit": args.limit,
                "precision": models.fast_dtype_policy()}  # fmt: skip
    print(f"Training an ensemble of {count} {ENSEMBLE_MEMBER_MODEL} models on {len(images)} images; "
          f"each member is kept in {config.display_path(folder)} as it finishes")
    members = []
    started = time.perf_counter()
    for number in range(1, count + 1):
        seed = args.seed + number - 1
        path = folder / f"member_{number}.keras"
        notes = path.with_suffix(".json")
        wanted = dict(settings, seed=seed)
        if path.exists() and _member_settings(notes) == wanted:
            print(f"Member {number}/{count}: found from an earlier run ({path.name}), not trained again")
            members.append(training.load_model(path))
            continue
        print(f"Member {number}/{count} (seed {seed}):")
        member_started = time.perf_counter()
        member, _, member_result, member_seconds = _train_one(ENSEMBLE_MEMBER_MODEL, seed, args.epochs, images,
                                                              labels, tests)  # fmt: skip
        _print_trained(member_seconds, member_result, len(tests[1]))
        seconds = time.perf_counter() - member_started
        training.save_model(member, path)
        notes.write_text(json.dumps({"settings": wanted, "train_seconds": round(seconds, 1)}), encoding="utf-8")
        members.append(member)
    held_out = training.held_out_count(len(images))  # the members' own validation part
    model = calibration.calibrate(models.ensemble(members), images[-held_out:], labels[-held_out:], name=ENSEMBLE)
    result = training.evaluate(model, *tests)
    print(f"Ensemble: {time.perf_counter() - started:.0f} s in all; test accuracy "
          f"{100 * result['accuracy']:.2f}% on {len(tests[1])} images")
    return model, result


def _member_settings(notes: Path):
    """The settings an earlier run wrote beside a member (None if there is no readable note)."""
    try:
        return json.loads(notes.read_text(encoding="utf-8")).get("settings")
    except (OSError, ValueError, AttributeError):
        return None


def _report_calibration(model, probabilities, labels):
    """Print the model's temperature and its calibration error on the test images it was tested on."""
    from mnist_course import calibration

    error = calibration.expected_calibration_error(probabilities, labels)
    print(f"Confidence calibrated (temperature {calibration.temperature_of(model):.2f}): "
          f"calibration error {100 * error:.2f}% on the test images")


# ---------------------------------------------------------------------------
# --strategy mirrored|multiworker --workers N (lesson A1)
# ---------------------------------------------------------------------------


def multiworker_run_dir(out: Path) -> Path:
    """Where ``train --strategy multiworker --out OUT`` keeps its run: ``runs/OUT-NAME-multiworker``.

    The folder holds the checkpoints, the workers' logs and reports; it is removed when the run ends
    well. A run that stopped half-way (a lost worker, Ctrl+C) goes on from its last checkpoint when the
    same command runs again.
    """
    from mnist_course import config

    return config.course_home() / "runs" / f"{out.stem}-multiworker"


def _train_distributed(args, out: Path) -> int:
    """``train --strategy mirrored|multiworker --workers N``: the runs of lesson A1, from a terminal.

    ``mirrored``: one process, ``--workers`` devices (GPUs, or logical devices cut from the CPU), ``fit``.
    ``multiworker``: ``--workers`` local worker processes with ``MultiWorkerMirroredStrategy`` and the
    custom training step, a checkpoint every epoch (``mnist_course.distributed``). Either way the model
    is calibrated on the held-out part, tested, and saved to ``out``, like a plain ``train``.
    Returns the exit status.
    """
    from mnist_course import calibration, config, data, distributed, models, training

    workers = 2 if args.workers is None else args.workers
    if args.model not in models.BUILDERS:
        return fail("train", f"--strategy trains one model of: {', '.join(models.MODEL_NAMES)}; got {args.model!r}")
    if not 1 <= workers <= MAX_WORKERS:
        return fail("train", f"--workers must be between 1 and {MAX_WORKERS}, got {workers}")
    try:
        (train_images, train_labels), (test_images, test_labels) = data.load_course_data(
            train_per_class=args.limit, path=args.data)
    except data.MnistDataError as error:
        return fail("train", str(error))
    images = data.scale(train_images)
    held_out = training.held_out_count(len(images))
    started = time.perf_counter()
    if args.strategy == "mirrored":
        try:
            strategy = distributed.strategy_for(devices=workers)
        except (RuntimeError, ValueError) as error:
            return fail("train", str(error))
        devices = strategy.extended.worker_devices
        print(f"Training {args.model} on {len(images) - held_out} images with {type(strategy).__name__} "
              f"on {len(devices)} device(s): {', '.join(devices)}")  # fmt: skip
        config.set_seed(args.seed)
        with strategy.scope():
            model = models.build(args.model)
            # Keras 3.15: fit under MirroredStrategy fails with several steps per execution.
            model.compile(optimizer=model.optimizer, loss=model.loss, metrics=["accuracy"], steps_per_execution=1)
            training.train(model, images[:-held_out], train_labels[:-held_out], epochs=args.epochs,
                           validation_data=(images[-held_out:], train_labels[-held_out:]), seed=args.seed)  # fmt: skip
    else:
        batch_size = models.recipe_for(args.model).batch_size
        if len(images) - held_out < batch_size:
            return fail("train", f"{len(images) - held_out} training images make no batch of {batch_size}: "
                                 "give --limit a larger number")  # fmt: skip
        run_dir = multiworker_run_dir(out)
        worker_args = ["--model", args.model, "--seed", args.seed, "--validation-split", training.VALIDATION_SPLIT]
        if args.epochs:
            worker_args += ["--epochs", args.epochs]
        if args.limit:
            worker_args += ["--train-per-class", args.limit]
        # The workers find the data through their own environment; this program's stays as it is.
        worker_env = {data.DATA_VARIABLE: str(Path(args.data).expanduser().resolve())} if args.data else None
        settings = run_dir / "settings.json"
        if settings.exists() and json.loads(settings.read_text(encoding="utf-8")) != [workers, *map(str, worker_args)]:
            shutil.rmtree(run_dir)  # an unfinished run with other settings: start afresh
        run_dir.mkdir(parents=True, exist_ok=True)
        settings.write_text(json.dumps([workers, *map(str, worker_args)]), encoding="utf-8")
        print(f"Training {args.model} on {len(images) - held_out} images with MultiWorkerMirroredStrategy on "
              f"{workers} local worker processes (run folder {config.display_path(run_dir)})")  # fmt: skip
        try:
            with distributed.local_workers(run_dir, workers, worker_args, env=worker_env) as cluster:
                cluster.wait(timeout=24 * 3600, show=0)
        except (RuntimeError, TimeoutError) as error:
            print(str(error), file=sys.stderr)
            return fail("train", "the run stopped before the end; run the same command again to go on from "
                                 f"its last checkpoint (in {config.display_path(run_dir)})")  # fmt: skip
        model = training.load_model(run_dir / distributed.MODEL_FILE)
    seconds = time.perf_counter() - started
    model = calibration.calibrate(model, images[-held_out:], train_labels[-held_out:])
    result = training.evaluate(model, data.scale(test_images), test_labels)
    _finish(model, out, result, test_labels, seconds=seconds)
    if args.strategy == "multiworker":
        shutil.rmtree(multiworker_run_dir(out), ignore_errors=True)  # done: the next run starts afresh
    return 0
