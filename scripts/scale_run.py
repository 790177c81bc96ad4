"""`make scale-run`: time the staff reports over 10,000 students and 200,000 finished attempts.

    .venv/bin/python scripts/scale_run.py [--students N] [--attempts-per-student K] [--reuse] [--no-write]

On database `bench_scale` of the local PostgreSQL (dropped and created again): migrate, load the
course, then bulk-create enrolled students and finished attempts in SQL (generate_series), each attempt with
the real snapshots of the questions a quiz draws (two draws per quiz, so a retry meets the other)
and synthetic answers: right with a probability that grows with the student's ability, so the
item statistics have something to discriminate. Then the gradebook page, the gradebook CSV and the
item analysis of the busiest quiz are requested in-process through Django's test client, logged in
as a superuser, with their wall time, SQL query count and the peak memory they added to the process.

The student pages (dashboard, outline, lesson, quiz page, attempt form) of one probe student are
measured twice, on the freshly loaded course and again once the 10,000 students are in, with their
query counts and the Django process's CPU time per request (median of several): a student's pages
should not slow down as the class grows. `--reuse` skips the rebuild and measures an existing
`bench_scale` (the small-data numbers are then not taken).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # the sibling script: database and report helpers

DATABASE = "bench_scale"


def right_and_wrong(snapshot: dict) -> tuple[dict | None, dict | None]:
    """A fully right response to a snapshot, and a wrong one (None: left blank). A written answer's mark is its
    marker's: the same text gets the right or the wrong mark."""
    if snapshot["qtype"] == "written":
        memo = {"text": "Talk first: talks keep the options open, and the lesson's ideas say why. " * 4}
        return memo, memo
    choices = snapshot["choices"]
    ids = [choice["id"] for choice in choices]
    best = max(choices, key=lambda choice: float(choice["fraction"]))
    worst = min(choices, key=lambda choice: float(choice["fraction"]))
    qtype = snapshot["qtype"]
    right = {
        "single": {"choice": best["id"]},
        "truefalse": {"choice": best["id"]},
        "multiple": {"choices": [c["id"] for c in choices if float(c["fraction"]) > 0]},
        "short": {"text": best["text"]},
        "matching": {"pairs": {str(i): i for i in ids}},
        "ordering": {"order": ids},
    }[qtype]
    wrong = {"choice": worst["id"]} if qtype in {"single", "truefalse"} else None
    return right, wrong


def populate(students: int, per_student: int) -> dict:
    from django.db import connection

    from lessons.models import Course
    from quizzes.models import Quiz
    from quizzes.services import _draw_questions, snapshot_question

    course = Course.objects.get(slug="diplomacy-globalization")
    quizzes = list(Quiz.objects.filter(course=course).order_by("pk"))
    timings = {}
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE scale_template (quiz_index int, variant int, position int, "
            "question_id bigint, snapshot jsonb, right_response jsonb, wrong_response jsonb)"
        )
        rows = []
        for index, quiz in enumerate(quizzes):
            for variant in range(2):
                rng = random.Random(index * 2 + variant)
                for position, question in enumerate(_draw_questions(quiz, rng), start=1):
                    snapshot = snapshot_question(question, shuffle_choices=quiz.shuffle_choices, rng=rng)
                    right, wrong = right_and_wrong(snapshot)
                    rows.append(
                        (
                            index,
                            variant,
                            position,
                            question.pk,
                            json.dumps(snapshot),
                            json.dumps(right),
                            json.dumps(wrong) if wrong else None,
                        )
                    )
        cursor.executemany("INSERT INTO scale_template VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
        cursor.execute("CREATE TEMP TABLE scale_quiz (quiz_index int, quiz_id bigint, pass_mark numeric)")
        cursor.executemany(
            "INSERT INTO scale_quiz VALUES (%s, %s, %s)", [(i, q.pk, q.pass_mark) for i, q in enumerate(quizzes)]
        )
        cursor.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined) SELECT '!', false, 'scale-' || lpad(i::text, 5, '0'), 'Student ' || i, '', "
            "'', false, true, now() FROM generate_series(1, %s) i",
            [students],
        )
        # Every student is on the roster, as self-enrolment or a first lesson would have put them.
        cursor.execute(
            "INSERT INTO learning_enrolment (status, source, enrolled_at, course_id, user_id) "
            "SELECT 'active', 'self', now() - interval '3 days', %s, id FROM auth_user WHERE username LIKE 'scale-%%'",
            [course.pk],
        )
        timings["students"] = time.monotonic() - began
        # Student s takes `per_student` attempts: half as many quizzes (rotating with s), each twice.
        half = max(per_student // 2, 1)
        cursor.execute(
            "INSERT INTO quizzes_attempt (quiz_id, user_id, number, status, started_at, finished_at, "
            "closed_at_deadline, score, passed) "
            "SELECT q.quiz_id, u.id, 1 + k / %(half)s, 'finished', now() - interval '2 days' + k * interval '1 hour', "
            "now() - interval '2 days' + k * interval '1 hour' + interval '12 minutes', false, 0, false "
            "FROM auth_user u CROSS JOIN generate_series(0, %(per)s - 1) k "
            "JOIN scale_quiz q ON q.quiz_index = (u.id + k %% %(half)s) %% %(quizzes)s "
            "WHERE u.username LIKE 'scale-%%'",
            {"half": half, "per": per_student, "quizzes": len(quizzes)},
        )
        timings["attempts"] = time.monotonic() - began
        cursor.execute(
            "INSERT INTO quizzes_attemptquestion (attempt_id, position, question_id, snapshot, response, mark, "
            "marker_comment) "
            "SELECT a.id, t.position, t.question_id, t.snapshot, "
            "CASE WHEN r.is_right THEN t.right_response ELSE t.wrong_response END, "
            "CASE WHEN r.is_right THEN 1 ELSE 0 END, '' "
            "FROM quizzes_attempt a JOIN scale_quiz q ON q.quiz_id = a.quiz_id "
            "JOIN scale_template t ON t.quiz_index = q.quiz_index AND t.variant = (a.number - 1) % 2 "
            "CROSS JOIN LATERAL (SELECT random() < 0.3 + 0.6 * ((a.user_id % 100) / 100.0) "
            "+ 0 * t.position AS is_right) r "
            "JOIN auth_user u ON u.id = a.user_id WHERE u.username LIKE 'scale-%'"
        )
        timings["answers"] = time.monotonic() - began
        cursor.execute(
            "UPDATE quizzes_attempt a SET score = s.score, passed = s.score >= q.pass_mark "
            "FROM (SELECT attempt_id, round(100 * avg(mark), 2) AS score FROM quizzes_attemptquestion "
            "GROUP BY attempt_id) s, scale_quiz q WHERE s.attempt_id = a.id AND q.quiz_id = a.quiz_id"
        )
        # As autovacuum would have long since done on a live database; otherwise it runs during the measurements.
        cursor.execute("VACUUM ANALYZE")
        timings["scores"] = time.monotonic() - began
        cursor.execute("SELECT count(*) FROM quizzes_attempt")
        attempts = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM quizzes_attemptquestion")
        slots = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {"course": course, "timings": timings, "attempts": attempts, "slots": slots, "size": size}


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Start a new peak-memory (VmHWM) measurement at the current size; False where Linux does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure(client, url: str, *, stream: bool = False) -> dict:
    """One request: status, wall seconds, SQL queries, response size and the peak memory it added (MiB)."""
    import gc

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gc.collect()
    peak_known = _reset_peak()
    before = _status_kib("VmRSS")
    with CaptureQueriesContext(connection) as queries:
        began, cpu = time.monotonic(), time.process_time()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        size = sum(len(chunk) for chunk in response.streaming_content) if stream else len(response.content)
        seconds, cpu = time.monotonic() - began, time.process_time() - cpu
    extra = (_status_kib("VmHWM") - before) / 1024 if peak_known else None
    return {
        "url": url,
        "status": response.status_code,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "queries": len(queries),
        "bytes": size,
        "extra_mib": extra,
    }


STUDENT_PAGE_REPEATS = 15


def probe_student():
    """A student who finished the first quiz once and has the second open: the pages measured at both sizes."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from learning.services import attempt_start, attempt_submit
    from lessons.models import Course
    from quizzes.models import Quiz

    course = Course.objects.get(slug="diplomacy-globalization")
    first_module = course.modules.order_by("position")[0]
    quizzes = list(Quiz.objects.filter(course=course, lesson__module=first_module).order_by("lesson__position"))
    student = get_user_model().objects.create_user("probe-student", "probe@localhost", "unused-probe-pass")
    attempt_submit(attempt=attempt_start(user=student, quiz=quizzes[0]), responses={})
    attempt = attempt_start(user=student, quiz=quizzes[1])
    return student, [
        ("dashboard", reverse("learning:dashboard")),
        ("outline", course.get_absolute_url()),
        ("lesson", quizzes[1].lesson.get_absolute_url()),
        ("quiz page", quizzes[1].get_absolute_url()),
        ("attempt form", attempt.get_absolute_url()),
    ]


def student_pages(student, pages) -> dict:
    """Per page: status, SQL queries and the median CPU milliseconds of this process per request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(student)
    results = {}
    for name, url in pages:
        for _warm in range(3):
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        query_count = len(queries)  # now: the next request clears the connection's query log
        cpu = []
        for _round in range(STUDENT_PAGE_REPEATS):
            began = time.process_time()
            client.get(url)
            cpu.append(1000 * (time.process_time() - began))
        cpu.sort()
        results[name] = {"url": url, "status": status, "queries": query_count, "cpu_ms": cpu[len(cpu) // 2]}
    return results


def measure_here(kind: str, target: str) -> dict:
    """`--measure`: one report in this fresh process (django set up by the parent's environment)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    admin = get_user_model().objects.get(username="scale-admin")
    client = Client()
    client.force_login(admin)
    client.get(reverse("reports:index"))  # imports and templates loaded before measuring
    if kind == "export":
        import gc

        from lessons.models import Course
        from reports.exports import gradebook_export_request, gradebook_export_write

        course = Course.objects.get(slug=target)
        export = gradebook_export_request(course=course, user=admin, module=None, group="", days=14)
        gc.collect()
        peak_known = _reset_peak()
        before = _status_kib("VmRSS")
        with CaptureQueriesContext(connection) as queries:
            began, cpu = time.monotonic(), time.process_time()
            rows = gradebook_export_write(export_id=export.pk)
            seconds, cpu = time.monotonic() - began, time.process_time() - cpu
        export.refresh_from_db()
        return {
            "status": f"{rows} rows",
            "seconds": seconds,
            "cpu_seconds": cpu,
            "queries": len(queries),
            "bytes": len(export.content.encode()),
            "extra_mib": (_status_kib("VmHWM") - before) / 1024 if peak_known else None,
        }
    if kind in {"refused", "post"}:
        # A redirect: the GET that sends a big class to the export, or the POST that queues the export (its
        # first one is not timed: it loads what the view needs).
        send = client.get if kind == "refused" else client.post
        if kind == "post":
            send(target)
        with CaptureQueriesContext(connection) as queries:
            began = time.monotonic()
            response = send(target)
            seconds = time.monotonic() - began
        assert response.status_code == 302, response.status_code
        return {"status": 302, "seconds": seconds, "queries": len(queries), "bytes": 0, "extra_mib": None}
    result = measure(client, target, stream=kind == "stream")
    if kind == "page":
        began = time.monotonic()
        client.get(target)
        result["warm_seconds"] = time.monotonic() - began
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--attempts-per-student", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure the existing bench_scale, do not rebuild it")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_here(*args.measure)))
        return
    admin_url = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    database_url = admin_url.rsplit("/", 1)[0] + "/" + DATABASE
    began = time.monotonic()
    if not args.reuse:
        bench.fresh_database(admin_url, DATABASE)
    env = bench.stack_env(database_url, "")
    env["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    env["INSECURE_HTTP"] = "1"  # the test client speaks plain HTTP: no redirect to HTTPS
    os.environ.update(env)
    os.environ.pop("REDIS_URL")
    stack = bench.Stack(os.environ.copy(), "/nonexistent")
    stack.manage("collectstatic", "--noinput", "-v0")
    stack.manage("migrate", "--noinput", "-v0")
    if not args.reuse:
        stack.manage("load_course", capture=True)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from lessons.models import Course
    from quizzes.models import Attempt, AttemptQuestion, Quiz

    user_model = get_user_model()
    small = {}
    if args.reuse:
        course = Course.objects.get(slug="diplomacy-globalization")
        student = user_model.objects.get(username="probe-student")
        probe_pages = None
    else:
        student, probe_pages = probe_student()
        print("== student pages, small data", flush=True)
        small = student_pages(student, probe_pages)
        print(f"== {args.students} students x {args.attempts_per_student} finished attempts", flush=True)
        data = populate(args.students, args.attempts_per_student)
        course = data["course"]
        user_model.objects.create_superuser("scale-admin", "admin@localhost", "unused-scale-pass")
    if probe_pages is None:
        attempt = Attempt.objects.get(user=student, status=Attempt.Status.IN_PROGRESS)
        probe_pages = [
            ("dashboard", reverse("learning:dashboard")),
            ("outline", course.get_absolute_url()),
            ("lesson", attempt.quiz.lesson.get_absolute_url()),
            ("quiz page", attempt.quiz.get_absolute_url()),
            ("attempt form", attempt.get_absolute_url()),
        ]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            data = {
                "attempts": Attempt.objects.count(),
                "slots": AttemptQuestion.objects.count(),
                "size": cursor.fetchone()[0],
                "timings": {},
            }
    print("== student pages, 10,000 students", flush=True)
    large = student_pages(student, probe_pages)
    client = Client()
    client.force_login(user_model.objects.get(username="scale-admin"))
    busiest = Quiz.objects.filter(course=course).annotate(n=Count("attempts")).order_by("-n", "pk").first()
    statistics_url = reverse("reports:quiz_statistics", kwargs={"course_slug": course.slug, "quiz_slug": busiest.slug})
    gradebook_url = reverse("reports:gradebook", kwargs={"course_slug": course.slug})
    pages = [
        ("gradebook page", "page", gradebook_url),
        (
            "gradebook CSV streamed (`gradebook.csv`, every student): above the stream's limit, sent to *Export CSV*",
            "refused",
            gradebook_url.rstrip("/") + ".csv",
        ),
        (
            "gradebook CSV streamed, its limit raised to the whole class (every student)",
            "stream",
            gradebook_url.rstrip("/") + ".csv",
        ),
        (
            "gradebook CSV export asked for (POST, queues the task)",
            "post",
            reverse("reports:gradebook_export_start", kwargs={"course_slug": course.slug}),
        ),
        ("gradebook CSV export written by the task worker (every student)", "export", course.slug),
        (f"item analysis, first attempts ({busiest.n} attempts of `{busiest.slug}`)", "page", statistics_url),
        ("item analysis, all attempts", "page", statistics_url + "?attempts=all"),
    ]
    results = []
    for name, kind, target in pages:
        print(f"== {name}", flush=True)
        # Each in a fresh process, so the memory it adds is not hidden by memory an earlier report freed.
        # The stream's limit (settings.GRADEBOOK_CSV_STREAM_MAX_STUDENTS) is raised only where a row says so.
        raised = {"GRADEBOOK_CSV_STREAM_MAX_STUDENTS": "1000000"} if "limit raised" in name else {}
        done = subprocess.run(
            [sys.executable, __file__, "--measure", kind, target],
            capture_output=True,
            text=True,
            env={**os.environ, **raised},
        )
        if done.returncode:
            sys.exit(done.stderr)
        results.append((name, json.loads(done.stdout.strip().splitlines()[-1])))
    built = (
        f"bulk-created in SQL in {data['timings']['scores']:.0f} s" if data["timings"] else "reused from an earlier run"
    )
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `make scale-run` "
        f"({time.monotonic() - began:.0f} s in all), in-process through Django's test client (production settings, "
        f"`DEBUG` off) on database `{DATABASE}` of the local PostgreSQL.",
        "",
        f"Data: {args.students:,} students, {data['attempts']:,} finished attempts, {data['slots']:,} answer slots "
        f"(real question snapshots, synthetic answers), database size {data['size']}; {built}.",
        "",
        f"Machine load average when the reports ran: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other "
        "work shares it; wall times stretch with it, the Django process's CPU seconds much less).",
        "",
        "Each report in a fresh process: wall seconds of the first request there (and of the same request again, "
        "warm), the Django process's CPU seconds of the first, SQL queries, size, and the peak memory the first one "
        "added to the process.",
        "",
        "| report | status | seconds (first / warm) | Django CPU s | SQL queries | response size | peak memory added |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in results:
        extra = "n/a" if result["extra_mib"] is None else f"{result['extra_mib']:.0f} MiB"
        warm = f" / {result['warm_seconds']:.2f}" if result.get("warm_seconds") is not None else ""
        cpu = "" if result.get("cpu_seconds") is None else f"{result['cpu_seconds']:.2f}"
        lines.append(
            f"| {name} | {result['status']} | {result['seconds']:.2f}{warm} | {cpu} | {result['queries']} | "
            f"{result['bytes'] / 1024:.0f} KiB | {extra} |"
        )
    lines += [
        "",
        "Student pages of one probe student (same own work at both sizes): SQL queries and this process's CPU "
        f"milliseconds per request (median of {STUDENT_PAGE_REPEATS}), on the freshly loaded course and with the "
        "10,000 students in. Target: the same query count and at most 1.5x the small-data CPU.",
        "",
        "| page | queries (small / large) | CPU ms (small / large) | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, result in large.items():
        if name in small:
            before = small[name]
            ratio = result["cpu_ms"] / before["cpu_ms"] if before["cpu_ms"] else float("nan")
            lines.append(
                f"| {name} | {before['queries']} / {result['queries']} | {before['cpu_ms']:.1f} / "
                f"{result['cpu_ms']:.1f} | {ratio:.2f}x |"
            )
        else:
            lines.append(f"| {name} | - / {result['queries']} | - / {result['cpu_ms']:.1f} | - |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        bench.write_section(text, "scale")
        print(f"written to {bench.DOC.relative_to(bench.BASE_DIR)}")


if __name__ == "__main__":
    main()
