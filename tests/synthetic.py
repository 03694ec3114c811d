"""A synthetic corpus that exercises every decision path: exact copies, edited
copies, excerpts, a copy with an extra paragraph, short and empty texts,
rejected records and dates for the ``earliest`` policy."""
import random

from dedupe import Document

VOCAB = [f"w{i}" for i in range(5000)]


def _story(r: random.Random, paragraphs: int) -> list[str]:
    out = []
    for _ in range(paragraphs):
        sentences = [" ".join(r.choice(VOCAB) for _ in range(r.randint(9, 16))).capitalize() + "."
                     for _ in range(r.randint(3, 6))]
        out.append(" ".join(sentences))
    return out


def _edit(r: random.Random, paras: list[str], share: float) -> list[str]:
    out = []
    for p in paras:
        ws = p.split()
        for k in range(len(ws)):
            if r.random() < share:
                ws[k] = r.choice(VOCAB)
        out.append(" ".join(ws))
    return out


def stress_corpus(stories: int = 30, seed: int = 7) -> list[Document]:
    """Fresh documents (cleaning fills them in place), in a shuffled order."""
    r = random.Random(seed)
    docs: list[tuple[list[str] | None, str | None]] = []
    for s in range(stories):
        base = _story(r, r.randint(4, 9))
        docs.append((base, None))
        kinds = r.sample(["exact", "exact", "edit", "heavy", "excerpt", "extra", "other"], r.randint(0, 4))
        for k in kinds:
            if k == "exact":
                docs.append((list(base), None))
            elif k == "edit":
                docs.append((_edit(r, base, 0.03), None))
            elif k == "heavy":
                docs.append((_edit(r, base, 0.25), None))
            elif k == "excerpt":
                docs.append((base[: max(1, len(base) // 3)], None))
            elif k == "extra":
                docs.append((base + _story(r, 2), None))
            else:
                docs.append((_story(r, 3), None))
    docs += [(["Short note here."], None), (["Short note here."], None), (["..."], None),
             (None, "unreadable: invalid UTF-8 at byte 7")]
    r.shuffle(docs)
    out = []
    for i, (paras, error) in enumerate(docs):
        date = f"2024-01-{r.randint(1, 28):02d}" if r.random() < 0.7 else None
        if paras is None:
            out.append(Document(id=f"d{i:03d}", error=error))
        else:
            out.append(Document(id=f"d{i:03d}", raw="\n\n".join(paras), format="text", date=date))
    return out


def decisions(docs) -> list[tuple]:
    """What must not change between engines and backends: every document's decision."""
    return [(d.id, d.error, d.cluster, d.duplicate_of, d.relation, d.similarity, d.containment, d.text)
            for d in docs]
