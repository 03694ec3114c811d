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

__all__ = ["declared_title", "published_date", "dateline_date", "iso_date"]

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
# "20 de noviembre de 2019", "20 ноября 2019", "2019-11-20"; month names in eight languages
_MONTH_NAMES = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}
_MONTHS = {name: n for names in _MONTH_NAMES.values() for n, name in enumerate(names.split(), 1)}
_MONTHS.update({name[:3]: n for n, name in enumerate(_MONTH_NAMES["en"].split(), 1)})  # "Nov."
_MONTHS.update({"sept": 9, "jänner": 1, "setiembre": 9})
_MONTH = "(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_MONTH_DAY_YEAR = re.compile(r"(?<!\w)" + _MONTH + r"\s+(\d{1,2}),?\s+((?:19|20)\d\d)(?!\d)", re.I)
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\.?\s+(?:de\s+)?" + _MONTH + r",?\s+(?:de\s+)?((?:19|20)\d\d)(?!\d)",
                             re.I)
_ISO_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_NOT_PUBLISHED = re.compile(r"updated|modified|edited|aktualisiert|actualizado|atualizado|aggiornato|"
                            r"mis à jour|bijgewerkt|обновлено", re.I)


def dateline_date(lines: list[str]) -> str | None:
    """The first date (``YYYY-MM-DD``) written out in ``lines`` (short lines around
    the start of an article: its dateline), skipping update notes; ``None`` if none.
    Month names are read in English, German, French, Spanish, Portuguese, Italian,
    Dutch and Russian; ISO dates in any language."""
    for line in lines:
        if _NOT_PUBLISHED.search(line):
            continue
        day = _written_date(line)
        if day:
            return day
    return None


def _written_date(text: str) -> str | None:
    m = _ISO_DAY.search(text)
    if m:
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif (m := _MONTH_DAY_YEAR.search(text)) is not None:
        parts = (int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    elif (m := _DAY_MONTH_YEAR.search(text)) is not None:
        parts = (int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    else:
        return None
    try:
        return datetime(*parts).date().isoformat()
    except ValueError:
        return None
