import pytest

from lessons.markdown import render_markdown
from tests.factories import LessonFactory

HOSTILE_BODY = """## Harmless {#harmless}

<script>alert("x")</script>
<img src=x onerror="alert(1)">
<a href="javascript:alert(2)">click</a>
<iframe src="https://evil.example"></iframe>
<p onclick="steal()" style="color:red">styled</p>
[link](javascript:alert(3))
<svg onload="alert(4)"></svg>
"""


def test_hostile_markdown_keeps_no_script_handler_or_javascript_url():
    """Whatever an instructor types, the rendered lesson carries no executable content."""
    html = render_markdown(HOSTILE_BODY).lower()
    for forbidden in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<svg", "style="):
        assert forbidden not in html
    assert '<h2 id="harmless">' in html
    assert "styled" in html


@pytest.mark.django_db
def test_hostile_lesson_body_is_served_sanitized(student_client):
    """The lesson page shows the sanitized body, not the raw one."""
    lesson = LessonFactory(body=HOSTILE_BODY + "\nSafe **bold** words.")
    response = student_client.get(lesson.get_absolute_url())
    content = response.content.decode().lower()
    assert "<strong>bold</strong>" in content
    assert "<script>alert" not in content
    assert "onerror" not in content
    assert "javascript:alert" not in content


def test_model_answers_render_as_details_a_student_opens_without_javascript():
    """`<details markdown="1">` keeps its summary and renders its Markdown inside."""
    html = render_markdown(
        '**1. Why talk?**\n\n<details markdown="1">\n<summary>Model answer</summary>\n\n'
        "Because *talks* are cheap.\n\n</details>\n"
    )
    assert "<details>" in html and "<summary>Model answer</summary>" in html
    assert "<em>talks</em>" in html


def test_only_the_background_class_survives_on_an_aside():
    """Background boxes keep their class; any other class or attribute on an aside is dropped."""
    html = render_markdown('<aside class="background" markdown="1">\n\n**Background.** Facts.\n\n</aside>\n')
    assert '<aside class="background">' in html and "<strong>Background.</strong>" in html
    other = render_markdown('<aside class="evil" style="x" onclick="y" markdown="1">\n\nText\n\n</aside>\n')
    assert "<aside" in other and "evil" not in other and "onclick" not in other and "style" not in other


@pytest.mark.parametrize(
    ("slug", "named"),
    [
        ("climate-diplomacy-cop-kyoto-paris", "the Paris Agreement"),
        ("free-trade-agreements-rcep", "RCEP"),
        ("joint-development-belt-and-road", "Belt and Road"),
        ("coalitions-treaties-and-bargaining-power", "South China Sea"),
    ],
)
def test_named_agreements_get_a_background_box_marked_beyond_the_essays(shipped_course, slug, named):
    """The agreements and disputes the essays only name get a background box that says it goes beyond them."""
    lesson = shipped_course.lessons.get(slug=slug)
    box = lesson.body_html.split('<aside class="background">', 1)[1].split("</aside>", 1)[0]
    assert "beyond the course essays" in box and named in box


def test_every_shipped_lesson_ends_with_a_summary_after_model_answers(shipped_course):
    """Each lesson's last section is the summary; its "Think it through" prompts have model answers."""
    for lesson in shipped_course.lessons.all():
        anchors = [section.anchor for section in lesson.section_list]
        assert anchors[-2:] == ["think-it-through", "summary"], lesson.slug
        assert lesson.body_html.count("<summary>Model answer</summary>") >= 2, lesson.slug
