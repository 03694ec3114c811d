"""The HTML report: what it counts and lists, that it is self-contained and
escapes scraped content, and (in headless Chromium) that its script renders the
views and that no script from a page can run."""
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dedupe.report import collect, render, write_report
from dedupe.report.render import script_json

MARK = "document.body.appendChild(Object.assign(document.createElement('div'),{id:'xss-marker'}))"
PAYLOADS = [
    f"<script>document.title='pwned';{MARK}</script>",
    f'<img src=x onerror="document.title=\'pwned\';{MARK}">',
    f"</script><script>document.title='pwned';{MARK}</script>",
    "<!-- unterminated comment",
]
MAIN = ["The council voted on Monday to approve the new housing plan near the station.",
        "Officials said the first homes would be finished within three years."]


def blocks(chrome_top, chrome_bottom, main=MAIN):
    return ([{"text": t, "label": "navigation", "reason": "link list"} for t in chrome_top]
            + [{"text": t, "label": "main", "reason": "inside the article region"} for t in main]
            + [{"text": t, "label": "related", "reason": "after the end-of-article boundary"} for t in chrome_bottom])


def rec(id, dup=None, relation=None, sim=None, cont=None, **kw):
    r = {"id": id, "url": f"https://news.example/{id}", "source": f"in.jsonl:{id}", "title": f"Title {id}",
         "text": "\n\n".join(MAIN), "cluster": dup or id, "duplicate_of": dup, "similarity": sim,
         "containment": cont, "relation": relation, "blocks": blocks(["Home", "World"], ["More stories"])}
    r.update(kw)
    return r


EVIL_ID = PAYLOADS[1]


def results(tmp_path) -> Path:
    evil_blocks = ([{"text": p, "label": "main", "reason": p} for p in PAYLOADS]
                   + [{"text": "x", "label": '"><script>alert(1)</script>', "reason": "odd label"}])
    recs = [
        rec("k1"),
        rec("s1", text="A lone story.", blocks=blocks(["Menu"], [], ["A lone story about a lost cat."])),
        rec("d1", "k1", "near_duplicate", 0.93, 0.97,
            blocks=blocks(["Sport", "Weather", "Sign in"], ["Newsletter: subscribe now"])),
        rec("d2", "k1", "exact", 1.0, 1.0),
        rec(EVIL_ID, title=PAYLOADS[0], url="javascript:alert(document.domain)", blocks=evil_blocks,
            source=PAYLOADS[2]),
        rec("e2", EVIL_ID, "contained_in", 0.61, 1.0, blocks=evil_blocks[:2]),
        {"id": "bad", "source": "in.jsonl:9", "error": f"invalid JSON {PAYLOADS[0]}"},
    ]
    p = tmp_path / "results.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return p


def test_collect_counts_every_record_and_lists_clusters_largest_first(tmp_path):
    data = collect(results(tmp_path))
    s = data.stats
    assert (s.docs_in, s.kept, s.duplicates, s.rejected) == (7, 3, 3, 1) and s.balanced
    assert [c["kept_id"] for c in data.clusters] == ["k1", EVIL_ID]
    k1 = data.clusters[0]
    assert data.docs[k1["kept"]]["id"] == "k1" and [data.docs[m]["id"] for m in k1["members"]] == ["d1", "d2"]
    assert [data.docs[i]["id"] for i in data.singletons] == ["s1"]
    assert [data.docs[i]["id"] for i in data.rejected] == ["bad"]
    assert dict(s.cluster_sizes())["3"] == 1 and dict(s.cluster_sizes())["2"] == 1
    small = collect(results(tmp_path), max_clusters=1, max_docs=0)
    assert len(small.clusters) == 1 and not small.singletons and not small.rejected


def test_page_is_self_contained_and_escapes_everything(tmp_path):
    html = render(collect(results(tmp_path)))
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    tags = Tags()
    tags.feed(html)
    assert tags.names <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "div", "section",
                          "p", "span", "b", "i", "table", "tr", "td", "a", "svg", "rect", "text", "script"}
    assert not [a for a in tags.attrs if a[0].startswith("on") or a[0] in ("src", "srcset", "style") and
                a[1] and "url(" in a[1]]
    assert all(v.startswith("#") for k, v in tags.attrs if k == "href")
    assert len(re.findall(r"<script\b", html)) == 2 and html.count("</script>") == 2
    assert "pwned" not in html.split('<script type="application/json"')[0].replace("&#x27;pwned&#x27;", "")
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
    docs = json.loads(m.group(1))["docs"]
    assert any(d["id"] == EVIL_ID for d in docs)  # the data survives intact, only encoded
    assert all(c not in m.group(1) for c in "<>&")


class Tags(HTMLParser):
    """Every tag name and attribute of a page, as the browser's parser sees them."""

    def __init__(self):
        super().__init__()
        self.names, self.attrs = set(), []

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        self.attrs += [(k, v or "") for k, v in attrs]


def test_script_json_escapes_markup_characters():
    s = script_json({"t": "</script><b>&amp;\u2028"})
    assert "<" not in s and ">" not in s and "&" not in s and json.loads(s)["t"] == "</script><b>&amp;\u2028"


def test_report_reads_parquet_results(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    recs = [json.loads(x) for x in results(tmp_path).read_text().splitlines()]
    p = tmp_path / "results.parquet"
    pq.write_table(pa.Table.from_pylist(recs), p)
    out = tmp_path / "r.html"
    assert write_report(p, str(out)) == 7
    assert "near_duplicate" in out.read_text()


# ---------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (Debian package 'chromium'; .ci/run installs it)")


def chromium(tmp_path, url: str, *args: str) -> str:
    profile = tmp_path / "profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", *args, url]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


@pytest.fixture
def report(tmp_path):
    out = tmp_path / "report.html"
    write_report(results(tmp_path), str(out))
    data = collect(results(tmp_path))
    ids = {d["id"]: i for i, d in enumerate(data.docs)}
    return out, ids


@needs_chromium
def test_browser_control_page_does_run_the_payload(tmp_path):
    """The check below is meaningful: unescaped, the payloads do run."""
    page = tmp_path / "unsafe.html"
    page.write_text(f"<html><head><title>control</title></head><body>{PAYLOADS[1]}</body></html>")
    dom = chromium(tmp_path, page.as_uri(), "--dump-dom")
    assert 'id="xss-marker"' in dom and "<title>pwned</title>" in dom


@needs_chromium
def test_browser_renders_views_and_runs_no_scraped_script(tmp_path, report):
    out, ids = report
    views = {"": "Pick a document", f"#doc-{ids['k1']}": 'id="doc-view"',
             f"#pair-{ids['k1']}-{ids['d1']}": 'id="pair-view"', f"#doc-{ids[EVIL_ID]}": 'id="doc-view"',
             f"#pair-{ids[EVIL_ID]}-{ids['e2']}": 'id="pair-view"'}
    for frag, expect in views.items():
        dom = chromium(tmp_path, out.as_uri() + frag, "--dump-dom")
        assert 'data-ready="1"' in dom, frag  # the page's own script ran
        assert expect in dom, frag
        assert "<title>dedupe report</title>" in dom and 'id="xss-marker"' not in dom, frag
        assert 'href="javascript:' not in dom, frag
        assert 'id="histogram"' in dom and 'id="cluster-table"' in dom
    dom = chromium(tmp_path, out.as_uri() + f"#pair-{ids['k1']}-{ids['d1']}", "--dump-dom")
    assert re.search(r'class="block lab-main same"[^>]*data-reason="inside the article region"', dom)
    assert 'class="block lab-navigation chrome-only"' in dom  # the chrome differs
    assert "Main paragraphs identical: 2 of 2 (left), 2 of 2 (right)" in dom
    dom = chromium(tmp_path, out.as_uri() + f"#doc-{ids[EVIL_ID]}", "--dump-dom")
    assert "&lt;script&gt;document.title='pwned'" in dom  # shown as text


@needs_chromium
def test_browser_screenshot(tmp_path, report):
    out, ids = report
    png = tmp_path / "report.png"
    chromium(tmp_path, out.as_uri() + f"#pair-{ids['k1']}-{ids['d1']}", f"--screenshot={png}",
             "--window-size=1280,2000", "--hide-scrollbars")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_the_overview_counts_documents_with_no_article(tmp_path):
    p = tmp_path / "results.jsonl"
    recs = [rec("k1"), rec("n1", text="", blocks=blocks(["Home", "World"], [], main=[]))]
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    data = collect(p)
    assert data.stats.no_text == 1
    assert "<b>1</b><span>no article found (empty text)</span>" in render(data)
    assert "no article found" not in render(collect(results(tmp_path)))


def test_the_overview_counts_kept_documents_that_share_an_id(tmp_path):
    p = tmp_path / "results.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in [rec("k1"), rec("k1"), rec("k2")]))
    assert "<b>2</b><span>kept documents sharing an id</span>" in render(collect(p))
    assert "sharing an id" not in render(collect(results(tmp_path)))
