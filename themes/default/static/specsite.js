/* specsite default theme: progressive enhancement only. Every feature here
 * has a no-JS fallback in the markup or CSS; search lives in search.js,
 * which this loads when the search box is first used. */
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;

  function $all(sel, ctx) { return Array.prototype.slice.call((ctx || doc).querySelectorAll(sel)); }
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }

  /* ---- the header's search box and theme toggle: they work only with
     JavaScript, so they are drawn here, into the space the stylesheet keeps
     for them, the header's own `div` (a theme whose header already has them
     keeps its own) ---- */
  function initHeaderTools() {
    var tools = doc.querySelector("body > header > div");
    if (!tools || doc.getElementById("search-input")) return;
    tools.innerHTML =
      '<form role="search" class="site-search" action="#" onsubmit="return false">' +
      '<span class="search-icon"><span class="icon icon-search" aria-hidden="true"></span></span>' +
      '<input id="search-input" type="search" aria-label="Search" placeholder="Search…" autocomplete="off" spellcheck="false" aria-controls="search-results">' +
      '<kbd class="search-key" aria-hidden="true">/</kbd>' +
      '<div id="search-results" role="listbox" aria-label="Search results" hidden></div></form>' +
      '<button type="button" class="icon-button theme-toggle" aria-label="Dark theme" aria-pressed="false">' +
      '<span class="icon icon-moon" aria-hidden="true"></span><span class="icon icon-sun" aria-hidden="true"></span></button>';
  }

  /* ---- search.js, loaded when the search box is first used ---- */
  function initSearchLoader() {
    var input = doc.getElementById("search-input"), asked = 0;
    function want() {
      if (asked++ || window.__specsiteSearch) return;
      var s = doc.createElement("script");
      s.src = (root.getAttribute("data-root") || "") + "assets/search.js";
      doc.head.appendChild(s);
    }
    if (input) ["focus", "input", "pointerdown"].forEach(function (ev) { input.addEventListener(ev, want); });
  }

  /* ---- light/dark toggle (theme.js, run in <head>, already set data-theme) ---- */
  function initThemeToggle() {
    var btn = doc.querySelector(".theme-toggle");
    if (!btn) return;
    function sync() {
      var dark = root.getAttribute("data-theme") === "dark";
      btn.setAttribute("aria-pressed", dark ? "true" : "false");
      btn.title = dark ? "Switch to light theme" : "Switch to dark theme";
    }
    btn.addEventListener("click", function () {
      var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store("specsite-theme", next);
      sync();
    });
    sync();
  }

  /* ---- mobile navigation drawer: the checkbox works without JS; with JS a
     real button with aria-expanded drives it ---- */
  function initDrawer() {
    var box = doc.getElementById("nav-drawer");
    var label = doc.querySelector("body > header > label[for=nav-drawer]");
    var sidebar = doc.getElementById("sidebar");
    if (!box || !label || !sidebar) return;
    var btn = doc.createElement("button");
    btn.type = "button";
    btn.className = "icon-button menu-button";
    btn.setAttribute("aria-controls", "sidebar");
    btn.setAttribute("aria-expanded", "false");
    btn.setAttribute("aria-label", "Navigation");
    label.replaceWith(btn);
    box.tabIndex = -1;
    box.setAttribute("aria-hidden", "true");

    function set(open, focusBack) {
      box.checked = open;
      btn.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var cur = sidebar.querySelector("[aria-current=page]") || sidebar.querySelector("a");
        if (cur) cur.focus({ preventScroll: false });
      } else if (focusBack) {
        btn.focus();
      }
    }
    btn.addEventListener("click", function () { set(!box.checked, false); });
    doc.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && box.checked) set(false, true);
    });
    sidebar.addEventListener("click", function (e) {
      if (box.checked && e.target.closest("a")) set(false, false);
    });
    var backdrop = doc.querySelector(".layout > label[for=nav-drawer]");
    if (backdrop) backdrop.addEventListener("click", function (e) { e.preventDefault(); set(false, true); });
    // Keep the current page visible in a long sidebar.
    var current = sidebar.querySelector("[aria-current=page]");
    if (current && sidebar.scrollHeight > sidebar.clientHeight) {
      var top = current.offsetTop - sidebar.clientHeight / 3;
      if (top > 0) sidebar.scrollTop = top;
    }
  }

  /* ---- on-page TOC: highlight the section being read ---- */
  function initToc() {
    var links = $all(".toc a[href^='#']");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    var headings = [];
    links.forEach(function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      var h = doc.getElementById(id);
      if (h) { byId[id] = a; headings.push(h); }
    });
    var visible = {};
    function activate() {
      var current = null;
      for (var i = 0; i < headings.length; i++) {
        if (visible[headings[i].id]) { current = headings[i].id; break; }
      }
      if (!current) {
        // Between headings: the last one above the viewport.
        for (var j = headings.length - 1; j >= 0; j--) {
          if (headings[j].getBoundingClientRect().top < 120) { current = headings[j].id; break; }
        }
      }
      links.forEach(function (a) { a.classList.remove("is-active"); });
      if (current && byId[current]) byId[current].classList.add("is-active");
    }
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      activate();
    }, { rootMargin: "-64px 0px -55% 0px", threshold: [0, 1] });
    headings.forEach(function (h) { io.observe(h); });
  }

  /* ---- copy-link buttons on headings with ids ---- */
  var live;
  function announce(text) {
    if (!live) {
      live = doc.createElement("div");
      live.className = "visually-hidden";
      live.setAttribute("aria-live", "polite");
      doc.body.appendChild(live);
    }
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 30);
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var ta = doc.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      doc.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      ta.remove();
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }
  function initHeadingLinks() {
    $all(".doc-body :is(h2,h3,h4,h5,h6)[id]").forEach(function (h) {
      var btn = doc.createElement("button");
      btn.type = "button";
      btn.className = "heading-link";
      btn.textContent = "#";
      btn.setAttribute("aria-label", "Copy link to section: " + h.textContent.trim());
      btn.addEventListener("click", function () {
        var url = location.href.split("#")[0] + "#" + encodeURIComponent(h.id);
        if (history.replaceState) history.replaceState(null, "", "#" + encodeURIComponent(h.id));
        copyText(url).then(function () {
          btn.classList.add("is-copied");
          btn.textContent = "✓";
          announce("Link copied");
          setTimeout(function () { btn.classList.remove("is-copied"); btn.textContent = "#"; }, 1500);
        }, function () { announce("Link in the address bar"); });
      });
      h.appendChild(btn);
    });
  }

  /* ---- tabs: stacked panels become a tab strip with roving tabindex ---- */
  var tabsSeq = 0;
  function initTabs() {
    $all(".tabs").forEach(function (tabs) {
      var panels = $all(":scope > .tab-panel", tabs);
      if (!panels.length) return;
      var n = ++tabsSeq;
      // The build draws the tab strip, hidden for readers without scripts:
      // it is shown as it is. A strip that does not match the panels (or
      // none) is drawn here.
      var list = tabs.querySelector(":scope > .tab-list");
      var buttons = list ? $all(":scope > [role=tab]", list) : [];
      if (list && buttons.length === panels.length) {
        list.hidden = false;
      } else {
        if (list) list.remove();
        list = doc.createElement("div");
        list.className = "tab-list";
        list.setAttribute("role", "tablist");
        buttons = panels.map(function (panel, i) {
          var titleEl = panel.querySelector(":scope > .tab-title");
          var title = panel.getAttribute("data-title") || (titleEl ? titleEl.textContent.trim() : "Tab " + (i + 1));
          if (!panel.id) panel.id = "tabs-" + n + "-panel-" + i;
          var b = doc.createElement("button");
          b.type = "button";
          b.id = "tabs-" + n + "-tab-" + i;
          b.setAttribute("role", "tab");
          b.setAttribute("aria-controls", panel.id);
          b.textContent = title;
          panel.setAttribute("role", "tabpanel");
          panel.setAttribute("aria-labelledby", b.id);
          list.appendChild(b);
          return b;
        });
        tabs.insertBefore(list, panels[0]);
      }
      panels.forEach(function (panel) { panel.tabIndex = 0; });
      function select(i, focus) {
        buttons.forEach(function (b, j) {
          var on = i === j;
          b.setAttribute("aria-selected", on ? "true" : "false");
          b.tabIndex = on ? 0 : -1;
          panels[j].hidden = !on;
        });
        if (focus) buttons[i].focus();
      }
      list.addEventListener("click", function (e) {
        var i = buttons.indexOf(e.target.closest("[role=tab]"));
        if (i >= 0) select(i, false);
      });
      list.addEventListener("keydown", function (e) {
        var i = buttons.indexOf(doc.activeElement);
        if (i < 0) return;
        var last = buttons.length - 1;
        var to = { ArrowRight: i === last ? 0 : i + 1, ArrowLeft: i === 0 ? last : i - 1, Home: 0, End: last }[e.key];
        if (to === undefined) return;
        e.preventDefault();
        select(to, true);
      });
      tabs.classList.add("is-enhanced");
      select(0, false);
    });
  }

  /* ---- term tooltips. A term link is a plain link to its term page (which
     holds the whole definition); the short definitions of the terms a book's
     pages link to come from assets/terms/<book>.js, loaded with
     <script defer src> (so it works from disk), which hands them to
     window.specsiteTermTips. Each link with a definition gets its tip, a
     role=tooltip element named by aria-describedby, shown by CSS on hover and
     keyboard focus; on touch the first tap shows the tip and the second
     follows the link; Escape dismisses. ---- */
  var tipSeq = 0;
  function addTermTips(tips) {
    var base = new URL(root.getAttribute("data-root") || "./", location.href).href;
    $all("a.term:not([aria-describedby])").forEach(function (a) {
      var url = a.href.split("#")[0];
      if (url.indexOf(base) !== 0) return;
      var text = tips[url.slice(base.length).replace(/(^|\/)index\.html$/, "$1")];
      if (!text) return;
      var tip = doc.createElement("span");
      tip.className = "term-tip";
      tip.id = "term-tip-" + (++tipSeq);
      tip.setAttribute("role", "tooltip");
      tip.textContent = text;
      a.setAttribute("aria-describedby", tip.id);
      var wrap = doc.createElement("span");
      wrap.className = "term-ref";
      a.replaceWith(wrap);
      wrap.appendChild(a);
      wrap.appendChild(tip);
    });
  }
  function initTerms() {
    // The book's tooltip script may have run before this one, or run later.
    var early = window.specsiteTermTips;
    window.specsiteTermTips = addTermTips;
    if (early && typeof early === "object") addTermTips(early);
    // Keep a tip inside the viewport.
    function place(term) {
      var tip = term.querySelector(".term-tip") || term.nextElementSibling;
      if (!tip || !tip.classList.contains("term-tip")) return;
      tip.style.left = "";
      requestAnimationFrame(function () {
        var r = tip.getBoundingClientRect();
        var over = r.right - (window.innerWidth - 8);
        if (r.width && over > 0) tip.style.left = -Math.min(over, Math.max(r.left - 8, 0)) + "px";
      });
    }
    ["mouseover", "focusin"].forEach(function (type) {
      doc.addEventListener(type, function (e) {
        var t = e.target.closest && e.target.closest("a.term");
        if (t) place(t);
      });
    });
    var lastPointer = "mouse";
    doc.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType; }, true);
    function closeAll(except) {
      $all(".term.tip-open").forEach(function (t) { if (t !== except) t.classList.remove("tip-open"); });
    }
    doc.addEventListener("click", function (e) {
      var term = e.target.closest && e.target.closest("a.term");
      if (!term) { closeAll(null); return; }
      if (lastPointer !== "touch" || !term.hasAttribute("aria-describedby")) return;
      if (!term.classList.contains("tip-open")) {
        e.preventDefault();
        closeAll(term);
        term.classList.add("tip-open");
        place(term);
      }
    });
    doc.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      var focused = doc.activeElement && doc.activeElement.closest && doc.activeElement.closest("a.term");
      if (focused) focused.classList.add("tip-dismissed");
      $all("a.term:hover").forEach(function (t) { t.classList.add("tip-dismissed"); });
      closeAll(null);
    });
    doc.addEventListener("focusout", function (e) {
      if (e.target.classList && e.target.classList.contains("term")) e.target.classList.remove("tip-dismissed");
    });
    doc.addEventListener("mouseout", function (e) {
      var t = e.target.closest && e.target.closest("a.term");
      if (t) t.classList.remove("tip-dismissed");
    });
  }

  /* ---- task-list checkboxes (GFM `- [x]`) are named by their item's text ---- */
  function initTaskLists() {
    $all("li > input[type=checkbox]").forEach(function (box) {
      if (box.id || box.hasAttribute("aria-label") || box.closest("label")) return;
      var item = box.parentElement.cloneNode(true);
      $all(".term-tip, ul, ol", item).forEach(function (n) { n.remove(); });
      var text = item.textContent.replace(/\s+/g, " ").trim();
      box.setAttribute("aria-label", text || "Task");
    });
  }

  /* ---- keyboard users must reach content that scrolls sideways ---- */
  function initScrollables() {
    // Wide tables scroll inside a wrapper instead of widening the page.
    $all(".doc-body table").forEach(function (t) {
      if (t.parentElement.classList.contains("table-wrap")) return;
      var wrap = doc.createElement("div");
      wrap.className = "table-wrap";
      t.replaceWith(wrap);
      wrap.appendChild(t);
    });
    function mark(within) {
      // Every width is read before any attribute is written: a write between
      // two reads would lay the whole page out again for each element.
      // Content of a closed <details> has no layout yet: measuring it would
      // make the browser lay out each such block on its own (seconds on an
      // API page with hundreds of folded schemas). It is measured when its
      // <details> opens.
      var els = $all(".doc-body pre, .doc-body .table-wrap", within).filter(function (el) {
        return !el.closest("details:not([open])");
      });
      var wide = els.map(function (el) { return el.scrollWidth > el.clientWidth + 1; });
      els.forEach(function (el, i) {
        var scrolls = wide[i];
        if (scrolls && !el.hasAttribute("tabindex")) {
          el.tabIndex = 0;
          el.setAttribute("role", el.tagName === "PRE" ? "group" : "region");
          el.setAttribute("aria-label", el.tagName === "PRE" ? "Code" : "Table");
          el.setAttribute("data-scroll-focus", "");
        } else if (!scrolls && el.hasAttribute("data-scroll-focus")) {
          ["tabindex", "role", "aria-label", "data-scroll-focus"].forEach(function (a) { el.removeAttribute(a); });
        }
      });
    }
    // Measuring lays the whole page out: done once it has loaded, so that a
    // long page is not held back from DOMContentLoaded by it.
    if (doc.readyState === "complete") mark();
    else window.addEventListener("load", function () { mark(); });
    // "toggle" does not bubble: listen in the capture phase.
    doc.addEventListener("toggle", function (e) {
      if (e.target.open && e.target.closest && e.target.closest(".doc-body")) mark(e.target);
    }, true);
    var timer;
    window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(function () { mark(); }, 150); });
  }

  /* ---- "/" focuses search; printing opens folded content ---- */
  function initKeys() {
    doc.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      var input = doc.getElementById("search-input");
      if (input) { e.preventDefault(); input.focus(); }
    });
    window.addEventListener("beforeprint", function () {
      $all(".doc-body details:not([open])").forEach(function (d) { d.setAttribute("open", ""); d.setAttribute("data-print-opened", ""); });
    });
    window.addEventListener("afterprint", function () {
      $all("details[data-print-opened]").forEach(function (d) { d.removeAttribute("open"); d.removeAttribute("data-print-opened"); });
    });
    $all("[data-focus-search]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () {
        var input = doc.getElementById("search-input");
        if (input) input.focus();
      });
    });
    // Dropdown <details> (version switcher) close on outside click and Escape.
    function closeMenus(except) {
      $all("details.version-switcher[open]").forEach(function (d) { if (d !== except) d.open = false; });
    }
    doc.addEventListener("click", function (e) { closeMenus(e.target.closest && e.target.closest("details.version-switcher")); });
    doc.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      var d = doc.activeElement && doc.activeElement.closest && doc.activeElement.closest("details.version-switcher[open]");
      closeMenus(null);
      if (d) d.querySelector("summary").focus();
    });
    var printBtn = doc.querySelector(".print-button");
    if (printBtn) {
      printBtn.hidden = false;
      printBtn.addEventListener("click", function () { window.print(); });
    }
  }

  function init() {
    initHeaderTools();
    initSearchLoader();
    initThemeToggle();
    initDrawer();
    initTabs();
    initHeadingLinks();
    initToc();
    initTerms();
    initTaskLists();
    initScrollables();
    initKeys();
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
