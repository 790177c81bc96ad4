"""Time the student pages in-process with production-like settings, and show where the time goes.

    .venv/bin/python scripts/profile_pages.py [-n 200] [--redis redis://127.0.0.1:6379/15]
                                              [--profile outline] [--top 30] [--after-change] [--instructions]

Runs in this process through Django's test client (no server, no network): `DEBUG` off, the cached
template loader, the local-memory cache (or Redis with `--redis`, which also holds the sessions, as in
production), against the database of `DATABASE_URL` (default: the checkout's db.sqlite3, which needs
`make setup` or `load_course` first). A student `profile-student` is created if missing, with an open
attempt of the course's first lesson quiz (attempts, progress and review cards of earlier runs are
deleted first). Each page is warmed, then requested N times; the table gives ms per request, SQL
queries and Redis commands (round trips) per request and the ratio to the authenticated floor
(`/bench/floor/`: a session and a logged-in user, nothing else). `--profile PAGE` prints a cProfile
top list of N requests of that page (`--sort tottime|cumulative`). `--after-change` also times a
student's loop through a quiz (quiz page, start, attempt form, autosave, submit, result) and the
outline right after it, when the student's standing is rebuilt. `--instructions` counts each page's CPU
instructions per request under valgrind instead of timing it: slow (about a minute a page) but the same
from run to run whatever else the machine does, so two versions of the code compare exactly.

Not a test and not a benchmark of the stack (see `make bench` for that): it measures what the
application itself costs per request, steadily enough to compare two versions of the code.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

COURSE = "diplomacy-globalization"
USERNAME = "profile-student"


def configure(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplocourse.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "profile-pages-only-not-a-secret-" + "x" * 20)
    os.environ["INSECURE_HTTP"] = "1"  # the test client speaks plain HTTP: no SSL redirect
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["BENCH_VIEWS"] = "1"
    os.environ.setdefault("CONN_MAX_AGE", "60")
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    import django

    django.setup()
    # The manifest of collected static files may be missing in a checkout: plain storage draws the same pages.
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def setup_student():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from learning.models import ReviewCard
    from learning.services import attempt_start, enrolment_ensure
    from lessons.caching import progress_changed
    from lessons.models import Course, LessonProgress
    from quizzes.models import Attempt, Quiz

    course = Course.objects.get(slug=COURSE)
    user, _created = get_user_model().objects.get_or_create(username=USERNAME, defaults={"first_name": "Profile"})
    # Each run starts from the same standing: no attempts, progress or reviews left by the last run.
    for model in (Attempt, LessonProgress, ReviewCard):
        model.objects.filter(user=user).delete()
    progress_changed(user.pk)
    enrolment_ensure(user=user, course=course)
    quiz = Quiz.objects.filter(course=course, lesson__isnull=False).order_by(
        "lesson__module__position", "lesson__position"
    )[0]
    quiz.attempts_allowed = None
    quiz.time_limit_minutes = None
    quiz.save(update_fields=["attempts_allowed", "time_limit_minutes"])
    attempt = Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS).first()
    attempt = attempt or attempt_start(user=user, quiz=quiz)
    client = Client()
    client.force_login(user)
    return course, quiz, attempt, client, Client()


def timed(client, path: str, n: int, method: str = "get", data=None) -> tuple[float, int, int]:
    """ms per request over n requests (after 3 to warm), the queries of one request, its status."""
    call = getattr(client, method)
    for _ in range(3):
        call(path, data) if data else call(path)
    redis_calls = redis_commands()
    with counting() as queries:
        response = call(path, data) if data else call(path)
    redis_calls = redis_commands() - redis_calls
    started = time.perf_counter()
    for _ in range(n):
        call(path, data) if data else call(path)
    return (time.perf_counter() - started) * 1000 / n, len(queries), redis_calls, response.status_code


_redis_count = [0]


def count_redis_commands() -> None:
    """Count the commands sent to Redis (each one a round trip)."""
    from redis.client import Redis

    execute = Redis.execute_command

    def counted(self, *args, **options):
        _redis_count[0] += 1
        return execute(self, *args, **options)

    Redis.execute_command = counted


def redis_commands() -> int:
    return _redis_count[0]


class counting:
    """Counts the SQL statements run inside it (a list of them), whatever DEBUG says."""

    def __enter__(self):
        from django.db import connection

        self.statements = []
        self.wrapper = connection.execute_wrapper(self)
        self.wrapper.__enter__()
        return self.statements

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self.wrapper.__exit__(*exc)


def profile(client, path: str, n: int, sort: str, top: int) -> None:
    for _ in range(3):
        client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_stats(top)
    if os.environ.get("PROFILE_CALLERS"):
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_callers(os.environ["PROFILE_CALLERS"])
    print(out.getvalue())


def after_change(client, quiz, n: int, show_sql: bool = False) -> None:
    """A student's loop through a quiz, as `make bench`'s 50 students take it, then the outline after it."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from quizzes.models import Attempt

    user = get_user_model().objects.get(username=USERNAME)
    times: dict[str, list[float]] = {}
    counts: dict[str, int] = {}

    def step(name, method, path, data=None, **headers):
        with counting() as queries:
            started = time.perf_counter()
            response = getattr(client, method)(path, data, headers=headers) if data else client.get(path)
            times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        counts[name] = len(queries)
        if show_sql:
            print(f"-- {name}:", *(f"   {sql[:160]}" for sql in queries), sep="\n")
        return response

    for _ in range(n):
        step("quiz page", "get", quiz.get_absolute_url())
        start = reverse("learning:start", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
        step("start", "post", start, {"start": "1"})
        attempt = Attempt.objects.get(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS)
        form = _answers(step("attempt form", "get", attempt.get_absolute_url()).text)
        step("autosave", "post", attempt.get_absolute_url(), form, x_autosave="1")
        step("submit", "post", attempt.get_absolute_url(), {**form, "submit": "", "confirm_unanswered": "1"})
        step("result", "get", attempt.get_absolute_url())
        step("outline after", "get", quiz.course.get_absolute_url())
    print(f"\nA student's loop through a quiz ({n} times; median ms, queries):")
    for name, values in times.items():
        values.sort()
        print(f"{name:28} {values[len(values) // 2]:8.2f} ms {counts[name]:4d} queries")


def _answers(page: str) -> dict:
    import re

    answers = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="(q\d+(?:_\d+)?)"', tag)
        kind = re.search(r'type="(\w+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or name.group(1) in answers or not kind:
            continue
        if kind.group(1) in {"radio", "checkbox"}:
            answers[name.group(1)] = value.group(1) if value else ""
        elif kind.group(1) == "text":
            answers[name.group(1)] = "treaty"
    return answers


PAGES = ("bare", "floor", "catalog (anonymous)", "outline", "lesson", "quiz page", "attempt form")


def count_instructions(args) -> None:
    """Each page's CPU instructions per request in this process, counted by valgrind's callgrind: the same for the
    same code and data whatever else the machine does (unlike milliseconds). A run that warms every page and stops
    is subtracted from one that then requests the page N times; the database and Redis run in their own processes
    and are not counted, as the app workers' CPU in `make bench`. About a minute per page."""
    import re
    import subprocess

    def collected(page: str, n: int) -> int:
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
        command += ["--loop", page, "-n", str(n)] + (["--redis", args.redis] if args.redis else [])
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode or not found:
            sys.exit(done.stderr[-2000:])
        return int(found.group(1))

    base = collected("floor", 0)
    counts = {page: (collected(page, args.n) - base) / args.n for page in PAGES}
    print(f"{'page':28} {'instructions/request':>20} {'x floor':>8}")
    for page, count in counts.items():
        print(f"{page:28} {count:20,.0f} {counts['floor'] / count:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--redis", default="", help="a Redis URL for the cache and sessions (its db is not flushed)")
    parser.add_argument("--profile", default="", help="a page name to profile with cProfile (e.g. outline)")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--after-change", action="store_true", help="also time a submit and the pages right after it")
    parser.add_argument("--sql", action="store_true", help="with --after-change: print each step's SQL")
    parser.add_argument(
        "--instructions", action="store_true", help="count CPU instructions per request under valgrind (steady)"
    )
    parser.add_argument("--loop", default="", help=argparse.SUPPRESS)  # one page, n times, for --instructions
    args = parser.parse_args()
    if args.instructions:
        count_instructions(args)
        return
    configure(args)
    from django.urls import reverse

    course, quiz, attempt, student, visitor = setup_student()
    pages = {
        "bare": (visitor, "/bench/bare/"),
        "floor": (student, "/bench/floor/"),
        "catalog (anonymous)": (visitor, reverse("lessons:catalog")),
        "outline": (student, course.get_absolute_url()),
        "lesson": (student, quiz.lesson.get_absolute_url()),
        "quiz page": (student, quiz.get_absolute_url()),
        "attempt form": (student, attempt.get_absolute_url()),
    }
    if args.loop:
        for client, path in pages.values():
            for _ in range(30):
                client.get(path)
        client, path = pages[args.loop]
        for _ in range(args.n):
            client.get(path)
        return
    if args.profile:
        client, path = pages[args.profile]
        profile(client, path, args.n, args.sort, args.top)
        return
    if args.redis:
        count_redis_commands()
    results = {name: timed(client, path, args.n) for name, (client, path) in pages.items()}
    floor_ms, bare_ms = results["floor"][0], results["bare"][0]
    print(f"{'page':28} {'ms/request':>10} {'queries':>8} {'redis':>6} {'x floor':>8} {'x bare':>7} status")
    for name, (ms, queries, redis_calls, status) in results.items():
        print(f"{name:28} {ms:10.2f} {queries:8d} {redis_calls:6d} {floor_ms / ms:8.2f} {bare_ms / ms:7.2f} {status}")
    if args.after_change:
        after_change(student, quiz, max(5, args.n // 20), show_sql=args.sql)


if __name__ == "__main__":
    main()
