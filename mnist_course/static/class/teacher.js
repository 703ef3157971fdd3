// The instructor's page of `mnist-course class`: live results of the round (server-sent events).
// Every text from students (nicknames) is shown with textContent, never as HTML.
const token = new URLSearchParams(location.search).get("token") || "";
const auth = "token=" + encodeURIComponent(token);
const GALLERY_SIZE = 120; // the newest drawings shown; every drawing counts in the numbers
const MISTAKES_SIZE = 40;

let drawings = []; // this round's drawings, oldest first
let round = 0;

const $ = (id) => document.getElementById(id);

function element(tag, className, parent, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function card(drawing) {
  const right = drawing.label === drawing.digit;
  const node = element("figure", "digit-card " + (right ? "right" : "wrong"));
  node.dataset.id = String(drawing.id);
  const image = element("img", "", node);
  image.src = drawing.image; // a data: URI of the 28x28 PNG
  image.alt = `drawn ${drawing.label}, model said ${drawing.digit}`;
  const caption = element("figcaption", "", node);
  element("span", "said", caption, right ? `${drawing.digit} ✓` : `${drawing.label} → ${drawing.digit}`);
  if (drawing.unsure) element("span", "unsure", caption, "not sure");
  element("span", "nickname", caption, drawing.nickname || "");
  return node;
}

function render() {
  $("round").textContent = String(round);
  $("count").textContent = String(drawings.length);
  const correct = drawings.filter((drawing) => drawing.label === drawing.digit).length;
  $("accuracy").textContent = drawings.length ? `${Math.round((100 * correct) / drawings.length)}%` : "-";

  // accuracy per digit drawn
  const perDigit = $("per-digit");
  perDigit.textContent = "";
  const matrix = Array.from({ length: 10 }, () => new Array(10).fill(0));
  for (const drawing of drawings) matrix[drawing.label][drawing.digit] += 1;
  for (let digit = 0; digit < 10; digit++) {
    const total = matrix[digit].reduce((sum, value) => sum + value, 0);
    const share = total ? matrix[digit][digit] / total : 0;
    const row = element("div", "digit-row", perDigit);
    element("span", "digit-name", row, String(digit));
    const track = element("span", "track", row);
    const fill = element("span", "fill", track);
    fill.style.width = (100 * share).toFixed(0) + "%";
    element("span", "digit-value", row, total ? `${Math.round(100 * share)}% of ${total}` : "none yet");
  }

  // confusion matrix
  const table = $("confusion");
  table.textContent = "";
  const head = element("tr", "", element("thead", "", table));
  element("th", "", head, "");
  for (let digit = 0; digit < 10; digit++) element("th", "", head, String(digit));
  const body = element("tbody", "", table);
  const biggest = Math.max(1, ...matrix.flat());
  for (let drawn = 0; drawn < 10; drawn++) {
    const row = element("tr", "", body);
    element("th", "", row, String(drawn));
    for (let said = 0; said < 10; said++) {
      const value = matrix[drawn][said];
      const cell = element("td", value ? (drawn === said ? "hit" : "miss") : "", row, value ? String(value) : "");
      if (value) cell.style.setProperty("--share", (value / biggest).toFixed(3));
    }
  }

  // mistakes and the gallery, newest first
  const mistakes = $("mistakes");
  mistakes.textContent = "";
  const wrong = drawings.filter((drawing) => drawing.label !== drawing.digit).slice(-MISTAKES_SIZE).reverse();
  if (!wrong.length) element("p", "hint", mistakes, "No mistakes yet.");
  for (const drawing of wrong) mistakes.appendChild(card(drawing));
  const gallery = $("gallery");
  gallery.textContent = "";
  if (!drawings.length) element("p", "hint", gallery, "Waiting for the first drawing...");
  for (const drawing of drawings.slice(-GALLERY_SIZE).reverse()) gallery.appendChild(card(drawing));
  document.body.dataset.drawings = String(drawings.length);
}

let pending = false;
function renderSoon() {
  // many drawings in one second: one render per frame
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

async function loadInfo() {
  const response = await fetch("/api/teacher/info?" + auth, { cache: "no-store" });
  const data = await response.json();
  if (!response.ok) {
    document.body.textContent = data.error || "the instructor token is wrong";
    return false;
  }
  $("qr").src = data.qr;
  $("join-link").textContent = data.join_url.replace(/\?code=.*$/, "");
  $("join-link").href = data.join_url;
  $("code").textContent = data.code;
  $("csv").href = "/api/teacher/drawings.csv?" + auth;
  return true;
}

function listen() {
  const events = new EventSource("/api/teacher/events?" + auth);
  events.addEventListener("open", () => {
    $("connection").textContent = "live";
    $("connection").dataset.state = "live";
  });
  events.addEventListener("error", () => {
    $("connection").textContent = "reconnecting...";
    $("connection").dataset.state = "lost";
  });
  events.addEventListener("snapshot", (event) => {
    const data = JSON.parse(event.data);
    round = data.round;
    drawings = data.drawings;
    $("joined").textContent = String(data.joined);
    renderSoon();
  });
  events.addEventListener("drawing", (event) => {
    const drawing = JSON.parse(event.data);
    if (drawing.round !== round) return;
    if (!drawings.some((one) => one.id === drawing.id)) drawings.push(drawing);
    renderSoon();
  });
  events.addEventListener("joined", (event) => {
    $("joined").textContent = String(JSON.parse(event.data).joined);
  });
  events.addEventListener("round", (event) => {
    const data = JSON.parse(event.data);
    round = data.round;
    drawings = [];
    renderSoon();
  });
}

$("new-round").addEventListener("click", async () => {
  if (!confirm("Start a new round? The board starts empty; every drawing stays in the log and the CSV.")) return;
  const response = await fetch("/api/teacher/round?" + auth, { method: "POST" });
  if (!response.ok) alert((await response.json()).error);
});

loadInfo().then((ok) => {
  if (ok) listen();
  document.body.dataset.ready = "true";
});
render();
