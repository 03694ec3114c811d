"""The ``dedupe`` command: a thin click layer over the library.

Defaults come from :data:`dedupe.config.DEFAULTS`; domain errors become
``click.ClickException`` here, at the boundary.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time

import click

from .cluster import Deduplicator, similarity
from .config import DEFAULTS, ENGINES, FORMATS, KEEP_POLICIES, Config
from .document import OUTPUT_FIELDS
from .engine import clean_on_engine, clean_parallel
from .errors import DedupeError
from .index import open_existing
from .io import Meter, open_writer, read_inputs
from .io.progress import Progress
from .io.streams import input_size
from .io.writers import OUTPUT_FORMATS
from .native import kernels
from .pipeline import dedupe_documents
from .report.stats import RunStats, format_summary
from .shingle import shingle_hashes, tokens

D = DEFAULTS


def _common(f):
    options = [
        click.argument("inputs", nargs=-1, required=True),
        click.option("--format", "format_", type=click.Choice(FORMATS), default=D.format, show_default=True,
                     help="Input format; auto detects it from the extension (or, for stdin, the content)."),
        click.option("-o", "--output", default="-", show_default=True,
                     help="Output file: JSON Lines (compressed for *.gz, *.bz2, *.xz, *.zst), or Parquet for "
                          "*.parquet; - for stdout; a new or empty directory for --output-format txt."),
        click.option("--output-format", type=click.Choice(OUTPUT_FORMATS), default="auto", show_default=True,
                     help="Output format; auto takes it from the output's extension; txt writes one "
                          "<id>.txt per kept document (safe names) and manifest.jsonl into the directory."),
        click.option("--rejected", type=click.Path(dir_okay=False),
                     help="Write unreadable records here (with their error) instead of into the output."),
        click.option("--id-field", default=D.id_field, show_default=True, help="JSON Lines/Parquet: id field."),
        click.option("--text-field", default=D.text_field, show_default=True,
                     help="JSON Lines/Parquet: plain-text field."),
        click.option("--html-field", default=D.html_field, show_default=True,
                     help="JSON Lines/Parquet: HTML field (used when present)."),
        click.option("--url-field", default=D.url_field, show_default=True, help="JSON Lines/Parquet: URL field."),
        click.option("--workers", type=click.IntRange(0), default=D.workers, show_default=True,
                     help="Processes for cleaning (with --engine dask: local cluster workers); 0 for "
                          "one per CPU this process may use."),
        click.option("--engine", type=click.Choice(ENGINES), default=D.engine, show_default=True,
                     help="Where the job runs: local processes, or a Dask cluster (run: the whole job "
                          "unless --index is given, then cleaning only)."),
        click.option("--scheduler", default=None,
                     help="Dask scheduler address (tcp://host:port); default with --engine dask: "
                          "a local cluster of --workers processes."),
        click.option("--max-doc-bytes", type=click.IntRange(1), default=D.max_doc_bytes, show_default=True,
                     help="Size limit per document (decompressed bytes); a larger one is rejected."),
        click.option("--doc-timeout", type=float, default=D.doc_timeout, show_default=True,
                     help="Time budget per document for cleaning, in seconds; a slower one is rejected."),
        click.option("--max-blocks", type=click.IntRange(1), default=D.max_blocks, show_default=True,
                     help="Block limit per document (a page of a million <br> tags); a larger one is rejected."),
        click.option("--fail-share", type=float, default=D.fail_share, show_default=True,
                     help="Exit 1 when at least this share of the records is rejected (else 3 when any is)."),
        click.option("--no-blocks", is_flag=True, help="Leave the labelled blocks out of the output."),
        click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary on stderr."),
        click.option("-v", "--verbose", is_flag=True, help="Also list every rejected record on stderr."),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


EXIT_REJECTED = 3  # the run completed, its outputs are written, and some records were rejected
EXIT_TERMINATED = 128 + signal.SIGTERM


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="news-dedupe", message="%(prog)s %(version)s (native text kernels: "
                      + ("on" if kernels() is not None else "off: pure Python") + ")")
@click.pass_context
def main(ctx) -> None:
    """Separate scraped news from its boilerplate and find near-duplicate articles.

    INPUT is a file, a directory (read recursively: *.txt, *.html, *.htm,
    *.jsonl, *.ndjson, *.warc, *.wet, each also compressed: .gz, .bz2, .xz, .zst; and *.parquet)
    or - for stdin.

    Exit codes: 0 every record processed; 3 the run completed but some records
    were rejected; 1 a fatal error, or at least --fail-share of the records
    rejected; 2 a usage error; interrupted, with no output written: 1 on Ctrl-C
    ("Aborted!"), 143 on SIGTERM.
    """
    _terminate_like_interrupt(ctx)


def _terminate_like_interrupt(ctx) -> None:
    """While a command runs, SIGTERM unwinds it like Ctrl-C: the abort paths discard
    the temporary outputs and roll the index back; the process exits 143."""
    if threading.current_thread() is not threading.main_thread():
        return
    pid = os.getpid()

    def terminated(signum, frame):
        if os.getpid() != pid:  # a forked worker: just end
            os._exit(EXIT_TERMINATED)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one unwinding at a time
        click.echo("dedupe: terminated (SIGTERM); no output written", err=True)
        raise SystemExit(EXIT_TERMINATED)

    previous = signal.signal(signal.SIGTERM, terminated)
    ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def _config(**kw) -> Config:
    try:
        return D.replace(**{k: v for k, v in kw.items() if v is not None})
    except DedupeError as exc:
        raise click.BadParameter(str(exc)) from exc


class _Run:
    """One run's outputs, progress bar and statistics. Every document passes
    through :meth:`write`, so the summary accounts for all of them."""

    def __init__(self, inputs, output: str, output_format: str, rejected: str | None, quiet: bool, verbose: bool,
                 fail_share: float = D.fail_share):
        if rejected and rejected != "-" and output != "-":
            out, rej = os.path.realpath(output), os.path.realpath(rejected)
            if rej == out or rej.startswith(out + os.sep):  # one writer's rename would undo the other's
                raise click.UsageError(f"--rejected {rejected} is the output (-o {output}) or inside it: "
                                       "give it a path of its own")
        self.t0 = time.perf_counter()
        self.fail_share = fail_share
        self.where = rejected or (f"{output}/manifest.jsonl" if output_format == "txt" else
                                  "the output (records with an error field)")
        self.quiet, self.verbose = quiet, verbose
        self.read = 0
        show = not quiet and sys.stderr.isatty()
        self.meter = Meter((input_size(i for i in inputs if i != "-") or None) if show else None)
        self.progress = Progress(self.meter, enabled=show)
        self.stats = RunStats()
        self.replaced: set[str] = set()  # input fields that dedupe's own output fields replace
        self.out = open_writer(output, output_format)
        try:
            self.rej = open_writer(rejected) if rejected else None
        except BaseException:
            self.out.abort()
            raise

    def counted(self, docs):
        """The input documents, counted as they are read."""
        for d in docs:
            self.read += 1
            yield d

    def ticking(self, docs):
        """Cleaned documents, each moving the progress bar (cleaning is the costly
        step, and deduplication may hold documents back for a second pass)."""
        for d in docs:
            self.progress.update()
            yield d

    def write(self, doc, *, dedup: bool, blocks: bool, drop: bool = False) -> None:
        self.stats.add_doc(doc)
        if doc.meta and not OUTPUT_FIELDS.isdisjoint(doc.meta):
            self.replaced.update(OUTPUT_FIELDS.intersection(doc.meta))
        if not doc.ok:
            if self.verbose:
                self.progress.echo(f"dedupe: rejected {doc.source or doc.id}: {doc.error}")
            (self.rej or self.out).write(doc.to_record())
        elif not drop:
            self.out.write(doc.to_record(include_blocks=blocks, dedup=dedup))

    def finish(self, command: str, dedup: bool) -> None:
        self.progress.close()
        self.out.close()
        if self.rej:
            self.rej.close()
        if not self.quiet:
            click.echo(format_summary(self.stats, time.perf_counter() - self.t0, command=command, dedup=dedup),
                       err=True)
            if self.replaced:
                click.echo(f"dedupe {command}: input fields replaced by dedupe's own: "
                           f"{', '.join(sorted(self.replaced))} (rename them upstream to keep them)", err=True)
        if self.read != self.stats.docs_in or not self.stats.balanced:
            raise click.ClickException(f"accounting mismatch: {self.read} documents read, "
                                       f"{self.stats.docs_in} accounted for")
        self._exit_code(command)

    def _exit_code(self, command: str) -> None:
        """0 when nothing was rejected; 1 when at least ``fail_share`` was (the input is
        probably not what was meant); else 3. The outputs are written in every case."""
        s = self.stats
        if not s.rejected:
            return
        share = s.rejected / s.docs_in
        reasons = "; ".join(f"{k} ({v:,})" for k, v in s.errors.most_common(3))
        if share >= self.fail_share:
            raise click.ClickException(
                f"{s.rejected:,} of {s.docs_in:,} records rejected ({share:.0%}, at least --fail-share "
                f"{self.fail_share:g}): is the input what you meant? Most common reasons: {reasons}. "
                f"Rejected records are in {self.where}.")
        if not self.quiet:
            click.echo(f"dedupe {command}: {s.rejected:,} of {s.docs_in:,} records rejected, listed in "
                       f"{self.where} (exit code {EXIT_REJECTED})", err=True)
        click.get_current_context().exit(EXIT_REJECTED)

    def abort(self) -> None:
        self.progress.close()
        self.out.abort()
        if self.rej:
            self.rej.abort()


def _guard(fn):
    def wrapper(*a, **kw):
        try:
            return fn(*a, **kw)
        except DedupeError as exc:
            raise click.ClickException(str(exc)) from exc
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


_RENAMED = {"format_": "format", "template_stories": "template_min_stories"}  # option -> Config field


def _options_config(options: dict) -> Config:
    """The Config the command-line options describe (their names are Config fields)."""
    if options.get("workers") == 0:
        options = {**options, "workers": usable_cpus()}
    return _config(**{_RENAMED.get(k, k): v for k, v in options.items()})


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity: ``taskset``, a cpuset; not a CPU quota),
    else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@main.command()
@_common
@click.option("--explain", is_flag=True, help="Print each document's blocks with label and reason (to stderr).")
@_guard
def clean(inputs, output, output_format, rejected, scheduler, no_blocks, quiet, verbose, explain, **options):
    """Separate the main text from boilerplate (no deduplication)."""
    cfg = _options_config(options)
    run_ = _Run(inputs, output, output_format, rejected, quiet, verbose, cfg.fail_share)
    try:
        docs = run_.counted(read_inputs(inputs, config=cfg, meter=run_.meter, exclude=(output, rejected)))
        for doc in run_.ticking(clean_on_engine(docs, cfg, scheduler, keep_raw=False)):  # (never written)
            if explain and doc.ok:
                _explain_blocks(doc)
            run_.write(doc, dedup=False, blocks=not no_blocks)
    except BaseException:
        run_.abort()
        raise
    run_.finish("clean", dedup=False)


def _explain_blocks(doc) -> None:
    published = f"  published: {doc.published}" if doc.published else ""
    click.echo(f"== {doc.id}  title: {doc.title!r}{published}", err=True)
    for b in doc.blocks:
        mark = "+" if b.label == "main" else "-"
        click.echo(f"{mark} {b.label:<13} {b.reason[:40]:<40} | {b.text[:100]}", err=True)


@main.command()
@_common
@click.option("--keep", type=click.Choice(KEEP_POLICIES), default=D.keep, show_default=True,
              help="Which copy of a cluster is kept: first seen, longest main text, earliest date field.")
@click.option("--drop-duplicates/--keep-duplicates", default=False, show_default=True,
              help="Write only kept documents, or all documents marked.")
@click.option("--shingle-size", type=int, default=D.shingle_size, show_default=True, help="Words per shingle.")
@click.option("--num-perm", type=int, default=D.num_perm, show_default=True, help="MinHash permutations.")
@click.option("--lsh-threshold", type=float, default=D.lsh_threshold, show_default=True,
              help="Jaccard at which LSH finds candidates with >= 95% probability.")
@click.option("--bands", type=int, default=None, help="LSH bands (with --rows; else derived).")
@click.option("--rows", type=int, default=None, help="Rows per LSH band.")
@click.option("--jaccard-threshold", type=float, default=D.jaccard_threshold, show_default=True,
              help="Verified Jaccard at which two documents are near-duplicates.")
@click.option("--containment-threshold", type=float, default=D.containment_threshold, show_default=True,
              help="Share of the shorter text inside the longer one that marks an excerpt.")
@click.option("--index", "index_path", default=None,
              help="Persistent index reused across runs: a SQLite file, or redis://host:port/db (default: in memory).")
@click.option("--template-stories", type=click.IntRange(0), default=D.template_min_stories, show_default=True,
              help="A block seen in this many distinct stories of one site (URL host) is its template (two passes; "
                   "between them documents wait in a temporary file); 0 for one streaming pass.")
@_guard
def run(inputs, output, output_format, rejected, scheduler, no_blocks, quiet, verbose, drop_duplicates, index_path,
        **options):
    """Clean, then detect near-duplicate articles (the main job)."""
    cfg = _options_config(options)
    if verbose:
        b, r = cfg.band_rows
        click.echo(f"dedupe run: LSH {b} bands x {r} rows, Jaccard >= {cfg.jaccard_threshold}, "
                   f"containment >= {cfg.containment_threshold}, keep {cfg.keep}", err=True)
    # on Dask without a persistent index the whole job is distributed; else cleaning is,
    # and the decisions are made here, against the index
    distributed = cfg.engine == "dask" and index_path is None
    dd = None if distributed else Deduplicator(cfg, index=index_path)
    for run_id, n in getattr(dd and dd.index, "recovered", ()):
        click.echo(f"dedupe run: rolled back {n:,} documents that a killed run ({run_id}) had added "
                   "to the index", err=True)
    try:
        run_ = _Run(inputs, output, output_format, rejected, quiet, verbose, cfg.fail_share)
    except BaseException:
        if dd:
            dd.abort()
        raise
    try:
        docs = run_.counted(read_inputs(inputs, config=cfg, meter=run_.meter, exclude=(output, rejected)))
        if distributed:
            from .engine.dask import dedupe_dask

            annotated = run_.ticking(dedupe_dask(docs, cfg, scheduler=scheduler, keep_raw=False))
        else:
            # the template pass classifies most HTML pages again: their blocks are kept for it
            keep = cfg.template_min_stories > 0
            cleaned = run_.ticking(clean_on_engine(docs, cfg, scheduler, keep_segments=keep, keep_raw=keep))
            annotated = dedupe_documents(cleaned, cfg, deduplicator=dd, keep_raw=False)  # (never written)
        # with a template pass, the first document out comes once the whole input is read:
        # from then on the bar counts the documents of the second pass
        second_pass = not distributed and cfg.template_min_stories > 0
        for n, doc in enumerate(annotated):
            if second_pass:
                if n == 0:
                    run_.progress.second_pass(run_.read)
                run_.progress.update()
            run_.write(doc, dedup=True, blocks=not no_blocks,
                       drop=drop_duplicates and doc.duplicate_of is not None)
    except BaseException:
        run_.abort()
        if dd:
            dd.abort()  # a persistent index stays as it was before the run
        raise
    if dd:
        dd.close()
    run_.finish("run", dedup=True)


@main.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", default="report.html", show_default=True, help="The HTML page to write.")
@click.option("--max-clusters", type=click.IntRange(0), default=100, show_default=True,
              help="Clusters listed (largest first), each with all its members.")
@click.option("--max-docs", type=click.IntRange(0), default=50, show_default=True,
              help="Kept documents without duplicates and rejected records shown besides the clusters.")
@_guard
def report(results, output, max_clusters, max_docs):
    """Write a self-contained HTML report of a run's RESULTS (JSON Lines or
    Parquet output of `dedupe run`): overview, clusters, every document's
    labelled blocks and side-by-side duplicates."""
    from .report import write_report

    n = write_report(results, output, max_clusters=max_clusters, max_docs=max_docs)
    click.echo(f"dedupe report: {n} documents summarised, written to {output}", err=True)


@main.command()
@click.argument("doc_a", type=click.Path(exists=True, dir_okay=False))
@click.argument("doc_b", type=click.Path(exists=True, dir_okay=False))
@click.option("--shingle-size", type=int, default=D.shingle_size, show_default=True)
@click.option("--passages", type=int, default=3, show_default=True, help="Longest shared passages to show.")
@_guard
def explain(doc_a, doc_b, shingle_size, passages):
    """Show why two documents match or not: raw and main-text similarity,
    containment and the longest shared passages."""
    from difflib import SequenceMatcher

    docs = []
    for path in (doc_a, doc_b):
        d = next(clean_parallel(read_inputs([path]), D))
        if not d.ok:
            raise click.ClickException(f"{path}: {d.error}")
        docs.append(d)
    a, b = docs
    for name, ta, tb in (("raw text", a.raw, b.raw), ("main text", a.text, b.text)):
        wa, wb = tokens(ta), tokens(tb)
        j, ab, ba = similarity(shingle_hashes(wa, shingle_size), shingle_hashes(wb, shingle_size))
        click.echo(f"{name:<10} Jaccard {j:.3f}   A in B {ab:.3f}   B in A {ba:.3f}   "
                   f"({len(wa)} / {len(wb)} words)")
    # j, ab, ba and wa, wb now hold the main text's figures and tokens
    cfg = D.replace(shingle_size=shingle_size)
    verdict = ("near-duplicates" if j >= cfg.jaccard_threshold else
               "excerpt (containment)" if max(ab, ba) >= cfg.containment_threshold else "different articles")
    click.echo(f"verdict    {verdict} (Jaccard >= {cfg.jaccard_threshold} or containment >= "
               f"{cfg.containment_threshold} on main text)")
    sm = SequenceMatcher(None, wa, wb, autojunk=False)
    blocks = sorted(sm.get_matching_blocks(), key=lambda m: -m.size)[:passages]
    for m in blocks:
        if m.size < 4:
            continue
        click.echo(f"shared ({m.size} words): {' '.join(wa[m.a:m.a + m.size])[:300]}")


@main.group("index")
def index_group() -> None:
    """Look after a persistent index (a SQLite file or redis://host:port/db)."""


@index_group.command("stats")
@click.argument("index")
@_guard
def index_stats(index):
    """How many documents INDEX holds, its size and LSH parameters (JSON)."""
    idx = open_existing(index)
    try:
        click.echo(json.dumps(idx.stats(), indent=2))
    finally:
        idx.close()


@index_group.command("remove")
@click.argument("index")
@click.argument("ids", nargs=-1, required=True)
@_guard
def index_remove(index, ids):
    """Remove documents from INDEX by id (later runs no longer match them)."""
    from .index.sqlite import SQLiteIndex

    idx = open_existing(index)
    if isinstance(idx, SQLiteIndex):  # reopen for writing, in one transaction
        idx.close()
        p = idx.params
        idx = SQLiteIndex(index, bands=p["bands"], rows=p["rows"], num_perm=p["num_perm"], seed=p["seed"],
                          shingle_size=p["shingle_size"])
    try:
        counts = {i: idx.remove(i) for i in ids}
    except BaseException:
        idx.abort()
        raise
    idx.close()
    missing = [i for i, n in counts.items() if not n]
    click.echo(f"dedupe index: removed {sum(counts.values())} documents", err=True)
    if missing:
        raise click.ClickException(f"not in the index: {', '.join(missing)}")


@index_group.command("export")
@click.argument("index")
@click.option("-o", "--output", default="-", show_default=True, help="JSON Lines file, or - for stdout.")
@_guard
def index_export(index, output):
    """Write one JSON line per indexed document: id, number, exact-text hash, shingles."""
    idx = open_existing(index)
    try:
        with open_writer(output, "jsonl") as out:
            for rec in idx.export():
                out.write(rec)
    finally:
        idx.close()


if __name__ == "__main__":  # pragma: no cover
    main()
