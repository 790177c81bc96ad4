"""The student's path through a course: outline, lessons, and the quizzes that unlock what comes next.

Views parse the request, call one selector or service, and render; locks are checked on every door.
"""

import contextlib
import random
from datetime import timedelta
from functools import wraps
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from learning import selectors, services
from learning.forms import LessonCompleteForm
from learning.models import CalendarFeed, Enrolment, ReviewCard
from lessons.forms import LessonSearchForm
from lessons.models import EnrolmentPolicy, LessonProgress, LessonStatus
from lessons.selectors import LessonPage, course_get, course_glossary, lesson_search
from quizzes import selectors as quiz_selectors
from quizzes.forms import AttemptDisplay, AttemptForm
from quizzes.models import AttemptQuestion, Question, ReviewShown
from quizzes.services import AttemptClosed, QuizError, snapshot_question

# A review question left open longer than this is shown afresh instead of being marked.
REVIEW_TOKEN_AGE = timedelta(hours=12)


def enrolment_required(view):
    """Answer a student the course does not let in with a page that says why and what to do."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.NotEnrolled as refusal:
            return render(
                request,
                "learning/not_enrolled.html",
                {"course": refusal.course, "enrolment": refusal.enrolment},
                status=HTTPStatus.FORBIDDEN,
            )

    return wrapper


def search(request, course_slug):
    """Lessons matching a search, each with its passage; lessons in a locked module are marked, not linked."""
    course = course_get(slug=course_slug, user=request.user)
    form = LessonSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = lesson_search(course=course, user=request.user, query=form.cleaned_data["q"])
    locks, _results = selectors.course_locks_for(course=course, user=request.user)
    context = {"course": course, "form": form, "results": results, "locked_module_ids": locks.locked_module_ids}
    return render(request, "lessons/search.html", context)


def glossary(request, course_slug):
    """Key terms A-Z with their lessons; a lesson in a locked module is named, not linked.

    The list is cached per course version and set of locked modules: terms are read (and each lesson's
    address reversed) only when that changes.
    """
    view = selectors.course_open(slug=course_slug, user=request.user)
    course = view.course
    locks, _results = selectors.course_view_locks(view=view, user=request.user)
    context = {
        "course": course,
        "terms": SimpleLazyObject(lambda: course_glossary(course=course, user=request.user)),
        "locked_module_ids": locks.locked_module_ids,
        "glossary_key": (view.course_version, request.user.is_staff, sorted(locks.locked_module_ids)),
    }
    return render(request, "lessons/glossary.html", context)


@login_required
def dashboard(request):
    """My courses: where each course stands and what to do next."""
    return render(request, "learning/dashboard.html", {"entries": selectors.student_dashboard(user=request.user)})


def outline(request, course_slug):
    view = selectors.course_open(slug=course_slug, user=request.user)
    course = view.course
    standing = selectors.student_standing(view=view, user=request.user)
    enrolment = standing.enrolment
    if enrolment is None and course.enrolment == EnrolmentPolicy.INVITATION and request.user.is_authenticated:
        # The sign-up link of an invitation lands here: an invitation to this student's address enrols them.
        with contextlib.suppress(services.NotEnrolled):
            enrolment = services.enrolment_ensure(user=request.user, course=course)
    context = {
        "course": course,
        # Built only when the page's cached fragment is missing (a new content or progress version).
        "outline": SimpleLazyObject(lambda: selectors.course_outline(course=course, user=request.user, view=view)),
        "due_count": standing.due_count(),
        "enrolment": enrolment,
        "versions": (view.course_version, view.progress_version),
    }
    return render(request, "learning/outline.html", context)


@require_POST
@login_required
@enrolment_required
def enrol(request, course_slug):
    """One click enrols a student in an open course (again, after a removal); invitation-only courses refuse."""
    course = course_get(slug=course_slug, user=request.user)
    if request.user.is_staff:
        messages.info(request, _("Staff open every course without enrolling."))
        return redirect(course)
    enrolment = selectors.enrolment_get(user=request.user, course=course)
    if enrolment is None or not enrolment.is_active:
        if course.enrolment == EnrolmentPolicy.OPEN:
            services.enrolment_enrol(user=request.user, course=course, source=Enrolment.Source.SELF)
        else:
            # An invitation waiting for the student's address lets them in; anything else is refused.
            services.enrolment_ensure(user=request.user, course=course)
    messages.success(request, _("You are enrolled in “%(title)s”.") % {"title": course.title})
    return redirect(course)


def _open_course(request, course_slug, *, standing_needed: bool = True):
    """The course (404 if hidden), the student's cached standing, and their enrolment ensured (403 if refused).

    A page that needs the standing only for the enrolment takes it when cached, else the enrolment cached per
    enrolment version (which attempts, progress and reviews leave alone), else reads the enrolment alone.
    """
    view = selectors.course_open(slug=course_slug, user=request.user)
    if standing_needed:
        standing = selectors.student_standing(view=view, user=request.user)
        known = standing.enrolment
    else:
        standing, known = selectors.standing_and_enrolment_cached(view=view, user=request.user)
        known = standing.enrolment if standing else known
    enrolment = services.enrolment_ensure(user=request.user, course=view.course, known=known)
    if enrolment is not known:
        selectors.enrolment_remember(view=view, user=request.user, enrolment=enrolment)
    return view, standing


def _open_lesson(request, course_slug, lesson_slug):
    """The lesson page data, or 404 for drafts and 403 for a lesson in a locked module."""
    view, standing = _open_course(request, course_slug)
    lessons = view.structure.lessons_for(request.user)
    index = next((i for i, lesson in enumerate(lessons) if lesson.slug == lesson_slug), None)
    if index is None:
        raise Http404("No such lesson.")
    locks, results = selectors.course_view_locks(view=view, user=request.user, standing=standing)
    lesson = lessons[index]
    if locks.lesson_locked(lesson):
        raise PermissionDenied(_("This lesson unlocks once you pass the quizzes of the previous module."))
    detail = selectors.lesson_detail(view=view, lesson=lesson)
    page = LessonPage(
        lesson=detail.lesson,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
    )
    page.next_locked = bool(page.next) and locks.lesson_locked(page.next)
    quiz = next((result for result in results.values() if result.quiz.lesson_id == lesson.id), None)
    return view, standing, page, detail, quiz


@login_required
@enrolment_required
def lesson_detail(request, course_slug, lesson_slug):
    view, standing, page, detail, quiz = _open_lesson(request, course_slug, lesson_slug)
    if request.user.is_staff:
        # Staff preview lessons as students see them; a preview records no progress.
        progress = LessonProgress(user=request.user, lesson=page.lesson, status=LessonStatus.NOT_STARTED)
    else:
        progress = services.lesson_open(user=request.user, lesson=page.lesson, standing=standing)
    complete_form = None
    if quiz is None and progress.status != LessonStatus.COMPLETED and not request.user.is_staff:
        # A lesson without a quiz is completed by hand; one with a quiz, by passing it.
        complete_form = LessonCompleteForm(
            action=reverse(
                "learning:lesson_complete", kwargs={"course_slug": view.course.slug, "lesson_slug": lesson_slug}
            )
        )
    return render(
        request,
        "learning/lesson.html",
        {
            "course": view.course,
            "page": page,
            "detail": detail,
            "course_version": view.course_version,
            "progress": progress,
            "quiz": quiz,
            "complete_form": complete_form,
            "objectives": standing.mastery.for_lesson(page.lesson),
        },
    )


@login_required
@enrolment_required
def lesson_complete(request, course_slug, lesson_slug):
    _view, _standing, page, _detail, _quiz = _open_lesson(request, course_slug, lesson_slug)
    if request.method != "POST":
        # A GET here (e.g. the redirect after logging in) lands on the lesson, where the button is.
        return redirect(page.lesson)
    try:
        services.lesson_mark_complete(user=request.user, lesson=page.lesson)
    except services.LessonCompletionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” is complete.") % {"title": page.lesson.title})
    return redirect(page.lesson)


def _open_quiz(request, course_slug, quiz_slug):
    """The quiz a student may take, or 404 for a hidden one and 403 for a locked one."""
    view, standing = _open_course(request, course_slug)
    quiz = next((quiz for quiz in view.structure.quizzes_for(request.user) if quiz.slug == quiz_slug), None)
    if quiz is None:
        raise Http404("No such quiz.")
    locks, _results = selectors.course_view_locks(view=view, user=request.user, standing=standing)
    if quiz.is_final and locks.final_exam_locked:
        raise PermissionDenied(_("The final exam opens once every lesson quiz is passed."))
    if quiz.lesson and locks.lesson_locked(quiz.lesson):
        raise PermissionDenied(_("This quiz unlocks once you pass the quizzes of the previous module."))
    if quiz.module_id and locks.module_locked(quiz.module_id):
        raise PermissionDenied(_("This task unlocks once you pass the quizzes of the previous module."))
    return view, standing, quiz


@login_required
@enrolment_required
def quiz_detail(request, course_slug, quiz_slug):
    view, standing, quiz = _open_quiz(request, course_slug, quiz_slug)
    course = view.course
    # The attempts come with the cached standing; an open timed one is read afresh, to close it if overdue.
    attempts = standing.quiz_attempts(quiz)
    if any(attempt.is_open and attempt.deadline for attempt in attempts):
        attempts = quiz_selectors.quiz_attempts(quiz=quiz, user=request.user)
    if any(services.attempt_close_if_overdue(attempt=attempt) for attempt in attempts if attempt.is_open):
        attempts = quiz_selectors.quiz_attempts(quiz=quiz, user=request.user)
    result = quiz_selectors.quiz_result(quiz=quiz, attempts=attempts)
    context = {
        "course": course,
        "quiz": quiz,
        "attempts": attempts,
        "result": result,
        "course_version": view.course_version,
    }
    return render(request, "quizzes/quiz_detail.html", context)


@login_required
@enrolment_required
def quiz_start(request, course_slug, quiz_slug):
    _view, _standing, quiz = _open_quiz(request, course_slug, quiz_slug)
    if request.method != "POST":
        # A GET here (e.g. the redirect after logging in) lands on the quiz page, where the start button is.
        return redirect(quiz)
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except QuizError as error:
        messages.error(request, str(error))
        return redirect(quiz)
    return redirect(attempt)


# Answers posted after the session expired wait here (in the new anonymous session) until the student logs in.
PENDING_ANSWERS = "pending_attempt_answers"
MAX_PENDING_BYTES = 64 * 1024


# Questions, answers and (once closed) the right answers: never kept in a browser's or a proxy's cache.
@never_cache
@enrolment_required
def attempt_detail(request, course_slug, attempt_id):
    if not request.user.is_authenticated:
        return _keep_answers_for_login(request, attempt_id)
    view, _standing = _open_course(request, course_slug, standing_needed=False)
    course = view.course
    quizzes = {quiz.pk: quiz for quiz in view.structure.quizzes}
    questions_html = None
    if request.method == "GET" and PENDING_ANSWERS not in request.session:
        # Drawn with the saved answers, or kept so since the student's last change (then no query).
        attempt, questions_html = selectors.attempt_for_form(
            view=view, user=request.user, attempt_id=attempt_id, quizzes=quizzes
        )
    else:
        attempt = quiz_selectors.attempt_get(course=course, attempt_id=attempt_id, user=request.user, quizzes=quizzes)
    autosave = request.method == "POST" and request.headers.get("X-Autosave") == "1"
    if attempt.is_open and services.attempt_close_if_overdue(attempt=attempt):
        if autosave:
            return JsonResponse({"saved": False, "reason": "time is up"}, status=409)
        messages.warning(request, _("Time ran out. Your attempt was graded from the answers you had saved."))
        attempt = quiz_selectors.attempt_get(course=course, attempt_id=attempt_id, user=request.user, quizzes=quizzes)
    if not attempt.is_open:
        if autosave:
            return JsonResponse({"saved": False, "reason": "already submitted"}, status=409)
        if request.method == "POST":
            messages.info(request, _("This attempt was already submitted; nothing was changed."))
            return redirect(attempt)
        return _result(request, course, attempt)

    if questions_html is not None:
        display = AttemptDisplay(slots=None, questions_html=questions_html)
        return render(request, "quizzes/attempt_form.html", {"course": course, "attempt": attempt, "form": display})
    slots = list(attempt.slots.all())
    kept = request.session.pop(PENDING_ANSWERS, {}).get(str(attempt.pk)) if request.method == "GET" else None
    if kept:
        messages.warning(
            request,
            _(
                "Your session had expired when you sent these answers. They are filled in below but not saved yet: "
                "check them, then save or submit."
            ),
        )
        form = AttemptForm(QueryDict(kept), slots=slots)
        form.is_valid()
        return render(request, "quizzes/attempt_form.html", {"course": course, "attempt": attempt, "form": form})
    if request.method != "POST":
        # The saved answers drawn into the inputs' kept shapes, without building a form (only a POST needs one).
        display = AttemptDisplay(slots)
        return render(request, "quizzes/attempt_form.html", {"course": course, "attempt": attempt, "form": display})
    form = AttemptForm(request.POST or None, slots=slots)
    if request.method == "POST":
        if not form.is_valid():
            if autosave:
                return JsonResponse({"saved": False, "reason": "unreadable answers"}, status=400)
            messages.error(request, _("Some answers could not be read; nothing was saved. See the notes below."))
            return render(
                request, "quizzes/attempt_form.html", {"course": course, "attempt": attempt, "form": form}, status=400
            )
        responses = form.responses()
        try:
            if "submit" in request.POST and not autosave:
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
            if autosave:
                return JsonResponse({"saved": False, "reason": str(error)}, status=409)
            messages.warning(request, str(error))
            return redirect(attempt)
        if autosave:
            return JsonResponse({"saved": True})
        messages.success(request, _("Your answers are saved. You can come back and submit later."))
        return redirect(attempt)
    return render(request, "quizzes/attempt_form.html", {"course": course, "attempt": attempt, "form": form})


def _keep_answers_for_login(request, attempt_id):
    """A visitor (or a student whose session expired) is sent to log in; answers they posted wait for them."""
    if request.method == "POST" and len(request.body) <= MAX_PENDING_BYTES:
        answers = request.POST.copy()
        for name in ("csrfmiddlewaretoken", "submit", "save", "confirm_unanswered"):
            answers.pop(name, None)
        pending = request.session.get(PENDING_ANSWERS, {})
        pending[str(attempt_id)] = answers.urlencode()
        request.session[PENDING_ANSWERS] = pending
        path = request.path
    else:
        path = request.get_full_path()
    return redirect_to_login(path)


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
            "next_step": selectors.next_step_after(attempt=attempt, user=request.user) if attempt.passed else None,
            "attempts": attempts,
            "result": result,
        },
    )


REVIEW_SALT = "learning.review"


def _review_slot(question, seed: int) -> AttemptQuestion:
    """The question as the review page shows it; the seed fixes its shuffle so the answer can be read back."""
    snapshot = snapshot_question(question, shuffle_choices=True, rng=random.Random(seed))
    return AttemptQuestion(position=1, question=question, snapshot=snapshot)


@login_required
@enrolment_required
def review(request, course_slug):
    """Due review cards one at a time: answer, see at once whether it was right and where the lesson says so."""
    course = course_get(slug=course_slug, user=request.user)
    services.enrolment_ensure(user=request.user, course=course)
    if request.method == "POST":
        return _review_answer(request, course)
    card = selectors.review_card_next(user=request.user, course=course)
    if card is None:
        return render(request, "learning/review_done.html", _review_context(request, course))
    question = selectors.review_variant(card=card)
    seed = random.SystemRandom().randrange(2**31)
    token = signing.dumps(
        {"card": card.pk, "seen": card.reviews, "question": question.pk, "version": question.version, "seed": seed},
        salt=REVIEW_SALT,
    )
    form = AttemptForm(slots=[_review_slot(question, seed)])
    return render(request, "learning/review.html", {**_review_context(request, course), "form": form, "token": token})


def _review_answer(request, course):
    try:
        shown = signing.loads(request.POST.get("token", ""), salt=REVIEW_SALT, max_age=REVIEW_TOKEN_AGE)
        question = Question.objects.select_related("lesson__module").get(pk=shown["question"], course=course)
    except (signing.BadSignature, KeyError, TypeError, Question.DoesNotExist):
        messages.error(request, _("That review question is no longer valid; here is the next one."))
        return redirect("learning:review", course_slug=course.slug)
    if question.version != shown["version"]:
        messages.info(request, _("That question was edited meanwhile; here it is again as it stands now."))
        return redirect("learning:review", course_slug=course.slug)
    slot = _review_slot(question, shown["seed"])
    form = AttemptForm(request.POST, slots=[slot])
    if not form.is_valid():
        messages.error(request, _("Your answer could not be read; nothing was recorded. See the note below."))
        context = {**_review_context(request, course), "form": form, "token": request.POST["token"]}
        return render(request, "learning/review.html", context, status=400)
    slot.response = form.responses()[1]
    try:
        recorded = services.review_answer(
            user=request.user,
            card_id=shown["card"],
            reviews_seen=shown["seen"],
            snapshot=slot.snapshot,
            response=slot.response,
        )
    except (services.ReviewAlreadyAnswered, ReviewCard.DoesNotExist):
        messages.info(request, _("That review was already answered; nothing was changed."))
        return redirect("learning:review", course_slug=course.slug)
    slot.mark = recorded.mark
    return render(
        request,
        "learning/review_feedback.html",
        {
            **_review_context(request, course),
            "review": quiz_selectors.slots_review(slots=[slot]),
            "shown": ReviewShown.everything(),
            "next_due": recorded.card.due,
        },
    )


def _review_context(request, course) -> dict:
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    return {
        "course": course,
        "due_count": selectors.reviews_due_count(user=request.user, course=course),
        "calendar_url": request.build_absolute_uri(feed.get_absolute_url()),
    }


@require_POST
@login_required
def review_calendar_reset(request, course_slug):
    course = course_get(slug=course_slug, user=request.user)
    services.calendar_feed_reset(user=request.user)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("learning:review", course_slug=course.slug)


def review_calendar(request, token):
    """The student's due reviews as an iCalendar feed, at a secret address a calendar app subscribes to."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    calendar = Calendar()
    calendar.add("prodid", "-//diplocourse//review queue//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "diplocourse reviews")
    for day in selectors.review_calendar(user=feed.user):
        event = Event()
        event.add("uid", f"reviews-{day.course.slug}-{day.day.isoformat()}-{feed.user_id}@diplocourse")
        event.add(
            "summary",
            ngettext("%(count)d review due: %(course)s", "%(count)d reviews due: %(course)s", day.count)
            % {"count": day.count, "course": day.course.title},
        )
        event.add("dtstart", day.day)
        event.add("dtend", day.day + timedelta(days=1))
        event.add("dtstamp", timezone.now())
        event.add(
            "url", request.build_absolute_uri(reverse("learning:review", kwargs={"course_slug": day.course.slug}))
        )
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="reviews.ics"'
    return response
