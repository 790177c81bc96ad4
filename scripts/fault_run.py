"""`make fault-run`: kill an app server and restart PostgreSQL while students submit quizzes.

    .venv/bin/python scripts/fault_run.py [--quick] [--no-write]

Creates a THROWAWAY PostgreSQL cluster (initdb + pg_ctl from /usr/lib/postgresql/*/bin, in a temp
folder, on its own port), never the machine's shared server; runs the scale-out stack of
scripts/scale_out.sh on it (own ports, Redis db 13); 50 students take quizzes with short pauses;
during the load one app server is killed (SIGKILL, master and worker) and PostgreSQL is restarted
once. A submit that fails is clicked again once, as a student would. Afterwards every submit the
load tool saw acknowledged must be a finished attempt in the database exactly once, and no attempt
may be finished that the load tool did not see acknowledged.
"""

import argparse
import contextlib
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # the sibling script: stack, students and report helpers

PG_PORT = 55432
bench.LB_PORT, bench.APP_PORTS = 8710, (8711, 8712)


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise SystemExit(f"no {name} under /usr/lib/postgresql/*/bin")
    return found[-1]


class ThrowawayCluster:
    """A PostgreSQL cluster of its own in a temp folder; initdb refuses root, so it runs as `postgres`."""

    def __init__(self, port: int):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="diplocourse-fault-pg-"))
        self.data = self.dir / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

    def run(self, *command: str):
        subprocess.run([*self.as_user, *command], check=True, stdout=subprocess.DEVNULL)

    def create(self):
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def pg_ctl(self, action: str, *extra: str):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} -c fsync=on"
        self.run(
            pg_bin("pg_ctl"), action, "-D", str(self.data), "-w", "-l", str(self.dir / "log"), "-o", options, *extra
        )

    def start(self):
        try:
            self.pg_ctl("start")
        except subprocess.CalledProcessError:
            log = self.dir / "log"
            print(log.read_text()[-2000:] if log.exists() else "no log", file=sys.stderr)
            raise

    def restart(self):
        self.pg_ctl("restart", "-m", "fast")

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"


def kill_app_server(stack: bench.Stack, port: int) -> str:
    master = stack.master_pid(port)
    workers = [pid for pid in stack.worker_pids() if Path(f"/proc/{pid}/stat").exists()]
    mine = [pid for pid in workers if int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) == master]
    for pid in [master, *mine]:
        os.kill(pid, signal.SIGKILL)
    return f"SIGKILL to the app server on :{port} (master {master}, workers {', '.join(map(str, mine))})"


def audit(database_url: str, tally: bench.Tally) -> tuple[bool, list[str]]:
    """Acknowledged submits are finished exactly once; nothing finished that was not acknowledged."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        finished = [
            row[0]
            for row in connection.execute(
                "SELECT a.id FROM quizzes_attempt a JOIN auth_user u ON u.id = a.user_id "
                "WHERE a.status = 'finished' AND u.username LIKE 'bench-%%'"
            )
        ]
        duplicate_numbers = connection.execute(
            "SELECT count(*) FROM (SELECT 1 FROM quizzes_attempt GROUP BY quiz_id, user_id, number "
            "HAVING count(*) > 1) d"
        ).fetchone()[0]
        slot_counts = connection.execute(
            "SELECT count(*) FROM (SELECT attempt_id FROM quizzes_attemptquestion GROUP BY attempt_id, position "
            "HAVING count(*) > 1) d"
        ).fetchone()[0]
        open_attempts = connection.execute(
            "SELECT count(*) FROM quizzes_attempt WHERE status = 'in_progress'"
        ).fetchone()[0]
    acknowledged = set(tally.acknowledged)
    twice = len(tally.acknowledged) - len(acknowledged)
    missing = acknowledged - set(finished)
    unacknowledged = set(finished) - acknowledged
    ok = not missing and not unacknowledged and not twice and not duplicate_numbers and not slot_counts
    lines = [
        f"acknowledged submits: {len(acknowledged)} (acknowledged twice: {twice})",
        f"finished attempts in the database: {len(finished)}",
        f"acknowledged but not finished in the database: {len(missing)}",
        f"finished in the database but never acknowledged: {len(unacknowledged)}",
        f"attempt numbers used twice for one student and quiz: {duplicate_numbers}",
        f"answer slots stored twice: {slot_counts}",
        f"attempts left open (started, never submitted before the run ended): {open_attempts}",
    ]
    return ok, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    seconds, kill_at, restart_at = (20, 6, 12) if args.quick else (45, 12, 25)
    pause = (0.2, 1.0)
    redis_url = os.environ.get("FAULT_REDIS_URL", "redis://127.0.0.1:6379/13")
    began = time.monotonic()
    cluster = ThrowawayCluster(PG_PORT)
    events: list[str] = []
    stack = None
    try:
        print(f"== throwaway PostgreSQL cluster on :{PG_PORT} in {cluster.dir}", flush=True)
        cluster.create()
        bench.fresh_database(f"{cluster.url}/postgres", "fault")
        database_url = f"{cluster.url}/fault"
        stack = bench.Stack(bench.stack_env(database_url, redis_url), tempfile.mkdtemp(prefix="diplocourse-fault-"))
        print("== preparing: migrate, collectstatic, load_course, students", flush=True)
        setup = bench.prepare(stack, redis_url)
        stack.start()

        started = time.monotonic()

        def faults():
            time.sleep(kill_at)
            events.append(f"t={time.monotonic() - started:.1f} s: " + kill_app_server(stack, bench.APP_PORTS[0]))
            time.sleep(restart_at - kill_at)
            restart_began = time.monotonic()
            cluster.restart()
            events.append(
                f"t={restart_began - started:.1f} s: PostgreSQL restarted (pg_ctl restart -m fast, "
                f"{time.monotonic() - restart_began:.1f} s)"
            )

        print(
            f"== {bench.STUDENTS} students submitting for {seconds} s; faults at {kill_at} s and {restart_at} s",
            flush=True,
        )
        fault_thread = threading.Thread(target=faults)
        fault_thread.start()
        tally = bench.students_at_work(setup, bench.LB_PORT, seconds, pause)
        fault_thread.join()
        ok, lines = audit(database_url, tally)
    finally:
        if stack is not None:
            stack.stop()
        cluster.destroy()
    report = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
        f"`make fault-run{' BENCH_FLAGS=--quick' if args.quick else ''}` ({time.monotonic() - began:.0f} s in all).",
        "",
        f"Stack: nginx on :{bench.LB_PORT} → two gunicorn app servers (:{bench.APP_PORTS[0]}, :{bench.APP_PORTS[1]}) → "
        f"a throwaway PostgreSQL cluster (initdb in a temp folder, port {PG_PORT}) and Redis (`{redis_url}`). "
        f"{bench.STUDENTS} students take quizzes for {seconds} s with pauses of {pause[0]}-{pause[1]} s; a submit that "
        "fails is clicked again once.",
        "",
        "Faults:",
        "",
        *[f"- {event}" for event in events],
        "",
        *bench.steps_table(tally),
        "",
    ]
    if tally.error_times:
        first, last = min(tally.error_times) - started, max(tally.error_times) - started
        report += [f"Errors seen between t={first:.1f} s and t={last:.1f} s.", ""]
    report += [f"Audit ({'passed' if ok else 'FAILED'}):", "", *[f"- {line}" for line in lines], ""]
    text = "\n".join(report)
    print(text)
    if not args.no_write:
        bench.write_section(text, "fault")
        print(f"written to {bench.DOC.relative_to(bench.BASE_DIR)}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
