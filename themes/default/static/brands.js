/* xianfeng default theme: brand gallery filters (/brands/).
   Loads every brand from the form's data-src (brands.json: {u,t,b,o,ty,r,y,g,d,c}),
   filters across all brands without a reload and keeps the state in the URL query
   (?org=…&type=…&region=…&year=…&tags=…&kw=…). Without JavaScript the page stays a
   paginated list with links to the term pages. No dependencies, no external requests. */
(function () {
  "use strict";
  var form = document.getElementById("brand-filters");
  var grid = document.getElementById("brand-grid");
  if (!form || !grid || !window.fetch || !window.URLSearchParams) return;

  var status = document.getElementById("brand-status");
  var pages = document.getElementById("brand-pages");
  var moreRow = document.getElementById("brand-more");
  var moreButton = moreRow ? moreRow.querySelector("button") : null;
  var FIELDS = ["org", "type", "region", "year", "tags", "kw"];
  var pageSize = parseInt(form.getAttribute("data-page-size"), 10) || 60;
  var originalGrid = Array.prototype.slice.call(grid.childNodes);
  var data = null;
  var matches = [];
  var shown = 0;
  var kwTimer = null;

  // The 筛选 panel: open beside the grid on wide screens, folded on phones.
  var panel = document.getElementById("brand-filter-panel");
  var chosen = document.getElementById("brand-filter-chosen");
  var wide = window.matchMedia ? window.matchMedia("(min-width: 48rem)") : null;
  form.hidden = false;
  if (panel) {
    panel.hidden = false;
    panel.open = !wide || wide.matches;
    if (wide && wide.addEventListener) wide.addEventListener("change", function () { panel.open = wide.matches; });
  }

  function control(name) { return form.elements.namedItem(name); }

  function fold(s) {
    return String(s == null ? "" : s).toLowerCase().replace(/[\uff01-\uff5e]/g, function (ch) {
      return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
    }).replace(/\u3000/g, " ").trim();
  }

  function readState() {
    var q = new URLSearchParams(window.location.search);
    var st = {};
    FIELDS.forEach(function (f) { var v = q.get(f); if (v) st[f] = v; });
    return st;
  }

  function formState() {
    var st = {};
    FIELDS.forEach(function (f) {
      var el = control(f);
      if (el && el.value && el.value.trim()) st[f] = el.value.trim();
    });
    return st;
  }

  function applyStateToForm(st) {
    FIELDS.forEach(function (f) {
      var el = control(f);
      if (!el) return;
      var v = st[f] || "";
      if (el.tagName === "SELECT" && v) {
        var found = false;
        for (var i = 0; i < el.options.length; i++) if (el.options[i].value === v) found = true;
        if (!found) { var o = document.createElement("option"); o.value = v; o.textContent = v; el.appendChild(o); }
      }
      el.value = v;
    });
  }

  function writeUrl(st) {
    var q = new URLSearchParams();
    FIELDS.forEach(function (f) { if (st[f]) q.set(f, st[f]); });
    var s = q.toString();
    var url = window.location.pathname + (s ? "?" + s : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", url);
    }
  }

  function isActive(st) { return FIELDS.some(function (f) { return !!st[f]; }); }

  function has(list, v) { return Array.isArray(list) ? list.indexOf(v) !== -1 : list === v; }

  function matchesState(b, st) {
    // The options are term keys; `k` carries a brand's keys where they differ from its values.
    var k = b.k || b;
    if (st.org && k.o !== st.org) return false;
    if (st.type && !has(k.ty, st.type)) return false;
    if (st.region && !has(k.r, st.region)) return false;
    if (st.year && String(b.y) !== st.year) return false;
    if (st.tags && !has(k.g, st.tags)) return false;
    if (st.kw) {
      var hay = fold([b.b, b.t, b.o, b.d, (b.r || []).join(""), (b.ty || []).join(" "), (b.g || []).join(" ")].join(" "));
      var words = fold(st.kw).split(/\s+/);
      for (var i = 0; i < words.length; i++) if (words[i] && hay.indexOf(words[i]) === -1) return false;
    }
    return true;
  }

  /* Same colour as the server-rendered placeholder (the tile_class filter): Tera's urlencode
     keeps "/" and encodes !'()*, which encodeURIComponent does the other way round. */
  function tileClass(name) {
    var hx = encodeURIComponent(name)
      .replace(/%2F/gi, "/")
      .replace(/[!'()*]/g, function (c) { return c.charCodeAt(0).toString(16).toUpperCase(); })
      .replace(/%/g, "");
    var part = function (s) { s = s.slice(0, 12); return /^[0-9A-Fa-f]+$/.test(s) ? parseInt(s, 16) : 0; };
    return "tile-" + ((part(hx) % 251 + part(hx.split("").reverse().join("")) % 241) % 8);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function card(b) {
    var art = el("article", "card");
    var cover = el("div", "card-cover");
    if (b.c) {
      var img = el("img");
      img.src = b.c; img.alt = b.b || ""; img.loading = "lazy"; img.decoding = "async";
      cover.appendChild(img);
    } else {
      var short = String(b.b || "").replace(/[“”「」"]/g, "").trim();
      var len = Array.from ? Array.from(short).length : short.length;
      var size = len <= 2 ? "tile-xl" : len === 3 ? "tile-l tile-l3" : len === 4 ? "tile-l" : len <= 8 ? "tile-m" : "tile-s";
      var tile = el("div", "tile " + tileClass(b.b || ""));
      tile.setAttribute("aria-hidden", "true");
      tile.appendChild(el("span", "tile-text " + size, short));
      cover.appendChild(tile);
    }
    art.appendChild(cover);
    var body = el("div", "card-body");
    var h = el("h2", "card-brand");
    var a = el("a", null, b.b);
    a.href = b.u;
    h.appendChild(a);
    body.appendChild(h);
    if (b.t) body.appendChild(el("p", "card-title", b.t));
    if (b.o) body.appendChild(el("p", "card-org", b.o));
    var meta = el("ul", "card-meta");
    if (b.ty && b.ty.length) meta.appendChild(el("li", null, b.ty.join("、")));
    if (b.r && b.r.length) meta.appendChild(el("li", null, b.r.join("")));
    if (b.y) meta.appendChild(el("li", null, b.y + "年"));
    body.appendChild(meta);
    if (b.d) body.appendChild(el("p", "card-desc", b.d));
    art.appendChild(body);
    return art;
  }

  function showMore() {
    var frag = document.createDocumentFragment();
    var end = Math.min(matches.length, shown + pageSize);
    for (var i = shown; i < end; i++) frag.appendChild(card(matches[i]));
    grid.appendChild(frag);
    shown = end;
    if (moreRow) moreRow.hidden = shown >= matches.length;
  }

  function setStatus(html) { if (status) status.innerHTML = html; }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function describe(st) {
    var labels = { org: "单位", type: "类型", region: "地区", year: "年度", tags: "主题", kw: "关键词" };
    return FIELDS.filter(function (f) { return st[f]; }).map(function (f) {
      return labels[f] + "：" + escapeHtml(st[f]);
    }).join("；");
  }

  /** The chosen filters on the folded 筛选 button, e.g. "（单位：珠海市公安局；年度：2022）". */
  function showChosen(st) {
    if (!chosen) return;
    var labels = { org: "单位", type: "类型", region: "地区", year: "年度", tags: "主题", kw: "关键词" };
    var parts = FIELDS.filter(function (f) { return st[f]; }).map(function (f) { return labels[f] + "：" + st[f]; });
    chosen.textContent = parts.length ? "（" + parts.join("；") + "）" : "";
  }

  function render() {
    var st = formState();
    writeUrl(st);
    showChosen(st);
    if (!isActive(st) || !data) {
      // Back to the server-rendered page of the plain list.
      grid.textContent = "";
      originalGrid.forEach(function (n) { grid.appendChild(n); });
      if (pages) pages.hidden = false;
      if (moreRow) moreRow.hidden = true;
      setStatus(data || !isActive(st) ? "" : "正在加载筛选数据……");
      grid.removeAttribute("aria-busy");
      return;
    }
    matches = data.filter(function (b) { return matchesState(b, st); });
    grid.textContent = "";
    shown = 0;
    if (pages) pages.hidden = true;
    if (matches.length) {
      setStatus("共筛选出 <strong>" + matches.length + "</strong> 个品牌（" + describe(st) + "）");
      showMore();
    } else {
      setStatus("没有符合条件的品牌（" + describe(st) + "）。请减少筛选条件。");
      if (moreRow) moreRow.hidden = true;
    }
    grid.removeAttribute("aria-busy");
  }

  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "kw") return;
    render();
  });
  form.addEventListener("input", function (e) {
    if (!e.target || e.target.name !== "kw") return;
    clearTimeout(kwTimer);
    kwTimer = setTimeout(render, 200);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); render(); });
  form.addEventListener("reset", function () { setTimeout(render, 0); });
  if (moreButton) moreButton.addEventListener("click", showMore);
  window.addEventListener("popstate", function () { applyStateToForm(readState()); render(); });

  var initial = readState();
  applyStateToForm(initial);
  if (isActive(initial)) { grid.setAttribute("aria-busy", "true"); setStatus("正在加载筛选数据……"); }

  fetch(form.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(function (json) {
      data = Array.isArray(json) ? json : (json && json.brands) || [];
      render();
    })
    .catch(function () {
      grid.removeAttribute("aria-busy");
      setStatus("筛选数据暂时无法加载，请使用页面下方的“分类浏览”。");
    });
})();
