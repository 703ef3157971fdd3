"""The ``mnist-course`` command: train, evaluate, predict, draw and serve from a terminal.

Every command prints one clear line for bad input and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import sys


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mnist-course",
        description="Handwritten-digit recognition course: train, evaluate and try models from the terminal.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    # --- train / evaluate (lessons 03-05) -------------------------------------------------
    train = commands.add_parser("train", help="train a model on MNIST and save it")
    train.add_argument("--model", default="cnn", help="model name (see --list); default: cnn")
    train.add_argument("--epochs", type=int, default=None, help="number of epochs (default: the model's own)")
    train.add_argument("--out", default=None, help="where to save the .keras file (default: the course model path)")
    train.add_argument("--data", default=None, help="path to mnist.npz (default: find it or download it)")
    train.add_argument("--limit", type=int, default=None, help="train on this many images per digit (quick tries)")
    train.add_argument("--seed", type=int, default=42, help="random seed")
    train.add_argument("--list", action="store_true", help="list the model names and exit")
    train.set_defaults(handler=_train)

    evaluate = commands.add_parser("evaluate", help="test a saved model on the MNIST test set")
    evaluate.add_argument("model_path", metavar="MODEL_PATH", help="a .keras file")
    evaluate.add_argument("--data", default=None, help="path to mnist.npz (default: find it or download it)")
    evaluate.add_argument("--limit", type=int, default=None, help="use this many test images per digit")
    evaluate.set_defaults(handler=_evaluate)

    # --- predict (lesson 06) --------------------------------------------------------------
    predict = commands.add_parser("predict", help="read the digit(s) in your own images")
    predict.add_argument("images", nargs="+", metavar="IMAGE", help="photo or drawing files")
    predict.add_argument("--model", default=None, help="a .keras file (default: the model `train` saved)")
    predict.add_argument("--json", action="store_true", help="one JSON object per line per file")
    predict.set_defaults(handler=_predict)

    # --- draw / serve (drawing pad) -------------------------------------------------------
    draw = commands.add_parser("draw", help="open the desktop drawing app (Tkinter)")
    draw.add_argument("--model", default=None, help="a .keras file (default: the model `train` saved)")
    draw.add_argument("--brush", type=int, default=18, help="pen width in pixels (default: 18)")
    draw.add_argument("--report", default=None, metavar="FILE",
                      help="append each prediction as a JSON line to FILE (for scripts and tests)")
    draw.set_defaults(handler=_draw)

    serve = commands.add_parser("serve", help="serve the drawing pad as a web page for the classroom")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8866, help="port (default: 8866)")
    serve.add_argument("--model", default=None, help="a .keras file (default: the model `train` saved)")
    serve.set_defaults(handler=_serve)
    return parser


def _train(args) -> int:
    from mnist_course.training import cli_train

    return cli_train(args)


def _evaluate(args) -> int:
    from mnist_course.training import cli_evaluate

    return cli_evaluate(args)


def _predict(args) -> int:
    from mnist_course.commands.predict import cli_predict

    return cli_predict(args)


def _draw(args) -> int:
    from mnist_course.desktop import cli_draw

    return cli_draw(args)


def _serve(args) -> int:
    from mnist_course.widgets import cli_serve

    return cli_serve(args)


def main(argv=None) -> int:
    """Entry point of the ``mnist-course`` command. Returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        from mnist_course.config import import_keras_quietly

        import_keras_quietly()
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except Exception as error:  # the last guard: one clear line, never a traceback
        from mnist_course.data import MnistDataError

        label = "error" if isinstance(error, (MnistDataError, ValueError, OSError)) else type(error).__name__
        print(f"mnist-course {args.command}: {label}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
