"""The desktop drawing app (Tkinter) that ``mnist-course draw`` opens: draw a digit with the mouse and read it.

A 280x280 canvas, Predict, Undo, Clear and Save buttons, the predicted digit, a bar for each
digit's probability and the 28x28 image the model saw. It uses the same preprocessing as the
notebook's drawing pad (``drawings.pad_ink_image`` then ``drawings.read_drawing``). The command
itself (display check, model, main loop) is :mod:`mnist_course.commands.draw`.

Introduced in notebooks/07_drawing_pad.ipynb.
"""

from __future__ import annotations

import json
from pathlib import Path

from mnist_course import drawings, predlog

TITLE = "MNIST drawing pad"


class DrawingApp:
    """The Tkinter window: draw with the mouse, press Predict, read the digit and its probabilities.

    Args:
        root: the ``tkinter.Tk`` window to fill.
        model: a trained Keras model, or its ONNX copy (``onnx_model.OnnxModel``, which predicts without
            TensorFlow): both read a drawing the same way (``drawings.read_drawing``).
        brush_size: pen width in canvas pixels.
        save_folder: where Save puts drawings (default ``config.my_digits_dir()``).
        report: optional file; each event (ready, prediction, saved) is appended as one JSON line,
            so scripts and tests can follow the app.

    Opened by ``mnist-course draw`` (lesson 07 shows the command).
    """

    def __init__(self, root, model, brush_size: int = 18, save_folder=None, report=None):
        import tkinter as tk

        self.root = root
        self.model = model
        self.brush_size = brush_size
        self.save_folder = save_folder
        self.report = Path(report) if report else None
        self.strokes: list[list[tuple[float, float]]] = []
        self.reading = None
        self._log_id = None  # the prediction log's row for the drawing as it is now (lesson 09)
        predlog.attach_model(model)

        root.title(TITLE)
        root.configure(padx=12, pady=12)
        left = tk.Frame(root)
        left.grid(row=0, column=0, sticky="n")
        right = tk.Frame(root, padx=16)
        right.grid(row=0, column=1, sticky="n")

        size = drawings.CANVAS_SIZE
        self.canvas = tk.Canvas(left, width=size, height=size, bg="white", highlightthickness=2,
                                highlightbackground="#555555", cursor="crosshair")  # fmt: skip
        self.canvas.grid(row=0, column=0, columnspan=4)
        self.canvas.bind("<ButtonPress-1>", self._start_stroke)
        self.canvas.bind("<B1-Motion>", self._extend_stroke)

        self.predict_button = tk.Button(left, text="Predict", command=self.predict, width=7)
        self.undo_button = tk.Button(left, text="Undo", command=self.undo, width=7)
        self.clear_button = tk.Button(left, text="Clear", command=self.clear, width=7)
        self.predict_button.grid(row=1, column=0, pady=8)
        self.undo_button.grid(row=1, column=1, pady=8)
        self.clear_button.grid(row=1, column=2, pady=8)

        save_row = tk.Frame(left)
        save_row.grid(row=2, column=0, columnspan=4, sticky="w")
        tk.Label(save_row, text="Label:").pack(side="left")
        self.label_choice = tk.StringVar(value="")
        self.label_box = tk.Spinbox(save_row, values=("",) + tuple(str(d) for d in range(10)), width=3,
                                    textvariable=self.label_choice, state="readonly")  # fmt: skip
        self.label_box.pack(side="left", padx=4)
        self.save_button = tk.Button(save_row, text="Save", command=self.save, width=7)
        self.save_button.pack(side="left", padx=4)

        self.status = tk.Label(left, text="Draw a digit, then press Predict.", anchor="w", justify="left",
                               wraplength=size)  # fmt: skip
        self.status.grid(row=3, column=0, columnspan=4, sticky="w", pady=(8, 0))

        self.digit_label = tk.Label(right, text="?", font=("TkDefaultFont", 56, "bold"))
        self.digit_label.grid(row=0, column=0, sticky="w")
        self.confidence_label = tk.Label(right, text=drawings.BLANK_MESSAGE, font=("TkDefaultFont", 12))
        self.confidence_label.grid(row=1, column=0, sticky="w")
        self.bars = tk.Canvas(right, width=240, height=200, bg="white", highlightthickness=0)
        self.bars.grid(row=2, column=0, pady=8)
        self.seen = tk.PhotoImage(width=28, height=28)
        self.seen_zoomed = self.seen.zoom(3)
        self.seen_label = tk.Label(right, image=self.seen_zoomed, borderwidth=1, relief="solid")
        self.seen_label.grid(row=3, column=0, sticky="w")
        tk.Label(right, text="what the model sees (28x28)").grid(row=4, column=0, sticky="w")
        root.bind("<Return>", lambda event: self.predict())
        self._show(None)

    # --- drawing --------------------------------------------------------------------------
    def _start_stroke(self, event):
        self._log_id = None  # the drawing changes: its last prediction no longer describes it
        self.strokes.append([(event.x, event.y)])
        radius = self.brush_size / 2
        self.canvas.create_oval(event.x - radius, event.y - radius, event.x + radius, event.y + radius,
                                fill="black", outline="black", tags="ink")  # fmt: skip

    def _extend_stroke(self, event):
        if not self.strokes:
            return
        last_x, last_y = self.strokes[-1][-1]
        self.strokes[-1].append((event.x, event.y))
        self.canvas.create_line(last_x, last_y, event.x, event.y, width=self.brush_size, fill="black",
                                capstyle="round", joinstyle="round", tags="ink")  # fmt: skip

    def _redraw(self):
        self.canvas.delete("ink")
        radius = self.brush_size / 2
        for stroke in self.strokes:
            x, y = stroke[0]
            self.canvas.create_oval(x - radius, y - radius, x + radius, y + radius, fill="black", tags="ink")
            if len(stroke) > 1:
                flat = [coordinate for point in stroke for coordinate in point]
                self.canvas.create_line(*flat, width=self.brush_size, fill="black", capstyle="round",
                                        joinstyle="round", tags="ink")  # fmt: skip

    def ink(self):
        """The drawing as the pad sends it: ``(112, 112) uint8``, 255 = ink."""
        return drawings.pad_ink_image(self.strokes, brush_size=self.brush_size)

    # --- buttons --------------------------------------------------------------------------
    def predict(self):
        """Read the drawing with the model and show the digit and the probabilities."""
        ink = self.ink()
        self.reading = drawings.read_drawing(ink, self.model)
        self._log_id = predlog.log_preprocessed("desktop", self.reading.preprocessed, self.reading.probabilities,
                                                model=self.model, notes=predlog.drawing_notes(ink))  # fmt: skip
        self._show(self.reading)
        if self.reading.blank:
            self._report({"event": "prediction", "prediction": None, "strokes": len(self.strokes)})
        else:
            self._report({
                "event": "prediction",
                "prediction": self.reading.prediction,
                "probabilities": [round(float(p), 4) for p in self.reading.probabilities],
                "strokes": len(self.strokes),
                "seconds": round(self.reading.seconds, 4),
            })  # fmt: skip
        return self.reading

    def undo(self):
        """Remove the last stroke."""
        if self.strokes:
            self.strokes.pop()
            self._log_id = None
            self._redraw()
            self._show(None)

    def clear(self):
        """Start again with an empty canvas."""
        self.strokes.clear()
        self._log_id = None
        self._redraw()
        self._show(None)

    def save(self):
        """Save the drawing with the chosen label in your own digits folder."""
        label = self.label_choice.get()
        if not self.strokes:
            self.status.configure(text="Draw a digit first, then save it.")
            return None
        if label == "":
            self.status.configure(text="Choose the digit you drew (Label), then press Save.")
            return None
        path = drawings.save_drawing(self.ink(), int(label), self.save_folder)
        if self._log_id is None:  # saved without Predict: log the prediction now, with its label
            ink = self.ink()
            reading = drawings.read_drawing(ink, self.model)
            self._log_id = predlog.log_preprocessed("desktop", reading.preprocessed, reading.probabilities,
                                                    model=self.model, true_label=int(label),
                                                    notes=predlog.drawing_notes(ink))  # fmt: skip
        else:
            predlog.label_prediction(self._log_id, int(label))
        self.status.configure(text=f"Saved as {label}: {path}")
        self._report({"event": "saved", "label": int(label), "path": str(path)})
        return path

    # --- showing results ------------------------------------------------------------------
    def _show(self, reading):
        self.bars.delete("all")
        rows = []
        for digit in range(10):
            y = 4 + digit * 19
            probability = 0.0 if reading is None or reading.probabilities is None else float(reading.probabilities[digit])
            top = reading is not None and reading.prediction == digit
            self.bars.create_text(10, y + 7, text=str(digit), font=("TkDefaultFont", 10, "bold"))
            self.bars.create_rectangle(22, y, 182, y + 14, fill="#eeeeee", outline="")
            if probability > 0:
                self.bars.create_rectangle(22, y, 22 + 160 * probability, y + 14, outline="",
                                           fill="#1f5fbf" if top else "#7a9cc6")  # fmt: skip
                self.bars.create_text(214, y + 7, text=f"{100 * probability:.0f}%")
            rows.append(probability)
        if reading is None or reading.blank:
            self.digit_label.configure(text="?")
            self.confidence_label.configure(text=drawings.BLANK_MESSAGE if reading else "press Predict")
            if not self.strokes:
                self.confidence_label.configure(text=drawings.BLANK_MESSAGE)
            self.root.title(TITLE)
            self.seen.put("black", to=(0, 0, 28, 28))
        else:
            self.digit_label.configure(text=str(reading.prediction))
            self.confidence_label.configure(text=reading.describe())
            self.root.title(f"{TITLE}: {reading.prediction}")
            levels = (reading.image * 255).round().astype(int)
            self.seen.put(" ".join("{" + " ".join(f"#{v:02x}{v:02x}{v:02x}" for v in row) + "}" for row in levels))
        self.seen_zoomed = self.seen.zoom(3)
        self.seen_label.configure(image=self.seen_zoomed)

    def _report(self, event: dict):
        if self.report is None:
            return
        with open(self.report, "a", encoding="utf-8") as file:
            file.write(json.dumps(event) + "\n")

    def report_ready(self):
        """Write where the canvas and buttons are on the screen (for scripts that drive the app)."""
        self.root.update()

        def centre(widget):
            return [widget.winfo_rootx() + widget.winfo_width() // 2, widget.winfo_rooty() + widget.winfo_height() // 2]

        self._report({
            "event": "ready",
            "canvas": [self.canvas.winfo_rootx(), self.canvas.winfo_rooty(),
                       self.canvas.winfo_width(), self.canvas.winfo_height()],
            "border": int(self.canvas.cget("highlightthickness")),
            "window": [self.root.winfo_rootx(), self.root.winfo_rooty(),
                       self.root.winfo_width(), self.root.winfo_height()],
            "buttons": {name: centre(button) for name, button in (
                ("predict", self.predict_button), ("undo", self.undo_button),
                ("clear", self.clear_button), ("save", self.save_button))},
        })  # fmt: skip
