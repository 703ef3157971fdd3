"""``mnist-course draw [--model PATH] [--brush N] [--train-if-missing]``: open the desktop drawing app.

The window itself is :class:`mnist_course.desktop.DrawingApp`; this module checks that a window can
open, finds and loads the model, and runs the app.

Introduced in notebooks/07_drawing_pad.ipynb.
"""

from __future__ import annotations

import os
import sys

from mnist_course.commands.common import CommandError, fail, resolve_model
from mnist_course.commands.predict import load  # the model's ONNX copy when it matches, else Keras

NO_DISPLAY_MESSAGE = (
    "mnist-course draw: no display found, so the window cannot open. "
    "Run it on a desktop session, or use the drawing pad in notebooks/07_drawing_pad.ipynb "
    "(or `mnist-course serve`) instead."
)


def has_display() -> bool:
    """True when a window can open: always on Windows and macOS, with ``$DISPLAY`` or Wayland on Linux."""
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True  # Windows and macOS always have one when a user is logged in


def run(args) -> int:
    """Open the desktop drawing app and run it until the window closes. Returns the exit status.

    Without a display, without Tkinter or without a model it prints one line saying so and returns 2.

    Introduced in notebooks/07_drawing_pad.ipynb.
    """
    if not has_display():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 2
    try:
        import tkinter as tk
    except ImportError:
        return fail("draw", "Tkinter is missing. On Debian or Ubuntu: sudo apt-get install python3-tk")
    try:
        model_path = resolve_model(getattr(args, "model", None), getattr(args, "train_if_missing", False))
    except CommandError as error:
        return fail("draw", error)
    try:
        root = tk.Tk()
    except tk.TclError as error:
        print(f"{NO_DISPLAY_MESSAGE} ({error})", file=sys.stderr)
        return 2
    root.withdraw()  # no empty window while the model loads
    try:
        model = load(model_path, getattr(args, "verbose", False))
    except CommandError as error:
        root.destroy()
        return fail("draw", error)

    from mnist_course import desktop, onnx_model, widgets

    if not onnx_model.is_onnx(model):
        widgets._warm_up(model)  # Keras builds its graph on the first call; the ONNX copy needs no warm-up
    app = desktop.DrawingApp(root, model, brush_size=getattr(args, "brush", 18), report=getattr(args, "report", None))
    root.deiconify()
    app.report_ready()
    print("Draw a digit and press Predict. Close the window to quit.", flush=True)
    root.mainloop()
    return 0
