"""Main-text extraction benchmark: dedupe against peer extractors (issue 3).

Scores each tool on the article-extraction benchmark data (181 news and blog
pages with hand-made article bodies) with the benchmark's own metric (see
``_metric.py``), in two modes:

* ``html``: the tool gets the page's raw HTML;
* ``text``: the tool gets ``text/<id>.txt``, a naive scrape of the page (one
  line per text node), which is what dedupe usually sees in production.

Usage::

    python benchmarks/extraction.py [DATA_DIR] [--tools dedupe,trafilatura] [--modes html,text]
                                    [--limit N] [--rounds N] [--json out.json] [--worst N]

DATA_DIR defaults to ``../shared/bench/article-extraction`` next to the repo.
Prints one table (tool, mode, P, R, F1, accuracy, pages/s) and a small one
with F1 on English and non-English pages (a stop-word test on the true body;
it is rough: a sports-score page counts as non-English, a Japanese page and an
Italian one full of ``amzn.to`` links as English). Peers are imported lazily: a tool
that is not installed gets a "not installed" row. A page on which a tool
raises counts as an empty output and is reported under the table. Only the
extraction call is timed (inputs are read into memory first, and each tool makes
one untimed call first), in one process; the tools take turns page by page, so
that the machine's speed changes fall on all of them alike, in ``--rounds`` timed
rounds (default 3): a tool's pages/s is its median round's. Outputs are scored
after the run, so that the scorer's own work does not sit between the timed calls.
"""
from __future__ import annotations

import argparse
import html
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _metric import PageScore, Summary, score_page, summarise, tokens  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "bench" / "article-extraction"
MODES = ("html", "text")
#: Input file of a page in each mode, relative to the data directory.
INPUT_PATH = {"html": "html/{}.html", "text": "text/{}.txt"}

#: Common English words that are rarely words of other languages (no "a", "in",
#: "do", ...). A page whose true body has fewer than ``ENGLISH_MIN_SHARE`` of
#: its tokens among them counts as non-English.
ENGLISH_STOPWORDS = frozenset("""
    the of and to that for it on was with be by at this are from or have has had not
    but were which his her their they he she we you its will would been more than
    about also who there when what can your our them after into said just some these if
""".split())
ENGLISH_MIN_SHARE = 0.05

#: Timed rounds over all pages; a tool's pages/s is its median round's (the machine's
#: speed drifts by 10-15% over a minute here: one round's rate is noisy).
DEFAULT_ROUNDS = 3

#: Line-filter baseline for text mode: keep lines with at least this many tokens.
LONG_LINE_TOKENS = 15

#: Elements whose text is not page text.
_NON_TEXT_TAGS = ("script", "style", "noscript", "template")
#: Elements that start a new line when an HTML fragment is flattened to text.
_BLOCK_TAGS = frozenset("""
    address article aside blockquote br dd div dl dt figcaption figure footer form
    h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul
""".split())

Extractor = Callable[[str], str]


# --------------------------------------------------------------------------- helpers

def html_to_text(markup: str) -> str:
    """Visible text of an HTML document or fragment, one line per block element."""
    import lxml.html

    root = lxml.html.fromstring(markup.encode("utf-8"),
                                parser=lxml.html.HTMLParser(encoding="utf-8"))
    for el in root.xpath("|".join(f"//{t}" for t in _NON_TEXT_TAGS)):
        el.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def lines_as_html(text: str) -> str:
    """Wrap each non-blank line of a scrape in ``<p>`` so HTML extractors can take it."""
    paras = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines() if line.strip())
    return f"<html><body>\n{paras}</body></html>"


def is_english(body: str) -> bool:
    """The stop-word test: enough of the text's tokens are common English words."""
    toks = tokens(body)
    hits = sum(t.lower() in ENGLISH_STOPWORDS for t in toks)
    return bool(toks) and hits / len(toks) >= ENGLISH_MIN_SHARE


# --------------------------------------------------------------------------- tools
# Each loader imports its tool (raising ImportError when it is missing) and
# returns the extraction function ``input string -> main text``.

def load_dedupe_html() -> Extractor:
    import dedupe
    return lambda page: dedupe.clean(page, format="html").text or ""


def load_dedupe_text() -> Extractor:
    import dedupe
    return lambda page: dedupe.clean(page, format="text").text or ""


def load_trafilatura() -> Extractor:
    import trafilatura
    return lambda page: trafilatura.extract(page) or ""


def load_trafilatura_precision() -> Extractor:
    import trafilatura
    return lambda page: trafilatura.extract(page, favor_precision=True) or ""


def load_readability() -> Extractor:
    from readability import Document
    return lambda page: html_to_text(Document(page).summary())


def _justext(markup: str) -> str:
    import justext
    paras = justext.justext(markup, justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paras if not p.is_boilerplate)


def load_justext_html() -> Extractor:
    import justext  # noqa: F401  (fail early when missing)
    return _justext


def load_justext_text() -> Extractor:
    import justext  # noqa: F401  (fail early when missing)
    return lambda page: _justext(lines_as_html(page))


def load_resiliparse() -> Extractor:
    from resiliparse.extract.html2text import extract_plain_text
    return lambda page: extract_plain_text(page, main_content=True)


def load_boilerpy3_html() -> Extractor:
    from boilerpy3 import extractors
    return extractors.ArticleExtractor().get_content


def load_boilerpy3_text() -> Extractor:
    from boilerpy3 import extractors
    get_content = extractors.ArticleExtractor().get_content
    return lambda page: get_content(lines_as_html(page))


def load_all_html() -> Extractor:
    import lxml.html  # noqa: F401  (fail early when missing)
    return html_to_text


def load_all_text() -> Extractor:
    return lambda page: page


def load_long_lines() -> Extractor:
    def long_lines(page: str) -> str:
        return "\n".join(line for line in page.splitlines() if len(tokens(line)) >= LONG_LINE_TOKENS)
    return long_lines


@dataclass(frozen=True)
class Tool:
    """One table row: ``key`` is what ``--tools`` selects, ``label`` what the table shows."""

    key: str
    label: str
    mode: str
    load: Callable[[], Extractor]


TOOLS = (
    Tool("dedupe", "dedupe", "html", load_dedupe_html),
    Tool("trafilatura", "trafilatura", "html", load_trafilatura),
    Tool("trafilatura", "trafilatura (precision)", "html", load_trafilatura_precision),
    Tool("readability", "readability-lxml", "html", load_readability),
    Tool("justext", "jusText", "html", load_justext_html),
    Tool("resiliparse", "resiliparse", "html", load_resiliparse),
    Tool("boilerpy3", "boilerpy3", "html", load_boilerpy3_html),
    Tool("all", "keep all text", "html", load_all_html),
    Tool("dedupe", "dedupe", "text", load_dedupe_text),
    Tool("all", "keep all text", "text", load_all_text),
    Tool("long-lines", f"lines >= {LONG_LINE_TOKENS} tokens", "text", load_long_lines),
    Tool("justext", "jusText (<p> lines)", "text", load_justext_text),
    Tool("boilerpy3", "boilerpy3 (<p> lines)", "text", load_boilerpy3_text),
)
TOOL_KEYS = tuple(dict.fromkeys(t.key for t in TOOLS))


# --------------------------------------------------------------------------- running

@dataclass
class Pages:
    """The benchmark data in memory: true bodies, page URLs and the inputs of each mode."""

    ids: list[str]
    truth: dict[str, str]
    urls: dict[str, str]
    english: dict[str, bool]
    inputs: dict[str, dict[str, str]]  # mode -> id -> input string

    @classmethod
    def load(cls, data_dir: Path, modes: list[str], limit: int | None) -> Pages:
        gt = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
        ids = sorted(gt)[:limit]
        truth = {i: gt[i]["articleBody"] for i in ids}
        inputs = {mode: {i: (data_dir / INPUT_PATH[mode].format(i)).read_text(encoding="utf-8")
                         for i in ids}
                  for mode in modes}
        urls = {i: gt[i].get("url", "") for i in ids}
        return cls(ids, truth, urls, {i: is_english(truth[i]) for i in ids}, inputs)

    def by_language(self) -> tuple[list[str], list[str]]:
        """The ids of the English pages and of the others."""
        return ([i for i in self.ids if self.english[i]],
                [i for i in self.ids if not self.english[i]])


@dataclass
class Result:
    """A tool's outcome: per-page scores, or ``status`` when it could not run at all."""

    tool: Tool
    status: str = "ok"
    pages: dict[str, PageScore] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # page id -> first error line
    round_seconds: list[float] = field(default_factory=list)  # the timed calls' total in each round

    def summary(self, ids: list[str] | None = None) -> Summary:
        """Scores over all pages, or over ``ids`` only."""
        return summarise(self.pages[i] for i in (ids if ids is not None else self.pages))

    @property
    def round_rates(self) -> list[float]:
        """Pages per second in each round."""
        return [len(self.pages) / s if s else float("inf") for s in self.round_seconds]

    @property
    def pages_per_s(self) -> float:
        """The median round's pages per second."""
        return statistics.median(self.round_rates) if self.round_seconds else float("inf")


def load_tool(tool: Tool) -> tuple[Result, Extractor | None]:
    """The tool's empty result and its extraction function (``None`` when it cannot run)."""
    try:
        return Result(tool), tool.load()
    except ImportError as exc:
        # a missing top-level package means "not installed"; anything else is a broken install
        missing = isinstance(exc, ModuleNotFoundError) and "." not in (exc.name or ".")
        return Result(tool, status=f"not installed ({exc.name})" if missing
                      else f"import failed: {exc}"), None


def run_tools(tools: list[Tool], pages: Pages, rounds: int = DEFAULT_ROUNDS) -> list[Result]:
    """Run every tool over every page ``rounds`` times, timing only the extraction calls.

    Each tool first makes one untimed call (on the first page): its one-off set-up
    (lazy imports, rule tables) is not a page's cost. The tools of a mode take turns
    page by page (starting with a different tool on each page), so that changes in the
    machine's speed during the run, which are large on a shared virtual machine, fall
    on every tool alike; a tool's rate is its median round's. The first round's outputs
    are scored, at the end: scoring a page between two timed calls would leave its
    allocations in the caches the next call starts with."""
    loaded = [load_tool(t) for t in tools]
    outputs: list[tuple[Result, str, str]] = []
    clock = time.perf_counter
    for mode in dict.fromkeys(t.mode for t in tools):
        runnable = [(r, f) for r, f in loaded if f is not None and r.tool.mode == mode]
        inputs = pages.inputs[mode]
        for _, extract in runnable:
            try:
                extract(next(iter(inputs.values())))
            except Exception:  # (the timed rounds record it)
                pass
        for rnd in range(rounds):
            seconds = {id(r): 0.0 for r, _ in runnable}
            for n, (pid, page) in enumerate(inputs.items()):
                for result, extract in runnable[n % len(runnable):] + runnable[:n % len(runnable)]:
                    start = clock()
                    try:
                        out = extract(page)
                    except Exception as exc:  # a crash on one page counts as an empty output
                        out = ""
                        result.errors[pid] = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}"
                    seconds[id(result)] += clock() - start
                    if rnd == 0:
                        outputs.append((result, pid, out))
            for result, _ in runnable:
                result.round_seconds.append(seconds[id(result)])
    for result, pid, out in outputs:
        result.pages[pid] = score_page(pages.truth[pid], out)
    return [r for r, _ in loaded]


# --------------------------------------------------------------------------- reporting

def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain fixed-width table; the first two columns left-aligned, the rest right-aligned."""
    full = [headers, *(r for r in rows if len(r) == len(headers))]
    widths = [max(len(r[i]) for r in (full if i >= 2 else [headers, *rows]))
              for i in range(len(headers))]

    def fmt(row: list[str]) -> str:
        if len(row) < len(headers):  # a status row: its message spans the score columns
            return f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}"
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    print(fmt(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))


def _rate(pages_per_s: float) -> str:
    """Pages/s with one decimal for slow tools, none for fast ones."""
    return f"{pages_per_s:.1f}" if pages_per_s < 100 else f"{pages_per_s:.0f}"


def report(results: list[Result], pages: Pages) -> None:
    """Print the main table, the English / non-English table and any per-page errors."""
    rows = []
    for res in results:
        if res.status != "ok":
            rows.append([res.tool.label, res.tool.mode, res.status])
            continue
        s = res.summary()
        rows.append([res.tool.label, res.tool.mode, f"{s.precision:.3f}", f"{s.recall:.3f}",
                     f"{s.f1:.3f}", f"{s.accuracy:.3f}", _rate(res.pages_per_s)])
    rounds = max((len(r.round_seconds) for r in results), default=0)
    print(f"Article extraction: {len(pages.ids)} pages; pages/s is the median of {rounds} timed round(s)")
    print_table(["tool", "mode", "P", "R", "F1", "accuracy", "pages/s"], rows)
    for res in results:
        if res.tool.key == "dedupe" and len(res.round_seconds) > 1:
            print(f"dedupe ({res.tool.mode}) pages/s in each round: "
                  + ", ".join(_rate(r) for r in res.round_rates))
    if any(r.tool.key == "dedupe" and r.status == "ok" for r in results):
        from dedupe.native import kernels
        print("dedupe's native text kernels: " + ("on" if kernels() is not None else
                                                  "off (pure Python: no C compiler at install, or DEDUPE_PURE_PYTHON)"))

    errored = [r for r in results if r.errors]
    if errored:
        print("\nPages on which a tool raised (scored as empty output):")
        for res in errored:
            first = next(iter(res.errors.values()))
            print(f"  {res.tool.label} ({res.tool.mode}): {len(res.errors)}, e.g. {first[:100]}")

    en, other = pages.by_language()
    rows = []
    for res in results:
        if res.status == "ok":
            rows.append([res.tool.label, res.tool.mode,
                         *(f"{res.summary(ids).f1:.3f}" if ids else "-" for ids in (en, other))])
    print(f"\nF1 by language (stop-word test on the true body: "
          f"{len(en)} English, {len(other)} non-English pages)")
    print_table(["tool", "mode", "F1 English", "F1 non-English"], rows)


def report_worst(results: list[Result], pages: Pages, n: int) -> None:
    """For each tool, the ``n`` pages with the lowest per-page F1 (id, P, R, URL)."""
    for res in results:
        if res.status != "ok":
            continue
        print(f"\nLowest per-page F1: {res.tool.label} ({res.tool.mode})")
        worst = sorted(res.pages.items(), key=lambda kv: (kv[1].f1, kv[0]))[:n]
        for pid, s in worst:
            empty = "  (empty output)" if s.tp + s.fp == 0 else ""
            print(f"  {pid}  P={s.precision:.3f}  R={s.recall:.3f}  F1={s.f1:.3f}  "
                  f"{pages.urls[pid]}{empty}")


def to_json(results: list[Result], pages: Pages, data_dir: Path) -> dict:
    """Everything the tables show, plus per-page precision and recall."""
    en, other = pages.by_language()
    rows = []
    for res in results:
        row = {"tool": res.tool.label, "mode": res.tool.mode, "status": res.status}
        if res.status == "ok":
            s = res.summary()
            row.update(
                precision=s.precision, recall=s.recall, f1=s.f1, accuracy=s.accuracy,
                pages_per_s=res.pages_per_s, round_pages_per_s=res.round_rates, errors=res.errors,
                f1_english=res.summary(en).f1 if en else None,
                f1_non_english=res.summary(other).f1 if other else None,
                per_page={i: {"precision": p.precision, "recall": p.recall}
                          for i, p in res.pages.items()},
            )
        rows.append(row)
    return {"data_dir": str(data_dir), "pages": len(pages.ids),
            "english_pages": len(en), "non_english_pages": len(other), "results": rows}


# --------------------------------------------------------------------------- CLI

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    def csv(allowed: tuple[str, ...]) -> Callable[[str], list[str]]:
        def parse(value: str) -> list[str]:
            items = [x.strip() for x in value.split(",") if x.strip()]
            bad = [x for x in items if x not in allowed]
            if bad:
                raise argparse.ArgumentTypeError(
                    f"unknown: {', '.join(bad)} (choose from {', '.join(allowed)})")
            return items
        return parse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR,
                    help="benchmark data (default: %(default)s)")
    ap.add_argument("--tools", type=csv(TOOL_KEYS), default=list(TOOL_KEYS),
                    help=f"comma-separated tools (default: all of {','.join(TOOL_KEYS)})")
    ap.add_argument("--modes", type=csv(MODES), default=list(MODES),
                    help="comma-separated input modes (default: html,text)")
    ap.add_argument("--limit", type=int, help="use only the first N pages (by id)")
    ap.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS,
                    help="timed rounds over all pages; pages/s is the median round's (default: %(default)s)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON")
    ap.add_argument("--worst", type=int, metavar="N",
                    help="also list each tool's N pages with the lowest per-page F1")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    data_dir = args.data_dir.resolve()
    if not (data_dir / "ground-truth.json").is_file():
        sys.exit(f"no ground-truth.json in {data_dir}")
    pages = Pages.load(data_dir, args.modes, args.limit)
    if args.rounds < 1:
        sys.exit("--rounds must be at least 1")
    results = run_tools([t for t in TOOLS if t.key in args.tools and t.mode in args.modes], pages, args.rounds)
    report(results, pages)
    if args.worst:
        report_worst(results, pages, args.worst)
    if args.json:
        args.json.write_text(json.dumps(to_json(results, pages, data_dir), indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
