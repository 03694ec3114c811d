"""The publication date an HTML page declares: found, normalised, written out, and
used by ``--keep earliest``."""
import itertools
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe import Config, Document, pagemeta
from dedupe.cli import main
from dedupe.pagemeta import dateline_date, iso_date

from .test_headline import BODY

PARAS = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))


def page(head: str = "", body_extra: str = "") -> str:
    return (f"<html><head><title>Council approves housing plan | City News</title>{head}</head>"
            f"<body><h1>Council approves housing plan</h1>{body_extra}<article>{PARAS}</article></body></html>")


@pytest.mark.parametrize("value, expected", [
    ("2019-11-19T10:04:00Z", "2019-11-19T10:04:00+00:00"),
    ("2019-11-19T12:04:00.000+0200", "2019-11-19T10:04:00+00:00"),
    ("2019-11-19", "2019-11-19"),
    ("2019-11-19 10:04", "2019-11-19T10:04:00"),
    ("Tue, 19 Nov 2019 10:04:00 GMT", "2019-11-19T10:04:00+00:00"),
    ("2019-11-19T10:04:00 in the morning", "2019-11-19"),
    ("0001-01-01T00:00:00", None), ("yesterday", None), ("", None), ("2019-13-45", None),
])
def test_dates_come_out_in_iso_8601(value, expected):
    assert iso_date(value) == expected


def test_the_declared_date_is_found_in_meta_tags_json_ld_and_time_elements():
    meta = "<meta property='article:published_time' content='2019-11-19T10:04:00Z'>"
    updated = "<meta property='article:modified_time' content='2019-11-21T08:00:00Z'>"
    ld = ('<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, '
          '{"@type": "NewsArticle", "datePublished": "2019-11-18T22:00:00-05:00"}]}</script>')
    time = "<time datetime='2019-11-17' itemprop='datePublished'>Nov 17</time>"
    assert dedupe.clean(page(updated + meta), format="html").published == "2019-11-19T10:04:00+00:00"
    assert dedupe.clean(page(ld), format="html").published == "2019-11-19T03:00:00+00:00"
    assert dedupe.clean(page(body_extra=time), format="html").published == "2019-11-17"
    assert dedupe.clean(page(updated), format="html").published is None  # an update is not a publication
    assert dedupe.clean(page('<script type="application/ld+json">{broken</script>'), format="html").published is None
    assert dedupe.clean(BODY, format="text").published is None  # no dateline


def test_published_is_an_output_field_and_keep_earliest_uses_it(tmp_path):
    for day, name in (("2019-11-20", "late"), ("2019-11-18", "early"), ("2019-11-19", "middle")):
        meta = f"<meta property='article:published_time' content='{day}T09:00:00Z'>"
        (tmp_path / f"{name}.html").write_text(page(meta), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["run", str(tmp_path), "-o", str(out), "--keep", "earliest", "-q"])
    assert res.exit_code == 0, res.output
    recs = {json.loads(x)["id"]: json.loads(x) for x in out.read_text().splitlines()}
    assert recs["early"]["published"] == "2019-11-18T09:00:00+00:00"
    assert recs["early"]["duplicate_of"] is None
    assert recs["late"]["duplicate_of"] == recs["middle"]["duplicate_of"] == "early"


def test_the_inputs_own_date_field_comes_before_the_declared_date():
    from dedupe.cluster import priority

    doc = Document(id="a", published="2019-11-18", date="2019-11-25T00:00:00Z", meta={"date": "2019-11-20"})
    assert priority(doc, 0, Config(keep="earliest"))[2] == "2019-11-20"
    doc.meta = {}
    assert priority(doc, 0, Config(keep="earliest"))[2] == "2019-11-18"  # before the crawl date


def test_a_dateline_gives_the_date_of_a_scrape_and_of_a_page_that_declares_none():
    assert dateline_date(["Home", "Updated Nov. 21, 2019", "By Jane Doe", "Nov. 20, 2019, 9:28 AM UTC"]) == "2019-11-20"
    assert dateline_date(["Published 20 November 2019"]) == "2019-11-20"
    assert dateline_date(["2019-11-20T09:28"]) == "2019-11-20"
    assert dateline_date(["Last updated 2019-11-21", "Sept. 31, 2019", "Home"]) is None  # no such day
    assert [dateline_date([t]) for t in ("20. November 2019", "20 de noviembre de 2019", "sexta-feira, 22 de outubro "
                                         "de 2010 às 20:13", "20 ноября 2019", "3 mars 2019")] \
        == ["2019-11-20", "2019-11-20", "2010-10-22", "2019-11-20", "2019-03-03"]
    assert dateline_date(["Aktualisiert am 3. März 2019"]) is None


def test_month_names_are_read_in_any_case():
    """Upper-case Turkish months once raised KeyError: "MAYIS" matched "mayıs" case-insensitively,
    and its lower case, "mayis", was no key. Dates are now read in case-folded text."""
    assert [dateline_date([t]) for t in ("MAYIS 5, 2020", "5 Mayıs 2020", "5 KASIM 2020", "ŞUBAT 3, 2021",
                                         "NOV. 20, 2019", "20 НОЯБРЯ 2019", "UPDATED NOV. 21, 2019")] \
        == ["2020-05-05", "2020-05-05", "2020-11-05", "2021-02-03", "2019-11-20", "2019-11-20", None]
    assert dateline_date(["AKTUALİSİERT 3. MÄRZ 2019", "Publiſhed 4 March 2019"]) == "2019-03-04"


@pytest.mark.parametrize("line, expected", [
    ("Columnists 21:17 18.11.2019", "2019-11-18"),  # day first with dots
    ("20.11.19 um 10:00", "2019-11-20"),
    ("by Jane Doe / 2016.12.01", "2016-12-01"),  # year first
    ("2019/11/20", "2019-11-20"),
    ("2019年11月20日 10:00", "2019-11-20"),
    ("2019년 11월 20일", "2019-11-20"),
    ("2019. 11. 20.", "2019-11-20"),
    ("11/19/19 06:56 AM EST", "2019-11-19"),  # slashed, one number over 12: its order is plain
    ("27/09/2018", "2018-09-27"),
    ("02 Ago 2017", "2017-08-02"),  # first three letters of a month name
    ("20 дек 2019", "2019-12-20"),
    ("20 listopada 2019", "2019-11-20"),
    ("20 Kasım 2019", "2019-11-20"),
    ("20 листопада 2019", "2019-11-20"),
    ("3 maj 2019", "2019-05-03"),
    ("5 juil. 2019", "2019-07-05"),
    # no date rather than a wrong one
    ("11/12/19 4:40PM", None),  # November 12 in the US, 11 December elsewhere
    ("05/10/2018 - Publicado por", None),
    ("version 1.10.12", None),
    ("call 2012.555.1234", None),
    ("3.5.2 release", None),
    ("Zaktualizowano 20 listopada 2019", None),
])
def test_numeric_and_more_languages_dates_in_a_dateline(line, expected):
    assert dateline_date([line]) == expected


def test_a_month_abbreviation_two_languages_share_for_different_months_is_not_read():
    from dedupe.pagemeta import _MONTHS

    assert "jui" not in _MONTHS  # French juin and juillet
    assert _MONTHS["ago"] == 8 and _MONTHS["dic"] == 12 and _MONTHS["nov"] == 11
    scrape = "\n\n".join(["Council approves housing plan | City News", "Home", "Council approves housing plan",
                           "By Jane Doe", "November 19, 2019", BODY])
    assert dedupe.clean(scrape, format="text").published == "2019-11-19"
    html = page(body_extra="<p class='byline'>By Jane Doe</p><p class='date'>November 19, 2019</p>")
    assert dedupe.clean(html, format="html").published == "2019-11-19"
    declared = "<meta property='article:published_time' content='2019-11-18T09:00:00Z'>"
    assert dedupe.clean(page(declared, body_extra="<p>November 19, 2019</p>"), format="html").published \
        == "2019-11-18T09:00:00+00:00"


_MONTH_ANY_ORDER = "(" + "|".join(sorted(map(re.escape, pagemeta._MONTHS), key=len, reverse=True)) + r")\.?"
_MDY = re.compile(r"(?<!\w)" + _MONTH_ANY_ORDER + r"\s+(\d{1,2}),?\s+((?:19|20)\d\d)(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})\.?\s+(?:de\s+)?" + _MONTH_ANY_ORDER + r",?\s+(?:de\s+)?((?:19|20)\d\d)(?!\d)")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(sorted(pagemeta._MONTHS)) | st.sampled_from(["5", "20", "2019", "1999", ". ", " ",
                                                                             ", ", "de ", "x", "1", "."]),
                max_size=10).map("".join))
def test_month_patterns_grouped_by_first_letter_match_as_a_plain_alternation(text):
    for grouped, plain in ((pagemeta._MONTH_DAY_YEAR, _MDY), (pagemeta._DAY_MONTH_YEAR, _DMY)):
        a, b = grouped.search(text), plain.search(text)
        assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))


def _written_date_ungated(text):
    """``pagemeta._written_date`` as it was before each numeric pattern waited for its separator."""
    p = pagemeta
    if (m := p._ISO_DAY.search(text)) is not None or (m := p._YEAR_FIRST.search(text)) is not None:
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif (m := p._MONTH_DAY_YEAR.search(text)) is not None:
        parts = (int(m[3]), p._MONTHS[m[1]], int(m[2]))
    elif (m := p._DAY_MONTH_YEAR.search(text)) is not None:
        parts = (int(m[3]), p._MONTHS[m[2]], int(m[1]))
    elif (m := p._DAY_DOT.search(text)) is not None:
        day, month, year = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
        parts = (p._full_year(year), int(month), int(day))
    elif (m := p._SLASHED.search(text)) is not None:
        a, b = int(m[1]), int(m[2])
        if (a > 12) == (b > 12):
            return None
        parts = (p._full_year(m[3]), b, a) if a > 12 else (p._full_year(m[3]), a, b)
    else:
        return None
    try:
        return pagemeta.datetime(*parts).date().isoformat()
    except ValueError:
        return None


def test_a_numeric_pattern_is_asked_only_when_its_separator_is_there():
    """The dateline asks each numeric pattern only when the text holds its separator
    ("-", ".", "/", or 年/년 for year-first dates): the same dates as asking every
    pattern, over every text of three numbers and two separators from these."""
    numbers = ["2019", "11", "20", "31", "5"]
    glue = [".", "/", "-", " ", ". ", "年", "月", "년 ", "월 ", " nov ", " ноября ", ":"]
    for a, s1, b, s2, c in itertools.product(numbers, glue, numbers, glue, numbers):
        text = a + s1 + b + s2 + c
        assert pagemeta._written_date(text) == _written_date_ungated(text), text
