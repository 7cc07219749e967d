/* specsite: loaded by a plain (blocking) <script src> in <head>, before the
 * page is drawn: marks that scripts run (`html.js`) and sets the light or
 * dark theme, the reader's choice or else the system's, so the page never
 * flashes the other one. */
(function (d, t) {
  d.className += " js";
  try { t = localStorage.getItem("specsite-theme"); } catch (e) { /* private mode */ }
  d.setAttribute("data-theme", t === "light" || t === "dark" ? t : window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
})(document.documentElement);
