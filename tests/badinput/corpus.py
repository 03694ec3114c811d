"""Generate the bad-input corpus into a directory, in every input format.

Nothing here is a committed blob: :func:`build` writes every entry as individual
files, JSON Lines records, WARC records and Parquet rows (stdin reads the JSON
Lines and WARC streams), and returns what each record must come out as. Big
entries are built by repetition (the gzip bombs from one compressed member
repeated), so the corpus takes a few seconds to write.

Used by ``tests/badinput/test_badinput.py`` and ``benchmarks/badinput.py``.
"""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import random
from dataclasses import dataclass, field
from pathlib import Path

from dedupe.config import DEFAULTS

__all__ = ["Entry", "Expect", "Corpus", "entries", "build", "warc_record", "MB"]

MB = 1 << 20

EN = ("The council voted on Monday to approve the new housing plan, which will add thousands of homes near the "
      "station over the next decade, officials said. Opponents warned that traffic would get worse.")
RU = ("Правительство утвердило новый план строительства жилья, который добавит тысячи домов возле станции в "
      "течение следующего десятилетия, заявили чиновники. Противники опасаются пробок.")
JA = ("市議会は月曜日、駅の近くに今後十年間で数千戸の住宅を追加する新しい住宅計画を承認したと当局者が述べた。"
      "反対派は交通渋滞が悪化すると懸念している。")
FR = ("Le conseil municipal a voté lundi le nouveau plan de logement, qui ajoutera des milliers de maisons près "
      "de la gare au cours de la prochaine décennie, ont déclaré les responsables à Köln.")


def _paras(para: str) -> list[str]:
    """Three different paragraphs from one (identical ones would look like teasers)."""
    cut = max(para.find(". "), para.find("。")) + 1
    a, b = para[:cut].strip(), para[cut:].strip()
    return [para, f"{b} {a}", f"{a} {b} {a}"]


def _text(para: str) -> str:
    return "Menu\n\n" + "\n\n".join(_paras(para))


def _html(para: str, charset: str | None = None, title: str = "News") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in _paras(para))
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>(c) 2024 News</footer></body></html>")


@dataclass(frozen=True)
class Expect:
    """What one record must come out as: ``ok`` with ``words`` in its main text, or
    ``rejected`` with ``reason`` in its error."""

    kind: str
    words: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Entry:
    """One bad (or awkward) input. ``jsonl`` says how it becomes a JSON Lines record:
    a codec name (a JSON object ``{"id", "html"|"text"}`` encoded in that codec) or
    ``raw`` (the bytes themselves are the line, as when a binary file is misnamed)."""

    name: str
    ext: str
    data: bytes
    expect: Expect
    jsonl: str = "raw"
    text: str | None = None
    http_charset: str | None = None

    @property
    def field(self) -> str:
        return "html" if self.ext == ".html" else "text"


def _ok(*words: str) -> Expect:
    return Expect("ok", words)


def _rejected(reason: str) -> Expect:
    return Expect("rejected", reason=reason)


def _coded(name: str, ext: str, text: str, codec: str, expect: Expect, **kw) -> Entry:
    return Entry(name, ext, text.encode(codec), expect, jsonl=codec, text=text, **kw)


def _big_html(size: int) -> bytes:
    unit = f"<p>{EN}</p>\n".encode()
    return b"<html><body>" + unit * (size // len(unit) + 1) + b"</body></html>"


def _nested(depth: int) -> str:
    return "<html><body>" + "".join(f"<p>{p}</p>" for p in _paras(EN)) + "<div>deep " * depth + \
        "bottom" + "</div>" * depth + "</body></html>"


def entries(scale: float = 1.0) -> list[Entry]:
    """The corpus entries; ``scale`` shrinks the big ones (1.0: 50 MB, 1M ``<br>``, depth 100,000)."""
    rng = random.Random(7)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4000)
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Length 300 >> stream\n" + rng.randbytes(3000) + b"\nendstream"
    noise = bytes(rng.choices(range(0x80, 0x100), k=3000))
    utf16 = _html(EN, title="UTF-16 page")
    br = "<html><body><p>" + EN + "</p>" + "line<br>" * int(1_000_000 * scale) + "</body></html>"
    return [
        Entry("png image", ".html", png, _rejected("binary content (PNG image)")),
        Entry("pdf document", ".html", pdf, _rejected("binary content (PDF document)")),
        Entry("invalid utf8", ".txt", noise, _rejected("undecodable")),
        _coded("cp1251 declared", ".html", _html(RU, "windows-1251"), "cp1251", _ok("Правительство", "пробок")),
        _coded("cp1251 undeclared", ".txt", _text(RU), "cp1251", _ok("Правительство", "пробок")),
        _coded("cp1251 http charset", ".html", _html(RU), "cp1251", _ok("Правительство"),
               http_charset="windows-1251"),
        _coded("shift_jis declared", ".html", _html(JA, "shift_jis"), "shift_jis", _ok("市議会は月曜日")),
        _coded("shift_jis undeclared", ".txt", _text(JA), "shift_jis", _ok("市議会は月曜日")),
        _coded("latin-1 declared", ".html", _html(FR, "iso-8859-1"), "latin-1", _ok("décennie", "Köln")),
        _coded("latin-1 undeclared", ".txt", _text(FR), "latin-1", _ok("décennie", "Köln")),
        _coded("utf-16 bom", ".html", utf16, "utf-16", _ok("thousands of homes")),
        _coded("empty", ".txt", "", "utf-8", _rejected("empty")),
        _coded("whitespace only", ".txt", " \n\t\r\n  \n", "utf-8", _rejected("empty")),
        Entry("nul bytes", ".txt", _text(EN).encode().replace(b"council", b"coun\x00cil"),
              _rejected("binary content (NUL bytes)"), jsonl="utf-8",
              text=_text(EN).replace("council", "coun\x00cil")),
        Entry("big 50MB", ".html", _big_html(int(50 * MB * scale)), _rejected("over the size limit"),
              jsonl="utf-8", text=None),
        _coded("br 1M", ".html", br, "utf-8", _rejected("over the block limit")),
        _coded("nested 100k", ".html", _nested(int(100_000 * scale)), "utf-8", _ok("thousands of homes")),
        _coded("unclosed tags", ".html", "<html><body><div><p>" + EN + "<p>" + EN + "<span><b>" + EN +
               "<table><tr><td>" + EN, "utf-8", _ok("thousands of homes")),
        _coded("odd name ü €$ 'q' (1) ;&|", ".txt", _text(EN), "utf-8", _ok("thousands of homes")),
        _coded("new\nline", ".txt", _text(EN), "utf-8", _ok("thousands of homes")),
        _coded("-leading dash", ".txt", _text(EN), "utf-8", _ok("thousands of homes")),
        _coded("..dots..", ".txt", _text(EN), "utf-8", _ok("thousands of homes")),
        _coded("back\\slash %2F", ".txt", _text(EN), "utf-8", _ok("thousands of homes")),
    ]


# ---------------------------------------------------------------- the formats

def warc_record(uri: str, rid: str, body: bytes, *, ctype: str = "text/html; charset=utf-8",
                status: str = "200 OK", wtype: str = "response") -> bytes:
    """One WARC/1.0 record holding an HTTP response (or request), written by hand."""
    if wtype == "request":
        block = f"GET / HTTP/1.1\r\nHost: {uri}\r\n\r\n".encode()
        msg = "request"
    else:
        block = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
        msg = "response"
    return _warc_head(uri, rid, msg, wtype, len(block)) + block + b"\r\n\r\n"


def _warc_head(uri: str, rid: str, msg: str, wtype: str, length: int) -> bytes:
    return (f"WARC/1.0\r\nWARC-Type: {wtype}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-01T12:00:00Z\r\n"
            f"Content-Type: application/http; msgtype={msg}\r\nContent-Length: {length}\r\n\r\n").encode()


def _bomb_members(total: int, chunk: int = 16 * MB, unit: bytes = b"a") -> tuple[bytes, int]:
    """gzip members that decompress to about ``total`` bytes (one member repeated)."""
    member = gzip.compress(unit * chunk, 9)
    n = max(1, total // chunk)
    return member * n, n * chunk


def _json_line(e: Entry) -> bytes:
    if e.jsonl == "raw":
        return e.data.replace(b"\n", b" ").replace(b"\r", b" ") + b"\n"
    text = e.text if e.text is not None else e.data.decode("utf-8")
    return json.dumps({"id": e.name, e.field: text}, ensure_ascii=False).encode(e.jsonl) + b"\n"


@dataclass
class Corpus:
    """Where each format was written and what every record in it must come out as.

    ``inputs[kind]`` is the list of CLI inputs for that input kind; ``expect[kind]``
    maps a record's key (``id``; ``url`` for WARC) to its :class:`Expect`;
    ``stdin[kind]`` holds bytes to pipe in for the stdin kinds, ``options[kind]``
    extra CLI options."""

    root: Path
    inputs: dict[str, list[str]] = field(default_factory=dict)
    expect: dict[str, dict[str, Expect]] = field(default_factory=dict)
    stdin: dict[str, bytes] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)

    def key(self, kind: str, rec: dict) -> str:
        return rec.get("url") if kind.endswith("warc") else rec["id"]


def _files(c: Corpus, es: list[Entry], bomb: int) -> None:
    d = c.root / "files"
    d.mkdir()
    exp = {}
    for e in es:
        (d / (e.name + e.ext)).write_bytes(e.data)
        exp[e.name] = e.expect
    members, _ = _bomb_members(bomb)
    (d / "gzip bomb.html.gz").write_bytes(members)
    exp["gzip bomb"] = _rejected("over the size limit")
    whole = gzip.compress(_text(EN).encode() * 50)
    (d / "truncated.html.gz").write_bytes(whole[:len(whole) // 2])
    exp["truncated"] = _rejected("broken gzip")
    c.inputs["files"], c.expect["files"] = [str(d)], exp


_BROKEN_LINES = [  # (id or None, line, reason)
    (None, b'{"id": "cut", "text": "unterminated', "invalid JSON"),
    (None, b"[1, 2, 3]", "expected an object"),
    (None, b"null", "expected an object"),
    ("wrong type", b'{"id": "wrong type", "text": 42}', "holds int, not a string"),
    ("wrong html type", b'{"id": "wrong html type", "html": ["<p>x</p>"]}', "holds list, not a string"),
    ("missing text", b'{"id": "missing text", "title": "no body"}', "missing text"),
    (None, b"[" * 100_000 + b"]" * 100_000, "unreadable line"),
]


def _jsonl(c: Corpus, es: list[Entry], bomb: int) -> None:
    p = c.root / "corpus.jsonl"
    exp = {}
    with open(p, "wb") as fh:
        n = 0
        for e in es:
            fh.write(_json_line(e))
            n += 1
            # a raw (binary) line has no id: its record is named by file:line
            # a raw (binary) line or one over the size limit is named by file:line (its id is unread);
            # the line breaks of raw bytes are gone, so magic numbers may be cut: "binary content" is enough
            if e.jsonl == "raw":
                exp[f"{p}:{n}"] = _rejected(e.expect.reason.split(" (")[0])
            else:
                exp[e.name if len(e.data) <= DEFAULTS.max_doc_bytes else f"{p}:{n}"] = e.expect
        for rid, line, reason in _BROKEN_LINES:
            fh.write(line + b"\n")
            n += 1
            exp[rid or f"{p}:{n}"] = _rejected(reason)
        # JSON escapes of lone surrogates (no character, not writable as UTF-8): read as U+FFFD
        fh.write(json.dumps({"id": "lone surrogate \ud800", "text": _text(EN) + " \udfff",
                             "tags": ["\ud83d", {"\udc00": 1}]}).encode() + b"\n")
        n += 1
        exp["lone surrogate \ufffd"] = _ok("thousands of homes")
    members, _ = _bomb_members(bomb)
    pb = c.root / "bomb.jsonl.gz"
    pb.write_bytes(gzip.compress(b'{"id": "bomb", "text": "') + members)
    exp[f"{pb}:1"] = _rejected("over the size limit")
    pt = c.root / "truncated.jsonl.gz"
    rng = random.Random(3)
    noise = " ".join("".join(rng.choices("abcdefghijklmnop", k=8)) for _ in range(20_000))
    data = gzip.compress((json.dumps({"id": "before the cut", "text": _text(EN)}) + "\n" +
                          json.dumps({"id": "cut off", "text": noise}) + "\n").encode())
    pt.write_bytes(data[:len(data) * 2 // 3])
    exp["before the cut"] = _ok("thousands of homes")
    exp[f"{pt}:2"] = _rejected("unreadable after line 1")
    c.inputs["jsonl"], c.expect["jsonl"] = [str(p), str(pb), str(pt)], exp
    c.options["stdin jsonl"] = ["--format", "jsonl"]  # its first line is binary: detection would say text
    c.stdin["stdin jsonl"], c.expect["stdin jsonl"] = p.read_bytes(), {
        (k.replace(str(p), "-") if k.startswith(str(p)) else k): v for k, v in exp.items()
        if not k.startswith((str(pb), str(pt))) and k != "before the cut"}


def _compressors() -> dict:
    """The compressed formats read besides gzip: kind -> (suffix, compress); zstd when its
    module is installed (Python 3.14's, or the backport: the ``zstd`` extra)."""
    out = {"bzip2": (".bz2", bz2.compress), "xz": (".xz", lzma.compress)}
    try:
        from backports import zstd
    except ImportError:
        try:
            from compression import zstd  # Python 3.14
        except ImportError:
            return out
    out["zstd"] = (".zst", zstd.compress)
    return out


def _compressed(c: Corpus) -> None:
    """A text file and a JSON Lines file in each of the other compressed formats, whole and
    cut short. These formats compress in blocks (bzip2: 900 KB, zstd: 128 KB) and a block
    cut short gives nothing back, so the record cut off spans more than a block."""
    rng = random.Random(5)
    noise = " ".join("".join(rng.choices("abcdefghijklmnop", k=8)) for _ in range(120_000))
    inputs, exp = [], {}
    for kind, (suffix, compress) in _compressors().items():
        whole = c.root / f"whole {kind}.txt{suffix}"
        whole.write_bytes(compress(_text(EN).encode()))
        exp[f"whole {kind}"] = _ok("thousands of homes")
        page = compress(_text(EN).encode() * 50)
        cut = c.root / f"truncated {kind}.html{suffix}"
        cut.write_bytes(page[:len(page) // 2])
        exp[f"truncated {kind}"] = _rejected(f"broken {kind} data")
        lines = c.root / f"truncated.jsonl{suffix}"
        data = compress((json.dumps({"id": f"before the {kind} cut", "text": _text(EN)}) + "\n" +
                         json.dumps({"id": f"{kind} cut off", "text": noise}) + "\n").encode())
        lines.write_bytes(data[:-100])
        exp[f"before the {kind} cut"] = _ok("thousands of homes")
        exp[f"{lines}:2"] = _rejected(f"broken {kind} data")
        inputs += [str(whole), str(cut), str(lines)]
    c.inputs["compressed"], c.expect["compressed"] = inputs, exp


def _warc(c: Corpus, es: list[Entry], bomb: int) -> None:
    p = c.root / "corpus.warc.gz"
    exp = {}
    with open(p, "wb") as fh:
        for i, e in enumerate(es):
            ctype = f"text/{'html' if e.ext == '.html' else 'plain'}"
            if e.http_charset:
                ctype += f"; charset={e.http_charset}"
            uri = f"https://bad.example/{i}"
            fh.write(gzip.compress(warc_record(uri, f"rec-{i}", e.data, ctype=ctype), 1))
            exp[uri] = e.expect
        members, size = _bomb_members(bomb)
        uri = "https://bad.example/bomb"
        head = _warc_head(uri, "bomb", "response", "response", 0)  # Content-Length set below
        http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {size}\r\n\r\n".encode()
        head = head.replace(b"Content-Length: 0\r\n", f"Content-Length: {len(http) + size}\r\n".encode())
        fh.write(gzip.compress(head + http) + members + gzip.compress(b"\r\n\r\n"))
        exp[uri] = _rejected("over the size limit")
    pt = c.root / "truncated.warc.gz"
    recs = [gzip.compress(warc_record(f"https://cut.example/{i}", f"cut-{i}", _html(EN).encode())) for i in range(2)]
    pt.write_bytes(recs[0] + recs[1][:len(recs[1]) // 2])
    exp["https://cut.example/0"] = _ok("thousands of homes")
    exp["https://cut.example/1"] = _rejected("truncated")
    c.inputs["warc"], c.expect["warc"] = [str(p), str(pt)], exp
    c.stdin["stdin warc"] = p.read_bytes()
    c.expect["stdin warc"] = {k: v for k, v in exp.items() if k.startswith("https://bad.example/")}


def _parquet(c: Corpus, es: list[Entry]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = c.root / "corpus.parquet"
    schema = pa.schema([("id", pa.string()), ("html", pa.binary()), ("text", pa.binary())])
    with pq.ParquetWriter(p, schema) as w:
        for e in es:  # a row group each, so a 50 MB row does not hold the others in memory
            w.write_table(pa.Table.from_pylist([{"id": e.name, e.field: e.data}], schema=schema))
    c.inputs["parquet"], c.expect["parquet"] = [str(p)], {e.name: e.expect for e in es}


def build(root: str | Path, *, scale: float = 1.0, bomb: int = 256 * MB) -> Corpus:
    """Write the corpus under ``root`` (a new or empty directory); ``bomb`` is the
    decompressed size of the gzip bombs (their files are a few hundred KB)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    c = Corpus(root)
    es = entries(scale)
    _files(c, es, bomb)
    _jsonl(c, es, bomb)
    _warc(c, es, bomb)
    _parquet(c, es)
    _compressed(c)
    return c
