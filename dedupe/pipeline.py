"""Cleaning as a pipeline step, and the single gate that normalises input."""
from __future__ import annotations

from typing import Iterable, Iterator

from .boilerplate import classify
from .budget import Deadline, OverBudget
from .config import DEFAULTS, Config
from .document import Document
from .errors import ConfigError
from .segment import looks_like_html, page_from_json, page_to_json, segment_html, segment_text
from .spill import Spill, handed_on

__all__ = ["clean", "clean_document", "clean_documents", "to_document", "dedupe_documents"]


def to_document(x, *, id: str = "doc", format: str = "auto") -> Document:
    """The single gate for input: a :class:`Document`, a text/HTML string or bytes."""
    if isinstance(x, Document):
        return x
    if isinstance(x, bytes):  # decoded as files are: BOM, declared charset, UTF-8, detection
        from .io.decoding import decode

        try:
            x = decode(x)
        except ValueError as exc:
            raise ConfigError(f"input bytes cannot be read as text: {exc}") from exc
    if not isinstance(x, str):
        raise ConfigError(f"clean() takes a str, bytes or Document, not {type(x).__name__}")
    if format not in ("auto", "text", "html"):
        raise ConfigError(f"format must be auto, text or html, got {format!r}")
    fmt = format if format != "auto" else ("html" if looks_like_html(x) else "text")
    return Document(id=id, raw=x, format=fmt)


def clean_document(doc: Document, config: Config = DEFAULTS,
                   template: frozenset[int] | None = None, keep_segments: bool = False) -> Document:
    """Fill ``blocks``, ``text`` and ``title`` of one document in place (and return it).

    ``template`` holds the block keys known from corpus evidence to be this document's
    site template (:func:`dedupe.template.own_template`). With ``keep_segments`` an HTML page's blocks as
    segmented are kept in ``doc.segmented``; a document that has them is classified
    from them, and they are let go, instead of parsing its page again.

    A document over ``config.max_doc_bytes`` (characters here) or whose cleaning
    takes longer than ``config.doc_timeout`` seconds, or splits into more than
    ``config.max_blocks`` blocks, is rejected: its ``error``
    says which budget it exceeded, and it carries no blocks."""
    if not doc.ok or (doc.raw is None and doc.segmented is None):
        return doc
    if doc.raw is not None and len(doc.raw) > config.max_doc_bytes:
        doc.error = (f"over the size limit: {len(doc.raw):,} characters, more than {config.max_doc_bytes:,} "
                     "(max_doc_bytes; --max-doc-bytes)")
        return doc
    deadline = Deadline(config.doc_timeout, config.max_blocks)
    try:
        if doc.format == "html":
            if doc.segmented is not None:
                page, doc.segmented = page_from_json(doc.segmented), None
            else:
                page = segment_html(doc.raw, deadline)
                deadline.check(len(page.segments))  # (the loops check now and then; this is exact)
                if keep_segments:
                    doc.segmented = page_to_json(page)
            res = classify(page.segments, html=True, page_title=page.title, template=template, deadline=deadline)
            doc.published = page.published or res.published  # declared, else the dateline's
        else:
            segs = segment_text(doc.raw, deadline)
            deadline.check(len(segs))
            res = classify(segs, template=template, deadline=deadline)
            doc.published = res.published
    except OverBudget as exc:
        doc.error, doc.blocks, doc.text, doc.title, doc.published = str(exc), [], None, None, None
        doc.segmented = None
        return doc
    doc.blocks, doc.text, doc.title = res.blocks, res.text, res.title
    return doc


def clean(x, config: Config = DEFAULTS, *, format: str = "auto") -> Document:
    """Separate the main text of one article from its boilerplate.

    ``x`` is scraped text, HTML (``str``, or ``bytes`` decoded as files are: a byte-order
    mark, the declared charset, UTF-8, else a detected charset) or a :class:`Document`.
    Returns the document with ``text`` (paragraphs separated by blank lines),
    ``title`` and ``blocks`` (each with its ``label`` and ``reason``).

    >>> doc = clean("Menu\\nHome\\n\\nA long paragraph of article prose. " * 3)
    >>> doc.text  # doctest: +SKIP
    """
    return clean_document(to_document(x, format=format), config)


def clean_documents(docs: Iterable[Document], config: Config = DEFAULTS,
                    keep_segments: bool = False) -> Iterator[Document]:
    """Pipeline step: clean each document of a stream. A document that fails to
    clean carries ``error`` and flows on to the rejected output. ``keep_segments``:
    see :func:`clean_document` (for :func:`dedupe_documents`' template pass)."""
    for d in docs:
        if d.ok:
            _clean_safely(d, config, keep_segments=keep_segments)
        yield d


def _clean_safely(doc: Document, config: Config = DEFAULTS, template: frozenset[int] | None = None,
                 keep_segments: bool = False) -> Document:
    """:func:`clean_document`, with a failure recorded as the document's ``error``
    (one bad page must not stop a batch)."""
    try:
        clean_document(doc, config, template, keep_segments)
    except Exception as exc:
        doc.error = f"cleaning failed: {type(exc).__name__}: {exc}"
        doc.segmented = None
    return doc


def _without_raw(docs: Iterable[Document]) -> Iterator[Document]:
    for d in docs:
        d.raw = None
        yield d


def dedupe_documents(docs: Iterable[Document], config: Config = DEFAULTS, index: str | None = None,
                     deduplicator=None, keep_raw: bool = True) -> Iterator[Document]:
    """Cleaned documents in, annotated documents out, with corpus template evidence.

    With ``config.template_min_stories`` > 0 this makes two passes: a first
    deduplication groups copies of one story, blocks seen in that many distinct
    stories become template, documents holding template blocks are classified
    again, and the final deduplication runs on the improved main texts. Between
    the passes each document waits with its raw input, title, text and blocks
    (nearly all of its size) in an unlinked temporary file; they are put back,
    unchanged, as it goes on. HTML documents cleaned with ``keep_segments``
    (:func:`clean_documents`) are classified again from their kept blocks, with
    the same result as parsing their pages again, in a fraction of the time. Set
    ``template_min_stories=0`` for a single streaming pass. Without ``keep_raw`` the
    documents are handed on without their raw input (``raw`` is ``None``), and an HTML
    page with kept blocks is not written to the file at all.
    """
    from .cluster import Deduplicator
    from .template import TemplateEvidence, own_template

    dd = deduplicator or Deduplicator(config, index=index)
    if config.template_min_stories <= 0:
        # nothing cleans again: without keep_raw the input goes before the deduplicator
        # holds any document (keep longest/earliest hold them all)
        yield from dd.process(docs if keep_raw else _without_raw(docs))
        return
    with Spill() as spill:
        evidence = TemplateEvidence(config.template_min_stories)
        held = []
        first = Deduplicator(config.replace(keep="first"))
        # the second pass reuses the first pass's fingerprints of the texts that do not
        # change (kept in the file too), when it fingerprints the same way
        same = first._fp_args() == dd._fp_args()
        def hold(d: Document) -> Document:
            if not keep_raw and d.segmented is not None:  # cleaned again, if at all, from its blocks
                d.raw = None
            return spill.put_segmented(spill.put_raw(d))

        # the first pass streams: each document adds its evidence once its story is known
        firsts = (hold(d) for d in docs)
        for d in first.process(firsts, record=spill.put_fingerprint if same else None):
            if d.ok:
                evidence.add(d)
            held.append(spill.put_cleaned(d))
        template = evidence.template()

        def second_pass() -> Iterator[Document]:
            # documents holding template blocks are cleaned again, here (on a pool forked
            # here, the workers' copies of this process's pages counted twice: 594 -> 949 MB
            # for --workers 2 at 40,000 documents)
            for d in handed_on(held):
                spill.get_cleaned(d)
                own = own_template(d, template)
                if own:
                    spill.drop_fingerprint(d)  # a new text, fingerprinted again
                    d.segmented = spill.take_segmented(d)  # an HTML page's blocks, if kept
                    if d.segmented is None:
                        spill.get_raw(d)  # else it is cleaned from its input
                    _clean_safely(d, config, own)
                    spill.put_raw(d)  # the input back to the file until the document is handed on
                else:
                    spill.drop_segmented(d)
                yield d

        for d in dd.process(second_pass(), reuse=spill.take_fingerprint if same else None):
            yield spill.get_raw(d, release=True) if keep_raw else spill.drop_raw(d)
