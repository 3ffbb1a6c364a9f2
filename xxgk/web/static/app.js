// xxgk review page: upload reports, insert the review panels the server draws, and on a click show
// which cells a finding names and where in the source it stands. No inline script anywhere (the
// Content-Security-Policy forbids it); report text only ever reaches the page as text.
"use strict";

const TOKEN_HEADER = "X-XXGK-Token";

function tokenHeaders() {
  // The token (asked for only when the server is bound off loopback) is kept for this tab only.
  const input = document.getElementById("token");
  const h = {};
  if (input && input.value) h[TOKEN_HEADER] = input.value;
  return h;
}

async function errorText(resp) {
  try {
    const body = await resp.json();
    if (body && body.error && body.error.message) return body.error.message;
  } catch (e) { /* not JSON */ }
  return "HTTP " + resp.status;
}

(function () {
  const input = document.getElementById("token");
  if (!input) return;
  input.value = sessionStorage.getItem("xxgk-token") || "";
  input.addEventListener("change", () => sessionStorage.setItem("xxgk-token", input.value));
})();

// A form marked data-fragment posts with the token and puts the HTML it gets back in place of the
// element the attribute names (the dashboard's roster upload).
document.querySelectorAll("form[data-fragment]").forEach((form) => {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const target = document.querySelector(form.dataset.fragment);
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const resp = await fetch(form.action, { method: "POST", body: new FormData(form), headers: tokenHeaders() });
      if (!resp.ok) {
        alert(await errorText(resp));
        return;
      }
      const tpl = document.createElement("template");
      tpl.innerHTML = await resp.text();
      target.replaceChildren(tpl.content);
    } finally {
      if (button) button.disabled = false;
    }
  });
});

const files = new WeakMap(); // review panel → the File it was made from (for crops and downloads)
const headers = tokenHeaders;

(function () {
  const form = document.getElementById("upload");
  if (!form) return;
  const input = document.getElementById("files");
  const drop = document.getElementById("drop");
  const results = document.getElementById("results");
  const maxBytes = Number(form.dataset.maxBytes || 0);
  let queue = Promise.resolve();

  function placeholder(file) {
    const box = document.createElement("section");
    box.className = "panel pending";
    const h = document.createElement("h2");
    h.textContent = file.name;
    const p = document.createElement("p");
    p.className = "status";
    p.textContent = "正在读取和审核……";
    box.append(h, p);
    results.prepend(box);
    return box;
  }

  function fail(box, message) {
    box.classList.remove("pending");
    box.classList.add("failed");
    box.querySelector(".status").textContent = "无法读取：" + message;
  }

  async function review(file) {
    const box = placeholder(file);
    if (maxBytes && file.size > maxBytes) {
      fail(box, "文件超过大小限制");
      return;
    }
    const data = new FormData();
    data.append("file", file, file.name);
    data.append("ocr", document.getElementById("ocr").value);
    let resp;
    try {
      resp = await fetch("/review", { method: "POST", body: data, headers: headers() });
    } catch (e) {
      fail(box, "无法连接服务器");
      return;
    }
    if (!resp.ok) {
      fail(box, await errorText(resp));
      return;
    }
    // The fragment is drawn by the server with every report text escaped; a template element parses
    // it inert (no script runs, no image loads) before it is placed.
    const tpl = document.createElement("template");
    tpl.innerHTML = await resp.text();
    const panel = tpl.content.querySelector("section.panel");
    if (!panel) {
      fail(box, "服务器返回内容无法识别");
      return;
    }
    files.set(panel, file);
    box.replaceWith(panel);
  }

  function enqueue(list) {
    for (const file of list) queue = queue.then(() => review(file));
  }

  input.addEventListener("change", () => {
    enqueue(Array.from(input.files));
    input.value = "";
  });
  ["dragenter", "dragover"].forEach((t) =>
    drop.addEventListener(t, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    })
  );
  ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, () => drop.classList.remove("over")));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files) enqueue(Array.from(e.dataTransfer.files));
  });

})();

// ---- showing where a finding or a cell is (review panels and stored reports alike)

function clearMarks(panel) {
  panel.querySelectorAll(".hl").forEach((el) => el.classList.remove("hl"));
  panel.querySelectorAll(".finding.active").forEach((el) => el.classList.remove("active"));
  panel.querySelectorAll("ol.lines li.hl-line").forEach((li) => {
    li.classList.remove("hl-line");
    li.textContent = li.textContent; // drops the <mark> split, keeps the text
  });
}

function placeOf(el, panel) {
  if (el.dataset.line || el.dataset.page) return el.dataset;
  const keys = (el.dataset.cells || "").split(" ").filter(Boolean);
  for (const key of keys) {
    const td = panel.querySelector('td[data-key="' + CSS.escape(key) + '"]');
    if (td && (td.dataset.line || td.dataset.page)) return td.dataset;
  }
  return null;
}

function showLines(panel, place) {
  const lines = panel.querySelectorAll("ol.lines li");
  const first = Number(place.line);
  const last = Math.min(Number(place.endLine || first), first + 40);
  for (let n = first; n <= last; n++) {
    const li = lines[n - 1];
    if (!li) continue;
    li.classList.add("hl-line");
    const text = li.textContent;
    const lo = n === first && place.col ? Number(place.col) : 0;
    const hi = n === last && place.endCol ? Number(place.endCol) : text.length;
    if (hi > lo && (lo > 0 || hi < text.length)) {
      const mark = document.createElement("mark");
      mark.textContent = text.slice(lo, hi);
      li.replaceChildren(text.slice(0, lo), mark, text.slice(hi));
    }
  }
  const target = lines[first - 1];
  if (target) {
    const pane = panel.querySelector("ol.lines");
    pane.scrollTop = Math.max(0, target.offsetTop - pane.clientHeight / 3); // li's offsetParent is the pane
  }
}

async function showCrop(panel, place) {
  const fig = panel.querySelector("figure.crop");
  const file = files.get(panel);
  if (!fig || !file) return;
  const data = new FormData();
  data.append("file", file, file.name);
  data.append("page", place.page);
  data.append("bbox", place.bbox);
  fig.hidden = false;
  fig.querySelector("figcaption").textContent = "第" + place.page + "页（正在生成截图……）";
  const resp = await fetch("/api/v1/crop", { method: "POST", body: data, headers: headers() });
  if (!resp.ok) {
    fig.querySelector("figcaption").textContent = "截图失败：" + (await errorText(resp));
    return;
  }
  const img = fig.querySelector("img");
  if (img.src) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(await resp.blob());
  fig.querySelector("figcaption").textContent = "第" + place.page + "页，红框为该处";
}

function show(el, panel) {
  clearMarks(panel);
  el.classList.add(el.matches("td") ? "hl" : "active");
  const keys = (el.dataset.cells || el.dataset.key || "").split(" ").filter(Boolean);
  let firstCell = null;
  for (const key of keys) {
    panel.querySelectorAll('td[data-key="' + CSS.escape(key) + '"]').forEach((td) => {
      td.classList.add("hl");
      firstCell = firstCell || td;
    });
  }
  if (firstCell && el.matches(".finding")) firstCell.scrollIntoView({ block: "nearest" });
  const hint = panel.querySelector(".source-hint");
  const place = placeOf(el, panel);
  if (!place) {
    if (hint) hint.textContent = "该项没有原文位置。";
    return;
  }
  if (hint) hint.textContent = place.line ? "第" + place.line + "行" : "";
  if (place.line) showLines(panel, place);
  if (place.page && place.bbox && panel.dataset.pages === "yes") showCrop(panel, place);
}

async function download(button, panel) {
  const file = files.get(panel);
  if (!file) return;
  const fmt = button.dataset.download;
  const data = new FormData();
  data.append("file", file, file.name);
  data.append("ocr", document.getElementById("ocr").value);
  button.disabled = true;
  try {
    const resp = await fetch("/api/v1/check?format=" + encodeURIComponent(fmt), {
      method: "POST",
      body: data,
      headers: headers(),
    });
    if (!resp.ok) {
      alert(await errorText(resp));
      return;
    }
    const stem = file.name.replace(/\.[^.]*$/, "");
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await resp.blob());
    a.download = fmt === "json" ? stem + ".json" : stem + "-审核意见." + fmt;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } finally {
    button.disabled = false;
  }
}

document.addEventListener("click", (e) => {
  const panel = e.target.closest("section.panel");
  if (!panel) return;
  const button = e.target.closest("button[data-download]");
  if (button) return void download(button, panel);
  const target = e.target.closest(".finding, td[data-key]");
  if (target) show(target, panel);
});
document.addEventListener("keydown", (e) => {
  if (e.key !== "Enter" && e.key !== " ") return;
  const target = e.target.closest(".finding");
  const panel = e.target.closest("section.panel");
  if (target && panel) {
    e.preventDefault();
    show(target, panel);
  }
});
