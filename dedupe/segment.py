"""Split a document into blocks: lines and fragments for text, block elements for HTML.

Naive scrapes break one sentence over several lines wherever the page had an
inline element (a link, bold text). :func:`segment_text` joins such fragments
back into one block, so that a block is a paragraph, a heading or a menu run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Segment", "segment_text", "segment_html", "looks_like_html"]

_TERMINAL = re.compile(r"[.!?。！？…:;\"”»’'»)\]]\s*$")
_SENTENCE_END = re.compile(r"[.!?。！？…][\"”’')\]]?$")
_LOWER_START = re.compile(r"^[\s]*([a-zà-ÿ,.;:!?)\]%’”»–-]|\d+[,.]?\d*\s*[a-z])")
_HTML_SNIFF = re.compile(r"<(!doctype\s+html|html|head|body|div|p|article|meta|title)\b", re.I)


@dataclass
class Segment:
    """A block before classification, with the structural facts the classifier uses."""

    text: str
    lines: list[str] = field(default_factory=list)
    para: int = 0  # blank-line separated paragraph index (text) or container id (HTML)
    tag: str = "line"
    link_chars: int = 0
    hints: str = ""  # class/id words of the block and its ancestors (HTML)
    heading: bool = False
    in_list: bool = False


def looks_like_html(raw: str) -> bool:
    """True when the input is markup rather than text."""
    return bool(_HTML_SNIFF.search(raw[:4096]))


def segment_text(raw: str) -> list[Segment]:
    """Lines grouped into segments; inline fragments of one sentence are joined."""
    segs: list[Segment] = []
    para = 0
    prev_blank = True
    cur: Segment | None = None
    for line in raw.splitlines():
        s = " ".join(line.split())
        if not s:
            prev_blank = True
            cur = None
            continue
        if prev_blank and segs:
            para += 1
        prev_blank = False
        if cur is not None and _continues(cur.lines[-1], s):
            cur.lines.append(s)
            cur.text = _join(cur.text, s)
            continue
        cur = Segment(text=s, lines=[s], para=para)
        segs.append(cur)
    return segs


def _continues(prev: str, nxt: str) -> bool:
    """Does ``nxt`` continue the sentence of ``prev`` (same paragraph, inline break)?"""
    if _TERMINAL.search(prev):
        return False
    if _LOWER_START.match(nxt):
        return True
    if not (prev[-1:].isalpha() and prev[-1:].islower()) and prev[-1:] != ",":
        return False
    # a lone word or two inside running text ("When", "President"), or a sentence
    # cut before a link ("... cited by Taiwanese publication" + "DigiTimes. A preview")
    pw = prev.split()
    if len(pw) <= 2:
        return True
    caps = sum(1 for x in pw if x[:1].isupper())
    return len(pw) >= 6 and caps / len(pw) < 0.5


def _join(a: str, b: str) -> str:
    if b[:1] in ",.;:!?)]%’”»" or a[-1:] in "([“‘«":
        return a + b
    return a + " " + b


# ---------------------------------------------------------------------------
# HTML

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main "
    "menu nav ol p pre section summary table tbody td tfoot th thead tr ul br caption".split()
)
_SKIP_TAGS = frozenset(
    "script style noscript template svg iframe head button select option textarea input "
    "object embed canvas map video audio picture source".split()
)
_HINT_SPLIT = re.compile(r"[^a-z]+")


def segment_html(raw: str | bytes) -> tuple[list[Segment], str | None]:
    """Blocks of an HTML page in document order, and the page ``<title>``."""
    import lxml.html
    from lxml import etree

    if isinstance(raw, str):
        raw = re.sub(r"^\s*<\?xml[^>]*>", "", raw)  # lxml rejects str with an encoding decl
    try:
        root = lxml.html.document_fromstring(raw)
    except (etree.ParserError, ValueError):
        return [], None
    title_el = root.find(".//title")
    title = " ".join(title_el.text_content().split()) if title_el is not None else None
    body = root.find("body")
    if body is None:
        body = root
    segs: list[Segment] = []
    state = {"buf": [], "link": 0, "tag": "div", "hints": "", "heading": False, "li": False, "cid": 0}

    def flush():
        text = " ".join("".join(state["buf"]).split())
        if text:
            segs.append(Segment(text=text, lines=[text], para=state["cid"], tag=state["tag"],
                                link_chars=min(state["link"], len(text)), hints=state["hints"],
                                heading=state["heading"], in_list=state["li"]))
        state["buf"] = []
        state["link"] = 0

    # explicit stack: (element, entering?, inherited hints, in_anchor, heading, in_list)
    stack = [(body, True, "", False, False, False)]
    cid = 0
    while stack:
        el, entering, hints, in_a, heading, in_li = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if not entering:
            if tag in _BLOCK_TAGS:
                flush()
            if el.tail:
                state["buf"].append(el.tail)
                if in_a:
                    state["link"] += len(el.tail.strip())
            continue
        if not tag:  # comment or processing instruction: keep only its tail
            if el.tail:
                state["buf"].append(el.tail)
            continue
        tag = tag.lower()
        if tag in _SKIP_TAGS or el.get("hidden") is not None or \
                "display:none" in (el.get("style") or "").replace(" ", ""):
            if el.tail:
                state["buf"].append(el.tail)
            continue
        own = " ".join(_HINT_SPLIT.split(((el.get("class") or "") + " " + (el.get("id") or "")
                                          + " " + (el.get("role") or "")).lower())).strip()
        if tag in ("nav", "footer", "aside", "header", "form", "figure", "figcaption"):
            own = (own + " " + tag).strip()
        hints2 = (hints + " " + own).strip() if own else hints
        if len(hints2) > 400:
            hints2 = hints2[-400:]
        is_block = tag in _BLOCK_TAGS
        if is_block:
            flush()
            cid += 1
            state["cid"] = cid
            state["tag"] = tag
            state["hints"] = hints2
            state["heading"] = heading or tag in ("h1", "h2", "h3", "h4", "h5", "h6")
            state["li"] = in_li or tag == "li"
        a2 = in_a or tag == "a"
        if el.text:
            state["buf"].append(el.text)
            if a2:
                state["link"] += len(el.text.strip())
        if tag in ("td", "th", "dd", "dt"):
            state["buf"].append(" ")
        stack.append((el, False, hints, in_a, heading, in_li))
        h2 = heading or tag in ("h1", "h2", "h3", "h4", "h5", "h6")
        l2 = in_li or tag == "li"
        for child in reversed(el):
            stack.append((child, True, hints2, a2, h2, l2))
    flush()
    return segs, title
