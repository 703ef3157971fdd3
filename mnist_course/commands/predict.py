"""``mnist-course predict IMAGE... [--model PATH] [--json]``: read the digits in your own pictures.

Introduced in notebooks/06_your_own_handwriting.ipynb.
"""

from __future__ import annotations

import json
import sys


from mnist_course.commands.common import CommandError, fail, resolve_model
from mnist_course import answers, onnx_model, predlog
from mnist_course.handwriting import HandwritingError, predict, preprocess, split_digits, top_k


def describe_file(model, path) -> dict:
    """Read one image file and predict: ``{"file", "digit", "confidence", "answer", "sure", "top3"}``.

    ``answer`` is what people read: ``"7 (98%)"``, or ``"not sure: 7 or 1?"`` below
    ``answers.UNSURE_BELOW``; ``sure`` says which. ``model`` is a Keras model or its ONNX copy
    (:func:`load`).

    A picture with several digits side by side also gets ``"number"`` (``"2026"``) and ``"digits"``.
    The single-digit fields then describe the largest digit.

    Each digit read is written to the prediction log (source ``predict``; lesson 09), with the true digit
    when the picture lies in a folder named after it (``my_digits/7/...``).

    Raises:
        HandwritingError: the file cannot be read or holds no ink.

    Part of ``mnist-course predict`` (lesson 06 shows the command).
    """
    digits = split_digits(path)
    if len(digits) > 1:
        probabilities = predict(model, digits)
        number = "".join(str(int(row.argmax())) for row in probabilities)
        for position, (digit, row) in enumerate(zip(digits, probabilities), start=1):
            predlog.log_preprocessed("predict", digit, row, model=model, file_name=path,
                                     notes={"digit_of_number": f"{position} of {len(digits)}"})  # fmt: skip
        single_probabilities = predict(model, preprocess(path))
        record = _record(path, single_probabilities)
        record["number"] = number
        record["digits"] = [_record(None, row) for row in probabilities]
        return record
    probabilities = predict(model, digits[0])
    predlog.log_preprocessed("predict", digits[0], probabilities, model=model, file_name=path,
                             true_label=predlog.label_from_folder(path))  # fmt: skip
    return _record(path, probabilities)


def _record(path, probabilities) -> dict:
    ranked = top_k(probabilities, 3)
    record = {} if path is None else {"file": str(path)}
    record.update(
        digit=ranked[0][0],
        confidence=round(ranked[0][1], 4),
        answer=answers.answer(probabilities),
        sure=bool(ranked[0][1] >= answers.UNSURE_BELOW),
        top3=[{"digit": digit, "confidence": round(value, 4)} for digit, value in ranked],
    )
    return record


def load(model_path, verbose: bool = False):
    """The model ``predict`` reads with: the ONNX copy beside ``model_path`` when it matches, else Keras.

    The ONNX copy needs no TensorFlow, so the whole command takes about a second instead of several
    (``onnx_model.load_for_prediction``; bench/predict_startup.py measures it). With ``verbose`` one line
    on stderr says which runtime predicts and why.

    Raises:
        CommandError: the file is not a Keras model (``could not load the model: ...``).
    """
    say = (lambda line: print(line, file=sys.stderr, flush=True)) if verbose else None
    try:
        return onnx_model.load_for_prediction(model_path, say=say)
    except (ValueError, OSError) as error:  # a damaged or foreign .keras file
        raise CommandError(f"could not load the model: {error}") from None


def run(args) -> int:
    """``mnist-course predict IMAGE... [--model PATH] [--json] [--train-if-missing] [--verbose]``: read each image.

    Prints one line per file (or one JSON object per line with ``--json``). Returns 0 when every
    file was read, 1 when any could not be read, 2 when there is no model (see ``common.resolve_model``).
    ``--verbose`` also says on stderr which runtime predicts (ONNX Runtime or Keras) and why.

    Introduced in notebooks/06_your_own_handwriting.ipynb.
    """
    try:
        model_path = resolve_model(getattr(args, "model", None), getattr(args, "train_if_missing", False))
        model = load(model_path, getattr(args, "verbose", False))
    except CommandError as error:
        return fail("predict", error)
    failures = 0
    for path in args.images:
        try:
            record = describe_file(model, path)
        except HandwritingError as error:
            failures += 1
            message = str(error)
            if not message.startswith(str(path)):
                message = f"{path}: {message}"
            if args.json:
                print(json.dumps({"file": str(path), "error": message}), flush=True)
            else:
                print(f"error: {message}", file=sys.stderr, flush=True)
            continue
        if args.json:
            print(json.dumps(record), flush=True)
        else:
            others = ", ".join(f"{item['digit']} {item['confidence']:.0%}" for item in record["top3"])
            line = f"{path}: {record['answer']} (top 3: {others})"
            if "number" in record:
                line = f"{path}: number {record['number']} (largest digit {record['digit']}, {record['confidence']:.0%})"
            print(line, flush=True)
    return 1 if failures else 0
