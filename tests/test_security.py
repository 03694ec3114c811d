"""Security: output paths derived from hostile document ids stay inside the output
directory; nothing from the input is unpickled or evaluated."""
import ast
import json
import os
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe.cli import main
from dedupe.io import read_inputs
from dedupe.io.textdir import MAX_NAME, safe_name

from .conftest import ROOT

ARTICLE = "\n\n".join(
    f"The council voted on Monday to approve plan number {k}, which will add thousands of homes near the "
    "station over the next decade, officials said." for k in range(3))
HOSTILE = ["../../etc/passwd", "/abs/path", "a/../../b", "nul\x00id", "x" * 5000, "..", ".", "", "a/b", "a_b",
           "same", "same", "Upper", "upper", "manifest", "C:\\windows\\system32", "~root", "-rf", "é/ü"]


def _write_jsonl(path, ids):
    with open(path, "w", encoding="utf-8") as fh:
        for k, i in enumerate(ids):
            fh.write(json.dumps({"id": i, "text": ARTICLE.replace("plan number", f"plan {k} number")}) + "\n")


def test_safe_names_never_leave_the_directory():
    for i in HOSTILE:
        name = safe_name(i)
        assert name and "/" not in name and "\\" not in name and "\x00" not in name and ".." not in name
        assert not name.startswith((".", "-")) and len(name) <= MAX_NAME + 11
    assert safe_name("plain-id_1.v2") == "plain-id_1.v2"  # a safe id is its own name
    assert safe_name("a/b") != safe_name("a_b")  # a changed name carries a hash of the id


def test_txt_output_writes_every_kept_document_inside_the_directory(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out" / "texts"
    _write_jsonl(src, HOSTILE)
    res = CliRunner().invoke(main, ["clean", str(src), "-o", str(out), "--output-format", "txt", "-q"])
    assert res.exit_code == 0, res.output
    assert sorted(os.listdir(tmp_path)) == ["in.jsonl", "out"] and os.listdir(tmp_path / "out") == ["texts"]
    manifest = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()]
    assert [m["id"] for m in manifest] == [i or f"{src}:{k + 1}" for k, i in enumerate(HOSTILE)]
    files = [m["file"] for m in manifest]
    assert len(set(f.casefold() for f in files)) == len(files)  # unique, even on a case-insensitive disk
    assert files[10:12] == ["same.txt", "same-2.txt"]  # repeated ids: numbered in input order
    for k, f in enumerate(files):
        p = out / f
        assert p.parent == out and p.is_file() and not p.is_symlink()
        assert f"plan {k} number" in p.read_text()
    assert sorted(os.listdir(out)) == sorted(files + ["manifest.jsonl"])


def test_txt_output_run_writes_kept_documents_and_lists_the_rest(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "texts"
    src.write_text("\n".join([json.dumps({"id": "../a", "text": ARTICLE}), json.dumps({"id": "/b", "text": ARTICLE}),
                              '{"id": "broken"']) + "\n")
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(out), "--output-format", "txt"])
    assert res.exit_code == 3, res.output
    assert f"listed in {out}/manifest.jsonl" in res.output
    manifest = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()]
    assert manifest[0]["file"].endswith(".txt") and "file" not in manifest[1] and manifest[1]["duplicate_of"] == "../a"
    assert "invalid JSON" in manifest[2]["error"]
    assert sorted(os.listdir(out)) == sorted([manifest[0]["file"], "manifest.jsonl"])


def test_txt_output_refuses_a_non_empty_directory_and_stdout(tmp_path):
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, ["a"])
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.me").write_text("x")
    res = CliRunner().invoke(main, ["clean", str(src), "-o", str(tmp_path / "full"), "--output-format", "txt"])
    assert res.exit_code == 1 and "needs a new or empty directory" in res.output
    assert os.listdir(tmp_path / "full") == ["keep.me"]
    res = CliRunner().invoke(main, ["clean", str(src), "--output-format", "txt"])
    assert res.exit_code == 1 and "text output needs a directory" in res.output
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(main, ["clean", str(src), "-o", str(tmp_path / "empty"), "--output-format", "txt"])
    assert res.exit_code == 0 and sorted(os.listdir(tmp_path / "empty")) == ["a.txt", "manifest.jsonl"]


_UNSAFE_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib", "jsonpickle", "yaml"}
_UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}


def test_no_module_loads_pickles_or_evaluates_code():
    found = []
    for path in sorted((ROOT / "dedupe").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path.name, a.name) for a in node.names if a.name.split(".")[0] in _UNSAFE_MODULES]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _UNSAFE_MODULES:
                found.append((path.name, node.module))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _UNSAFE_CALLS:
                found.append((path.name, node.func.id))
    assert found == []


class _Payload:
    """Unpickling this creates a marker file: the proof that input was unpickled."""

    marker = ""

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_reading_parquet_never_unpickles_metadata(tmp_path, monkeypatch):
    """A Parquet file carrying a pickled Python extension type and pandas metadata (both
    places where pickles hide) is read as plain data: the pickle never runs."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    marker = tmp_path / "unpickled"
    _Payload.marker = str(marker)
    evil = {b"ARROW:extension:name": b"arrow.py_extension_type", b"ARROW:extension:metadata": pickle.dumps(_Payload())}
    schema = pa.schema([pa.field("id", pa.string()), pa.field("text", pa.string(), metadata=evil)],
                       metadata={b"pandas": json.dumps({"columns": [], "index_columns": []}).encode()})
    p = tmp_path / "evil.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": "a", "text": ARTICLE}], schema=schema), p)
    calls = []
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: calls.append(a) or (_ for _ in ()).throw(AssertionError))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: calls.append(a) or (_ for _ in ()).throw(AssertionError))
    [doc] = read_inputs([str(p)])
    assert doc.ok and doc.raw == ARTICLE
    assert calls == [] and not marker.exists()


def test_html_entity_declarations_are_not_expanded():
    """The HTML parser runs with huge_tree (deep nesting): an entity "billion laughs" in a
    doctype must still expand to nothing, not to gigabytes."""
    import dedupe

    decl = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{k} "{("&l%d;" % (k - 1)) * 10}">' for k in range(1, 10))
    page = f'<?xml version="1.0"?><!DOCTYPE bomb [{decl}]><html><body><p>&l9;</p></body></html>'
    doc = dedupe.clean(page, format="html")
    assert doc.ok and "lol" not in (doc.text or "")
