"""Readers and writers: JSON Lines, WARC (plain, gzip, truncated), Parquet, stdin, compressed input,
atomic output and bounded memory."""
import gzip
import io
import json
import os
import random
import sys
import tracemalloc
from datetime import datetime

import pytest

from dedupe import Config, Document
from dedupe.errors import DedupeError
from dedupe.io import (JsonlWriter, Meter, ParquetWriter, read_inputs, read_jsonl, read_parquet, read_warc,
                       write_jsonl, write_parquet)
from dedupe.io.inputs import sniff_format
from dedupe.io.progress import Progress
from dedupe.io.streams import decompressed
from dedupe.io.warc import decode_http, read_warc_stream

from .badinput.corpus import warc_record  # noqa: F401 (also used by test_cli_io)

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("fastwarc")

FRENCH = ("Le conseil municipal a voté lundi le nouveau plan de logement, qui ajoutera des milliers de maisons "
          "près de la gare, ont déclaré les responsables à Köln.")
NOISE = bytes(random.Random(1).choices(range(0x80, 0x100), k=200))  # no charset decodes this plausibly
PARA = ("The council voted on Monday to approve the new housing plan, which will add thousands of homes "
        "near the station over the next decade, officials said.")


# ---------------------------------------------------------------- WARC helpers

def page(title: str, body: str = PARA) -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p><p>{body}</p></body></html>"


def sample_records() -> list[bytes]:
    return [
        warc_record("https://a.example/1", "1111", page("Héllo wörld").encode("utf-8")),
        warc_record("https://a.example/req", "req1", b"", wtype="request"),
        warc_record("https://a.example/2", "2222", page("Grüße aus Köln").encode("latin-1"),
                    ctype="text/html; charset=iso-8859-1"),
        warc_record("https://a.example/logo.png", "img1", b"\x89PNG\r\n\x1a\n\x00\x00", ctype="image/png"),
        warc_record("https://a.example/gone", "gone1", b"<html>gone</html>", status="404 Not Found"),
        warc_record("https://a.example/3", "3333", page("Third").encode("utf-8")),
    ]


def write_warc(path, records, gz: bool) -> bytes:
    data = b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)
    path.write_bytes(data)
    return data


# ---------------------------------------------------------------- JSON Lines

def test_jsonl_fields_meta_and_rejected_lines(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_bytes(b"\n".join([
        json.dumps({"id": "a", "text": PARA, "url": "https://x/a", "lang": "en", "tags": ["x", 1]}).encode(),
        b"",
        b'{"id": "broken", "text": "unterminated',
        json.dumps({"id": "h", "html": page("T"), "text": "ignored when html is present"}).encode(),
        json.dumps({"id": "nt"}).encode(),
        json.dumps({"id": "num", "text": 42}).encode(),
        b"[1, 2]",
        ('{"id": "latin-1", "text": "%s"}' % FRENCH).encode("latin-1"),
        json.dumps({"text": PARA}).encode(),
        b'{"id": "noise", "text": "' + NOISE + b'"}',
    ]) + b"\n")
    docs = list(read_jsonl(p))
    by_source = {d.source.rsplit(":", 1)[1]: d for d in docs}
    assert len(docs) == 9  # the blank line is skipped
    a = by_source["1"]
    assert (a.id, a.url, a.format, a.raw) == ("a", "https://x/a", "text", PARA)
    assert a.meta == {"lang": "en", "tags": ["x", 1]}
    assert "invalid JSON" in by_source["3"].error and by_source["3"].id == f"{p}:3"
    assert by_source["4"].format == "html" and by_source["4"].raw.startswith("<html>")
    assert "missing text" in by_source["5"].error and by_source["5"].id == "nt"
    assert "holds int, not a string" in by_source["6"].error
    assert "expected an object" in by_source["7"].error
    assert by_source["8"].ok and by_source["8"].raw == FRENCH  # not UTF-8: the charset is detected
    assert by_source["9"].ok and by_source["9"].id == f"{p}:9"  # no id field: file:line
    assert "undecodable: invalid UTF-8" in by_source["10"].error  # random bytes: nothing plausible fits


def test_jsonl_custom_field_names_and_gzip(tmp_path):
    p = tmp_path / "in.jsonl.gz"
    with gzip.open(p, "wt") as fh:
        fh.write(json.dumps({"doc_id": 7, "body": PARA, "link": "https://x/7", "id": "kept-as-meta"}) + "\n")
    [d] = read_jsonl(p, id_field="doc_id", text_field="body", url_field="link")
    assert (d.id, d.url, d.raw) == ("7", "https://x/7", PARA)
    assert d.meta == {"id": "kept-as-meta"}
    assert d.to_record()["id"] == "7"  # the pass-through field does not override the output id


def test_jsonl_meta_reaches_the_output_record(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"id": "a", "text": PARA, "lang": "de", "score": 0.5}) + "\n")
    [d] = read_jsonl(p)
    rec = d.to_record()
    assert rec["lang"] == "de" and rec["score"] == 0.5 and rec["id"] == "a"


def test_jsonl_lone_surrogates_are_read_as_replacement_characters(tmp_path):
    """A JSON escape of a lone surrogate is valid JSON but no character, and cannot be written
    as UTF-8: it is read as U+FFFD (id, text and passed-through fields), as bad bytes are."""
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"id": "a\ud800", "text": PARA + " \udfff", "tags": ["\ud83d", "x"],
                             "nested": {"k\udc00": [1]}, "emoji": "\U0001f600"}) + "\n")  # (an escaped pair)
    [d] = read_jsonl(p)
    assert d.id == "a\ufffd" and d.raw.endswith(" \ufffd")
    assert d.meta["tags"] == ["\ufffd", "x"] and d.meta["nested"] == {"k\ufffd": [1]}
    assert d.meta["emoji"] == "\U0001f600"
    out = tmp_path / "out.parquet"
    write_parquet([d], str(out))  # (pyarrow refuses a lone surrogate)
    assert [r.id for r in read_parquet(out)] == ["a\ufffd"]


def test_writers_take_a_callers_lone_surrogates(tmp_path):
    """A caller's own strings may hold lone surrogates (no character, no UTF-8): JSON Lines
    writes their JSON escape, which reads back as the same string; Parquet and text files,
    which hold UTF-8, U+FFFD."""
    from dedupe.io.textdir import TextDirWriter
    from dedupe.io.writers import write_records

    def doc():
        return Document(id="x\udc00", text="half a pair: \ud83d")

    out = tmp_path / "out.jsonl"
    write_jsonl([doc()], str(out))
    raw = out.read_bytes()
    assert b"\\ud83d" in raw  # valid UTF-8 and JSON
    assert json.loads(raw)["text"] == "half a pair: \ud83d"
    pq = pytest.importorskip("pyarrow.parquet")
    write_parquet([doc()], str(tmp_path / "out.parquet"))
    [row] = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert row["id"] == "x\ufffd" and row["text"] == "half a pair: \ufffd"
    # a field of mixed types beside one holding a lone surrogate: JSON text once, not twice
    mixed = tmp_path / "mixed.parquet"
    write_parquet([{"id": "a", "m": 1, "s": "x\ud800"}, {"id": "b", "m": "y", "s": "z"}], str(mixed))
    assert [(r["m"], r["s"]) for r in pq.read_table(mixed).to_pylist()] == [("1", "x\ufffd"), ('"y"', "z")]
    write_records([doc()], TextDirWriter(str(tmp_path / "texts")))
    [entry] = [json.loads(x) for x in (tmp_path / "texts" / "manifest.jsonl").read_text().splitlines()]
    assert entry["id"] == "x\udc00"
    assert (tmp_path / "texts" / entry["file"]).read_text(encoding="utf-8") == "half a pair: \ufffd"


def test_jsonl_output_is_strict_json_without_nan_or_infinity(tmp_path):
    """Python writes NaN and Infinity, which JSON has not and jq, browsers or Spark refuse: such
    a pass-through value (a Parquet column, a JSON line of Python's own) is written as null."""
    import numpy as np

    out = tmp_path / "out.jsonl"
    doc = Document(id="x", text="t", meta={"score": float("nan"), "range": [1.0, float("inf")],
                                           "np": np.array([np.nan, 2.0]), "ok": 0.5})

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    write_jsonl([doc], str(out))
    rec = json.loads(out.read_text(), parse_constant=refuse)
    assert rec["score"] is None and rec["range"] == [1.0, None] and rec["np"] == [None, 2.0] and rec["ok"] == 0.5


# ---------------------------------------------------------------- WARC

@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_response_records_become_documents(tmp_path, gz):
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(p, sample_records(), gz)
    docs = list(read_warc(p))
    assert [d.id for d in docs] == ["<urn:uuid:1111>", "<urn:uuid:2222>", "<urn:uuid:3333>"]
    assert all(d.ok and d.format == "html" for d in docs)
    assert [d.url for d in docs] == ["https://a.example/1", "https://a.example/2", "https://a.example/3"]
    assert "Héllo wörld" in docs[0].raw
    assert "Grüße aus Köln" in docs[1].raw  # decoded by its HTTP charset
    assert docs[0].source == f"{p}:0" and docs[0].meta == {"warc_date": "2024-05-01T12:00:00Z"}


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_truncated_warc_yields_records_before_the_break_and_a_rejection(tmp_path, gz):
    recs = sample_records()
    full = write_warc(tmp_path / "full", recs, gz)
    p = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    p.write_bytes(full[:len(full) - 150])  # cut inside the last record
    docs = list(read_warc(p))
    assert [d.id for d in docs if d.ok] == ["<urn:uuid:1111>", "<urn:uuid:2222>"]
    [bad] = [d for d in docs if not d.ok]
    assert docs[-1] is bad and "truncated" in bad.error
    assert bad.source.startswith(str(p) + ":")


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_cut_anywhere_never_raises_and_keeps_every_whole_record(gz):
    recs = [warc_record(f"https://a/{i}", f"{i}{i}{i}", page(f"T{i}").encode()) for i in range(3)]
    parts = [gzip.compress(r) if gz else r for r in recs]
    data = b"".join(parts)
    ends = [sum(len(x) for x in parts[:k + 1]) for k in range(len(parts))]
    for cut in range(0, len(data) + 1, 3):
        docs = list(read_warc_stream(decompressed(io.BufferedReader(io.BytesIO(data[:cut]))), "x"))
        whole = sum(1 for e in ends if e <= cut)
        ok = [d for d in docs if d.ok]
        assert len(ok) >= whole, cut
        assert len(docs) - len(ok) <= 1 and all(d.ok for d in docs[:-1]), cut
        if cut not in ends and cut != 0 and (gz or not any(e - 4 <= cut <= e for e in ends)):
            assert not docs[-1].ok, cut  # a break inside a record is always reported


def test_not_a_warc_file_is_one_rejected_record(tmp_path):
    p = tmp_path / "junk.warc"
    p.write_bytes(b"this is not a WARC file at all\n" * 10)
    [d] = read_warc(p)
    assert not d.ok and "no readable WARC record" in d.error


def test_decode_http_charsets():
    assert decode_http("café".encode("cp1252"), "iso-8859-1") == "café"  # WHATWG: latin-1 means cp1252
    assert decode_http('<meta charset="utf-8">é'.encode(), None).endswith("é")
    assert decode_http(FRENCH.encode("latin-1"), "no-such-charset") == FRENCH  # unknown label: detected
    assert decode_http(FRENCH.encode("utf-8"), "iso-8859-5") != FRENCH  # a declared charset that fits wins
    assert decode_http(FRENCH.encode("utf-8") + b"\xff" + FRENCH.encode("utf-8"), None) == FRENCH + "\ufffd" + FRENCH
    with pytest.raises(ValueError, match="binary content \\(PNG image\\)"):
        decode_http(b"\x89PNG\r\n\x1a\n" + b"x" * 100, "utf-8")
    with pytest.raises(ValueError, match="empty"):
        decode_http(b"  ", "utf-8")


# ---------------------------------------------------------------- Parquet

def test_parquet_read_in_batches_with_fields_and_meta(tmp_path):
    p = tmp_path / "in.parquet"
    rows = [{"key": f"k{i}", "content": PARA if i != 3 else None, "lang": "en", "n": i,
             "ts": datetime(2024, 1, i + 1)} for i in range(5)]
    pq.write_table(pa.Table.from_pylist(rows), p, row_group_size=2)
    meter = Meter()
    docs = list(read_parquet(p, id_field="key", text_field="content", batch_size=2, meter=meter))
    assert [d.id for d in docs] == ["k0", "k1", "k2", "k3", "k4"]
    assert docs[0].meta == {"lang": "en", "n": 0, "ts": datetime(2024, 1, 1)}
    assert not docs[3].ok and docs[3].source == f"{p}:4" and "missing text" in docs[3].error
    assert meter.done == os.path.getsize(p)


def test_parquet_write_round_trip(tmp_path):
    d = Document(id="a", raw=PARA, text=PARA, title="T", url="https://x/a", meta={"lang": "en", "n": 3})
    d.cluster, d.similarity = "a", None
    from dedupe.document import Block
    d.blocks = [Block(PARA, "main", "prose"), Block("Menu", "navigation", "link list")]
    bad = Document(id="b", source="in.jsonl:2", error="invalid JSON", meta={"lang": "fr", "n": 4})
    out = tmp_path / "out.parquet"
    assert write_parquet([d, bad], str(out)) == 2
    rows = pq.read_table(out).to_pylist()
    assert rows[0]["blocks"][1] == {"text": "Menu", "label": "navigation", "reason": "link list"}
    assert rows[0]["lang"] == "en" and rows[0]["n"] == 3 and rows[0]["error"] is None
    assert rows[1]["error"] == "invalid JSON" and rows[1]["text"] is None
    assert [f.name for f in pq.read_schema(out)][:3] == ["id", "url", "source"]


def test_parquet_writer_refuses_a_field_that_appears_late(tmp_path):
    out = tmp_path / "out.parquet"
    out.write_bytes(b"previous")
    w = ParquetWriter(str(out), row_group=2)
    with pytest.raises(DedupeError, match="first appear after"):
        with w:
            for i in range(5):
                w.write({"id": str(i), **({"late": 1} if i == 4 else {})})
    assert out.read_bytes() == b"previous"
    assert sorted(os.listdir(tmp_path)) == ["out.parquet"]


def test_parquet_writes_a_field_of_mixed_types_as_json_text(tmp_path):
    """Pass-through fields of messy inputs: no one type in the first row group (or an integer
    too large for int64) -> JSON text; a type that changes later is a clear error, not a crash."""
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out.parquet"
    with ParquetWriter(str(out), row_group=3) as w:
        for i, v in enumerate([1, "x", [1, 2], None, 10 ** 30, {"a": "é"}]):
            w.write({"id": str(i), "mixed": v, "big": 10 ** 30 if i == 0 else None, "n": i,
                     "empty": {} if i < 3 else {"a": [{}]}})  # Parquet holds no struct without fields
    rows = pq.read_table(out).to_pylist()
    assert [r["mixed"] for r in rows] == ["1", '"x"', "[1, 2]", None, "1" + "0" * 30, '{"a": "é"}']
    assert rows[0]["big"] == "1" + "0" * 30 and [r["n"] for r in rows] == list(range(6))
    assert [r["empty"] for r in rows] == ["{}"] * 3 + ['{"a": [{}]}'] * 3
    late = tmp_path / "late.parquet"
    with pytest.raises(DedupeError, match="does not fit the schema"):
        with ParquetWriter(str(late), row_group=2) as w:
            for v in (1, 2, 10 ** 30):
                w.write({"id": "a", "n": v})
    assert not late.exists()


# ---------------------------------------------------------------- atomic output

def _docs_then_fail(n):
    for i in range(n):
        yield Document(id=str(i), raw=PARA, text=PARA)
    raise RuntimeError("disk on fire")


@pytest.mark.parametrize("name, write", [("out.jsonl", write_jsonl), ("out.parquet", write_parquet),
                                         ("out.jsonl.zst", write_jsonl)])
def test_a_failure_mid_write_leaves_no_partial_output_and_no_temp_file(tmp_path, name, write):
    out = tmp_path / name
    with pytest.raises(RuntimeError):
        write(_docs_then_fail(5000), str(out))
    assert os.listdir(tmp_path) == []
    out.write_text("old result")
    with pytest.raises(RuntimeError):
        write(_docs_then_fail(5000), str(out))
    assert out.read_text() == "old result" and os.listdir(tmp_path) == [name]


def test_jsonl_writer_commits_with_normal_permissions(tmp_path):
    out = tmp_path / "o.jsonl"
    with JsonlWriter(str(out)) as w:
        w.write({"id": "a", "when": datetime(2024, 1, 2), "raw": b"\x00\x01"})
    assert json.loads(out.read_text()) == {"id": "a", "when": "2024-01-02T00:00:00", "raw": "AAE="}
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_jsonl_output_is_compressed_by_its_suffix_and_reads_back(tmp_path, suffix):
    out = tmp_path / f"o.jsonl{suffix}"
    docs = [Document(id=f"d{i}", raw=PARA, text=f"{PARA} {i}") for i in range(50)]
    assert write_jsonl(docs, str(out)) == 50
    assert out.read_bytes()[:2] != b'{"'  # not plain JSON
    back = list(read_inputs([str(out)]))
    assert [(d.id, d.raw) for d in back] == [(f"d{i}", f"{PARA} {i}") for i in range(50)]
    assert os.listdir(tmp_path) == [out.name]


def test_gzip_output_is_the_same_bytes_for_the_same_records(tmp_path):
    docs = [Document(id="a", raw=PARA, text=PARA)]
    write_jsonl(docs, str(tmp_path / "1.jsonl.gz"))
    write_jsonl(docs, str(tmp_path / "2.jsonl.gz"))
    assert (tmp_path / "1.jsonl.gz").read_bytes() == (tmp_path / "2.jsonl.gz").read_bytes()


def wet_record(uri: str, rid: str, text: str, language: str | None = "eng") -> bytes:
    """A WARC/1.0 conversion record, as in Common Crawl's WET files."""
    body = text.encode("utf-8")
    lang = f"WARC-Identified-Content-Language: {language}\r\n" if language else ""
    head = (f"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-01T12:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{rid}>\r\n{lang}Content-Type: text/plain\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body + b"\r\n\r\n"


def test_wet_conversion_records_are_text_documents(tmp_path):
    """Common Crawl's WET files (*.warc.wet.gz) hold each page's extracted text as a
    conversion record: a text document, with the language the record names."""
    info = (b"WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:info>\r\n"
            b"Content-Type: application/warc-fields\r\nContent-Length: 9\r\n\r\nisPartOf:\r\n\r\n")
    second = "Opponents of the plan said the new homes would bring more traffic to the narrow streets around it."
    scrape = f"Home\nNews\nSport\n\n{PARA}\n\n{second}\n\nShare this\n"
    recs = [info, wet_record("https://a.example/1", "w1", scrape), wet_record("https://b.example/2", "w2", "  \n", None),
            wet_record("https://c.example/3", "w3", FRENCH + "\n" + FRENCH, "fra")]
    d = tmp_path / "crawl"
    d.mkdir()
    (d / "CC-MAIN-1.warc.wet.gz").write_bytes(b"".join(gzip.compress(r) for r in recs))
    docs = list(read_inputs([str(d)]))
    assert [(x.id, x.format, x.url, x.meta.get("warc_language"), x.error) for x in docs] == [
        ("<urn:uuid:w1>", "text", "https://a.example/1", "eng", None),
        ("<urn:uuid:w2>", "text", "https://b.example/2", None, "empty record"),
        ("<urn:uuid:w3>", "text", "https://c.example/3", "fra", None)]
    assert docs[0].raw == scrape and docs[0].date == "2024-05-01T12:00:00Z"
    import dedupe

    cleaned = dedupe.clean(docs[0])
    assert cleaned.text == f"{PARA}\n\n{second}"


def test_resource_records_hold_pages_as_they_are(tmp_path):
    """A resource record (a page archived without HTTP headers): its Content-Type says
    HTML or text and may give the charset; other types are skipped."""
    def resource(uri, rid, body: bytes, ctype):
        head = (f"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
                f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        return head + body + b"\r\n\r\n"

    p = tmp_path / "archive.warc"
    p.write_bytes(resource("https://a.example/k", "r1", page("Grüße aus Köln").encode("latin-1"),
                           "text/html; charset=iso-8859-1")
                  + resource("https://a.example/logo.png", "r2", b"\x89PNG\r\n\x1a\n", "image/png")
                  + resource("https://a.example/t", "r3", PARA.encode(), "text/plain"))
    docs = list(read_inputs([str(p)]))
    assert [(d.id, d.format, d.error) for d in docs] == [("<urn:uuid:r1>", "html", None), ("<urn:uuid:r3>", "text", None)]
    assert "Grüße aus Köln" in docs[0].raw and docs[1].raw == PARA


# ---------------------------------------------------------------- stdin and detection

def test_sniff_format():
    assert sniff_format(b"WARC/1.0\r\n") == "warc"
    assert sniff_format(b"PAR1....") == "parquet"
    assert sniff_format(b"\n  {\"id\": 1}") == "jsonl"
    assert sniff_format(b"<html>") == "auto" and sniff_format(b"Plain text") == "auto"


class _Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize("data, fmt, expect", [
    (b'\n{"id": "x", "text": "%s"}\n' % PARA.encode(), "auto", ["x"]),
    (gzip.compress(b'{"id": "z", "text": "%s"}\n' % PARA.encode()), "auto", ["z"]),
    (b"".join(sample_records()), "auto", ["<urn:uuid:1111>", "<urn:uuid:2222>", "<urn:uuid:3333>"]),
    (gzip.compress(b"".join(sample_records())), "warc", ["<urn:uuid:1111>", "<urn:uuid:2222>", "<urn:uuid:3333>"]),
    (PARA.encode(), "auto", ["stdin"]),
])
def test_stdin_formats_given_or_detected(monkeypatch, data, fmt, expect):
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    docs = list(read_inputs(["-"], fmt))
    assert [d.id for d in docs] == expect and all(d.ok for d in docs)


def test_directory_reads_every_known_format(tmp_path):
    (tmp_path / "a.txt").write_text(PARA)
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "j1", "text": PARA}) + "\n")
    write_warc(tmp_path / "c.warc.gz", sample_records()[:1], gz=True)
    pq.write_table(pa.Table.from_pylist([{"id": "p1", "text": PARA}]), tmp_path / "d.parquet")
    (tmp_path / "notes.md").write_text("ignored")
    docs = list(read_inputs([str(tmp_path)]))
    assert [d.id for d in docs] == ["a", "j1", "<urn:uuid:1111>", "p1"]


def _compressors():
    import bz2
    import lzma

    from backports import zstd  # the test extra installs it (the zstd extra for users)

    return {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress, ".zst": zstd.compress}


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_compressed_inputs_are_read_by_their_magic_bytes(tmp_path, monkeypatch, suffix):
    """gzip, bzip2, xz and zstd: in a directory (by extension, the suffix left out of the
    id), given directly without a telling name (by content), and on stdin."""
    compress = _compressors()[suffix]
    d = tmp_path / "dir"
    d.mkdir()
    (d / f"a.txt{suffix}").write_bytes(compress(PARA.encode()))
    (d / f"b.jsonl{suffix}").write_bytes(compress(b"".join(
        json.dumps({"id": f"j{i}", "text": PARA}).encode() + b"\n" for i in range(3))))
    docs = list(read_inputs([str(d)]))
    assert [(x.id, x.raw) for x in docs] == [("a", PARA)] + [(f"j{i}", PARA) for i in range(3)]
    (tmp_path / "blob").write_bytes(compress(json.dumps({"id": "sniffed", "text": PARA}).encode() + b"\n"))
    assert [x.id for x in read_inputs([str(tmp_path / "blob")])] == ["sniffed"]
    monkeypatch.setattr(sys, "stdin", _Stdin(compress(json.dumps({"id": "piped", "text": PARA}).encode())))
    assert [(x.id, x.ok) for x in read_inputs(["-"])] == [("piped", True)]


@pytest.mark.parametrize("suffix, kind", [(".gz", "gzip"), (".bz2", "bzip2"), (".xz", "xz"), (".zst", "zstd")])
def test_a_compressed_file_cut_short_is_a_rejection_that_says_so(tmp_path, suffix, kind):
    data = _compressors()[suffix](PARA.encode() * 40)
    p = tmp_path / f"cut.txt{suffix}"
    p.write_bytes(data[:len(data) // 2])
    [doc] = read_inputs([str(p)])
    assert doc.error.startswith(f"broken {kind} data: ") and doc.raw is None


def test_text_that_starts_like_a_magic_number_is_text(tmp_path):
    p = tmp_path / "bzh.txt"
    p.write_text("BZh is how the format starts. " + PARA)
    [d] = read_inputs([str(p)])
    assert d.ok and d.raw.startswith("BZh is how")


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_compressed_jsonl_cut_anywhere_never_raises_and_reports_the_break(tmp_path, suffix):
    """Every cut of a compressed JSON Lines file: the records read are whole and exact, and
    anything short of the whole file ends in one rejection."""
    lines = [json.dumps({"id": f"r{i}", "text": f"{PARA} {i}"}).encode() + b"\n" for i in range(40)]
    data = _compressors()[suffix](b"".join(lines))
    p = tmp_path / f"cut.jsonl{suffix}"
    for cut in sorted({*range(1, len(data), max(1, len(data) // 40)), len(data) - 1, len(data)}):  # 0: an empty file
        p.write_bytes(data[:cut])
        docs = list(read_inputs([str(p)]))
        ok = [d for d in docs if d.ok]
        assert [(d.id, d.raw) for d in ok] == [(f"r{i}", f"{PARA} {i}") for i in range(len(ok))], cut
        if cut == len(data):
            assert len(ok) == 40 and len(docs) == 40
        else:
            assert len(docs) - len(ok) == 1 and not docs[-1].ok, cut


def test_zstd_without_its_module_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "backports.zstd", None)  # None there: importing it fails
    p = tmp_path / "a.jsonl.zst"
    p.write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00" * 20)
    with pytest.raises(DedupeError, match=r"pip install 'news-dedupe\[zstd\]'"):
        list(read_inputs([str(p)]))


def test_field_names_come_from_config(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text(json.dumps({"uid": "u", "body": PARA}) + "\n")
    [d] = read_inputs([str(p)], config=Config(id_field="uid", text_field="body"))
    assert d.ok and d.id == "u"


# ---------------------------------------------------------------- streaming and progress

def _peak_while_reading(docs) -> int:
    tracemalloc.start()
    try:
        for _ in docs:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_input(tmp_path):
    n, body = 4000, PARA * 12  # ~7 MB of text per format
    jl = tmp_path / "big.jsonl"
    with open(jl, "w") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": str(i), "text": body}) + "\n")
    wz = tmp_path / "big.warc.gz"
    with open(wz, "wb") as fh:
        for i in range(n):
            fh.write(gzip.compress(warc_record(f"https://a/{i}", str(i), page("T", body).encode()), 1))
    pqf = tmp_path / "big.parquet"
    with pq.ParquetWriter(pqf, pa.schema([("id", pa.string()), ("text", pa.string())])) as w:
        for k in range(0, n, 500):
            w.write_table(pa.Table.from_pylist([{"id": str(i), "text": body} for i in range(k, k + 500)]))
    limit = 3_000_000  # far below the ~7 MB each input holds
    for path in (jl, wz, pqf):
        meter = Meter()
        assert _peak_while_reading(read_inputs([str(path)], meter=meter)) < limit, path
        assert meter.done == os.path.getsize(path)


def test_progress_bar_shows_docs_per_second_only_when_enabled():
    meter, out = Meter(total=1000), io.StringIO()
    bar = Progress(meter, enabled=True, file=out, delay=0)
    for _ in range(3):
        meter.add(100)
        bar.update()
    bar._next = 0  # force a refresh
    bar.update()
    bar.close()
    assert "docs/s" in out.getvalue() and "%" in out.getvalue()
    quiet = Progress(Meter(total=10), enabled=False)
    quiet.update()
    quiet.close()


def test_progress_bar_counts_the_documents_of_a_second_pass():
    """After the first pass has read the whole input (the byte bar at 100%), the bar
    counts the documents the second pass hands on."""
    meter, out = Meter(total=1000), io.StringIO()
    bar = Progress(meter, enabled=True, file=out, delay=0)
    meter.add(1000)
    bar.update()
    bar.second_pass(4)
    for _ in range(4):
        bar._next = 0  # force a refresh
        bar.update()
    bar.close()
    assert "second pass" in out.getvalue() and "4/4" in out.getvalue()
    quiet = Progress(Meter(total=10), enabled=False)
    quiet.second_pass(3)
    quiet.update()
    quiet.close()
