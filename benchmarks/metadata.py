"""Page metadata benchmark: does the ``title`` field hold the article's headline, and
does ``published`` (HTML) hold its publication date?

The article-extraction data has no true titles, so the reference is what the
publisher declares: the page's ``og:title`` meta tag (174 of the 181 pages have
one). A title counts as right when its ``\\w+`` tokens match the reference's with
a token F1 of 0.8 or more (a site name left on either side costs little). In
``text`` mode (the naive scrape) nothing of the page's metadata is left, so the
reference is independent of the input; in ``html`` mode dedupe reads
``og:title`` itself (as trafilatura does), so that row mostly checks that the
headline block and the declared one agree.

Dates: the benchmark has no true dates either. For the pages whose URL holds a
``/YYYY/MM/DD/`` date (an independent record of the day the story went up), the
``published`` date must fall within a day of it; the table also counts the pages
that get a date at all.

Usage::

    python benchmarks/metadata.py [DATA_DIR] [--worst N]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _metric import tokens  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "bench" / "article-extraction"
RIGHT = 0.8


def token_f1(got: str | None, ref: str) -> float:
    a, b = Counter(t.casefold() for t in tokens(got)), Counter(t.casefold() for t in tokens(ref))
    shared = sum((a & b).values())
    return 2 * shared / (sum(a.values()) + sum(b.values())) if shared else 0.0


def references(data_dir: Path) -> dict[str, str]:
    """Page id -> its ``og:title``."""
    from lxml import etree

    parser = etree.HTMLParser(encoding="utf-8")
    refs = {}
    for f in sorted((data_dir / "html").glob("*.html")):
        root = etree.fromstring(f.read_bytes(), parser)
        og = root.xpath('//meta[@property="og:title"]/@content') if root is not None else []
        if og and og[0].strip():
            refs[f.stem] = " ".join(og[0].split())
    return refs


def titlers():
    import dedupe

    yield "dedupe", "html", lambda page: dedupe.clean(page, format="html").title
    yield "dedupe", "text", lambda page: dedupe.clean(page, format="text").title
    try:
        from trafilatura import extract_metadata
    except ImportError:
        return
    def trafilatura_title(page: str) -> str | None:
        meta = extract_metadata(page)
        return meta.title if meta is not None else None

    yield "trafilatura", "html", trafilatura_title


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR)
    ap.add_argument("--worst", type=int, default=0, help="also list each row's N worst pages")
    args = ap.parse_args(argv)
    refs = references(args.data_dir)
    if not refs:
        sys.exit(f"no pages with og:title in {args.data_dir / 'html'}")
    inputs = {m: {k: (args.data_dir / m / f"{k}.{'html' if m == 'html' else 'txt'}").read_bytes().decode(
        "utf-8", "replace") for k in refs} for m in ("html", "text")}
    print(f"Titles against og:title: {len(refs)} pages; right = token F1 >= {RIGHT}")
    print(f"{'tool':12} {'mode':4} {'right':>6} {'share':>6} {'mean F1':>8} {'none':>5}")
    print("-" * 46)
    worst = []
    for tool, mode, title_of in titlers():
        got = {k: title_of(inputs[mode][k]) for k in refs}
        f1s = {k: token_f1(got[k], refs[k]) for k in refs}
        right = sum(v >= RIGHT for v in f1s.values())
        none = sum(not got[k] for k in refs)
        print(f"{tool:12} {mode:4} {right:>6} {right / len(refs):>6.3f} {sum(f1s.values()) / len(refs):>8.3f} "
              f"{none:>5}")
        worst += [(f"{tool} {mode}", f1s[k], k, got[k], refs[k]) for k in sorted(f1s, key=f1s.get)[:args.worst]]
    for row, f1, k, got, ref in worst:
        print(f"{row:16} {f1:.2f} {k[:8]} {str(got)[:60]!r} | {ref[:60]!r}")
    dates(args.data_dir)


_URL_DAY = re.compile(r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/")


def dates(data_dir: Path) -> None:
    """Publication dates against the day in the page's URL."""
    import dedupe

    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(f.stem for f in (data_dir / "html").glob("*.html"))
    url_day = {k: _URL_DAY.search(truth.get(k, {}).get("url", "")) for k in ids}
    tools = [("dedupe", "html", lambda page: dedupe.clean(page, format="html").published),
             ("dedupe", "text", lambda page: dedupe.clean(page, format="text").published)]
    try:
        from trafilatura import extract_metadata

        def trafilatura_date(page: str) -> str | None:
            meta = extract_metadata(page)
            return meta.date if meta is not None else None

        tools.append(("trafilatura", "html", trafilatura_date))
    except ImportError:
        pass
    print()
    print(f"Publication dates: {len(ids)} pages, {sum(1 for m in url_day.values() if m)} with a /YYYY/MM/DD/ URL")
    print(f"{'tool':12} {'mode':4} {'dated':>6} {'URL-dated':>10} {'agree':>6}")
    print("-" * 42)
    for tool, mode, date_of in tools:
        got = {k: date_of((data_dir / mode / f"{k}.{'html' if mode == 'html' else 'txt'}").read_bytes().decode(
            "utf-8", "replace")) for k in ids}
        checked = [k for k in ids if got[k] and url_day[k]]
        agree = 0
        for k in checked:
            m = url_day[k]
            try:
                agree += abs((date(int(m[1]), int(m[2]), int(m[3])) - date.fromisoformat(got[k][:10])).days) <= 1
            except ValueError:
                pass
        print(f"{tool:12} {mode:4} {sum(1 for v in got.values() if v):>6} {len(checked):>10} {agree:>6}")


if __name__ == "__main__":
    main()
