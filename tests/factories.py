import factory
from django.contrib.auth.models import Group, User

from lessons.models import Course, KeyTerm, Lesson, Module, Source
from quizzes.models import Choice, Question, Quiz, RubricCriterion, RubricLevel

LESSON_BODY = """Opening words of the lesson.

## First idea {#first-idea}

Diplomats talk so that soldiers do not have to. {filler}

## Second idea {#second-idea}

Agreements bind states that choose to sign them. {filler}
"""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


class InstructorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"instructor{n}")
    is_staff = True

    @factory.post_generation
    def join_instructors(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Instructors"))


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "A course for tests."
    is_published = True


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    course = factory.SubFactory(CourseFactory)
    key = factory.Sequence(lambda n: f"{n:03d}")
    title = factory.Sequence(lambda n: f"Essay {n}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    position = factory.Sequence(lambda n: n)
    is_published = True


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson
        skip_postgeneration_save = True

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "What this lesson is about."
    objectives = "Explain the first idea\nApply the second idea"
    body = LESSON_BODY.replace("{filler}", "More words about it. " * 20)
    position = factory.Sequence(lambda n: n)
    is_published = True


class KeyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyTerm

    lesson = factory.SubFactory(LessonFactory)
    term = factory.Sequence(lambda n: f"Term {n}")
    definition = "What the term means."


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    lesson = factory.SubFactory(LessonFactory)
    course = factory.LazyAttribute(lambda quiz: quiz.lesson.course)
    kind = Quiz.Kind.LESSON
    title = factory.LazyAttribute(lambda quiz: f"Quiz: {quiz.lesson.title}" if quiz.lesson else "Final exam")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    pass_mark = 70
    shuffle_questions = False
    shuffle_choices = False
    is_published = True


def make_question(
    lesson, qtype="single", answers=None, *, key=None, section="first-idea", text=None, pool="lesson", group=""
):
    """A question with its choices: answers are (text, fraction) or (text, fraction, match) or with feedback too."""
    answers = answers or [("Right", 1, "", "Yes."), ("Wrong", 0, "", "No.")]
    question = Question.objects.create(
        lesson=lesson,
        key=key or f"q-{Question.objects.count() + 1}-{lesson.slug}",
        qtype=qtype,
        title=f"{qtype} question",
        text=text or f"A {qtype} question?",
        explanation="Because the lesson says so.",
        section_anchor=section,
        position=Question.objects.filter(lesson=lesson).count() + 1,
        pool=pool,
        variant_group=group,
    )
    for position, answer in enumerate(answers, start=1):
        text, fraction, match, feedback = (*answer, "", "")[:4]
        Choice.objects.create(
            question=question, text=text, fraction=fraction, match_text=match, feedback=feedback, position=position
        )
    return question


RUBRIC = [
    ("Uses the lesson's ideas", [(0, "None of them."), (2, "Some, loosely."), (4, "The right ones, precisely.")]),
    ("Argues a choice", [(0, "No choice made."), (1, "A choice, unargued."), (2, "A choice, well argued.")]),
]


def make_written_question(lesson, *, key=None, rubric=RUBRIC, pool="lesson", min_words=20, max_words=200):
    """A written-answer question with its rubric: criteria given as (title, [(points, description), ...])."""
    question = Question.objects.create(
        lesson=lesson,
        key=key or f"written-{Question.objects.count() + 1}-{lesson.slug}",
        qtype="written",
        title="Policy memo",
        text="An invented ministry must choose. Write a memo recommending a course and argue it.",
        explanation="A good answer names the trade-off and uses the lesson's ideas.",
        section_anchor="first-idea",
        position=Question.objects.filter(lesson=lesson).count() + 1,
        pool=pool,
        min_words=min_words,
        max_words=max_words,
    )
    for position, (title, levels) in enumerate(rubric, start=1):
        criterion = RubricCriterion.objects.create(
            question=question, position=position, title=title, description=f"Judges: {title.lower()}."
        )
        for level_position, (points, description) in enumerate(levels, start=1):
            RubricLevel.objects.create(
                criterion=criterion, position=level_position, points=points, description=description
            )
    return question


def right_answers(attempt):
    """The fully right response for every question of an attempt, from its snapshots."""
    responses = {}
    for slot in attempt.slots.all():
        snapshot = slot.snapshot
        if snapshot["qtype"] == "written":
            responses[slot.position] = {"text": "A memo that argues its case. " * 5}
            continue
        ids = [choice["id"] for choice in snapshot["choices"]]
        best = max(snapshot["choices"], key=lambda choice: float(choice["fraction"]))
        responses[slot.position] = {
            "single": {"choice": best["id"]},
            "truefalse": {"choice": best["id"]},
            "multiple": {"choices": [c["id"] for c in snapshot["choices"] if float(c["fraction"]) > 0]},
            "short": {"text": best["text"]},
            "matching": {"pairs": {str(i): i for i in ids}},
            "ordering": {"order": ids},
        }[snapshot["qtype"]]
    return responses
