from http import HTTPStatus

import pytest
from django.urls import reverse

from lessons.models import LessonProgress, LessonStatus
from tests.factories import KeyTermFactory, LessonFactory, ModuleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def outline_url(course):
    return reverse("learning:outline", kwargs={"course_slug": course.slug})


def complete_url(lesson):
    return reverse("learning:lesson_complete", kwargs={"course_slug": lesson.course.slug, "lesson_slug": lesson.slug})


def test_catalog_lists_published_courses_only(client, course, lessons):
    """Visitors see published courses; a draft course is not listed."""
    LessonFactory(module__course__title="Secret draft course", module__course__is_published=False)
    response = client.get(reverse("lessons:catalog"))
    assert response.status_code == HTTPStatus.OK
    assert "Test Diplomacy" in response.text
    assert "Secret draft course" not in response.text


def test_outline_shows_modules_lessons_and_a_signup_prompt_to_visitors(client, course, lessons):
    """A visitor sees the course structure and is invited to sign up."""
    response = client.get(outline_url(course))
    assert response.status_code == HTTPStatus.OK
    for title in ("Basics", "Further", "Talking", "Summits"):
        assert title in response.text
    assert reverse("signup") in response.text


def test_outline_shows_each_lessons_status_and_progress(student_client, student, course, lessons):
    """Statuses, module and course percentages follow the student's progress."""
    LessonProgress.objects.create(user=student, lesson=lessons[0])
    student_client.post(complete_url(lessons[1]))

    response = student_client.get(outline_url(course))

    outline = response.context["outline"]
    statuses = [entry.status for module in outline.modules for entry in module.lessons]
    assert statuses == ["in_progress", "completed", "not_started", "not_started"]
    assert [module.percent for module in outline.modules] == [33, 0]
    assert outline.percent == 25
    assert "1 of 4 steps done · 25%" in response.text
    assert 'aria-valuenow="25"' in response.text


def test_continue_link_points_to_the_lesson_last_opened(student_client, course, lessons):
    """'Continue where you left off' returns to the most recently opened unfinished lesson."""
    assert student_client.get(outline_url(course)).context["outline"].continue_lesson == lessons[0]
    student_client.get(lessons[2].get_absolute_url())
    response = student_client.get(outline_url(course))
    assert response.context["outline"].continue_lesson == lessons[2]
    assert f'href="{lessons[2].get_absolute_url()}"' in response.text


def test_lesson_page_requires_login(client, lessons):
    """Visitors are sent to log in before reading."""
    response = client.get(lessons[0].get_absolute_url())
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_lesson_page_shows_everything_a_reader_needs(student_client, lessons):
    """Body, objectives, key terms, sources, reading time, sections and neighbours are on the page."""
    lesson = lessons[1]
    KeyTermFactory(lesson=lesson, term="Envoy", definition="A messenger of a state.")
    lesson.sources.add(SourceFactory(course=lesson.course, key="001", title="On managing relations"))

    response = student_client.get(lesson.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert '<h2 id="first-idea">First idea</h2>' in text
    assert "Explain the first idea" in text and "Apply the second idea" in text
    assert "Envoy" in text and "A messenger of a state." in text
    assert "Essay 001: On managing relations" in text
    assert f"{lesson.reading_minutes} min read" in text
    assert 'href="#second-idea"' in text
    assert f'rel="prev" href="{lessons[0].get_absolute_url()}"' in text
    assert f'rel="next" href="{lessons[2].get_absolute_url()}"' in text


def test_each_source_is_named_by_its_kind(student_client, lessons):
    """A book and a web page are listed as such, not as essays."""
    lesson = lessons[1]
    lesson.sources.add(
        SourceFactory(course=lesson.course, key="b1", title="The Art of Talks", kind="book"),
        SourceFactory(course=lesson.course, key="w1", title="Treaty database", kind="web_page"),
    )
    text = student_client.get(lesson.get_absolute_url()).text
    assert "Book b1: The Art of Talks" in text and "Web page w1: Treaty database" in text
    assert "Essay" not in text


def test_next_lesson_crosses_into_the_next_module(student_client, lessons):
    """The last lesson of a module leads to the first lesson of the next one."""
    response = student_client.get(lessons[2].get_absolute_url())
    assert response.context["page"].next == lessons[3]


def test_opening_a_lesson_marks_it_in_progress(student_client, student, lessons):
    """Reading starts a lesson; it is not completed by time on the page."""
    student_client.get(lessons[0].get_absolute_url())
    student_client.get(lessons[0].get_absolute_url())
    progress = LessonProgress.objects.get(user=student, lesson=lessons[0])
    assert progress.status == LessonStatus.IN_PROGRESS


def test_marking_complete_completes_the_lesson_once(student_client, student, lessons):
    """Mark complete records completion; a second click keeps the first completion time."""
    response = student_client.post(complete_url(lessons[0]), follow=True)
    assert "is complete" in response.text
    assert "You completed this lesson." in response.text
    first = LessonProgress.objects.get(user=student, lesson=lessons[0])
    student_client.post(complete_url(lessons[0]))
    again = LessonProgress.objects.get(user=student, lesson=lessons[0])
    assert (again.status, again.completed_at) == (LessonStatus.COMPLETED, first.completed_at)


def test_mark_complete_by_get_completes_nothing_and_shows_the_lesson(student_client, student, lessons):
    """A GET (a link, a prefetch, the redirect after log-in) never completes a lesson; it lands on the lesson."""
    response = student_client.get(complete_url(lessons[0]))
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == lessons[0].get_absolute_url()
    assert not LessonProgress.objects.filter(user=student).exists()


def test_progress_is_private_to_each_student(client, student, lessons):
    """Another student's outline shows none of this student's progress."""
    from tests.factories import UserFactory

    client.force_login(student)
    client.post(complete_url(lessons[0]))
    client.force_login(UserFactory())
    outline = client.get(outline_url(lessons[0].course)).context["outline"]
    assert outline.completed_count == 0


@pytest.mark.parametrize("draft", ["lesson", "module", "course"])
def test_drafts_are_hidden_from_students(student_client, student, draft):
    """An unpublished lesson, or one inside a draft module or course, is a 404 for students."""
    lesson = LessonFactory()
    target = {"lesson": lesson, "module": lesson.module, "course": lesson.course}[draft]
    target.is_published = False
    target.save()

    assert student_client.get(lesson.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert student_client.post(complete_url(lesson)).status_code == HTTPStatus.NOT_FOUND
    assert not LessonProgress.objects.filter(user=student).exists()
    if draft != "course":
        assert lesson.title not in student_client.get(outline_url(lesson.course)).text


def test_staff_see_drafts_with_a_badge(instructor_client, lessons):
    """Instructors preview drafts; the page marks them as drafts."""
    draft = LessonFactory(module=lessons[0].module, title="Unfinished lesson", is_published=False)
    outline = instructor_client.get(outline_url(draft.course))
    assert "Unfinished lesson" in outline.text
    response = instructor_client.get(draft.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert '<span class="badge text-bg-warning">Draft</span>' in response.text


def test_unknown_course_or_lesson_is_404(student_client, course):
    """Mistyped addresses give a 404, not an error."""
    assert student_client.get("/courses/nope/").status_code == HTTPStatus.NOT_FOUND
    assert student_client.get(f"/courses/{course.slug}/lessons/nope/").status_code == HTTPStatus.NOT_FOUND


def test_search_finds_lessons_by_title_and_body(client, course, lessons):
    """Title matches come first; body matches are found too; drafts are not."""
    LessonFactory(module=lessons[0].module, title="Soldiers draft", is_published=False)
    response = client.get(reverse("learning:search", kwargs={"course_slug": course.slug}), {"q": "soldiers"})
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["results"]) == 4
    assert "Soldiers draft" not in response.text
    title_hit = client.get(reverse("learning:search", kwargs={"course_slug": course.slug}), {"q": "Treat"})
    assert [hit.lesson.title for hit in title_hit.context["results"]] == ["Treaties"]
    assert "1 lesson found" in title_hit.text


def test_search_matches_word_starts_and_every_word(client, course, lessons):
    """'treat' finds 'Treaties'; 'ties' does not (it is inside a word); all words must match."""
    url = reverse("learning:search", kwargs={"course_slug": course.slug})
    assert [hit.lesson.title for hit in client.get(url, {"q": "treat"}).context["results"]] == ["Treaties"]
    assert client.get(url, {"q": "ties"}).context["results"] == []
    assert [hit.lesson.title for hit in client.get(url, {"q": "soldiers treat"}).context["results"]] == ["Treaties"]


def test_search_with_no_match_says_so(client, course, lessons):
    """An empty result is explained, not blank."""
    response = client.get(reverse("learning:search", kwargs={"course_slug": course.slug}), {"q": "zebra"})
    assert "No lesson mentions that" in response.text


def test_search_refuses_an_overlong_query(client, course, lessons):
    """A query over 100 characters gets a clear message and no search."""
    response = client.get(reverse("learning:search", kwargs={"course_slug": course.slug}), {"q": "x" * 101})
    assert response.status_code == HTTPStatus.OK
    assert response.context["results"] is None
    assert "Keep the search under 100 characters." in response.text


def test_glossary_lists_terms_alphabetically_with_links_to_lessons(client, course, lessons):
    """Key terms appear A-Z, each linking to its lesson; terms of drafts stay hidden."""
    KeyTermFactory(lesson=lessons[1], term="treaty", definition="A written agreement.")
    KeyTermFactory(lesson=lessons[0], term="Accord", definition="Agreement.")
    KeyTermFactory(lesson=LessonFactory(module=lessons[0].module, is_published=False), term="Hidden")
    response = client.get(reverse("learning:glossary", kwargs={"course_slug": course.slug}))
    assert [term.term for term in response.context["terms"]] == ["Accord", "treaty"]
    assert f'href="{lessons[1].get_absolute_url()}"' in response.text
    assert "Hidden" not in response.text


def test_module_link_in_lesson_breadcrumb_targets_the_outline(student_client, lessons):
    """The breadcrumb leads back to the module on the outline."""
    response = student_client.get(lessons[0].get_absolute_url())
    assert f'href="{outline_url(lessons[0].course)}#module-basics"' in response.text


def test_lesson_of_a_module_from_another_course_is_not_reachable(student_client, lessons):
    """A lesson is only found under its own course's address."""
    other = LessonFactory(module=ModuleFactory(), slug="elsewhere")
    url = reverse("learning:lesson", kwargs={"course_slug": lessons[0].course.slug, "lesson_slug": other.slug})
    assert student_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_every_shipped_lesson_renders_with_its_sections(instructor_client, shipped_course):
    """Each lesson of the real course opens (for staff, who see every module), with its section links."""
    lessons = list(shipped_course.lessons.all())
    assert len(lessons) >= 20
    for lesson in lessons:
        response = instructor_client.get(lesson.get_absolute_url())
        assert response.status_code == HTTPStatus.OK, lesson.slug
        assert len(lesson.section_list) >= 3, lesson.slug
        for section in lesson.section_list:
            assert f'id="{section.anchor}"' in response.text
            assert f'href="#{section.anchor}"' in response.text


def test_search_folds_word_forms_and_shows_the_matching_passage(client, course, lessons):
    """ "treaty" finds "Treaties" by its stem, and the result quotes the passage with the word marked."""
    lessons[1].body = lessons[1].body + "\n\nStates bind themselves through treaties they sign and ratify."
    lessons[1].save()
    url = reverse("learning:search", kwargs={"course_slug": course.slug})
    response = client.get(url, {"q": "treaty"})
    assert response.context["results"][0].lesson.title == "Treaties"
    assert "through <mark>treaties</mark> they sign" in response.text


def test_a_search_passage_cannot_carry_markup(client, course, lessons):
    """Lesson text quoted in a passage is escaped; only our <mark> tags are HTML."""
    lessons[0].body = lessons[0].body + "\n\nPlain words about `<b>bold</b>` treaties."
    lessons[0].save()
    response = client.get(reverse("learning:search", kwargs={"course_slug": course.slug}), {"q": "bold"})
    assert "<b>bold</b>" not in response.text
