"""The marking queue: instructors mark written answers against their rubric.

Thin views over `marking.selectors` and `learning.services.slot_mark`. Pages show students' work and
marks, so none is kept in a browser's or a proxy's cache.
"""

from functools import wraps
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from learning import services as learning_services
from lessons.selectors import course_get
from marking import selectors
from marking.forms import MarkingForm
from quizzes.grading import is_hand_marked, word_count
from quizzes.selectors import markdown_html, quiz_get
from quizzes.services import MarkingConflict, MarkingRefused

QUEUE_PAGE_SIZE = 100


def marker_required(view):
    """Instructors and superusers only; visitors log in through the admin, other users get a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not selectors.is_marker(request.user):
            raise PermissionDenied(_("Only instructors mark written answers."))
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


@marker_required
def index(request):
    return render(request, "marking/index.html", {"entries": selectors.marking_overview()})


@marker_required
def queue(request, course_slug, quiz_slug):
    course = course_get(slug=course_slug, user=request.user)
    quiz = quiz_get(course=course, slug=quiz_slug, user=request.user)
    waiting, marked = selectors.marking_queue(quiz=quiz, limit=QUEUE_PAGE_SIZE)
    context = {
        "course": course,
        "quiz": quiz,
        "waiting": waiting,
        "waiting_count": selectors.waiting_count(quiz=quiz),
        "marked": marked,
        "page_size": QUEUE_PAGE_SIZE,
    }
    return render(request, "marking/queue.html", context)


@marker_required
def mark(request, course_slug, slot_id):
    course = course_get(slug=course_slug, user=request.user)
    slot = selectors.marking_slot_get(course=course, slot_id=slot_id)
    quiz = slot.attempt.quiz
    if not is_hand_marked(slot.snapshot):
        return _refuse(request, course, quiz, _("This question is marked automatically; there is nothing to mark."))
    if not slot.response:
        return _refuse(request, course, quiz, _("This answer is blank: it scored 0 without marking."))
    rubric = slot.snapshot.get("rubric", [])
    if not rubric:
        return _refuse(
            request,
            course,
            quiz,
            _("This question had no rubric when the attempt began, so it cannot be marked here."),
            status=HTTPStatus.CONFLICT,
        )
    initial = {"seen": slot.marked_at.isoformat() if slot.marked_at else "", "comment": slot.marker_comment}
    form = MarkingForm(request.POST or None, initial=initial, rubric=rubric, chosen=slot.rubric_levels)
    status = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                learning_services.slot_mark(
                    slot_id=slot.pk,
                    marker=request.user,
                    levels=form.levels(),
                    comment=form.cleaned_data["comment"],
                    seen_marked_at=form.cleaned_data["seen"],
                )
            except MarkingConflict as error:
                messages.error(request, str(error))
                status = HTTPStatus.CONFLICT
            except MarkingRefused as error:
                messages.error(request, str(error))
                status = HTTPStatus.BAD_REQUEST
            else:
                return _after_marking(request, course, quiz, slot)
        else:
            messages.error(request, _("The mark was not saved; see the notes below."))
            status = HTTPStatus.BAD_REQUEST
        if status == HTTPStatus.CONFLICT:
            # Show what is recorded now, so the marker can decide whether to correct it.
            slot = selectors.marking_slot_get(course=course, slot_id=slot_id)
            form = MarkingForm(
                initial={"seen": slot.marked_at.isoformat() if slot.marked_at else "", "comment": slot.marker_comment},
                rubric=rubric,
                chosen=slot.rubric_levels,
            )
    context = {
        "course": course,
        "quiz": quiz,
        "slot": slot,
        "form": form,
        "student": selectors.student_label(quiz=quiz, slot=slot),
        "answer": slot.response.get("text", ""),
        "text_html": markdown_html(slot.snapshot["text"]),
        "guidance_html": markdown_html(slot.snapshot.get("explanation", "")),
        "words": word_count(slot.response.get("text", "")),
        "waiting_count": selectors.waiting_count(quiz=quiz),
    }
    return render(request, "marking/mark.html", context, status=status)


def _refuse(request, course, quiz, reason: str, status=HTTPStatus.BAD_REQUEST):
    context = {"course": course, "quiz": quiz, "reason": reason}
    return render(request, "marking/refused.html", context, status=status)


def _after_marking(request, course, quiz, slot):
    following = selectors.next_waiting(quiz=quiz, after=slot)
    if following is None:
        messages.success(request, _("Mark saved. No answer of this quiz is waiting."))
        return redirect("marking:queue", course_slug=course.slug, quiz_slug=quiz.slug)
    messages.success(request, _("Mark saved. Here is the next answer waiting."))
    return redirect("marking:mark", course_slug=course.slug, slot_id=following.pk)
