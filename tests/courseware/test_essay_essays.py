import time

import pytest

from courseware.essays import (
    blank_term,
    escape_markdown,
    find_terms,
    match_keywords,
    match_themes,
    sentence_with_term,
    source_key_for,
    split_essay,
    split_sentences,
    term_forms,
)
from lessons.markdown import render_markdown
from tests.courseware.conftest import CLIMATE_ESSAY, TALKS_ESSAY


def test_blank_line_paragraphs_become_passages_and_headers_do_not():
    """An essay with paragraphs gives one passage per paragraph; the archive line and title are not passages."""
    essay = split_essay(TALKS_ESSAY)
    assert essay.title == "Talking Across Borders"
    assert len(essay.passages) == 2
    assert essay.passages[0].startswith("Negotiation lets two governments")
    assert essay.passages[1].startswith("Money follows calm.")
    assert not any("Daily Archives" in passage for passage in essay.passages)


def test_one_long_paragraph_is_split_into_groups_of_about_three_sentences():
    """Without blank-line paragraphs, passages are three sentences each; a lone last sentence joins the group before."""
    essay = split_essay(CLIMATE_ESSAY)
    assert essay.title == ""
    assert [len(split_sentences(passage)) for passage in essay.passages] == [3, 4]
    assert " ".join(essay.passages) == CLIMATE_ESSAY


def test_a_header_and_title_above_a_single_paragraph_are_not_passages():
    """Short title-like lines at the top, with or without blank lines after them, are headings."""
    text = "Daily Archives: May 1, 2031\n\nWhy Envoys Matter\n\n" + CLIMATE_ESSAY
    essay = split_essay(text)
    assert essay.title == "Why Envoys Matter"
    assert essay.passages == split_essay(CLIMATE_ESSAY).passages
    typed_straight_above = split_essay("A Short Title\n" + CLIMATE_ESSAY)
    assert typed_straight_above.title == "A Short Title"
    assert typed_straight_above.passages[0].startswith("Rising seas")


def test_a_hard_wrapped_first_line_is_text_not_a_heading():
    """A wrapped line that runs on into the next is part of the paragraph, not a title."""
    essay = split_essay("Envoys from both sides met in a quiet\nhotel far from the capital. They talked all night.")
    assert essay.title == ""
    assert essay.passages == [
        "Envoys from both sides met in a quiet hotel far from the capital. They talked all night."
    ]


def test_an_essay_of_headings_only_has_no_passages():
    """Nothing but a title gives nothing to import."""
    assert split_essay("Just A Title\n\n\n").passages == []
    assert split_essay("").passages == []


def test_sentences_do_not_end_at_abbreviations_or_initials():
    """'U.N.', 'Dr.' and initials do not end a sentence; '!' and '?' do."""
    text = "The U.N. Security Council met. Dr. Lee spoke first! J. Ortiz answered? Yes."
    assert split_sentences(text) == [
        "The U.N. Security Council met.",
        "Dr. Lee spoke first!",
        "J. Ortiz answered?",
        "Yes.",
    ]


@pytest.mark.parametrize(
    ("text", "keyword", "found"),
    [
        ("They signed a trade deal.", "trade", True),
        ("They registered a trademark.", "trade", False),
        ("An untrade-able idea.", "trade", False),
        ("THE PARIS AGREEMENT holds.", "paris agreement", True),
        ("Paris hosted an agreement.", "paris agreement", False),
        ("A free-trade agreement was signed.", "free trade agreement", True),
        ("Cyber attacks rose.", "cyber-attacks", True),
        ("Members of the UN met.", "un", True),
        ("An unusual meeting.", "un", False),
        ("The states\u2019 interests clashed.", "states' interests", True),
    ],
)
def test_keywords_match_whole_words_in_any_case(text, keyword, found):
    """Matching ignores case, needs word boundaries, and treats spaces and hyphens in a phrase alike."""
    assert (match_keywords(text, [keyword]) == [keyword]) is found


def test_a_passage_can_speak_to_several_themes():
    """Every theme with a keyword in the text is found, with the keywords that show it."""
    themes = match_themes(
        "Negotiation over market access took a year.",
        {"talks": ["negotiation", "dialogue"], "trade": ["market access"], "climate": ["climate change"]},
    )
    assert themes == {"talks": ["negotiation"], "trade": ["market access"]}


def test_terms_are_found_in_the_words_the_text_uses():
    """A term with a spelled-out form is found by either form; the found text keeps the essay's case."""
    terms = ["Regional Comprehensive Economic Partnership (RCEP)", "Mediation", "Treaty"]
    found = find_terms("Talks on RCEP needed mediation.", terms)
    assert [(item.term, item.found) for item in found] == [
        ("Regional Comprehensive Economic Partnership (RCEP)", "RCEP"),
        ("Mediation", "mediation"),
    ]
    assert term_forms("Conference of the Parties (COP)") == [
        "Conference of the Parties (COP)",
        "Conference of the Parties",
        "COP",
    ]


def test_blanking_a_term_replaces_every_appearance():
    """The fill-in-the-blank text hides the term wherever it appears, in any case."""
    assert blank_term("Trade grows when trade rules hold.", "trade") == "_____ grows when _____ rules hold."
    assert sentence_with_term(CLIMATE_ESSAY, "paris agreement") == (
        "The Paris Agreement asks every country for a national plan."
    )
    assert sentence_with_term(CLIMATE_ESSAY, "treaty") == ""


@pytest.mark.parametrize(
    ("filename", "key"),
    [
        ("000_e030204fae229fdf.txt", "000"),
        ("/uploads/012-notes.txt", "012"),
        ("7.txt", "7"),
        ("My Essay on Trade.TXT", "my-essay-on-trade"),
        ("1st thoughts.txt", "1st-thoughts"),
        ("....txt", ""),
    ],
)
def test_source_keys_come_from_the_leading_number_else_the_name(filename, key):
    """A numbered file keeps its number as the key, so re-importing it finds the same source."""
    assert source_key_for(filename) == key


def test_escaped_essay_text_renders_as_written():
    """Markdown and HTML in an essay show as text in a block quote, never as markup."""
    text = "1. Use *stars*, _under_ [links](http://x.test) and <script>alert(1)</script> {#id}"
    html = render_markdown(f"> {escape_markdown(text)}")
    assert "<script>" not in html and "<em>" not in html and "<a " not in html and "<ol>" not in html
    assert "1. Use *stars*, _under_ [links](http://x.test) and &lt;script&gt;" in html


@pytest.mark.parametrize(
    "text",
    [
        "." * 300_000,
        ".!" * 150_000,
        "!?." * 100_000 + " End.",
        "A. " * 100_000,
        "Word!!!!" * 40_000,
    ],
    ids=["dots", "dots-and-bangs", "stops-then-a-sentence", "initials", "shouting"],
)
def test_sentence_splitting_takes_linear_time_on_runs_of_stops(text):
    """300,000 characters of dots and bangs split in well under a second; a backtracking pattern took minutes.

    The bound is twenty times the time it takes here: it catches a return of the quadratic pattern, not a slow machine.
    """
    started = time.perf_counter()
    sentences = split_sentences(text)
    essay = split_essay(text)
    assert time.perf_counter() - started < 20
    assert "".join(sentences).replace(" ", "") == text.replace(" ", "")
    assert essay.passages
