/* Search suggestions as you type: a progressive enhancement of the plain GET search form.
 *
 * Without JavaScript the form submits to /search/ as before. With it, after a short pause the
 * typed words are sent to /api/v1/search (the same results as the page) and the first few
 * hits are offered in a list under the box (the ARIA combobox pattern: arrow keys move, Enter
 * opens, Escape closes). Nothing typed is kept: no storage, no history, no logging. */
(function () {
  "use strict";
  if (window.__careChoicesAutocomplete) { return; }
  window.__careChoicesAutocomplete = true;

  var MIN_CHARS = 2, PAUSE_MS = 200, MAX_OPTIONS = 6;

  function setUp(input) {
    var form = input.form;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var listId = input.id + "-suggestions";
    var timer = null, request = null, options = [], active = -1;

    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    form.classList.add("has-suggestions");
    form.appendChild(list);
    form.appendChild(status);

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(index) {
      if (active >= 0 && options[active]) { options[active].classList.remove("active"); options[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (active >= 0 && options[active]) {
        options[active].classList.add("active");
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(answer) {
      close();
      var hits = [];
      (answer.groups || []).forEach(function (group) {
        (group.hits || []).forEach(function (hit) { hits.push({ group: group.label, hit: hit }); });
      });
      hits = hits.slice(0, MAX_OPTIONS);
      hits.forEach(function (item, index) {
        var option = document.createElement("li");
        var link = document.createElement("a");
        var kind = document.createElement("span");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        link.href = item.hit.found_on_url || item.hit.url;
        link.tabIndex = -1;
        link.textContent = item.hit.title;
        kind.className = "kind";
        kind.textContent = " " + item.group + (item.hit.found_on ? " · " + item.hit.found_on : "");
        link.appendChild(kind);
        option.appendChild(link);
        list.appendChild(option);
        options.push(option);
      });
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      status.textContent = options.length ? options.length + " suggestions. Use the arrow keys to choose." : "";
    }

    function ask() {
      var words = input.value.trim();
      if (words.length < MIN_CHARS) { close(); return; }
      if (request) { request.abort(); }
      request = new AbortController();
      fetch("/api/v1/search?q=" + encodeURIComponent(words), { signal: request.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer && input.value.trim() === words) { show(answer); } })
        .catch(function () { /* offline or aborted: the form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, PAUSE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        choose((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        choose(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && options[active]) {
        event.preventDefault();
        window.location.assign(options[active].querySelector("a").href);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 200); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form.search-form input[name=q]"), setUp);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
