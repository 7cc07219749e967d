/* specsite search: loads the sharded index written by src/search/browser.rs
 * through <script> tags only (works from file:// and over http).
 * Loaded on demand by specsite.js (or linked by a theme).
 * Page contract: <html data-root="../" data-search-manifest="search/manifest.<h>.js"
 * data-offline="0|1">, <form role="search"><input id="search-input" type="search">
 * <div id="search-results" role="listbox"></div></form>. No dependencies. */
(function () {
  "use strict";
  if (window.__specsiteSearch) return; // a theme may link it too
  var LIMIT = 10, STOP = " a an and are as at be by for from in is it of on or that the this to with ";
  var html = document.documentElement, root = html.dataset.root || "";
  var offline = html.dataset.offline === "1", manifestPath = html.dataset.searchManifest;
  var M = null, shards = {}, parts = {}, loading = {};

  // Registration API called by the index files.
  var api = window.__specsiteSearch = {
    manifest: function (m) { M = m; },
    shard: function (i, postings, names) { shards[i] = { p: postings, n: names }; },
    // Rows leave out what they share with the row before (src/search/browser.rs,
    // doc_rows): kind flag 8, a URL on the previous row's page; path 0, the
    // previous row's path; kind flag 4, the title as the path's last heading.
    docs: function (i, rows) {
      var page = "", path = "";
      parts[i] = rows.map(function (r) {
        var url = r[3], p = r[5];
        if (r[0] & 8) url = page + url; else page = url.split("#")[0];
        if (p === 0) p = path; else path = p;
        if (r[0] & 4) p = p ? p + " \u203a " + r[2] : r[2];
        return [r[0] & 3, r[1], r[2], url, r[4], p];
      });
    }
  };

  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = root + path;
        s.async = true;
        s.onload = function () { resolve(); };
        s.onerror = function () { delete loading[path]; reject(new Error("cannot load " + path)); };
        document.head.appendChild(s);
      });
    }
    return loading[path];
  }

  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "").toLowerCase();
  }
  function words(s) { return fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean); }
  // Mirrors text::light_stem in Rust.
  function stem(w) {
    var n = w.length;
    if (n <= 3 || /[^\x00-\x7f]/.test(w)) return w;
    if (n >= 5 && /ies$/.test(w)) return w.slice(0, -3) + "y";
    if (/(sses|xes|zes|ches|shes)$/.test(w)) return w.slice(0, -2);
    if (/s$/.test(w) && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
    return w;
  }
  function indexed(w) { return w.length >= 2 && w.length <= 32 && STOP.indexOf(" " + w + " ") < 0; }
  // Damerau-Levenshtein distance <= 1.
  function near(a, b) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (i === la || i === lb) return true;
    if (la === lb) return a.slice(i + 1) === b.slice(i + 1) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  function bounds() { return M._b || (M._b = M.s ? M.s.split(" ") : []); }
  // Shards hold runs of sorted keys: a key lives in shard "number of bounds
  // at most the key".
  function shardFor(key) {
    var b = bounds(), lo = 0, hi = b.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (b[mid] <= key) lo = mid + 1; else hi = mid; }
    return lo;
  }
  // The consecutive shards that hold the keys starting with prefix.
  function shardsUnder(prefix) {
    var out = [];
    for (var i = shardFor(prefix), z = shardFor(prefix + "\uffff"); i <= z; i++) out.push(i);
    return out;
  }
  // Doc-table parts hold runs of docs; M.p gives each part's count as one
  // base-36 digit. partOf(d) = [part, first doc of the part].
  function partOf(d) {
    if (!M._p) {
      M._p = [0];
      for (var i = 0; i < M.p.length; i++) M._p.push(M._p[i] + parseInt(M.p[i], 36));
    }
    var lo = 0, hi = M._p.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (M._p[mid] <= d) lo = mid; else hi = mid; }
    return [lo, M._p[lo]];
  }
  function loadShards(ids) {
    return Promise.all(ids.filter(function (i) { return i !== null; }).map(function (i) {
      return load("search/s" + i + "." + M.h + ".js");
    }));
  }

  // The query: words with their keys; the last one is a prefix while typed.
  // A one-character word counts beside others: ids index theirs (the 6 of DRS-6).
  function parse(q) {
    var all = words(q), open = !/\s$/.test(q);
    var ws = all.filter(function (w) {
      return indexed(w) || (w.length === 1 && all.length > 1 && STOP.indexOf(" " + w + " ") < 0);
    });
    return ws.map(function (w, i) {
      return { w: w, key: stem(w), prefix: open && i === ws.length - 1 && w.length >= 3 };
    });
  }
  function nameKey(q) { return words(q).map(stem).join(" "); }

  function neededShards(qs, nk) {
    var need = [];
    qs.forEach(function (q) {
      need.push(shardFor(q.key));
      if (q.prefix) {
        need.push(shardFor(q.w));
        var under = shardsUnder(q.w);
        if (under.length <= 4) need = need.concat(under);
      }
    });
    if (nk) need.push(shardFor(nk.split(" ")[0]));
    return need;
  }

  // Best match factor of index key k for query word q (0: none).
  function factor(q, k) {
    if (k === q.key || k === q.w) return 1;
    if (q.prefix && k.indexOf(q.w) === 0) return 0.7;
    if (q.w.length >= 4 && (near(k, q.key) || near(k, q.w))) return 0.5;
    return 0;
  }
  function scan(q, names) {
    var hits = {}, exact = false, fixed = null;
    names.forEach(function (n) {
      var s = n === null ? null : shards[n];
      if (!s) return;
      for (var k in s.p) {
        var f = factor(q, k);
        if (!f) continue;
        if (f === 1) exact = true;
        if (f === 0.5 && fixed === null) fixed = k;
        var p = s.p[k], doc = 0;
        for (var i = 0; i < p.length; i += 2) {
          doc += p[i];
          var v = p[i + 1] * f;
          if (!(hits[doc] >= v)) hits[doc] = v;
        }
      }
    });
    return { hits: hits, exact: exact, fixed: fixed };
  }

  function search(query) {
    var qs = parse(query), nk = nameKey(query);
    if (!qs.length && !nk) return Promise.resolve({ cards: [], docs: [] });
    return loadShards(neededShards(qs, nk)).then(function () {
      var per = qs.map(function (q) {
        return scan(q, [shardFor(q.key), q.prefix ? shardFor(q.w) : null].concat(q.prefix ? shardsUnder(q.w) : []));
      });
      // A word with no exact key may be a typo: look through its 3-letter siblings.
      var more = [];
      qs.forEach(function (q, i) {
        if (!per[i].exact && q.w.length >= 4) {
          var sib = shardsUnder(q.key.slice(0, 3));
          if (sib.length <= 3) more.push([i, sib]);
        }
      });
      return loadShards([].concat.apply([], more.map(function (m) { return m[1]; }))).then(function () {
        more.forEach(function (m) {
          var r = scan(qs[m[0]], m[1]);
          for (var d in per[m[0]].hits) if (!(r.hits[d] >= per[m[0]].hits[d])) r.hits[d] = per[m[0]].hits[d];
          per[m[0]] = r;
        });
        var score = {}, count = {};
        per.forEach(function (r) {
          for (var d in r.hits) { score[d] = (score[d] || 0) + r.hits[d]; count[d] = (count[d] || 0) + 1; }
        });
        var cardShard = nk && shards[shardFor(nk.split(" ")[0])];
        var cards = (cardShard && cardShard.n[nk]) || [];
        // One mistyped word that names a term: show that term's card.
        if (!cards.length && per.length === 1 && !per[0].exact && per[0].fixed) {
          var fixShard = shards[shardFor(per[0].fixed)];
          cards = (fixShard && fixShard.n && fixShard.n[per[0].fixed]) || [];
        }
        var ids = Object.keys(score).map(Number).filter(function (d) { return cards.indexOf(d) < 0; });
        ids.sort(function (a, b) { return (count[b] - count[a]) || (score[b] - score[a]) || (a - b); });
        cards = cards.slice(0, 2);
        return { cards: cards, docs: ids.slice(0, LIMIT - cards.length), qs: qs };
      });
    }).then(function (r) {
      var all = r.cards.concat(r.docs), need = {};
      all.forEach(function (d) { need[partOf(d)[0]] = 1; });
      return Promise.all(Object.keys(need).map(function (i) { return load("search/d" + i + "." + M.h + ".js"); }))
        .then(function () {
          var row = function (d) { var at = partOf(d), p = parts[at[0]]; return p && p[d - at[1]]; };
          return { cards: r.cards.map(row).filter(Boolean), docs: r.docs.map(row).filter(Boolean), qs: r.qs };
        });
    });
  }

  // Rendering. Every string from the index goes through esc() or mark().
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function mark(text, qs) {
    var out = "", last = 0, re = /[\p{L}\p{N}\p{M}]+/gu, m;
    while ((m = re.exec(text))) {
      var w = fold(m[0]), k = stem(w);
      if (qs.some(function (q) { return factor(q, k) || factor(q, w); })) {
        out += esc(text.slice(last, m.index)) + "<mark>" + esc(m[0]) + "</mark>";
        last = m.index + m[0].length;
      }
    }
    return out + esc(text.slice(last));
  }
  function href(url) {
    var i = url.indexOf("#"), path = i < 0 ? url : url.slice(0, i), frag = i < 0 ? "" : url.slice(i);
    if (offline && (path === "" || path.slice(-1) === "/")) path += "index.html";
    return root + path + frag;
  }
  function bookName(i) {
    var b = M.b[i];
    return b && b[0] ? (b[1] || b[0]) : "Glossary";
  }

  function init() {
    var input = document.getElementById("search-input"), box = document.getElementById("search-results");
    if (!input || !box || !manifestPath) return;
    var seq = 0, active = -1, timer = 0;
    var status = document.createElement("p");
    status.id = "search-status";
    status.className = "search-status";
    status.setAttribute("role", "status");
    box.parentNode.insertBefore(status, box.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", "search-results");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    if (!box.getAttribute("aria-label")) box.setAttribute("aria-label", "Search results");

    function options() { return box.querySelectorAll("[role=option]"); }
    function setActive(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      for (var j = 0; j < opts.length; j++) opts[j].setAttribute("aria-selected", j === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", opts[active].id);
      if (opts[active].scrollIntoView) opts[active].scrollIntoView({ block: "nearest" });
    }
    function close() {
      box.hidden = true;
      box.innerHTML = "";
      box.removeAttribute("data-query");
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function show(r, q) {
      var h = "", n = 0;
      r.cards.forEach(function (d) {
        h += '<a role="option" aria-selected="false" class="search-card" id="search-opt-' + (n++) + '" href="' +
          esc(href(d[3])) + '"><span class="search-card-label">Definition · ' + esc(bookName(d[1])) + "</span>" +
          '<strong class="search-title">' + esc(d[2]) + '</strong><span class="search-definition">' +
          esc(d[4]) + "</span></a>";
      });
      r.docs.forEach(function (d) {
        var where = (d[0] === 2 ? "Requirement · " : "") + bookName(d[1]) + (d[5] ? " › " + d[5] : "");
        h += '<a role="option" aria-selected="false" class="search-result' +
          (d[0] === 1 ? " search-term" : d[0] === 2 ? " search-requirement" : "") +
          '" id="search-opt-' + (n++) + '" href="' + esc(href(d[3])) + '"><span class="search-title">' +
          mark(d[2], r.qs) + '</span><span class="search-book">' + esc(where) + '</span><span class="search-snippet">' +
          mark(d[4], r.qs) + "</span></a>";
      });
      box.innerHTML = h;
      box.hidden = !n;
      active = -1;
      input.setAttribute("aria-expanded", n ? "true" : "false");
      status.textContent = n ? n + (n === 1 ? " result" : " results") : "No results";
      box.setAttribute("data-query", q);
    }
    function run() {
      var q = input.value, my = ++seq;
      if (q.trim().length < 2) { close(); status.textContent = ""; box.setAttribute("data-query", q); return; }
      var ready = M ? Promise.resolve() : load(manifestPath);
      ready.then(function () { return search(q); }).then(function (r) { if (my === seq) show(r, q); })
        .catch(function () { if (my === seq) { close(); status.textContent = "Search is unavailable"; } });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 60); });
    input.addEventListener("focus", function () { if (!M) load(manifestPath).catch(function () {}); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); setActive(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Enter") {
        var opts = options();
        e.preventDefault();
        if (opts.length) window.location.href = opts[Math.max(active, 0)].href;
      } else if (e.key === "Escape") {
        if (box.hidden) input.blur(); else close();
      }
    });
    input.form && input.form.addEventListener("submit", function (e) { e.preventDefault(); });
    document.addEventListener("keydown", function (e) {
      var t = e.target, tag = t && t.tagName;
      if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && tag !== "INPUT" && tag !== "TEXTAREA" &&
          tag !== "SELECT" && !(t && t.isContentEditable)) {
        e.preventDefault();
        input.focus();
      }
    });
    document.addEventListener("click", function (e) { if (!input.form || !input.form.contains(e.target)) close(); });
    // What the reader did before this script arrived still counts.
    if (document.activeElement === input && !M) load(manifestPath).catch(function () {});
    if (input.value) timer = setTimeout(run, 60);
  }
  api.query = function (q) { return (M ? Promise.resolve() : load(manifestPath)).then(function () { return search(q); }); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
