// decider's only script of its own (CSP: no inline script). Three jobs:
// 1. The what-if form's edge ticks have no name, so a workflow with a thousand edges still posts
//    a handful of fields: each tick writes or removes its line in the "Remove needs" box, which
//    is what the server reads. Typing in the box moves the ticks to match.
// 2. An htmx request the server refuses (400, 403, 404, 409, 500, 503) or never answers shows a
//    plain sentence in the panel it was for, never Django's error page inside the panel.
// 3. Long job lists get a filter (job name, key or label; only unmeasured; only on the critical
//    path). The filter's markup is hidden until this script shows it, so without JavaScript the
//    tables are plain tables. Rows are hidden, never disabled: inside the what-if form their
//    fields post as before.
"use strict";

(function () {
  function removeBox(list) {
    return document.getElementById(list.dataset.removeNeeds);
  }

  function lines(text) {
    return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
  }

  function normal(line) {
    // "a:b", "a : b" and "a: b" are the same edge; the server tries every ':' the same way.
    return line.replace(/\s*:\s*/g, ":");
  }

  // Ticks -> box: lines typed by hand that name no edge here are kept (the server will say
  // what is wrong with them), then one line per unticked edge, in the page's order.
  function writeBox(list) {
    var box = removeBox(list);
    if (!box) return;
    var ticks = list.querySelectorAll("input.edge");
    var edgeLines = new Set();
    var unticked = [];
    ticks.forEach(function (tick) {
      edgeLines.add(normal(tick.dataset.line));
      if (!tick.checked) unticked.push(tick.dataset.line);
    });
    var typed = lines(box.value).filter(function (line) { return !edgeLines.has(normal(line)); });
    box.value = typed.concat(unticked).join("\n");
  }

  // Box -> ticks.
  function readBox(list) {
    var box = removeBox(list);
    if (!box) return;
    var removed = new Set(lines(box.value).map(normal));
    list.querySelectorAll("input.edge").forEach(function (tick) {
      tick.checked = !removed.has(normal(tick.dataset.line));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("ul.edges[data-remove-needs]").forEach(function (list) {
      // On the list, the tick's change reaches this handler before the form's hx-trigger, so
      // the request already carries the new line.
      list.addEventListener("change", function (event) {
        if (event.target.matches("input.edge")) writeBox(list);
      });
      var box = removeBox(list);
      if (box) box.addEventListener("input", function () { readBox(list); });
    });
  });

  var MESSAGES = {
    400: "The server could not read this request. Reload the page and try again.",
    403: "You may not make this change: ask an editor of the team.",
    404: "Not found: it may have been deleted. Reload the page.",
    409: "Someone else changed this meanwhile. Reload the page to see their version.",
    413: "This request is too large for the server.",
    429: "Too many requests: wait a moment and try again.",
    500: "Something went wrong on the server. Try again; if it keeps failing, tell your admin.",
    503: "The server is busy. Try again in a few seconds.",
  };
  var NO_ANSWER = "The server did not answer. Check the connection and try again.";

  function plainMessage(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = (xhr.responseText || "").trim();
    // Our views answer htmx errors with one plain sentence; anything else is not for people.
    if (type.indexOf("text/plain") === 0 && text && text.length <= 500) return text;
    return MESSAGES[xhr.status] || "The server refused this request (" + xhr.status + ").";
  }

  function show(target, message) {
    if (!target) target = document.querySelector("main");
    var old = target.querySelector(":scope > .htmx-error");
    var note = old || document.createElement("p");
    note.className = "problems htmx-error";
    note.setAttribute("role", "alert");
    note.textContent = message;  // text, never HTML: the message may echo user input
    if (!old) target.prepend(note);
  }

  document.addEventListener("htmx:responseError", function (event) {
    show(event.detail.target, plainMessage(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", function (event) {
    show(event.detail.target, NO_ANSWER);
  });
  // A later good answer replaces the panel, and its note with it; clear notes outside it too.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && event.detail.target) {
      var old = event.detail.target.querySelector(":scope > .htmx-error");
      if (old) old.remove();
    }
  });

  // --- 3. Filters over long job lists -------------------------------------------------------

  function filterItems(box) {
    var target = document.getElementById(box.dataset.filterTarget);
    return target ? target.querySelectorAll("[data-filter-text]") : [];
  }

  // On the what-if page the critical path changes with every recalculation: the results panel
  // lists its jobs, and rows take the flag from there.
  function markCritical() {
    var results = document.getElementById("results");
    if (!results || results.dataset.criticalJobs === undefined) return;
    var ids = new Set(results.dataset.criticalJobs.split(" ").filter(Boolean));
    document.querySelectorAll("tr[data-job-id]").forEach(function (row) {
      row.toggleAttribute("data-critical", ids.has(row.dataset.jobId));
    });
  }

  function applyFilter(box) {
    // The typed text as one phrase ("stage 3 job 1" finds "Stage 3 job 1" and "Stage 3 job
    // 12", not every row holding a 3 and a 1), spaces collapsed, case ignored.
    var phrase = box.querySelector("input.filter-text").value.toLowerCase().trim()
      .replace(/\s+/g, " ");
    var only = Array.prototype.map.call(
      box.querySelectorAll("input[data-only]:checked"),
      function (tick) { return "data-" + tick.dataset.only; });
    var items = filterItems(box);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.dataset.filterText.toLowerCase().replace(/\s+/g, " ");
      // A row with a refused input stays in sight whatever the filter says.
      var refused = item.querySelector(".field-error:not(:empty)") !== null;
      var match = refused || (
        text.indexOf(phrase) !== -1 &&
        only.every(function (flag) { return item.hasAttribute(flag); }));
      item.hidden = !match;
      if (match) shown += 1;
    });
    var noun = box.dataset.noun + (items.length === 1 ? "" : "s");
    box.querySelector(".filter-count").textContent = phrase || only.length
      ? "showing " + shown + " of " + items.length + " " + noun
      : items.length + " " + noun;
  }

  function applyAllFilters() {
    markCritical();
    document.querySelectorAll(".job-filter[data-filter-target]").forEach(applyFilter);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".job-filter[data-filter-target]").forEach(function (box) {
      box.hidden = false;
      // Inside the what-if form, typing in the filter must not recalculate (the form listens
      // for input and change) nor submit it (Enter in a text field does).
      ["input", "change"].forEach(function (type) {
        box.addEventListener(type, function (event) {
          event.stopPropagation();
          applyFilter(box);
        });
      });
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    });
    applyAllFilters();
  });

  // A recalculation brings a new critical path and may mark refused inputs: filter again, and
  // open a folded list that now holds a refused input.
  document.addEventListener("htmx:afterSettle", function () {
    applyAllFilters();
    document.querySelectorAll("details.job-list:not([open])").forEach(function (details) {
      if (details.querySelector(".field-error:not(:empty)")) details.open = true;
    });
  });
})();
