"""`make bench`: load the production stack on loopback and write the numbers to docs/benchmarks.md.

    .venv/bin/python scripts/bench.py [--quick] [--no-write]

Starts its own stack (scripts/scale_out.sh: two gunicorn app servers with the production settings
behind nginx), on a PostgreSQL database and a Redis index of its own (BENCH_DATABASE_URL,
BENCH_REDIS_URL), loads the course and synthetic students, then:

1. pages: wrk against each page and two reference views (a bare text view and an "authenticated
   floor" view, mounted by BENCH_VIEWS=1 only), interleaved in rounds, with the workers' CPU time;
2. a cross-server check: log in through one app server, be logged in on the other; start an attempt
   on one, submit it on the other;
3. 50 students working through quizzes with pauses (open, save, submit);
4. 50 submits released at the same instant;

and stops everything it started. Every acknowledged submit is checked in the database.
"""

import argparse
import html
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
LB_PORT, APP_PORTS = 8700, (8701, 8702)
STUDENTS = 50
STUDENT_PASSWORD = "bench-student-pass-1"  # throwaway accounts in a throwaway database
DOC = BASE_DIR / "docs" / "benchmarks.md"


# ---------------------------------------------------------------- setup inside Django (a subprocess)


def django_setup(student_count: int) -> dict:
    """Course, students with sessions, and one open attempt for the page runs; printed as JSON."""
    import importlib

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from learning.services import attempt_start
    from lessons.models import Course
    from quizzes.models import Quiz

    user_model = get_user_model()
    course = Course.objects.get(slug="diplomacy-globalization")
    # Students loop over the quizzes of the first module (open without prerequisites) as often as the run lasts.
    Quiz.objects.filter(course=course).update(attempts_allowed=None, time_limit_minutes=None)
    quizzes = list(
        Quiz.objects.filter(course=course, lesson__module__position=course.modules.order_by("position")[0].position)
        .select_related("lesson", "course")
        .order_by("lesson__position")
    )
    password = make_password(STUDENT_PASSWORD)  # one hash for all: hashing is not what is measured
    names = [f"bench-{i:03d}" for i in range(student_count + 1)]
    user_model.objects.bulk_create(
        [user_model(username=name, first_name=f"Student {name}", password=password) for name in names],
        ignore_conflicts=True,
    )
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore
    students = []
    for user in user_model.objects.filter(username__in=names).order_by("username"):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        students.append({"id": user.pk, "username": user.username, "session": session.session_key})
    page_user = user_model.objects.get(pk=students[0]["id"])
    quiz = quizzes[0]
    attempt = attempt_start(user=page_user, quiz=quiz)
    return {
        "students": students,
        "quizzes": [q.get_absolute_url() for q in quizzes],
        "pages": {
            "catalog (anonymous)": {"path": reverse("lessons:catalog"), "auth": False},
            "outline": {"path": course.get_absolute_url(), "auth": True},
            "lesson": {"path": quiz.lesson.get_absolute_url(), "auth": True},
            "quiz page": {"path": quiz.get_absolute_url(), "auth": True},
            "attempt form": {"path": attempt.get_absolute_url(), "auth": True},
        },
    }


# ---------------------------------------------------------------- a tiny HTTP client


@dataclass
class Response:
    status: int
    location: str
    body: str
    seconds: float


@dataclass
class Browser:
    """One student's cookies against one port; a new connection per request, like a plain browser tab."""

    port: int
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Response(response.status, response.headers.get("Location", ""), text, time.perf_counter() - started)


def form_answers(page: str) -> dict:
    """Answers for every question on an attempt page (the first option of each), with the CSRF token."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    answers: dict = {"csrfmiddlewaretoken": token.group(1) if token else ""}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="(q\d+(?:_\d+)?)"', tag)
        if not name or name.group(1) in answers:
            continue
        kind = re.search(r'type="(\w+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) in {"radio", "checkbox"}:
            answers[name.group(1)] = html.unescape(value.group(1)) if value else ""
        elif kind and kind.group(1) == "text":
            answers[name.group(1)] = "treaty"
    for name, options in re.findall(r'<select[^>]*name="(q\d+(?:_\d+)?)"[^>]*>(.*?)</select>', page, re.DOTALL):
        values = [value for value in re.findall(r'<option value="([^"]*)"', options) if value]
        # The k-th select of a matching or ordering question takes the k-th option: no option twice.
        index = int(name.rsplit("_", 1)[1]) if "_" in name else 0
        answers.setdefault(name, values[index % len(values)] if values else "")
    return answers


# ---------------------------------------------------------------- the stack


class Stack:
    def __init__(self, env: dict, state_dir: str):
        self.env = {**env, "STATE_DIR": state_dir}
        self.state_dir = Path(state_dir)

    def manage(self, *args: str, capture: bool = False) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=self.env, check=True, capture_output=capture, text=True
        )
        return done.stdout if capture else ""

    def start(self):
        subprocess.run(["scripts/scale_out.sh", "start"], cwd=BASE_DIR, env=self.env, check=True)

    def stop(self):
        subprocess.run(["scripts/scale_out.sh", "stop"], cwd=BASE_DIR, env=self.env, check=False)

    def master_pid(self, port: int) -> int:
        return int((self.state_dir / f"app-{port}.pid").read_text())

    def worker_pids(self) -> list[int]:
        masters = {self.master_pid(port) for port in APP_PORTS if (self.state_dir / f"app-{port}.pid").exists()}
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) in masters:
                workers.append(int(stat.parent.name))
        return workers


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def fresh_database(admin_url: str, name: str):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


# ---------------------------------------------------------------- 1. pages under wrk

WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def wrk(url: str, cookie: str | None, seconds: int, connections: int, script: str) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return json.loads(output.split("BENCH ", 1)[1])


def run_pages(stack: Stack, setup: dict, *, rounds: int, seconds: int, connections: int) -> list[dict]:
    """Each round runs the two references and every page, one after the other, so drift hits all alike."""
    cookie = setup["students"][0]["session"]
    targets = {
        "reference: bare view": {"path": "/bench/bare/", "auth": False},
        "reference: authenticated floor": {"path": "/bench/floor/", "auth": True},
        **setup["pages"],
    }
    for name, target in targets.items():
        check = Browser(LB_PORT, {"sessionid": cookie} if target["auth"] else {}).request("GET", target["path"])
        if check.status != 200:
            raise SystemExit(f"{name} {target['path']} answered {check.status}, not 200")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA)
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    workers = stack.worker_pids()
    for _round in range(rounds):
        for name, target in targets.items():
            before = cpu_seconds(workers)
            result = wrk(
                f"http://127.0.0.1:{LB_PORT}{target['path']}",
                cookie if target["auth"] else None,
                seconds,
                connections,
                script.name,
            )
            result["cpu_s"] = cpu_seconds(workers) - before
            runs[name].append(result)
    os.unlink(script.name)
    rows = []
    for name, results in runs.items():
        requests = sum(r["requests"] for r in results)
        duration = sum(r["duration_us"] for r in results) / 1e6
        rows.append(
            {
                "endpoint": name,
                "path": targets[name]["path"],
                "requests": requests,
                "rps": requests / duration,
                "p50": statistics.median(r["p50"] for r in results) / 1000,
                "p95": statistics.median(r["p95"] for r in results) / 1000,
                "p99": statistics.median(r["p99"] for r in results) / 1000,
                "errors": sum(r["errors"] for r in results),
                "cpu_ms": 1000 * sum(r["cpu_s"] for r in results) / max(requests, 1),
            }
        )
    bare, floor = rows[0]["rps"], rows[1]["rps"]
    floor_runs = runs["reference: authenticated floor"]
    for row in rows:
        row["vs_bare"], row["vs_floor"] = row["rps"] / bare, row["rps"] / floor
        # Each round's ratio to the floor of the same round: how much the host's noise moved it.
        per_round = [
            r["requests"] / f["requests"] * f["duration_us"] / r["duration_us"]
            for r, f in zip(runs[row["endpoint"]], floor_runs, strict=True)
        ]
        row["vs_floor_range"] = (min(per_round), max(per_round))
    return rows


# ---------------------------------------------------------------- 2. one student across two servers


def cross_server_check(setup: dict) -> list[str]:
    """Log in on one app server, be logged in on the other; start an attempt on one, submit on the other."""
    first, second = APP_PORTS
    student = setup["students"][-1]["username"]
    on_first = Browser(first)
    login_page = on_first.request("GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.body).group(1)
    login = on_first.request(
        "POST", "/accounts/login/", {"csrfmiddlewaretoken": token, "username": student, "password": STUDENT_PASSWORD}
    )
    assert login.status == 302, f"log-in on :{first} answered {login.status}"
    on_second = Browser(second, on_first.cookies)
    outline = on_second.request("GET", setup["pages"]["outline"]["path"])
    assert outline.status == 200 and student in outline.body, f"outline on :{second} answered {outline.status}"
    quiz = setup["quizzes"][0]
    page = on_first.request("GET", quiz)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    started = on_first.request("POST", quiz + "start/", {"csrfmiddlewaretoken": token})
    assert started.status == 302, f"start on :{first} answered {started.status}"
    form = on_first.request("GET", started.location)
    answers = form_answers(form.body) | {"submit": "1", "confirm_unanswered": "1"}
    submitted = on_second.request("POST", started.location, answers)
    assert submitted.status == 302, f"submit on :{second} answered {submitted.status}"
    result = on_second.request("GET", started.location)
    assert result.status == 200, f"result on :{second} answered {result.status}"
    return [
        f"logged in through :{first}, outline through :{second} shows the student (200)",
        f"attempt {started.location} started through :{first}, submitted through :{second} (302, result 200)",
    ]


# ---------------------------------------------------------------- 3. and 4. students taking quizzes


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    error_times: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    started: list = field(default_factory=list)

    def record(self, step: str, response: Response | None, ok: bool, seconds: float = 0.0):
        with self.lock:
            self.seconds.setdefault(step, [])
            self.errors.setdefault(step, 0)
            if ok:
                self.seconds[step].append(response.seconds if response else seconds)
            else:
                self.errors[step] += 1
                self.error_times.append(time.monotonic())
                status = response.status if response else "no answer"
                self.statuses[f"{step}: {status}"] = self.statuses.get(f"{step}: {status}", 0) + 1


def attempt_id(location: str) -> int:
    return int(re.search(r"/attempts/(\d+)/", location).group(1))


def take_quiz(browser: Browser, quiz: str, tally: Tally, pause: tuple[float, float], rng: random.Random) -> None:
    """Open the quiz, start, read the form, pause, save, pause, submit, read the result."""

    def step(name, method, path, form=None, headers=None, expect=(200,)):
        try:
            response = browser.request(method, path, form, headers)
        except OSError:
            tally.record(name, None, False)
            return None
        tally.record(name, response, response.status in expect)
        if response.status not in expect and os.environ.get("BENCH_DEBUG"):
            print(name, response.status, response.body[:3000], file=sys.stderr)
        return response if response.status in expect else None

    page = step("quiz page", "GET", quiz)
    if not page:
        return
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    started = step("start", "POST", quiz + "start/", {"csrfmiddlewaretoken": token}, expect=(302,))
    if not started or "/attempts/" not in started.location:
        return
    with tally.lock:
        tally.started.append(attempt_id(started.location))
    form = step("open attempt form", "GET", started.location)
    if not form:
        return
    answers = form_answers(form.body)
    time.sleep(rng.uniform(*pause))
    step("save (autosave)", "POST", started.location, answers, {"X-Autosave": "1"})
    time.sleep(rng.uniform(*pause))
    final = answers | {"submit": "1", "confirm_unanswered": "1"}
    submitted = step("submit", "POST", started.location, final, None, (302,))
    if not submitted:
        # The student clicks again: a second submit of a graded attempt changes nothing and answers 302.
        time.sleep(1)
        submitted = step("submit, clicked again after an error", "POST", started.location, final, None, (302,))
    if submitted:
        with tally.lock:
            tally.acknowledged.append(attempt_id(started.location))
        step("result", "GET", started.location)


def students_at_work(setup: dict, port: int, seconds: float, pause: tuple[float, float]) -> Tally:
    tally = Tally()
    stop_at = time.monotonic() + seconds

    def student(index: int, info: dict):
        rng = random.Random(index)
        browser = Browser(port, {"sessionid": info["session"]})
        time.sleep(rng.uniform(0, pause[1]))  # arrivals spread out, not all at once
        quizzes = setup["quizzes"]
        turn = index
        while time.monotonic() < stop_at:
            take_quiz(browser, quizzes[turn % len(quizzes)], tally, pause, rng)
            turn += 1
            time.sleep(rng.uniform(*pause))

    threads = [
        threading.Thread(target=student, args=(i, info)) for i, info in enumerate(setup["students"][1 : STUDENTS + 1])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def submits_at_once(setup: dict, port: int) -> Tally:
    """Every student opens an attempt, then all 50 submit at the same instant."""
    tally = Tally()
    prepared = []
    for index, info in enumerate(setup["students"][1 : STUDENTS + 1]):
        browser = Browser(port, {"sessionid": info["session"]})
        quiz = setup["quizzes"][index % len(setup["quizzes"])]
        page = browser.request("GET", quiz)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
        started = browser.request("POST", quiz + "start/", {"csrfmiddlewaretoken": token})
        form = browser.request("GET", started.location)
        tally.started.append(attempt_id(started.location))
        answers = form_answers(form.body) | {"submit": "1", "confirm_unanswered": "1"}
        prepared.append((browser, started.location, answers))
    barrier = threading.Barrier(len(prepared))

    def submit(browser, location, answers):
        barrier.wait()
        try:
            response = browser.request("POST", location, answers)
        except OSError:
            tally.record("submit", None, False)
            return
        tally.record("submit", response, response.status == 302)
        if response.status == 302:
            with tally.lock:
                tally.acknowledged.append(attempt_id(location))

    threads = [threading.Thread(target=submit, args=args) for args in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def check_acknowledged(database_url: str, tally: Tally) -> str:
    """Every acknowledged submit is a finished attempt in the database, exactly once."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT id, status FROM quizzes_attempt WHERE id = ANY(%s)", (tally.acknowledged,)
        ).fetchall()
    finished = {row[0] for row in rows if row[1] == "finished"}
    missing = set(tally.acknowledged) - finished
    duplicates = len(tally.acknowledged) - len(set(tally.acknowledged))
    verdict = "ok" if not missing and not duplicates else "FAILED"
    return (
        f"{verdict}: {len(tally.acknowledged)} acknowledged submits, {len(finished)} finished in the database, "
        f"{len(missing)} missing, {duplicates} acknowledged twice"
    )


def tally_rows(tally: Tally) -> list[dict]:
    rows = []
    for step, seconds in tally.seconds.items():
        rows.append(
            {
                "step": step,
                "ok": len(seconds),
                "errors": tally.errors.get(step, 0),
                "p50": 1000 * percentile(seconds, 0.50),
                "p95": 1000 * percentile(seconds, 0.95),
                "p99": 1000 * percentile(seconds, 0.99),
                "max": 1000 * max(seconds, default=float("nan")),
            }
        )
    return rows


# ---------------------------------------------------------------- report


def steps_table(tally: Tally) -> list[str]:
    """A markdown table of each step's count, errors and latencies, with the errors by status."""
    out = [
        "| step | ok | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in tally_rows(tally):
        out.append(
            f"| {row['step']} | {row['ok']} | {row['errors']} | {row['p50']:.0f} | {row['p95']:.0f} | "
            f"{row['p99']:.0f} | {row['max']:.0f} |"
        )
    if tally.statuses:
        counts = ", ".join(f"{key} x{count}" for key, count in sorted(tally.statuses.items()))
        out += ["", f"Errors: {counts}."]
    return out


def markdown(
    command: str,
    pages: list[dict],
    cross: list[str],
    work: Tally,
    work_check: str,
    burst: Tally,
    burst_check: str,
    meta: dict,
) -> str:
    lines = [
        f"Measured {meta['when']} with `{command}` ({meta['elapsed']:.0f} s in all) on {meta['machine']}.",
        "",
        f"Stack: nginx on :{LB_PORT} → two gunicorn app servers (:{APP_PORTS[0]}, :{APP_PORTS[1]}, "
        f"{meta['workers']} sync worker each, `DEBUG` off, production settings) → PostgreSQL (database "
        f"`{meta['database']}`) and Redis (`{meta['redis']}`, cache and sessions). The load tools run on the same "
        "two cores.",
        "",
        f"### Pages (wrk, {meta['connections']} connections, {meta['rounds']} interleaved rounds of "
        f"{meta['seconds']} s each)",
        "",
        "Throughput over all rounds; latencies are the median of the rounds' percentiles. *x bare* and *x floor* "
        "divide the page's requests/s by the reference's in the same run; *rounds* gives the lowest and highest "
        "ratio to the floor of a single round (the floor measured in the same round), which shows how much the "
        "host's other work moved it. *CPU* is the app workers' user+system time per request (PostgreSQL, Redis, "
        "nginx and wrk not included).",
        "",
        "| endpoint | requests/s | x bare | x floor | rounds | p50 ms | p95 ms | p99 ms | errors | CPU ms/request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in pages:
        low, high = row["vs_floor_range"]
        lines.append(
            f"| {row['endpoint']} | {row['rps']:.0f} | {row['vs_bare']:.2f} | {row['vs_floor']:.2f} | "
            f"{low:.2f}-{high:.2f} | {row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} | {row['errors']} | "
            f"{row['cpu_ms']:.1f} |"
        )
    lines += ["", "### One student across the two app servers", ""] + [f"- {line}" for line in cross]

    lines += [
        "",
        f"### {STUDENTS} students working through quizzes ({meta['work_seconds']} s, through nginx)",
        "",
        f"Each student opens a quiz, starts an attempt, reads the form, pauses {meta['pause'][0]}-{meta['pause'][1]} s,"
        " "
        "autosaves, pauses again, submits and reads the result, then pauses and takes the next quiz.",
        "",
        *steps_table(work),
        "",
        f"Database check: {work_check}.",
        "",
        f"### {STUDENTS} submits at the same instant (through nginx)",
        "",
        *steps_table(burst),
        "",
        f"Database check: {burst_check}.",
    ]
    return "\n".join(lines) + "\n"


def write_section(text: str, marker: str):
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    document = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    if start not in document:
        document += f"\n{start}\n{end}\n"
    head, rest = document.split(start, 1)
    tail = rest.split(end, 1)[1]
    DOC.write_text(f"{head}{start}\n{text}{end}{tail}")


# ---------------------------------------------------------------- main


def stack_env(database_url: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        # The stack speaks plain HTTP on loopback: no HTTPS redirect (README, Settings).
        "INSECURE_HTTP": "1",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BENCH_VIEWS": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "diplocourse.settings",
        "PYTHONPATH": str(BASE_DIR),
        "APP_PORTS": " ".join(str(port) for port in APP_PORTS),
        "LB_PORT": str(LB_PORT),
    }


def prepare(stack: Stack, redis_url: str) -> dict:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    stack.manage("migrate", "--noinput", "-v0")
    stack.manage("collectstatic", "--noinput", "-v0")
    stack.manage("load_course", capture=True)
    output = subprocess.run(
        [PYTHON, __file__, "--setup-only"], cwd=BASE_DIR, env=stack.env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter runs, to try the script")
    parser.add_argument("--no-write", action="store_true", help="print the report instead of writing docs/")
    parser.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_only:
        print(json.dumps(django_setup(STUDENTS)))
        return

    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool)]
    if missing:
        raise SystemExit(f"make bench needs {' and '.join(missing)}: apt-get install -y nginx wrk")
    admin_url = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    database = os.environ.get("BENCH_DATABASE", "bench")
    database_url = admin_url.rsplit("/", 1)[0] + "/" + database
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    # Short rounds, many of them: a burst of other work on the host then falls on every page alike.
    rounds, seconds, work_seconds = (1, 2, 15) if args.quick else (6, 2, 45)
    connections, pause = 8, (1.0, 3.0)
    began = time.monotonic()
    load_before = os.getloadavg()[0]
    fresh_database(admin_url, database)
    stack = Stack(stack_env(database_url, redis_url), tempfile.mkdtemp(prefix="diplocourse-bench-"))
    print("== preparing: migrate, collectstatic, load_course, students", flush=True)
    setup = prepare(stack, redis_url)
    try:
        stack.start()
        print("== pages", flush=True)
        pages = run_pages(stack, setup, rounds=rounds, seconds=seconds, connections=connections)
        print("== one student across both app servers", flush=True)
        cross = cross_server_check(setup)
        print(f"== {STUDENTS} students at work for {work_seconds} s", flush=True)
        work = students_at_work(setup, LB_PORT, work_seconds, pause)
        work_check = check_acknowledged(database_url, work)
        print(f"== {STUDENTS} submits at once", flush=True)
        burst = submits_at_once(setup, LB_PORT)
        burst_check = check_acknowledged(database_url, burst)
    finally:
        stack.stop()
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "elapsed": time.monotonic() - began,
        "machine": f"{os.cpu_count()} cores (load average {load_before:.1f} before the run, "
        f"{os.getloadavg()[0]:.1f} at its end, counting its own load; other work on the machine shows here)",
        "workers": 1,
        "database": database,
        "redis": redis_url,
        "connections": connections,
        "rounds": rounds,
        "seconds": seconds,
        "work_seconds": work_seconds,
        "pause": pause,
    }
    command = "make bench" + (" BENCH_FLAGS=--quick" if args.quick else "")
    report = markdown(command, pages, cross, work, work_check, burst, burst_check, meta)
    print(report)
    if not args.no_write:
        write_section(report, "bench")
        print(f"written to {DOC.relative_to(BASE_DIR)}")
    if "FAILED" in work_check + burst_check:
        sys.exit(1)


if __name__ == "__main__":
    main()
