from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from lessons.selectors import course_get
from quizzes import selectors, services
from quizzes.forms import AttemptForm
from quizzes.grading import grade_response, is_hand_marked, is_marked
from quizzes.models import Attempt, AttemptQuestion, ReviewShown

PREVIEW_SALT = "quizzes.preview"


@never_cache
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
            # A written answer waits for a marker; the preview scores the rest without it.
            auto = is_marked(slot.snapshot) and not is_hand_marked(slot.snapshot)
            slot.mark = grade_response(slot.snapshot, response) if auto else None
        marks = [slot.mark for slot in slots if slot.mark is not None]
        score = sum(marks) * 100 / len(marks) if marks else 0
        return render(
            request,
            "quizzes/preview_result.html",
            {
                **context,
                "review": selectors.slots_review(slots=slots),
                "score": round(score, 2),
                "shown": ReviewShown.everything(),
            },
        )
    context["preview_token"] = signing.dumps(snapshots, salt=PREVIEW_SALT, compress=True)
    return render(request, "quizzes/attempt_form.html", context)
