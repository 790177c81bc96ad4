from django.core.management.base import BaseCommand, CommandError

from lessons.models import Course
from quizzes.linting import RULES
from quizzes.models import Quiz
from quizzes.selectors import course_question_findings, quiz_question_findings


class Command(BaseCommand):
    help = (
        "Lint quiz questions for items a student could answer without reading: "
        "one line per finding, exit status 1 when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--course", help="slug of the course (default: every course)")
        parser.add_argument("--quiz", help="slug of one quiz of --course (or of the only course holding it)")
        parser.add_argument("--rules", action="store_true", help="list the rules and their codes, then stop")

    def handle(self, *args, course=None, quiz=None, rules=False, **options):
        if rules:
            for code, explanation in RULES.items():
                self.stdout.write(f"{code} {explanation}")
            return
        courses = Course.objects.filter(slug=course) if course else Course.objects.all()
        if course and not courses.exists():
            raise CommandError(f"no course {course!r}")
        if quiz:
            quizzes = list(Quiz.objects.filter(course__in=courses, slug=quiz).select_related("course"))
            if len(quizzes) != 1:
                raise CommandError(f"no single quiz {quiz!r}; name its course with --course")
            findings = quiz_question_findings(quiz=quizzes[0])
        else:
            findings = [finding for each in courses for finding in course_question_findings(course=each)]
        for finding in findings:
            where = " ".join(part for part in (finding.pool, finding.key) if part) or "course"
            self.stdout.write(f"{finding.code} {where}: {finding.message}")
        self.stdout.write(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}")
        if findings:
            raise SystemExit(1)
