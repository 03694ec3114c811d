"""The report page's inline stylesheet and script (no external resources).

The script reads the page's data from ``<script type="application/json">`` and
builds the document and side-by-side views with ``textContent`` and
``setAttribute`` only, so no scraped text is ever parsed as HTML.
"""

__all__ = ["CSS", "JS", "LABEL_COLORS"]

LABEL_COLORS = {
    "main": "#2e7d32", "title": "#1565c0", "navigation": "#757575", "related": "#ef6c00",
    "comments": "#6a1b9a", "newsletter": "#ad1457", "caption": "#00838f", "author": "#6d4c41",
    "footer": "#455a64", "advertisement": "#c62828", "boilerplate": "#9e9e9e",
}

CSS = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212121;
       background: #f5f5f5; }
header { background: #263238; color: #fff; padding: 12px 24px; }
header h1 { margin: 0; font-size: 20px; } header .src { color: #b0bec5; font-size: 12px; word-break: break-all; }
section.card { background: #fff; margin: 16px 24px; padding: 12px 16px; border-radius: 6px;
               box-shadow: 0 1px 2px rgba(0,0,0,.15); }
h2 { font-size: 16px; margin: 0 0 8px; }
.counts { display: flex; flex-wrap: wrap; gap: 12px; }
.count { min-width: 110px; padding: 8px 12px; border-radius: 6px; background: #eceff1; }
.count b { display: block; font-size: 22px; } .count span { color: #546e7a; font-size: 12px; }
.identity { color: #546e7a; margin-top: 8px; } .bad { color: #c62828; font-weight: bold; }
.overview { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.hist text { font-size: 11px; fill: #37474f; } .hist rect { fill: #546e7a; }
.share { display: flex; height: 22px; border-radius: 4px; overflow: hidden; margin: 6px 0; }
.share div { height: 100%; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
.work { display: grid; grid-template-columns: 430px 1fr; gap: 16px; margin: 0 24px 24px; align-items: start; }
.work > section.card { margin: 0; min-width: 0; }
.pair > .col { min-width: 0; }
td, .dochead h3, .meta, .block { overflow-wrap: anywhere; }
#clusters { max-height: 1400px; overflow: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
td, th { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eceff1; vertical-align: top; }
tr.kept td { background: #e8f5e9; font-weight: 600; } tr.cluster-head td { padding-top: 10px; }
td.id { min-width: 90px; max-width: 170px; overflow-wrap: anywhere; } a { color: #1565c0; text-decoration: none; } a:hover { text-decoration: underline; }
.rel { font-size: 11px; padding: 1px 5px; border-radius: 8px; background: #eceff1; white-space: nowrap; }
#view .hint { color: #78909c; }
.dochead { margin-bottom: 8px; } .dochead h3 { margin: 0 0 4px; font-size: 16px; }
.meta { color: #546e7a; font-size: 12px; }
.block { position: relative; margin: 3px 0; padding: 4px 8px 4px 10px; border-left: 5px solid #9e9e9e;
         background: #fafafa; white-space: pre-wrap; word-wrap: break-word; }
.block .tag { display: inline-block; font-size: 10px; text-transform: uppercase; letter-spacing: .04em;
              color: #fff; background: #9e9e9e; border-radius: 3px; padding: 0 4px; margin-right: 6px; }
.block:not(.lab-main) { color: #616161; }
.block:hover::after { content: attr(data-reason); position: absolute; left: 40px; top: 100%; z-index: 5;
                      background: #263238; color: #fff; font-size: 12px; padding: 3px 6px; border-radius: 3px;
                      white-space: normal; max-width: 480px; }
.block[data-reason=""]:hover::after { display: none; }
.block.same { outline: 2px solid #66bb6a; } .block.differs { outline: 2px dashed #e53935; }
.block.chrome-only { outline: 2px dashed #ffa000; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.verdict { padding: 8px 10px; background: #e8f5e9; border-radius: 4px; margin-bottom: 8px; }
.marks { font-size: 12px; color: #546e7a; margin-bottom: 8px; }
.marks span { margin-right: 12px; }
.toggle { font-size: 12px; color: #546e7a; margin: 4px 0 8px; display: block; }
.main-only .block:not(.lab-main) { display: none; }
"""

JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var view = document.getElementById("view");

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined) return;
      if (k === "text") e.textContent = String(v); else e.setAttribute(k, String(v));
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  function labelClass(label) {
    return "lab-" + String(label || "none").toLowerCase().replace(/[^a-z0-9_-]/g, "");
  }
  function safeUrl(u) {
    try { var p = new URL(String(u)); return p.protocol === "http:" || p.protocol === "https:" ? p.href : null; }
    catch (e) { return null; }
  }
  function norm(t) { return String(t).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim(); }
  function num(x) { return x === null || x === undefined ? "-" : Number(x).toFixed(3); }
  function blocksOf(d) {
    if (d.blocks && d.blocks.length) return d.blocks;
    return d.text ? [[d.text, "main", "main text (the results have no blocks)"]] : [];
  }

  function header(d, i) {
    var url = safeUrl(d.url);
    var rel = d.duplicate_of === null || d.duplicate_of === undefined
      ? "kept" : d.relation + " of " + d.duplicate_of + " (Jaccard " + num(d.similarity) +
        ", containment " + num(d.containment) + ")";
    return el("div", {"class": "dochead"}, [
      el("h3", {text: d.title || d.id}),
      el("div", {"class": "meta"}, [el("a", {href: "#doc-" + i, text: "id " + d.id})]),
      url ? el("div", {"class": "meta"}, [el("a", {href: url, rel: "noopener noreferrer", target: "_blank",
                                                   text: d.url})])
          : (d.url ? el("div", {"class": "meta", text: d.url}) : null),
      d.source ? el("div", {"class": "meta", text: "source " + d.source}) : null,
      d.error ? el("div", {"class": "meta bad", text: "rejected: " + d.error})
              : el("div", {"class": "meta", text: "cluster " + d.cluster + " \u00b7 " + rel})
    ]);
  }
  function blockEl(b, mark) {
    var e = el("div", {"class": "block " + labelClass(b[1]) + (mark ? " " + mark : ""),
                       title: b[1] + (b[2] ? ": " + b[2] : ""), "data-reason": b[2] || ""});
    e.appendChild(el("span", {"class": "tag " + labelClass(b[1]), text: b[1]}));
    e.appendChild(document.createTextNode(b[0]));
    return e;
  }
  function legend(blocks) {
    var counts = {};
    blocks.forEach(function (b) { counts[b[1]] = (counts[b[1]] || 0) + 1; });
    return el("div", {"class": "legend"}, Object.keys(counts).map(function (k) {
      return el("span", {}, [el("i", {"class": labelClass(k)}), k + " " + counts[k]]);
    }));
  }

  function toggle() {
    var box = el("input", {type: "checkbox", id: "main-only"});
    box.addEventListener("change", function () { view.classList.toggle("main-only", box.checked); });
    view.classList.remove("main-only");
    return el("label", {"class": "toggle"}, [box, " show the main text only"]);
  }

  function showDoc(i) {
    var d = DATA.docs[i], blocks = blocksOf(d);
    view.replaceChildren(el("div", {id: "doc-view"}, [
      header(d, i), legend(blocks), toggle(), el("div", {"class": "blocks"}, blocks.map(function (b) { return blockEl(b); }))
    ]));
  }

  function showPair(i, j) {
    var a = DATA.docs[i], b = DATA.docs[j], ba = blocksOf(a), bb = blocksOf(b);
    function keys(blocks, main) {
      var s = new Set();
      blocks.forEach(function (x) { if ((x[1] === "main") === main) s.add(norm(x[0])); });
      return s;
    }
    var mainA = keys(ba, true), mainB = keys(bb, true), chromeA = keys(ba, false), chromeB = keys(bb, false);
    function column(d, idx, blocks, otherMain, otherChrome, tally) {
      return el("div", {"class": "col"}, [header(d, idx), el("div", {"class": "blocks"}, blocks.map(function (x) {
        var main = x[1] === "main", k = norm(x[0]);
        var mark = main ? (otherMain.has(k) ? "same" : "differs") : (otherChrome.has(k) ? null : "chrome-only");
        tally[mark || "shared-chrome"] = (tally[mark || "shared-chrome"] || 0) + 1;
        return blockEl(x, mark);
      }))]);
    }
    var ta = {}, tb = {};
    var colA = column(a, i, ba, mainB, chromeB, ta), colB = column(b, j, bb, mainA, chromeA, tb);
    var dup = a.duplicate_of !== null && a.duplicate_of !== undefined ? a : b;
    view.replaceChildren(el("div", {id: "pair-view"}, [
      el("div", {"class": "verdict", text: (dup.relation || "not marked as duplicates") + ": main-text Jaccard " +
        num(dup.similarity) + ", containment " + num(dup.containment) + ". Main paragraphs identical: " +
        (ta.same || 0) + " of " + ((ta.same || 0) + (ta.differs || 0)) + " (left), " + (tb.same || 0) + " of " +
        ((tb.same || 0) + (tb.differs || 0)) + " (right). Boilerplate blocks found on one side only: " +
        (ta["chrome-only"] || 0) + " (left), " + (tb["chrome-only"] || 0) + " (right)."}),
      el("div", {"class": "marks"}, [
        el("span", {"class": "block same", text: "main text on both sides"}),
        el("span", {"class": "block differs", text: "main text on this side only"}),
        el("span", {"class": "block chrome-only", text: "boilerplate on this side only"})]),
      toggle(),
      el("div", {"class": "pair"}, [colA, colB])
    ]));
  }

  function route() {
    var h = decodeURIComponent(location.hash.slice(1)), m;
    if ((m = /^doc-(\d+)$/.exec(h)) && DATA.docs[+m[1]]) showDoc(+m[1]);
    else if ((m = /^pair-(\d+)-(\d+)$/.exec(h)) && DATA.docs[+m[1]] && DATA.docs[+m[2]]) showPair(+m[1], +m[2]);
    else view.replaceChildren(el("p", {"class": "hint",
      text: "Pick a document (its blocks, highlighted by label) or \u201ccompare\u201d (a duplicate beside " +
            "its kept copy) in the list."}));
  }
  window.addEventListener("hashchange", route);
  route();
  document.body.setAttribute("data-ready", "1");
})();
"""
