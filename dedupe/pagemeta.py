"""What a page says about itself: its headline and its publication date.

Publishers declare both for search engines and social networks: the headline in
``og:title`` (else the ``<title>``), the date in an ``article:published_time``
(or similar) meta tag, in JSON-LD ``datePublished``, or on a ``<time>`` element
marked as the publication date. The date comes out in ISO 8601 (UTC when the
page gives a time zone), so that dates of different sites sort correctly
(``--keep earliest``). A page that declares no date (and a naive scrape, which
has no markup left) may still show one in its dateline: :func:`dateline_date`.
"""
from __future__ import annotations

import email.utils
import json
import re
from datetime import datetime, timezone
from functools import lru_cache

from .casefold import fold_case
from .textstats import CJK_CHAR

__all__ = ["declared_title", "without_site_name", "published_date", "dateline_date", "iso_date"]

# the separators of a site name in a page title: "Headline | Site", "Site - Headline"
_SITE_SEPARATOR = re.compile(r"(\s+(?:[|–—·•-]|::)\s+)")  # (one \s+ first: tried once per space)

# meta tags (property, name or itemprop, lower case) that hold the publication date, best first
_DATE_KEYS = ("article:published_time", "og:article:published_time", "datepublished", "article:published",
              "parsely-pub-date", "sailthru.date", "pubdate", "pub_date", "publishdate", "publish-date",
              "dc.date.issued", "dcterms.created", "dc.date", "article.published", "article_date_original",
              "datecreated", "date")
_RANK = {k: n for n, k in enumerate(_DATE_KEYS)}
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MAX_JSON = 1_000_000  # characters of one JSON-LD script worth parsing
_MAX_DEPTH = 6


def _head(root):
    """Where a page's metadata is: its ``<head>`` (a few dozen elements), else the whole tree."""
    head = root.find("head")
    return head if head is not None else root


def declared_title(root) -> str | None:
    """``og:title``, else the text of ``<title>``; white space collapsed."""
    head = _head(root)
    og = head.find(".//meta[@property='og:title']")
    if og is None and head is not root:  # a parser may move meta tags after broken markup into the body
        og = root.find(".//meta[@property='og:title']")
    title = " ".join(og.get("content", "").split()) if og is not None else ""
    if title:
        return title
    el = head.find(".//title")
    if el is None and head is not root:
        el = root.find(".//title")
    return " ".join("".join(el.itertext()).split()) if el is not None else None


@lru_cache(maxsize=256)  # (asked twice of a text page's first line: by the segmenter and the headline)
def without_site_name(title: str) -> str:
    """A page title without the site name before or after it: parts of four words or
    fewer at either end go while a longer part remains ("Headline | Site Name"; CJK
    text counts a word per two characters)."""
    parts = _SITE_SEPARATOR.split(title)  # text, separator, text, ...
    if len(parts) == 1:
        return title
    texts = parts[0::2]
    # words; in scripts without spaces, about one per two characters
    n = [max(len(t.split()), len(CJK_CHAR.findall(t)) // 2) for t in texts]
    lo, hi = 0, len(texts)
    while hi - lo > 1:
        core = max(n[lo:hi])
        if n[hi - 1] <= 4 and n[hi - 1] < core:
            hi -= 1
        elif n[lo] <= 4 and n[lo] < core:
            lo += 1
        else:
            break
    return "".join(parts[2 * lo:2 * hi - 1]).strip() or title


def published_date(root) -> str | None:
    """The publication date the page declares (ISO 8601), or ``None``."""
    head = _head(root)
    # the head's meta tags first (a few dozen elements); microdata may put them in the body
    best = _meta_date(head) or (_meta_date(root) if head is not root else None)
    if best:
        return best
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        text = script.text  # (a copy out of the tree: taken once)
        if text and "datePublished" in text and len(text) <= _MAX_JSON:
            try:
                date = _json_date(json.loads(text), 0)
            except ValueError:
                continue
            if date:
                return date
    for time in root.iter("time"):
        if time.get("datetime") and (time.get("itemprop") == "datePublished" or time.get("pubdate") is not None):
            date = iso_date(time.get("datetime"))
            if date:
                return date
    return None


def _meta_date(scope) -> str | None:
    """The date of the best-ranked date meta tag under ``scope``."""
    best, best_rank = None, len(_DATE_KEYS)
    for meta in scope.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        rank = _RANK.get(key)
        if rank is not None and rank < best_rank:
            date = iso_date(meta.get("content") or "")
            if date:
                best, best_rank = date, rank
    return best


def _json_date(node, depth: int) -> str | None:
    """The first ``datePublished`` in a JSON-LD document (objects, lists, ``@graph``)."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, dict):
        value = node.get("datePublished")
        if isinstance(value, str):
            date = iso_date(value)
            if date:
                return date
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        if isinstance(child, (dict, list)):
            date = _json_date(child, depth + 1)
            if date:
                return date
    return None


def iso_date(value: str) -> str | None:
    """``value`` (ISO 8601, RFC 2822, or starting with YYYY-MM-DD) as ISO 8601:
    ``2019-11-19T15:04:00+00:00`` (in UTC) with a time zone, ``2019-11-19T15:04:00``
    without one, ``2019-11-19`` for a bare date; ``None`` when it is not a date
    between 1970 and 2100."""
    v = value.strip()[:64]
    if not v:
        return None
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        try:
            dt = email.utils.parsedate_to_datetime(v)
        except (TypeError, ValueError, IndexError):
            m = _DAY.match(v)
            if not m:
                return None
            try:
                dt = datetime(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
            v = m[0]
    if not 1970 <= dt.year <= 2100:
        return None
    if dt.tzinfo is not None:
        try:
            return dt.astimezone(timezone.utc).isoformat(timespec="seconds")
        except (OverflowError, ValueError):
            return None
    if len(v) == 10 or (len(v) == 8 and v.isdigit()):
        return dt.date().isoformat()
    return dt.isoformat(timespec="seconds")


# a date written out in a dateline: "Nov. 20, 2019", "20 November 2019", "20. November 2019",
# "20 de noviembre de 2019", "20 ноября 2019", "2019-11-20"; month names in sixteen languages
_MONTH_NAMES = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "no": "januar februar mars april mai juni juli august september oktober november desember",
    "id": "januari februari maret april mei juni juli agustus september oktober november desember",
    "ro": "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie noiembrie decembrie",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    "tr": "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
}


def _month_numbers() -> dict[str, int]:
    """Month name -> number, with the names' first three letters ("Nov.", "ago", "дек")
    where no two languages' months share them (French "jui" is June and July: left out).
    The names are case-folded (Turkish "mayıs" as "mayis": a date is read in folded text)."""
    full: dict[str, int] = {}
    short: dict[str, set[int]] = {}
    for names in _MONTH_NAMES.values():
        for n, name in enumerate(names.split(), 1):
            full[name] = n
            short.setdefault(name[:3], set()).add(n)
    months = {prefix: ns.pop() for prefix, ns in short.items() if len(ns) == 1}
    months.update(full)
    months.update({"sept": 9, "janv": 1, "févr": 2, "avr": 4, "juil": 7, "jänner": 1, "setiembre": 9})
    folded = {fold_case(name): n for name, n in months.items()}
    if any(folded[fold_case(name)] != n for name, n in months.items()):
        raise ValueError("two month names fold to one")
    return folded


def _alternation(words) -> str:
    """``(w1|w2|...)`` grouped by first character, so that the engine tries one group at a
    position rather than every word (the words here are letters, and a date needs ``.`` or a
    space after its month: at most one of them can match at a position, whatever the order)."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    return "(" + "|".join(re.escape(c) + "(?:" + "|".join(map(re.escape, sorted(rests, key=len, reverse=True))) + ")"
                          for c, rests in sorted(groups.items())) + ")"


_MONTHS = _month_numbers()
_MONTH = _alternation(_MONTHS) + r"\.?"
# (the patterns with words are matched against folded text: see dedupe.casefold)
_MONTH_DAY_YEAR = re.compile(r"(?<!\w)" + _MONTH + r"\s+(\d{1,2}),?\s+((?:19|20)\d\d)(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\.?\s+(?:de\s+)?" + _MONTH + r",?\s+(?:de\s+)?((?:19|20)\d\d)(?!\d)")
_ISO_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
# numbers only: year first ("2019.11.20", "2019/11/20", "2019年11月20日", "2019년 11월 20일"), and
# day first with dots ("20.11.2019", "20.11.19"); with slashes the order is the writer's
# convention ("11/20/2019" in the US, "20/11/2019" elsewhere): read only when one of the two
# numbers is over 12, else no date rather than a wrong one
_YEAR_FIRST = re.compile(r"(?<![\d.])((?:19|20)\d\d)\s*[./年년]\s*(\d{1,2})\s*[./月월]\s*(\d{1,2})(?![\d/]|\.\d)")
_DAY_DOT = re.compile(r"(?<![\d.])(?:(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)|(\d\d)\.(\d\d)\.(\d\d))(?!\.?\d)")
_YEAR_MARKS = re.compile(r"[年년]")  # (with "." and "/": the separators of _YEAR_FIRST)
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d|\d\d)(?![\d/])")
_NOT_PUBLISHED = re.compile(r"updated|modified|edited|aktualisiert|actualizado|atualizado|aggiornato|"
                            r"mis à jour|bijgewerkt|uppdaterad|opdateret|oppdatert|diperbarui|actualizat|"
                            r"zaktualizowano|güncel|обновлено|оновлено")


def dateline_date(lines: list[str]) -> str | None:
    """The first date (``YYYY-MM-DD``) written out in ``lines`` (short lines around
    the start of an article: its dateline), skipping update notes; ``None`` if none.
    Month names are read in English, German, French, Spanish, Portuguese, Italian,
    Dutch, Swedish, Danish, Norwegian, Indonesian, Romanian, Polish, Turkish, Russian
    and Ukrainian; numeric dates (ISO, year first, day first with dots, and slashed
    when the order is plain) in any language."""
    return folded_dateline_date([fold_case(line) for line in lines])


def folded_dateline_date(lows: list[str]) -> str | None:
    """:func:`dateline_date` of lines already folded by :func:`dedupe.casefold.fold_case`
    (as :attr:`Segment.low` is)."""
    for low in lows:
        day = _written_date(low)  # (then the update note: most lines with no date have none)
        if day and _NOT_PUBLISHED.search(low) is None:
            return day
    return None


def _written_date(text: str) -> str | None:
    """The first date in ``text`` (folded: see :func:`dedupe.casefold.fold_case`)."""
    # each numeric pattern needs its separator: a character asked first, not a scan per pattern
    dot, slash = "." in text, "/" in text
    year_first = dot or slash or (not text.isascii() and _YEAR_MARKS.search(text) is not None)
    if ("-" in text and (m := _ISO_DAY.search(text)) is not None) \
            or (year_first and (m := _YEAR_FIRST.search(text)) is not None):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif (m := _MONTH_DAY_YEAR.search(text)) is not None:
        parts = (int(m[3]), _MONTHS[m[1]], int(m[2]))
    elif (m := _DAY_MONTH_YEAR.search(text)) is not None:
        parts = (int(m[3]), _MONTHS[m[2]], int(m[1]))
    elif dot and (m := _DAY_DOT.search(text)) is not None:  # a two-digit year only as dd.mm.yy (not "1.10.12")
        day, month, year = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
        parts = (_full_year(year), int(month), int(day))
    elif slash and (m := _SLASHED.search(text)) is not None:
        a, b = int(m[1]), int(m[2])
        if (a > 12) == (b > 12):
            return None  # both could be the month (or neither): the order is unknown
        parts = (_full_year(m[3]), b, a) if a > 12 else (_full_year(m[3]), a, b)
    else:
        return None
    try:
        return datetime(*parts).date().isoformat()
    except ValueError:
        return None


def _full_year(y: str) -> int:
    """A year written with two digits is 1970-2069 (the pivot of POSIX strptime's %y)."""
    return int(y) if len(y) == 4 else (2000 if int(y) < 70 else 1900) + int(y)
