// The student's page of `mnist-course class`: join with the code, then draw on the notebook's own pad.
//
// drawing_pad.js is an anywidget module: render({model, el}). Here `model` is a small object that
// keeps the pad's values in the page and talks to the class server with fetch() instead of a kernel.
// The pad asks for a reading after each stroke; in class the answer comes only when the student
// sends the drawing with its digit (the pad's "Send" button), so that the class sees honest results.
import pad from "/static/drawing_pad.js";

const STORAGE = "mnist-course-class";
const form = document.getElementById("join-form");
const codeInput = document.getElementById("code");
const nicknameInput = document.getElementById("nickname");
const joinError = document.getElementById("join-error");
const drawingSection = document.getElementById("drawing");
const hello = document.getElementById("hello");
const sentLine = document.getElementById("sent");

function randomKey() {
  // crypto.getRandomValues works on a plain http:// classroom address (crypto.randomUUID does not).
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function toBase64(bytes) {
  let text = "";
  for (let index = 0; index < bytes.length; index += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(index, index + 0x8000));
  }
  return btoa(text);
}

async function postJson(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    });
  } catch (error) {
    return { status: 0, data: { error: "no connection to the class server: check the Wi-Fi and try again" } };
  }
  let data = {};
  try {
    data = await response.json();
  } catch (error) {
    data = { error: "the server sent an answer this page cannot read" };
  }
  return { status: response.status, data };
}

function saved() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE) || "{}");
  } catch (error) {
    return {};
  }
}

// --- the pad's model: values in the page, messages to the server ------------------------------
class PageModel {
  constructor(values) {
    this.values = Object.assign({}, values);
    this.handlers = {};
  }
  get(name) {
    return this.values[name];
  }
  set(name, value) {
    this.values[name] = value;
  }
  save_changes() {}
  on(event, handler) {
    (this.handlers[event] = this.handlers[event] || []).push(handler);
  }
  off(event, handler) {
    this.handlers[event] = (this.handlers[event] || []).filter((one) => one !== handler);
  }
  emit(event, value) {
    for (const handler of this.handlers[event] || []) handler(value);
  }
  update(values) {
    Object.assign(this.values, values);
    for (const name of Object.keys(values)) if (name !== "result_id") this.emit("change:" + name);
    if ("result_id" in values) this.emit("change:result_id");
  }
}

function startDrawing(session) {
  form.hidden = true;
  drawingSection.hidden = false;
  hello.textContent = session.nickname
    ? `Hello, ${session.nickname}! Round ${session.round}.`
    : `You joined. Round ${session.round}.`;
  const size = Math.max(200, Math.min(360, window.innerWidth - 48));
  const model = new PageModel({
    size,
    brush_size: Math.round(size / 12),
    prediction: -1,
    probabilities: [],
    model_input: [],
    message: "",
    status: "",
    result_id: 0,
    python_ms: 0,
    texts: {
      save: "Send",
      saveTitle: "send the drawing and its digit to the class",
      labelPlaceholder: "digit...",
      blank: "draw a digit",
      drawFirst: "Draw a digit first, then send it.",
      chooseLabel: "Choose the digit you drew (digit...), then press Send.",
    },
  });
  let ink = null; // the newest drawing: {bytes, width, height}
  let key = randomKey(); // one key per drawing: a repeated Send is counted once
  let sending = false;

  function show(values, id) {
    // The pad waits for a result_id at least as big as the id of its message.
    model.update(Object.assign({ result_id: Math.max(model.get("result_id") + 1, id || 0) }, values));
  }

  model.send = async (message, callbacks, buffers) => {
    if (message.type === "drawing") {
      ink = { bytes: new Uint8Array(buffers[0].buffer), width: message.width, height: message.height };
      key = randomKey(); // the drawing changed: a new drawing
      show({ prediction: -1, probabilities: [], model_input: [], message: "choose its digit, then press Send" }, message.id);
    } else if (message.type === "clear") {
      ink = null;
      key = randomKey();
      show({ prediction: -1, probabilities: [], model_input: [], message: "draw a digit" }, message.id);
    } else if (message.type === "save") {
      if (!ink || sending) return;
      sending = true;
      model.update({ status: "Sending..." });
      const reply = await postJson("/api/drawing", {
        code: session.code,
        student: session.student,
        key,
        label: message.label,
        width: ink.width,
        height: ink.height,
        ink: toBase64(ink.bytes),
      });
      sending = false;
      const result = reply.data.result || (reply.status === 200 ? reply.data : null);
      if (result) {
        show({
          prediction: result.digit,
          probabilities: result.probabilities,
          model_input: result.model_input,
          message: result.unsure ? result.answer : "",
        });
        const right = result.digit === result.label;
        // The digit only: the pad shows how sure the model is (and "not sure: 7 or 1?" when it hesitates).
        sentLine.textContent = right
          ? `Sent. You drew ${result.label} and the model said ${result.digit}. Clear the pad and draw another.`
          : `Sent. You drew ${result.label}; the model said ${result.digit}. Clear the pad and draw another.`;
        sentLine.dataset.result = right ? "right" : "wrong";
        model.update({ status: reply.status === 200 ? "" : reply.data.error });
      } else {
        model.update({ status: reply.data.error || `the server answered ${reply.status}` });
        if (reply.status === 403 && /join/.test(reply.data.error || "")) {
          localStorage.removeItem(STORAGE);
        }
      }
    }
  };

  const holder = document.getElementById("pad");
  holder.textContent = "";
  pad.render({ model, el: holder });
}

async function join(code, nickname) {
  const previous = saved();
  const reply = await postJson("/api/join", {
    code,
    nickname,
    student: previous.code === code ? previous.student : undefined,
  });
  if (reply.status !== 200) {
    joinError.textContent = reply.data.error || `the server answered ${reply.status}`;
    return;
  }
  joinError.textContent = "";
  const session = Object.assign({ code }, reply.data);
  localStorage.setItem(STORAGE, JSON.stringify({ code, student: reply.data.student, nickname: reply.data.nickname }));
  startDrawing(session);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  join(codeInput.value.trim().toUpperCase(), nicknameInput.value);
});

// The QR code's address carries the code: ?code=K7MQ3X fills it in.
const fromAddress = new URLSearchParams(location.search).get("code");
const previous = saved();
codeInput.value = (fromAddress || previous.code || "").toUpperCase();
nicknameInput.value = previous.nickname || "";
document.body.dataset.ready = "true";
