"""The report as one self-contained HTML page.

Everything from the results is untrusted scraped content: it enters the page
only as ``html.escape``-d text or as JSON inside ``<script
type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u003c``
etc. A Content-Security-Policy allows only this page's own script (by hash)
and no network fetches at all.
"""
from __future__ import annotations

import base64
import hashlib
import math
import re
from html import escape

from ..io.writers import to_json
from .assets import CSS, JS, LABEL_COLORS
from .collect import ReportData

__all__ = ["render", "script_json"]


def e(value) -> str:
    """Escaped text for HTML content and attribute values."""
    return escape("" if value is None else str(value), quote=True)


def _cls(label: str) -> str:
    """The CSS class for a block label (the script derives the same one)."""
    return "lab-" + re.sub(r"[^a-z0-9_-]", "", str(label).lower())


def script_json(data) -> str:
    """JSON safe to place inside a ``<script>`` element: no ``<``, ``>`` or ``&`` survive."""
    text = to_json(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _label_css() -> str:
    return "\n".join(f".lab-{k} {{ border-left-color: {c}; }} .tag.lab-{k}, .legend i.lab-{k}, "
                     f".share .lab-{k} {{ background: {c}; }}" for k, c in LABEL_COLORS.items())


def _counts(data: ReportData) -> str:
    s = data.stats
    items = [("documents", s.docs_in), ("kept", s.kept), ("duplicates", s.duplicates), ("rejected", s.rejected),
             ("clusters with duplicates", len(s.dup_of))]
    items += [(k.replace("_", " "), v) for k, v in sorted(s.relations.items())]
    if s.no_text:
        items.append(("no article found (empty text)", s.no_text))
    repeated = s.repeated_ids
    if repeated:  # cluster and duplicate_of name ids: these are ambiguous
        items.append(("kept documents sharing an id", repeated))
    cells = "".join(f'<div class="count"><b>{v:,}</b><span>{e(k)}</span></div>' for k, v in items)
    ok = "" if s.balanced else ' <span class="bad">does not add up</span>'
    share = s.boilerplate_share
    share_txt = "n/a (no blocks in the results)" if share is None else f"{share:.1%}"
    return (f'<div class="counts" id="counts">{cells}</div>'
            f'<p class="identity">documents in = kept + duplicates + rejected: {s.docs_in:,} = {s.kept:,} + '
            f'{s.duplicates:,} + {s.rejected:,}{ok}. Boilerplate removed: {e(share_txt)} of text characters.</p>')


def _histogram(data: ReportData) -> str:
    """Clusters by size as an inline SVG bar chart (log scale, counts on the bars)."""
    buckets = data.stats.cluster_sizes()
    top = max((n for _, n in buckets), default=0)
    w, h, pad = 60, 150, 24
    bars = []
    for k, (label, n) in enumerate(buckets):
        bh = 0 if not n else max(2, round((h - 20) * math.log10(1 + n) / math.log10(1 + top)))
        x = k * w + 8
        bars.append(f'<rect x="{x}" y="{h - bh}" width="{w - 16}" height="{bh}"><title>{n:,} clusters of size '
                    f'{e(label)}</title></rect><text x="{x + (w - 16) / 2}" y="{h - bh - 4}" '
                    f'text-anchor="middle">{n:,}</text><text x="{x + (w - 16) / 2}" y="{h + 14}" '
                    f'text-anchor="middle">{e(label)}</text>')
    width = len(buckets) * w + 16
    return (f'<svg class="hist" id="histogram" width="{width}" height="{h + pad}" viewBox="0 0 {width} {h + pad}" '
            f'role="img" aria-label="clusters by size">{"".join(bars)}</svg>'
            f'<div class="meta">clusters by size (documents per cluster; log scale)</div>')


def _label_share(data: ReportData) -> str:
    chars = data.stats.label_chars
    total = sum(chars.values())
    if not total:
        return "<p class='meta'>No blocks in the results (run without --no-blocks to see them).</p>"
    parts = sorted(chars.items(), key=lambda kv: -kv[1])
    bar = "".join(f'<div class="{_cls(k)}" style="width:{100 * v / total:.2f}%" title="{e(k)} {100 * v / total:.1f}%">'
                  f'</div>' for k, v in parts)
    legend = "".join(f'<span><i class="{_cls(k)}"></i>{e(k)} {100 * v / total:.1f}%</span>' for k, v in parts)
    return f'<div class="share" id="label-share">{bar}</div><div class="legend">{legend}</div>'


def _doc_link(data: ReportData, i: int) -> str:
    d = data.docs[i]
    return f'<a href="#doc-{i}" title="{e(d.get("title"))}">{e(d["id"])}</a>'


def _cluster_rows(data: ReportData) -> str:
    rows = []
    for n, c in enumerate(data.clusters):
        size = len(c["members"]) + 1
        rows.append(f'<tr class="cluster-head"><td colspan="4"><b>cluster {n + 1}</b> · {size} documents</td></tr>')
        k = c["kept"]
        if k is None:
            rows.append(f'<tr class="kept"><td class="id">{e(c["kept_id"])}</td><td colspan="3">kept '
                        f'(not in this file: an earlier run\'s document)</td></tr>')
        else:
            rows.append(f'<tr class="kept"><td class="id">{_doc_link(data, k)}</td><td><span class="rel">kept'
                        f'</span></td><td colspan="2">{e(data.docs[k].get("title"))}</td></tr>')
        for m in c["members"]:
            d = data.docs[m]
            cmp_ = f'<a class="compare" href="#pair-{k}-{m}">compare</a>' if k is not None else ""
            rows.append(f'<tr class="member"><td class="id">{_doc_link(data, m)}</td><td><span class="rel">'
                        f'{e(d.get("relation"))}</span></td><td>J {_num(d.get("similarity"))} · C '
                        f'{_num(d.get("containment"))}</td><td>{cmp_}</td></tr>')
    return "".join(rows)


def _num(x) -> str:
    return "-" if x is None else f"{float(x):.3f}"


def _doc_list(data: ReportData, idx: list[int], what: str) -> str:
    if not idx:
        return ""
    rows = "".join(f'<tr><td class="id">{_doc_link(data, i)}</td><td>{e(data.docs[i].get("error") or data.docs[i].get("title"))}'
                   f'</td></tr>' for i in idx)
    return f"<h2>{e(what)}</h2><table>{rows}</table>"


def render(data: ReportData) -> str:
    """The whole page."""
    s = data.stats
    shown = len(data.clusters)
    more = f" (the {shown} largest of {len(s.dup_of):,})" if shown < len(s.dup_of) else ""
    payload = {"docs": data.docs}
    script_hash = base64.b64encode(hashlib.sha256(JS.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    clusters = (f"<table id='cluster-table'>{_cluster_rows(data)}</table>" if data.clusters
                else "<p class='meta'>No duplicates in these results.</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dedupe report</title>
<style>{CSS}{_label_css()}</style></head>
<body>
<header><h1>dedupe report</h1><div class="src">{e(data.path)}</div></header>
<section class="card" id="overview"><h2>Overview</h2>{_counts(data)}
<div class="overview"><div><h2>Clusters by size</h2>{_histogram(data)}</div>
<div><h2>Text characters by block label</h2>{_label_share(data)}</div></div></section>
<div class="work">
<section class="card" id="clusters"><h2>Clusters{e(more)}</h2>{clusters}
{_doc_list(data, data.singletons, "Kept documents without duplicates (first ones)")}
{_doc_list(data, data.rejected, "Rejected records (first ones)")}</section>
<section class="card" id="view"></section>
</div>
<script type="application/json" id="report-data">{script_json(payload)}</script>
<script>{JS}</script>
</body></html>
"""
