"""The student's path through a course: outline, lessons, and the quizzes that unlock what comes next.

Views parse the request, call one selector or service, and render; locks are checked on every door.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from learning import selectors, services
from learning.forms import LessonCompleteForm
from lessons.models import LessonProgress, LessonStatus
from lessons.selectors import course_get, lesson_page
from lessons.services import lesson_visit
from quizzes import selectors as quiz_selectors
from quizzes.forms import AttemptForm
from quizzes.services import AttemptClosed, QuizError


def outline(request, course_slug):
    course = course_get(slug=course_slug, user=request.user)
    outline = selectors.course_outline(course=course, user=request.user)
    return render(request, "learning/outline.html", {"course": course, "outline": outline})


def _open_lesson(request, course_slug, lesson_slug):
    """The lesson page data, or 404 for drafts and 403 for a lesson in a locked module."""
    course = course_get(slug=course_slug, user=request.user)
    page = lesson_page(course=course, slug=lesson_slug, user=request.user)
    locks, results = selectors.course_locks_for(course=course, user=request.user)
    if locks.lesson_locked(page.lesson):
        raise PermissionDenied(_("This lesson unlocks once you pass the quizzes of the previous module."))
    quiz = next((result for result in results.values() if result.quiz.lesson_id == page.lesson.id), None)
    if quiz:
        quiz.quiz.course = course
    return course, page, quiz


@login_required
def lesson_detail(request, course_slug, lesson_slug):
    course, page, quiz = _open_lesson(request, course_slug, lesson_slug)
    if request.user.is_staff:
        # Staff preview lessons as students see them; a preview records no progress.
        progress = LessonProgress(user=request.user, lesson=page.lesson, status=LessonStatus.NOT_STARTED)
    else:
        progress = lesson_visit(user=request.user, lesson=page.lesson)
    complete_form = LessonCompleteForm(
        action=reverse("learning:lesson_complete", kwargs={"course_slug": course.slug, "lesson_slug": lesson_slug})
    )
    return render(
        request,
        "learning/lesson.html",
        {"course": course, "page": page, "progress": progress, "quiz": quiz, "complete_form": complete_form},
    )


@require_POST
@login_required
def lesson_complete(request, course_slug, lesson_slug):
    _course, page, _quiz = _open_lesson(request, course_slug, lesson_slug)
    try:
        services.lesson_mark_complete(user=request.user, lesson=page.lesson)
    except services.LessonCompletionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” is complete.") % {"title": page.lesson.title})
    return redirect(page.lesson)


def _check_unlocked(*, course, quiz, user):
    """Refuse a quiz whose lesson sits in a locked module, or a final exam not yet open."""
    locks, _results = selectors.course_locks_for(course=course, user=user)
    if quiz.is_final and locks.final_exam_locked:
        raise PermissionDenied(_("The final exam opens once every lesson quiz is passed."))
    if quiz.lesson and locks.lesson_locked(quiz.lesson):
        raise PermissionDenied(_("This quiz unlocks once you pass the quizzes of the previous module."))


@login_required
def quiz_detail(request, course_slug, quiz_slug):
    course = course_get(slug=course_slug, user=request.user)
    quiz = quiz_selectors.quiz_get(course=course, slug=quiz_slug, user=request.user)
    _check_unlocked(course=course, quiz=quiz, user=request.user)
    for attempt in quiz_selectors.quiz_open_attempts(quiz=quiz, user=request.user):
        services.attempt_close_if_overdue(attempt=attempt)
    attempts = quiz_selectors.quiz_attempts(quiz=quiz, user=request.user)
    result = quiz_selectors.quiz_result(quiz=quiz, attempts=attempts)
    return render(
        request, "quizzes/quiz_detail.html", {"course": course, "quiz": quiz, "attempts": attempts, "result": result}
    )


@require_POST
@login_required
def quiz_start(request, course_slug, quiz_slug):
    course = course_get(slug=course_slug, user=request.user)
    quiz = quiz_selectors.quiz_get(course=course, slug=quiz_slug, user=request.user)
    _check_unlocked(course=course, quiz=quiz, user=request.user)
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except QuizError as error:
        messages.error(request, str(error))
        return redirect(quiz)
    return redirect(attempt)


# Questions, answers and (once closed) the right answers: never kept in a browser's or a proxy's cache.
@never_cache
@login_required
def attempt_detail(request, course_slug, attempt_id):
    course = course_get(slug=course_slug, user=request.user)
    attempt = quiz_selectors.attempt_get(course=course, attempt_id=attempt_id, user=request.user)
    if attempt.is_open and services.attempt_close_if_overdue(attempt=attempt):
        messages.warning(request, _("Time ran out. Your attempt was graded from the answers you had saved."))
        attempt = quiz_selectors.attempt_get(course=course, attempt_id=attempt_id, user=request.user)
    if not attempt.is_open:
        if request.method == "POST":
            messages.info(request, _("This attempt was already submitted; nothing was changed."))
            return redirect(attempt)
        return _result(request, course, attempt)

    slots = list(attempt.slots.all())
    form = AttemptForm(request.POST or None, slots=slots)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Some answers could not be read; nothing was saved. See the notes below."))
            return render(
                request, "quizzes/attempt_form.html", {"course": course, "attempt": attempt, "form": form}, status=400
            )
        responses = form.responses()
        try:
            if "submit" in request.POST:
                unanswered = form.unanswered()
                if unanswered and not request.POST.get("confirm_unanswered"):
                    services.attempt_save(attempt=attempt, responses=responses)
                    return render(
                        request,
                        "quizzes/attempt_form.html",
                        {"course": course, "attempt": attempt, "form": form, "unanswered": unanswered},
                    )
                services.attempt_submit(attempt=attempt, responses=responses)
                return redirect(attempt)
            services.attempt_save(attempt=attempt, responses=responses)
        except AttemptClosed as error:
            messages.warning(request, str(error))
            return redirect(attempt)
        messages.success(request, _("Your answers are saved. You can come back and submit later."))
        return redirect(attempt)
    return render(request, "quizzes/attempt_form.html", {"course": course, "attempt": attempt, "form": form})


def _result(request, course, attempt):
    attempts = quiz_selectors.quiz_attempts(quiz=attempt.quiz, user=request.user)
    result = quiz_selectors.quiz_result(quiz=attempt.quiz, attempts=attempts)
    review = quiz_selectors.attempt_review(attempt=attempt)
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "course": course,
            "attempt": attempt,
            "quiz": attempt.quiz,
            "review": review,
            "shown": attempt.quiz.review_shown(passed=result.passed, attempts_left=result.attempts_left),
            "breakdown": quiz_selectors.review_by_module(review=review) if attempt.quiz.is_final else [],
            "attempts": attempts,
            "result": result,
        },
    )
