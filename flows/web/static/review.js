// qualmine review: keys (a accept (on an uncoded segment: add the ticked codes), r reject, A / R all of the segment's, s skip, u undo, / search codes,
// n note), the coder
// name remembered in localStorage, and the searchable codebook list. Everything also works
// without this script (plain forms and links); it only makes them quicker.
(function () {
  "use strict";
  var STORE_KEY = "qualmine.review.coder";

  function remember(name) {
    try { if (name) { localStorage.setItem(STORE_KEY, name); } } catch (e) { /* storage off: fine */ }
  }
  function remembered() {
    try { return localStorage.getItem(STORE_KEY) || ""; } catch (e) { return ""; }
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function click(id) {
    var el = document.getElementById(id);
    if (el && !el.disabled) { el.click(); return true; }
    return false;
  }

  function setupCoder() {
    var input = document.getElementById("coder");
    var form = document.getElementById("coder-form");
    if (input && !input.value) { input.value = remembered(); }
    if (form) { form.addEventListener("submit", function () { remember(input.value.trim()); }); }
    var shown = document.getElementById("coder-name");
    if (shown) { remember(shown.getAttribute("data-coder")); }
  }

  function setupFilters() {
    var form = document.getElementById("filters");
    if (!form) { return; }
    Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  }

  function setupCodeSearch() {
    var search = document.getElementById("code-search");
    var list = document.getElementById("code-list");
    if (!search || !list) { return; }
    var items = list.querySelectorAll("li");
    search.addEventListener("input", function () {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(items, function (li) {
        var text = li.getAttribute("data-search") || "";
        li.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();   // Enter adds the first code still listed, never accepts
        var first = list.querySelector("li:not([hidden]) button");
        var box = list.querySelector("li:not([hidden]) input[type=checkbox]:not([disabled])");
        if (first) { first.click(); } else if (box) { box.checked = !box.checked; }   // an uncoded segment's list
      } else if (event.key === "Escape") {
        search.blur();
      }
    });
  }

  function setupSubmitOnce() {
    // One decision per press: a second click while the first is being saved does nothing.
    Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
      });
    });
  }

  function setupKeys() {
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
      if (typing(event.target)) {
        if (event.key === "Escape") { event.target.blur(); }
        return;
      }
      var handled = false;
      switch (event.key) {
        case "a": handled = click("accept") || click("add-ticked"); break;
        case "r": handled = click("reject"); break;
        case "A": handled = click("accept-all"); break;   // every pending suggestion on this segment
        case "R": handled = click("reject-all"); break;
        case "s": handled = click("skip"); break;
        case "u": handled = click("undo"); break;
        case "n":
          var note = document.getElementById("note");
          if (note) { note.focus(); handled = true; }
          break;
        case "/":
          var details = document.getElementById("add-code");
          var search = document.getElementById("code-search");
          if (search) { if (details) { details.open = true; } search.focus(); handled = true; }
          break;
      }
      if (handled) { event.preventDefault(); }
    });
  }

  function scrollToCurrent() {
    // Scroll the context list (not the page) so the segment under review is in view.
    var current = document.getElementById("current-segment");
    var list = current && current.parentElement;
    if (list && list.scrollHeight > list.clientHeight) {
      list.scrollTop = Math.max(0, current.offsetTop - list.clientHeight / 3);
    }
  }

  // ---------------------------------------------------------------- document view: code any span
  function codePoints(text) { return Array.from(text).length; }

  // The document offset of a selection boundary (container, offset) inside `block`, or null.
  // Every .piece carries its document offset (data-start); text outside pieces (the chips) counts
  // for nothing, so offsets are exactly those of documents.text (in code points, as Python counts).
  function boundaryOffset(block, container, offset) {
    if (container.nodeType === Node.TEXT_NODE) {
      var piece = container.parentElement && container.parentElement.closest(".piece");
      if (piece && block.contains(piece)) {
        return Number(piece.getAttribute("data-start")) + codePoints(container.data.slice(0, offset));
      }
    }
    var pieces = block.querySelectorAll(".piece");
    for (var i = 0; i < pieces.length; i++) {
      var range = document.createRange();
      range.selectNodeContents(pieces[i]);
      if (range.comparePoint(container, offset) < 0) { return Number(pieces[i].getAttribute("data-start")); }
    }
    return Number(block.getAttribute("data-length"));
  }

  function pieceText(block, start, end) {
    var out = "";
    Array.prototype.forEach.call(block.querySelectorAll(".piece"), function (piece) {
      var chars = Array.from(piece.textContent);
      var from = Number(piece.getAttribute("data-start"));
      var a = Math.max(start, from), b = Math.min(end, from + chars.length);
      if (a < b) { out += chars.slice(a - from, b - from).join(""); }
    });
    return out;
  }

  function setupSpanCoding() {
    var form = document.getElementById("span-form");
    if (!form) { return; }
    var shown = document.getElementById("selection-text");
    var help = document.getElementById("selection-help");
    var buttons = form.querySelectorAll(".span-code");
    function set(id, value) { document.getElementById(id).value = value; }
    function clear(message) {
      set("span-doc", ""); set("span-start", ""); set("span-end", ""); set("span-quote", "");
      shown.textContent = "";
      if (message) { help.textContent = message; }
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    }
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }  // keep the last one
      var range = selection.getRangeAt(0);
      var startNode = range.startContainer.nodeType === Node.TEXT_NODE ? range.startContainer.parentElement
        : range.startContainer;
      var endNode = range.endContainer.nodeType === Node.TEXT_NODE ? range.endContainer.parentElement
        : range.endContainer;
      var block = startNode && startNode.closest(".doc-text");
      if (!block) { return; }                         // a selection elsewhere (the note, the list)
      if (!endNode || endNode.closest(".doc-text") !== block) {
        clear("Select within one " + (document.querySelectorAll(".doc-text").length > 1 ? "answer." : "document."));
        return;
      }
      var start = boundaryOffset(block, range.startContainer, range.startOffset);
      var end = boundaryOffset(block, range.endContainer, range.endOffset);
      var quote = pieceText(block, start, end);
      if (!(end > start) || !quote.trim()) { clear(); return; }
      set("span-doc", block.getAttribute("data-doc-id"));
      set("span-start", start); set("span-end", end); set("span-quote", quote);
      shown.textContent = quote;
      help.textContent = "Characters " + start + "–" + end + ": pick a code for them.";
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
    });
  }

  function setupBulk() {
    var all = document.getElementById("select-all");
    var coder = document.getElementById("bulk-coder");
    if (coder && !coder.value) { coder.value = remembered(); }
    if (!all) { return; }
    all.addEventListener("change", function () {
      Array.prototype.forEach.call(document.querySelectorAll(".pick-segment"), function (box) {
        box.checked = all.checked;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupSpanCoding();
    setupBulk();
    setupCoder();
    setupFilters();
    setupCodeSearch();
    setupSubmitOnce();
    setupKeys();
    scrollToCurrent();
  });
})();
