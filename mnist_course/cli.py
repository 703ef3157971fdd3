"""The ``mnist-course`` command: train, evaluate, predict, draw, serve, class, log and report from a terminal.

This module only parses the arguments and calls the command's ``run(args)`` in
``mnist_course/commands/`` (one module per command). Every command prints one clear line for bad
input and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

MODELS_EPILOG = """\
which model: predict, draw, serve, class and evaluate use --model PATH (evaluate: MODEL_PATH) if given, else
the model `mnist-course train` saved (~/mnist-course/models/cnn.keras; $MNIST_COURSE_HOME moves it).
A --model PATH that does not exist is an error. With no --model and no saved model, the command says so
in one line (run `mnist-course train` first) and exits with status 2; add --train-if-missing to predict,
draw, serve or class to train the course CNN and save it first instead.
"""

MODEL_HELP = "a .keras file (default: the model `mnist-course train` saved; none there: exit 2)"
VERBOSE_HELP = "also say on stderr which runtime predicts (ONNX Runtime or Keras) and why"

#: Commands that predict with the model's ONNX copy when it matches (``mnist_course.onnx_model``): they
#: import TensorFlow only when they fall back to Keras, so ``main`` does not import it for them.
LIGHT_COMMANDS = {"predict", "draw", "class"}

#: Command names that are not module names (``class`` is a Python keyword).
COMMAND_MODULES = {"class": "classroom"}

TRAIN_IF_MISSING_HELP = (
    "with no --model and no saved model, train the course CNN first (under a minute) and save it "
    "where `mnist-course train` would, instead of stopping"
)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mnist-course",
        description="Handwritten-digit recognition course: train, evaluate and try models from the terminal.",
        epilog=MODELS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    def add_command(name, help_text, uses_a_model=True):
        return commands.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".",
                                   epilog=MODELS_EPILOG if uses_a_model else None,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip

    # --- train / evaluate (lessons 03-05) -------------------------------------------------
    train = add_command("train", "train a model on MNIST and save it", uses_a_model=False)
    train.add_argument("--model", default="cnn", help="model name (see --list); default: cnn")
    train.add_argument("--epochs", type=int, default=None, help="number of epochs (default: the model's own)")
    train.add_argument("--out", default=None,
                       help="where to save the .keras file (default: cnn goes to the course model path, "
                            "~/mnist-course/models/cnn.keras, that the other commands use; any other model "
                            "beside it, named after the model, e.g. mlp_128.keras)")  # fmt: skip
    train.add_argument("--data", default=None, help="path to mnist.npz (default: find it or download it)")
    train.add_argument("--limit", type=int, default=None, help="train on this many images per digit (quick tries)")
    train.add_argument("--seed", type=int, default=42, help="random seed")
    train.add_argument("--list", action="store_true", help="list the model names and exit")
    # lesson A1: the same training on several devices or several worker processes (tf.distribute)
    train.add_argument("--strategy", choices=["mirrored", "multiworker"], default=None,
                       help="mirrored: one process on N devices (GPUs, or the CPU cut in N); multiworker: N local "
                            "worker processes with MultiWorkerMirroredStrategy, a checkpoint every epoch")  # fmt: skip
    train.add_argument("--workers", type=int, default=None, metavar="N",
                       help="with --strategy: how many devices or worker processes (default: 2)")
    train.add_argument("--members", type=int, default=None, metavar="N",
                       help="with --model ensemble: how many cnn_large models to train and average (default: 3)")  # fmt: skip

    evaluate = add_command("evaluate", "test a saved model on the MNIST test set")
    evaluate.add_argument("model_path", metavar="MODEL_PATH", nargs="?", default=None,
                          help="a .keras file (default: the model `mnist-course train` saved; none there: exit 2)")  # fmt: skip
    evaluate.add_argument("--data", default=None, help="path to mnist.npz (default: find it or download it)")
    evaluate.add_argument("--limit", type=int, default=None, help="use this many test images per digit")
    evaluate.add_argument("--tta", action="store_true",
                          help="test-time augmentation: average the model's answers over the image and four "
                               "copies moved by one pixel (five times slower, often a little more accurate)")  # fmt: skip

    # --- predict (lesson 06) --------------------------------------------------------------
    predict = add_command("predict", "read the digit(s) in your own images")
    predict.add_argument("images", nargs="+", metavar="IMAGE",
                         help="photo, drawing or scan files (JPEG, PNG, HEIC, one-page PDF, ...)")  # fmt: skip
    predict.add_argument("--model", default=None, metavar="PATH", help=MODEL_HELP)
    predict.add_argument("--json", action="store_true", help="one JSON object per line per file")
    predict.add_argument("--train-if-missing", action="store_true", help=TRAIN_IF_MISSING_HELP)
    predict.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)

    # --- draw / serve (drawing pad) -------------------------------------------------------
    draw = add_command("draw", "open the desktop drawing app (Tkinter)")
    draw.add_argument("--model", default=None, metavar="PATH", help=MODEL_HELP)
    draw.add_argument("--brush", type=int, default=18, help="pen width in pixels (default: 18)")
    draw.add_argument("--report", default=None, metavar="FILE",
                      help="append each prediction as a JSON line to FILE (for scripts and tests)")
    draw.add_argument("--train-if-missing", action="store_true", help=TRAIN_IF_MISSING_HELP)
    draw.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)

    serve = add_command("serve", "serve the drawing pad as a web page for the classroom")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8866, help="port (default: 8866)")
    serve.add_argument("--model", default=None, metavar="PATH", help=MODEL_HELP)
    serve.add_argument("--train-if-missing", action="store_true", help=TRAIN_IF_MISSING_HELP)

    classes = add_command("class", "class mode: every student draws on a phone, the projector shows the class's results")
    classes.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default: 127.0.0.1, this computer only; 0.0.0.0: phones on "
                              "the same network can join)")  # fmt: skip
    classes.add_argument("--port", type=int, default=8867, help="port (default: 8867)")
    classes.add_argument("--model", default=None, metavar="PATH", help=MODEL_HELP)
    classes.add_argument("--new", action="store_true",
                         help="start a new class (new join code, token and round 1) instead of going on with the last one")  # fmt: skip
    classes.add_argument("--train-if-missing", action="store_true", help=TRAIN_IF_MISSING_HELP)
    classes.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)

    # --- log / report (lesson 09) ---------------------------------------------------------
    log = add_command("log", "show, export or clear the log of predictions", uses_a_model=False)
    log.add_argument("-n", dest="number", type=int, default=None, metavar="N", help="show the last N (default: 20)")
    log.add_argument("--source", default=None, help="only this tool: pad, desktop, predict, upload, evaluate, class")
    log.add_argument("--csv", default=None, metavar="FILE", help="write the predictions to a CSV file instead")
    log.add_argument("--clear", action="store_true", help="delete every logged prediction (asks first)")
    log.add_argument("--yes", action="store_true", help="with --clear: do not ask (for scripts)")

    report = add_command("report", "write a report of the model and your own digits (HTML, and PDF)")
    report.add_argument("--out", default="report.html", help="the HTML file (default: report.html)")
    report.add_argument("--pdf", default=None, metavar="FILE", help="also print it to this PDF (needs Chromium)")
    report.add_argument("--model", default=None, metavar="PATH", help=MODEL_HELP)
    report.add_argument("--data", default=None, help="path to mnist.npz (default: find it or download it)")
    report.add_argument("--limit", type=int, default=None, help="test on this many test images per digit")
    report.add_argument("--llm-url", default=None, metavar="URL",
                        help="OpenAI-compatible server for commentary, e.g. http://127.0.0.1:11434/v1 "
                             "(default: $MNIST_COURSE_LLM_URL; none: no commentary)")  # fmt: skip
    report.add_argument("--llm-model", default=None, metavar="NAME", help="its model (default: $MNIST_COURSE_LLM_MODEL)")
    report.add_argument("--llm-timeout", type=float, default=None, metavar="S",
                        help="seconds to wait for the commentary (default: 60)")  # fmt: skip
    return parser


def run_command(args) -> int:
    """Call ``mnist_course.commands.<args.command>.run(args)`` and return its exit status."""
    module = importlib.import_module(f"mnist_course.commands.{COMMAND_MODULES.get(args.command, args.command)}")
    return int(module.run(args) or 0)


def main(argv=None) -> int:
    """Entry point of the ``mnist-course`` command. Returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command not in LIGHT_COMMANDS:
            from mnist_course.config import import_keras_quietly

            import_keras_quietly()
        return run_command(args)
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
