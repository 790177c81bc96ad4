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
