// The page is a client of the HTTP API (POST /api/compare, GET /api/jobs/ID, GET /jobs/ID): it sends what the
// person gave, shows the job's progress by stage, then the job's report. Every text from the server goes into the
// page as text (textContent), never as markup.
"use strict";

const $ = (id) => document.getElementById(id);

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch (err) {
    return { error: `the server answered ${response.status} without a message` };
  }
}

let engineRequest = 0;
async function loadEngines() {
  const lang = $("lang").value;
  const originalLang = $("original-lang").value;
  const hasOriginal = $("original").value.trim() !== "";
  const query = new URLSearchParams({ lang });
  if (originalLang) query.set("original_lang", originalLang);
  if (hasOriginal) query.set("original", "1");
  const mine = ++engineRequest;
  const response = await fetch(`/api/engines?${query}`);
  const body = await readJson(response);
  if (mine !== engineRequest) return;  // a newer choice of language answered first
  const box = $("engines");
  box.replaceChildren();
  if (!response.ok) {
    box.textContent = body.error || "no engine is available for this language";
    return;
  }
  for (const spec of body.engines) {
    const label = document.createElement("label");
    label.className = "engine";
    const box_ = document.createElement("input");
    box_.type = "checkbox";
    box_.name = "engine";
    box_.value = spec;
    box_.checked = body.default.includes(spec);
    label.append(box_, " ", spec);
    box.append(label);
  }
}

function readFile(input, target) {
  const file = input.files && input.files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => {
    target.value = reader.result;
    target.dataset.name = file.name;
    if (target.id === "original") loadEngines();
  };
  reader.onerror = () => showError(`${file.name} could not be read`);
  reader.readAsText(file);
}

function stageLine(stage) {
  const item = document.createElement("li");
  const pct = stage.total ? Math.round((100 * stage.done) / stage.total) : 100;
  item.textContent = `${stage.stage}: ${stage.done}/${stage.total} (${pct}%)`;
  return item;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function follow(job) {
  const began = Date.now();
  for (;;) {
    const response = await fetch(`/api/jobs/${encodeURIComponent(job)}`);
    const body = await readJson(response);
    if (!response.ok) throw new Error(body.error || `the server answered ${response.status}`);
    $("progress").value = body.progress;
    const ahead = body.queued_before ? ` (${body.queued_before} job(s) before it)` : "";
    $("state").textContent = {
      queued: `Queued${ahead}`, running: `Running: ${body.stage || "starting"}`, done: "Done", failed: "Failed",
    }[body.state] || body.state;
    $("stages").replaceChildren(...body.stages.map(stageLine));
    if (body.state === "failed") throw new Error(body.error || "the job failed");
    if (body.state === "done") return body;
    // often at first, where a cached run ends within a second, then calmer: a long job need not be polled fast
    const elapsed = Date.now() - began;
    await sleep(elapsed < 5000 ? 80 : elapsed < 30000 ? 300 : 1000);
  }
}

function fitReport() {
  const frame = $("report");
  const doc = frame.contentDocument;
  if (doc && doc.documentElement) frame.style.height = `${doc.documentElement.scrollHeight + 20}px`;
}

async function submit(event) {
  event.preventDefault();
  showError("");
  $("result").hidden = true;
  const translation = $("translation");
  const original = $("original");
  const request = {
    translation: translation.value,
    lang: $("lang").value,
    original: original.value.trim() ? original.value : null,
    original_lang: original.value.trim() ? $("original-lang").value || null : null,
    engines: [...document.querySelectorAll('input[name="engine"]:checked')].map((box) => box.value),
    url: $("url").value.trim() || null,
    translation_name: translation.dataset.name || null,
    original_name: original.dataset.name || null,
  };
  if (!request.engines.length) request.engines = null;
  $("check").disabled = true;
  try {
    const response = await fetch("/api/compare", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request),
    });
    const body = await readJson(response);
    if (!response.ok) throw new Error(body.error || `the server answered ${response.status}`);
    $("status").hidden = false;
    $("stages").replaceChildren();
    $("progress").value = 0;
    const done = await follow(body.job);
    const summary = done.result.summary;
    $("state").textContent = `Done: ${summary.flagged} of ${summary.beads} sentences flagged`;
    const base = `/jobs/${encodeURIComponent(body.job)}`;
    $("open-report").href = base;
    $("get-beads").href = `${base}/beads.jsonl`;
    $("get-parquet").href = `${base}/beads.parquet`;
    $("get-summary").href = `${base}/summary.json`;
    const frame = $("report");
    frame.onload = () => {
      fitReport();
      frame.contentWindow.addEventListener("resize", fitReport);
      frame.contentDocument.addEventListener("click", () => setTimeout(fitReport, 50));
      frame.dataset.loaded = body.job;
      $("status").scrollIntoView({ block: "start" });
    };
    frame.src = base;
    $("result").hidden = false;
  } catch (err) {
    showError(err.message);
    $("status").hidden = true;
  } finally {
    $("check").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const lang = $("lang");
  if ([...lang.options].some((o) => o.value === "en")) lang.value = "en";
  lang.addEventListener("change", loadEngines);
  $("original-lang").addEventListener("change", loadEngines);
  let hadOriginal = false;
  $("original").addEventListener("input", () => {
    const has = $("original").value.trim() !== "";
    if (has !== hadOriginal) { hadOriginal = has; loadEngines(); }
  });
  $("translation").addEventListener("input", () => { delete $("translation").dataset.name; });
  $("translation-file").addEventListener("change", (e) => readFile(e.target, $("translation")));
  $("original-file").addEventListener("change", (e) => readFile(e.target, $("original")));
  $("compare").addEventListener("submit", submit);
  window.addEventListener("resize", fitReport);
  loadEngines();
});
