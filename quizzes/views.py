from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lessons.selectors import course_get, course_locks_for
from quizzes import selectors, services
from quizzes.forms import AttemptForm
from quizzes.grading import grade_response
from quizzes.models import Attempt, AttemptQuestion


def _check_unlocked(*, course, quiz, user):
    """Refuse a quiz whose lesson sits in a locked module, or a final exam not yet open."""
    locks, _results = course_locks_for(course=course, user=user)
    if quiz.is_final and locks.final_exam_locked:
        raise PermissionDenied(_("The final exam opens once every lesson quiz is passed."))
    if quiz.lesson and locks.lesson_locked(quiz.lesson):
        raise PermissionDenied(_("This quiz unlocks once you pass the quizzes of the previous module."))


@login_required
def quiz_detail(request, course_slug, quiz_slug):
    course = course_get(slug=course_slug, user=request.user)
    quiz = selectors.quiz_get(course=course, slug=quiz_slug, user=request.user)
    _check_unlocked(course=course, quiz=quiz, user=request.user)
    for attempt in selectors.quiz_open_attempts(quiz=quiz, user=request.user):
        services.attempt_close_if_overdue(attempt=attempt)
    attempts = selectors.quiz_attempts(quiz=quiz, user=request.user)
    result = selectors.quiz_result(quiz=quiz, attempts=attempts)
    return render(
        request, "quizzes/quiz_detail.html", {"course": course, "quiz": quiz, "attempts": attempts, "result": result}
    )


@require_POST
@login_required
def quiz_start(request, course_slug, quiz_slug):
    course = course_get(slug=course_slug, user=request.user)
    quiz = selectors.quiz_get(course=course, slug=quiz_slug, user=request.user)
    _check_unlocked(course=course, quiz=quiz, user=request.user)
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except services.QuizError as error:
        messages.error(request, str(error))
        return redirect(quiz)
    return redirect(attempt)


@login_required
def attempt_detail(request, course_slug, attempt_id):
    course = course_get(slug=course_slug, user=request.user)
    attempt = selectors.attempt_get(course=course, attempt_id=attempt_id, user=request.user)
    if attempt.is_open and services.attempt_close_if_overdue(attempt=attempt):
        messages.warning(request, _("Time ran out. Your attempt was graded from the answers you had saved."))
        attempt = selectors.attempt_get(course=course, attempt_id=attempt_id, user=request.user)
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
        except services.AttemptClosed as error:
            messages.warning(request, str(error))
            return redirect(attempt)
        messages.success(request, _("Your answers are saved. You can come back and submit later."))
        return redirect(attempt)
    return render(request, "quizzes/attempt_form.html", {"course": course, "attempt": attempt, "form": form})


PREVIEW_SALT = "quizzes.preview"


@login_required
def quiz_preview(request, course_slug, quiz_slug):
    """Staff try a quiz (drafts too) as a student would, graded on the spot; nothing is recorded."""
    if not request.user.is_staff:
        raise Http404("No such quiz.")
    course = course_get(slug=course_slug, user=request.user)
    quiz = selectors.quiz_get(course=course, slug=quiz_slug, user=request.user)
    if request.method == "POST":
        try:
            snapshots = signing.loads(request.POST.get("preview", ""), salt=PREVIEW_SALT)
        except signing.BadSignature:
            return HttpResponseBadRequest("The preview form was altered or is too old; open the preview again.")
    else:
        snapshots = services.quiz_preview(quiz=quiz)
    slots = [AttemptQuestion(position=i, snapshot=snapshot) for i, snapshot in enumerate(snapshots, start=1)]
    form = AttemptForm(request.POST or None, slots=slots)
    context = {"course": course, "quiz": quiz, "attempt": Attempt(quiz=quiz, number=0), "form": form, "preview": True}
    if request.method == "POST" and form.is_valid():
        for slot, response in zip(slots, form.responses().values(), strict=True):
            slot.response = response
            slot.mark = grade_response(slot.snapshot, response)
        score = sum(slot.mark for slot in slots) * 100 / len(slots) if slots else 0
        return render(
            request,
            "quizzes/preview_result.html",
            {**context, "review": selectors.slots_review(slots=slots), "score": round(score, 2)},
        )
    context["preview_token"] = signing.dumps(snapshots, salt=PREVIEW_SALT, compress=True)
    return render(request, "quizzes/attempt_form.html", context)


def _result(request, course, attempt):
    attempts = selectors.quiz_attempts(quiz=attempt.quiz, user=request.user)
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "course": course,
            "attempt": attempt,
            "quiz": attempt.quiz,
            "review": selectors.attempt_review(attempt=attempt),
            "attempts": attempts,
            "result": selectors.quiz_result(quiz=attempt.quiz, attempts=attempts),
        },
    )
