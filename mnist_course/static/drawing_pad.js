// The drawing pad of mnist_course.widgets.DrawingPad (an anywidget).
//
// Drawing happens here, in the browser, and never waits for Python. When a stroke ends, the
// whole drawing is rendered as a small grayscale image (INK_SIZE x INK_SIZE, one byte a pixel,
// 255 = ink) and sent to Python in one custom message. Python preprocesses it like lesson 06,
// asks the model, and sets the traits this file renders: prediction, probabilities and the
// 28x28 image the model saw.
//
// Only the anywidget API that works with ipywidgets 7.7.1 (Colab) and 8 is used:
// model.get, model.set, model.save_changes, model.on/off("change:..."), model.send,
// model.on/off("msg:custom").

const CANVAS_SIZE = 280; // drawing coordinates, the same as the desktop app's 280x280 canvas
const INK_SIZE = 112; // pixels a side sent to Python (4x MNIST's 28)

// Every word the pad shows. A page can replace some with model.get("texts") (the class page's
// "Send" instead of "Save"); the notebook's pad uses these.
const DEFAULT_TEXTS = {
  canvas: "drawing area: draw one digit",
  undo: "Undo",
  undoTitle: "undo the last stroke",
  clear: "Clear",
  clearTitle: "clear the drawing",
  brush: "Brush ",
  labelTitle: "the digit you drew",
  labelPlaceholder: "label...",
  save: "Save",
  saveTitle: "save the drawing with its label in your own digits folder",
  seen: "what the model sees (28x28)",
  blank: "draw a digit",
  sure: "% sure",
  drawFirst: "Draw a digit first, then save it.",
  chooseLabel: "Choose the digit you drew (label...), then press Save.",
};

function element(tag, className, parent) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (parent) parent.appendChild(node);
  return node;
}

function button(label, title, parent) {
  const node = element("button", "mnist-pad-button", parent);
  node.type = "button";
  node.textContent = label;
  node.title = title;
  return node;
}

function render({ model, el }) {
  const texts = Object.assign({}, DEFAULT_TEXTS, model.get("texts") || {});
  const root = element("div", "mnist-pad", el);

  // --- left: the canvas and its tools ------------------------------------------------------
  const left = element("div", "mnist-pad-left", root);
  const canvas = element("canvas", "mnist-pad-canvas", left);
  canvas.setAttribute("aria-label", texts.canvas);
  const context = canvas.getContext("2d");

  const tools = element("div", "mnist-pad-tools", left);
  const undoButton = button(texts.undo, texts.undoTitle, tools);
  const clearButton = button(texts.clear, texts.clearTitle, tools);
  const brushLabel = element("label", "mnist-pad-brush", tools);
  brushLabel.textContent = texts.brush;
  const brushInput = element("input", "", brushLabel);
  brushInput.type = "range";
  brushInput.min = "6";
  brushInput.max = "40";
  brushInput.step = "1";

  const saveRow = element("div", "mnist-pad-tools", left);
  const labelSelect = element("select", "mnist-pad-label", saveRow);
  labelSelect.title = texts.labelTitle;
  const placeholder = element("option", "", labelSelect);
  placeholder.value = "";
  placeholder.textContent = texts.labelPlaceholder;
  for (let digit = 0; digit < 10; digit++) {
    const option = element("option", "", labelSelect);
    option.value = String(digit);
    option.textContent = String(digit);
  }
  const saveButton = button(texts.save, texts.saveTitle, saveRow);

  // --- right: what the model says ----------------------------------------------------------
  const right = element("div", "mnist-pad-right", root);
  const predictionBox = element("div", "mnist-pad-prediction", right);
  const predictionDigit = element("div", "mnist-pad-digit", predictionBox);
  const predictionText = element("div", "mnist-pad-confidence", predictionBox);

  const bars = element("div", "mnist-pad-bars", right);
  const barRows = [];
  for (let digit = 0; digit < 10; digit++) {
    const row = element("div", "mnist-pad-bar-row", bars);
    element("span", "mnist-pad-bar-digit", row).textContent = String(digit);
    const track = element("span", "mnist-pad-bar-track", row);
    const fill = element("span", "mnist-pad-bar-fill", track);
    const value = element("span", "mnist-pad-bar-value", row);
    barRows.push({ row, fill, value });
  }

  const seenBox = element("div", "mnist-pad-seen", right);
  const seenCanvas = element("canvas", "mnist-pad-seen-canvas", seenBox);
  seenCanvas.width = 28;
  seenCanvas.height = 28;
  element("div", "mnist-pad-caption", seenBox).textContent = texts.seen;
  const statusLine = element("div", "mnist-pad-status", left);

  // --- drawing ----------------------------------------------------------------------------
  const strokes = []; // each: {width, points: [[x, y], ...]} in CANVAS_SIZE coordinates
  let current = null;
  let scale = 1;

  function setCanvasSize() {
    const displaySize = Number(model.get("size")) || CANVAS_SIZE;
    const ratio = window.devicePixelRatio || 1;
    canvas.style.width = displaySize + "px";
    canvas.style.height = displaySize + "px";
    canvas.width = Math.round(displaySize * ratio);
    canvas.height = Math.round(displaySize * ratio);
    scale = canvas.width / CANVAS_SIZE;
    root.style.setProperty("--mnist-pad-size", displaySize + "px");
    redraw();
  }

  function strokePath(ctx, stroke, factor) {
    const points = stroke.points;
    ctx.lineWidth = stroke.width * factor;
    ctx.beginPath();
    ctx.moveTo(points[0][0] * factor, points[0][1] * factor);
    if (points.length === 1) {
      ctx.lineTo(points[0][0] * factor + 0.01, points[0][1] * factor); // a dot
    }
    for (let index = 1; index < points.length; index++) {
      ctx.lineTo(points[index][0] * factor, points[index][1] * factor);
    }
    ctx.stroke();
  }

  function prepare(ctx, background, ink, width, height) {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = ink;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
  }

  function redraw() {
    prepare(context, "#ffffff", "#111111", canvas.width, canvas.height);
    for (const stroke of strokes) strokePath(context, stroke, scale);
    if (current) strokePath(context, current, scale);
  }

  function position(event) {
    const box = canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) / box.width) * CANVAS_SIZE,
      ((event.clientY - box.top) / box.height) * CANVAS_SIZE,
    ];
  }

  function onPointerDown(event) {
    if (event.button !== undefined && event.button > 0) return; // left button, touch or pen tip
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = { width: Number(model.get("brush_size")) || 18, points: [position(event)], pointerId: event.pointerId };
    redraw();
  }

  function onPointerMove(event) {
    if (!current || event.pointerId !== current.pointerId) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    const last = current.points[current.points.length - 1];
    context.lineWidth = current.width * scale;
    context.beginPath();
    context.moveTo(last[0] * scale, last[1] * scale);
    for (const one of events.length ? events : [event]) {
      const point = position(one);
      current.points.push(point);
      context.lineTo(point[0] * scale, point[1] * scale);
    }
    context.stroke();
  }

  function onPointerUp(event) {
    if (!current || event.pointerId !== current.pointerId) return;
    event.preventDefault();
    const strokeEnd = performance.now();
    strokes.push({ width: current.width, points: current.points });
    current = null;
    redraw();
    drawingChanged(strokeEnd);
  }

  canvas.addEventListener("pointerdown", onPointerDown);
  canvas.addEventListener("pointermove", onPointerMove);
  canvas.addEventListener("pointerup", onPointerUp);
  canvas.addEventListener("pointercancel", onPointerUp);

  // --- sending to Python: never more than one drawing in flight -----------------------------
  const inkCanvas = document.createElement("canvas");
  inkCanvas.width = INK_SIZE;
  inkCanvas.height = INK_SIZE;
  const inkContext = inkCanvas.getContext("2d", { willReadFrequently: true });
  let nextId = Number(model.get("result_id")) + 1;
  let inFlight = null; // {id, start}
  let waiting = null; // the newest change not sent yet: {start}

  function inkBytes() {
    prepare(inkContext, "#000000", "#ffffff", INK_SIZE, INK_SIZE);
    for (const stroke of strokes) strokePath(inkContext, stroke, INK_SIZE / CANVAS_SIZE);
    const rgba = inkContext.getImageData(0, 0, INK_SIZE, INK_SIZE).data;
    const gray = new Uint8Array(INK_SIZE * INK_SIZE);
    for (let index = 0; index < gray.length; index++) gray[index] = rgba[index * 4];
    return gray;
  }

  function send(start) {
    const id = nextId++;
    inFlight = { id, start };
    if (strokes.length === 0) {
      model.send({ type: "clear", id });
      return;
    }
    const gray = inkBytes();
    model.send({ type: "drawing", id, width: INK_SIZE, height: INK_SIZE, strokes: strokes.length }, undefined, [
      new DataView(gray.buffer),
    ]);
  }

  function drawingChanged(start) {
    root.dataset.strokes = String(strokes.length);
    if (strokes.length === 0) showBlank();
    if (inFlight) waiting = { start };
    else send(start);
  }

  undoButton.addEventListener("click", () => {
    if (strokes.length === 0) return;
    strokes.pop();
    redraw();
    drawingChanged(performance.now());
  });
  clearButton.addEventListener("click", () => {
    strokes.length = 0;
    redraw();
    drawingChanged(performance.now());
  });
  brushInput.addEventListener("input", () => {
    model.set("brush_size", Number(brushInput.value));
    model.save_changes();
  });
  saveButton.addEventListener("click", () => {
    if (strokes.length === 0) {
      statusLine.textContent = texts.drawFirst;
      return;
    }
    if (labelSelect.value === "") {
      statusLine.textContent = texts.chooseLabel;
      labelSelect.focus();
      return;
    }
    model.send({ type: "save", label: Number(labelSelect.value) });
  });

  // --- showing what Python says -------------------------------------------------------------
  function showBlank() {
    predictionDigit.textContent = "?";
    predictionText.textContent = texts.blank;
    root.dataset.prediction = "";
    for (const bar of barRows) {
      bar.fill.style.width = "0%";
      bar.value.textContent = "";
      bar.row.classList.remove("mnist-pad-top");
    }
    const seen = seenCanvas.getContext("2d");
    seen.fillStyle = "#000000";
    seen.fillRect(0, 0, 28, 28);
  }

  function showModelInput() {
    const pixels = model.get("model_input") || [];
    const seen = seenCanvas.getContext("2d");
    if (pixels.length !== 28 * 28) {
      seen.fillStyle = "#000000";
      seen.fillRect(0, 0, 28, 28);
      return;
    }
    const image = seen.createImageData(28, 28);
    for (let index = 0; index < pixels.length; index++) {
      const value = pixels[index];
      image.data[index * 4] = value;
      image.data[index * 4 + 1] = value;
      image.data[index * 4 + 2] = value;
      image.data[index * 4 + 3] = 255;
    }
    seen.putImageData(image, 0, 0);
  }

  function showResult() {
    const prediction = Number(model.get("prediction"));
    const probabilities = model.get("probabilities") || [];
    showModelInput();
    if (prediction < 0 || probabilities.length !== 10) {
      predictionDigit.textContent = "?";
      predictionText.textContent = model.get("message") || texts.blank;
      root.dataset.prediction = "";
      for (const bar of barRows) {
        bar.fill.style.width = "0%";
        bar.value.textContent = "";
        bar.row.classList.remove("mnist-pad-top");
      }
      return;
    }
    predictionDigit.textContent = String(prediction);
    // Python sends a message ("not sure: 7 or 1?") when the model hesitates.
    predictionText.textContent = model.get("message") || (100 * probabilities[prediction]).toFixed(1) + texts.sure;
    root.dataset.prediction = String(prediction);
    probabilities.forEach((probability, digit) => {
      const bar = barRows[digit];
      bar.fill.style.width = (100 * probability).toFixed(1) + "%";
      bar.value.textContent = (100 * probability).toFixed(0) + "%";
      bar.row.classList.toggle("mnist-pad-top", digit === prediction);
    });
  }

  function onResult() {
    const id = Number(model.get("result_id"));
    showResult();
    root.dataset.resultId = String(id);
    if (inFlight && id >= inFlight.id) {
      const start = inFlight.start;
      inFlight = null;
      // Measured when the frame that shows the bars is drawn: stroke end -> probabilities shown.
      requestAnimationFrame(() => {
        const milliseconds = performance.now() - start;
        root.dataset.latencyMs = milliseconds.toFixed(1);
        window.mnistPadLatencies = window.mnistPadLatencies || [];
        window.mnistPadLatencies.push({
          id,
          milliseconds,
          pythonMilliseconds: Number(model.get("python_ms")),
          prediction: Number(model.get("prediction")),
        });
      });
      if (waiting) {
        const next = waiting;
        waiting = null;
        send(next.start);
      }
    }
  }

  function onStatus() {
    statusLine.textContent = model.get("status") || "";
  }

  function onBrush() {
    brushInput.value = String(model.get("brush_size"));
  }

  function onMessage(message) {
    if (message && message.type === "clear") {
      strokes.length = 0;
      current = null;
      redraw();
      showBlank();
      root.dataset.strokes = "0";
    }
  }

  model.on("change:result_id", onResult);
  model.on("change:status", onStatus);
  model.on("change:brush_size", onBrush);
  model.on("change:size", setCanvasSize);
  model.on("msg:custom", onMessage);

  setCanvasSize();
  onBrush();
  onStatus();
  showBlank();
  root.dataset.strokes = "0";
  root.dataset.ready = "true";

  return () => {
    model.off("change:result_id", onResult);
    model.off("change:status", onStatus);
    model.off("change:brush_size", onBrush);
    model.off("change:size", setCanvasSize);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
