"""The title field: the headline, not a dateline, a byline, a menu or a share bar."""
import dedupe
from dedupe.pagemeta import without_site_name

BODY = "\n\n".join([
    "The city council approved the housing plan on Tuesday after a long debate about rents, "
    "the new station and the homes that the plan will add along the river over the next decade.",
    "Officials said the housing plan would be reviewed every year, and the council asked engineers "
    "to report on the cost of the station before the budget vote in the spring.",
    "Residents who spoke at the meeting were divided: some welcomed the homes, others worried "
    "about traffic on the bridge and the school places that the district will need.",
    "The mayor said the vote was the most important of her term and promised a second plan for "
    "the older estates, which the council will debate before the end of the year.",
])


def test_site_names_come_off_page_titles():
    assert without_site_name("Council approves housing plan | City News") == "Council approves housing plan"
    assert without_site_name("City News - Council approves the housing plan") == "Council approves the housing plan"
    assert without_site_name("Council approves plan - City News | Local") == "Council approves plan"
    assert without_site_name("No separators in this headline") == "No separators in this headline"
    assert without_site_name("Short - Short") == "Short - Short"  # no longer part to keep


def test_a_scrape_takes_its_headline_from_the_title_line_not_from_chrome_before_the_body():
    raw = "\n".join([
        "Council approves housing plan after long debate | City News",
        "Home", "News", "Sports", "Markets Pre-Markets U.S. Markets Europe Markets",
        "", "Council approves housing plan after long debate", "",
        "Show more sharing options", "By Jane Doe", "Nov. 20, 2019, 9:28 AM UTC", "",
        BODY,
    ])
    doc = dedupe.clean(raw, format="text")
    assert doc.title == "Council approves housing plan after long debate"
    assert [b.text for b in doc.blocks if b.label == "title"] == ["Council approves housing plan after long debate"]


def test_the_headline_line_is_not_joined_to_a_section_label_or_a_byline():
    """A scrape puts a section label, the headline and the author on lines of one paragraph;
    the line that repeats the page title stands alone, so the title is the headline only."""
    raw = "\n".join([
        "Council approves housing plan after long debate | City News",
        "Home", "Sports", "", "News", "Council approves housing plan after long debate", "JANE DOE", "",
        BODY,
    ])
    doc = dedupe.clean(raw, format="text")
    assert doc.title == "Council approves housing plan after long debate"
    texts = [b.text for b in doc.blocks]
    assert "News" in texts and "JANE DOE" in texts
    # without the repeated title line, the same lines are joined as one sentence's fragments
    glued = dedupe.clean(raw.replace("Council approves housing plan after long debate |", "Town hall |"),
                         format="text")
    assert "News Council approves housing plan after long debate JANE DOE" in [b.text for b in glued.blocks]


def test_the_title_line_itself_when_the_headline_is_not_repeated():
    raw = "\n\n".join(["Council approves housing plan after long debate | City News", "Home", "News",
                       "10:48, Tue, Nov 19, 2019", "Share this article on social media now", BODY])
    assert dedupe.clean(raw, format="text").title == "Council approves housing plan after long debate"


def test_no_title_rather_than_a_dateline_a_byline_or_a_menu():
    raw = "\n".join(["Follow us on social", "Home News Business Markets Opinion", "Written by Jane Doe today",
                     "Published 2:16 AM EST Nov 20, 2019", "", BODY])
    assert dedupe.clean(raw, format="text").title is None


def test_html_prefers_the_declared_headline_and_drops_the_site_name():
    paras = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    page = ("<html><head><title>Council approves housing plan | City News</title>"
            "<meta property='og:title' content='Council approves housing plan after long debate'></head>"
            f"<body><nav>Home News Sports</nav><h1>Council approves housing plan after long debate</h1>"
            f"<p>Nov. 20, 2019, 9:28 AM UTC</p><article>{paras}</article></body></html>")
    assert dedupe.clean(page, format="html").title == "Council approves housing plan after long debate"
    no_og = page.replace("<meta property='og:title' content='Council approves housing plan after long debate'>", "")
    no_h1 = no_og.replace("<h1>Council approves housing plan after long debate</h1>", "")
    assert dedupe.clean(no_h1, format="html").title == "Council approves housing plan"


def test_a_cjk_title_line_is_about_the_body_by_its_character_pairs():
    """Japanese has no spaces: the title's run of characters never recurs whole in the body,
    but its character pairs do."""
    body = "\n\n".join([
        "市議会は火曜日、長い議論の末に住宅計画を承認した。計画は川沿いに新しい住宅を十年かけて建てるもので、駅の建設も含まれる。",
        "当局者によると、住宅計画は毎年見直され、議会は春の予算採決の前に駅の費用について報告するよう技術者に求めた。",
        "会合で発言した住民の意見は分かれた。住宅を歓迎する人もいれば、橋の交通や学校の定員を心配する人もいた。",
    ] * 2)
    raw = "\n\n".join(["住宅計画を議会が承認 - 市民新聞", "ホーム", "ニュース", body])
    assert dedupe.clean(raw, format="text").title == "住宅計画を議会が承認"
