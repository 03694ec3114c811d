"""The ``dedupe`` command: a thin click layer over the library.

Defaults come from :data:`dedupe.config.DEFAULTS`; domain errors become
``click.ClickException`` here, at the boundary.
"""
from __future__ import annotations

import sys
import time

import click

from .cluster import Deduplicator, similarity
from .config import DEFAULTS, FORMATS, KEEP_POLICIES, Config
from .engine import clean_parallel
from .errors import DedupeError
from .io import open_writer, read_inputs
from .shingle import shingle_hashes, tokens

D = DEFAULTS


def _common(f):
    f = click.option("--format", "format_", type=click.Choice(FORMATS), default=D.format, show_default=True,
                     help="Input format; auto detects it from the file extension.")(f)
    f = click.option("-o", "--output", default="-", show_default=True, help="Output JSON Lines file, - for stdout.")(f)
    f = click.option("--rejected", type=click.Path(dir_okay=False),
                     help="Write unreadable records here (with their error) instead of into the output.")(f)
    f = click.option("--workers", type=click.IntRange(1), default=D.workers, show_default=True,
                     help="Processes for cleaning.")(f)
    f = click.option("--no-blocks", is_flag=True, help="Leave the labelled blocks out of the output.")(f)
    f = click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")(f)
    f = click.argument("inputs", nargs=-1, required=True)(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="news-dedupe")
def main() -> None:
    """Separate scraped news from its boilerplate and find near-duplicate articles.

    INPUT is a file, a directory (read recursively: *.txt, *.html, *.htm, also
    .gz) or - for stdin.
    """


def _config(**kw) -> Config:
    try:
        return D.replace(**{k: v for k, v in kw.items() if v is not None})
    except DedupeError as exc:
        raise click.BadParameter(str(exc)) from exc


class _Outputs:
    """Main and rejected outputs, written atomically; counts every record."""

    def __init__(self, output: str, rejected: str | None):
        self.out = open_writer(output)
        self.rej = open_writer(rejected) if rejected else None
        self.rejected = 0

    def write(self, doc, *, dedup: bool, blocks: bool) -> None:
        if not doc.ok:
            self.rejected += 1
            click.echo(f"dedupe: rejected {doc.source or doc.id}: {doc.error}", err=True)
            (self.rej or self.out).write(doc.to_record())
            return
        self.out.write(doc.to_record(include_blocks=blocks, dedup=dedup))

    def close(self) -> None:
        self.out.close()
        if self.rej:
            self.rej.close()

    def abort(self) -> None:
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


@main.command()
@_common
@click.option("--explain", is_flag=True, help="Print each document's blocks with label and reason (to stdout).")
@_guard
def clean(inputs, output, format_, rejected, workers, no_blocks, quiet, explain):
    """Separate the main text from boilerplate (no deduplication)."""
    cfg = _config(format=format_, workers=workers)
    t0 = time.perf_counter()
    outs = _Outputs(output, rejected)
    n = 0
    try:
        for doc in clean_parallel(read_inputs(inputs, cfg.format), cfg):
            n += 1
            if explain and doc.ok:
                _explain_blocks(doc)
            outs.write(doc, dedup=False, blocks=not no_blocks)
    except BaseException:
        outs.abort()
        raise
    outs.close()
    if not quiet:
        click.echo(f"dedupe clean: {n} documents in, {n - outs.rejected} cleaned, {outs.rejected} rejected, "
                   f"{time.perf_counter() - t0:.2f}s", err=True)


def _explain_blocks(doc) -> None:
    click.echo(f"== {doc.id}  title: {doc.title!r}", err=True)
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
              help="Persistent SQLite index file, reused across runs (default: in memory).")
@_guard
def run(inputs, output, format_, rejected, workers, no_blocks, quiet, keep, drop_duplicates, shingle_size,
        num_perm, lsh_threshold, bands, rows, jaccard_threshold, containment_threshold, index_path):
    """Clean, then detect near-duplicate articles (the main job)."""
    cfg = _config(format=format_, workers=workers, keep=keep, shingle_size=shingle_size, num_perm=num_perm,
                  lsh_threshold=lsh_threshold, bands=bands, rows=rows, jaccard_threshold=jaccard_threshold,
                  containment_threshold=containment_threshold)
    t0 = time.perf_counter()
    dd = Deduplicator(cfg, index=index_path)
    outs = _Outputs(output, rejected)
    try:
        for doc in dd.process(clean_parallel(read_inputs(inputs, cfg.format), cfg)):
            if drop_duplicates and doc.ok and doc.duplicate_of is not None:
                continue
            outs.write(doc, dedup=True, blocks=not no_blocks)
    except BaseException:
        outs.abort()
        dd.close()
        raise
    outs.close()
    dd.close()
    c = dd.counts
    if not quiet:
        click.echo(f"dedupe run: {c['in']} documents in, {c['kept']} kept, {c['duplicates']} duplicates "
                   f"({c['exact']} exact, {c['near_duplicate']} near, {c['contained_in'] + c['contains']} "
                   f"containment), {c['rejected']} rejected, {time.perf_counter() - t0:.2f}s", err=True)


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
        j, ab, ba = similarity(shingle_hashes(ta, shingle_size), shingle_hashes(tb, shingle_size))
        click.echo(f"{name:<10} Jaccard {j:.3f}   A in B {ab:.3f}   B in A {ba:.3f}   "
                   f"({len(tokens(ta))} / {len(tokens(tb))} words)")
    cfg = D.replace(shingle_size=shingle_size)
    j, ab, ba = similarity(shingle_hashes(a.text, shingle_size), shingle_hashes(b.text, shingle_size))
    verdict = ("near-duplicates" if j >= cfg.jaccard_threshold else
               "excerpt (containment)" if max(ab, ba) >= cfg.containment_threshold else "different articles")
    click.echo(f"verdict    {verdict} (Jaccard >= {cfg.jaccard_threshold} or containment >= "
               f"{cfg.containment_threshold} on main text)")
    wa, wb = tokens(a.text), tokens(b.text)
    sm = SequenceMatcher(None, wa, wb, autojunk=False)
    blocks = sorted(sm.get_matching_blocks(), key=lambda m: -m.size)[:passages]
    for m in blocks:
        if m.size < 4:
            continue
        click.echo(f"shared ({m.size} words): {' '.join(wa[m.a:m.a + m.size])[:300]}")


if __name__ == "__main__":  # pragma: no cover
    main()
