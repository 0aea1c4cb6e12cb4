// Progressive enhancement only: every page works without this file.
// Escape dismisses an open glossary definition without moving focus (WCAG 1.4.13).
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".gloss:hover, .gloss:focus-within").forEach(function (el) {
    el.classList.add("dismissed");
  });
});
document.addEventListener("focusin", function (event) {
  var gloss = event.target.closest && event.target.closest(".gloss");
  if (gloss) gloss.classList.remove("dismissed");
});
document.addEventListener("mouseover", function (event) {
  var gloss = event.target.closest && event.target.closest(".gloss.dismissed");
  if (gloss && !gloss.contains(document.activeElement)) gloss.classList.remove("dismissed");
});
// Print buttons (no inline handlers: the Content-Security-Policy allows scripts from files only).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) window.print();
});
// Printing shows the professional details too.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.setAttribute("open", ""); });
});
// The person's own time zone, so "today" in the screen and the plan is their today. Only an
// empty field is filled: a zone the person chose (or that came back with an error) is kept.
document.querySelectorAll("input[data-browser-zone]").forEach(function (field) {
  if (field.value) return;
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  if (/^(UTC|[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/.test(zone)) field.value = zone;
});
