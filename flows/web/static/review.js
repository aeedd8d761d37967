// qualmine review: keys (a accept, r reject, s skip, u undo, / search codes, n note), the coder
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
        if (first) { first.click(); }
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
        case "a": handled = click("accept"); break;
        case "r": handled = click("reject"); break;
        case "s": handled = click("skip"); break;
        case "u": handled = click("undo"); break;
        case "n":
          var note = document.getElementById("note");
          if (note) { note.focus(); handled = true; }
          break;
        case "/":
          var details = document.getElementById("add-code");
          var search = document.getElementById("code-search");
          if (details && search) { details.open = true; search.focus(); handled = true; }
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

  document.addEventListener("DOMContentLoaded", function () {
    setupCoder();
    setupFilters();
    setupCodeSearch();
    setupSubmitOnce();
    setupKeys();
    scrollToCurrent();
  });
})();
