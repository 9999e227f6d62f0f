"""Benchmarks of the training app under gunicorn, as ratios against its own /healthz.

    make bench                       # quick mode (SQLite, and PostgreSQL when configured)
    make bench BENCH_ARGS="--full"   # 10k and 100k staff, longer runs
    make bench BENCH_ARGS="--scale 100000"   # operator scale: bench/scale.py

For each database the harness builds a fresh data set (`flask demo generate`), starts the
app under gunicorn with deploy/gunicorn.conf.py, and drives it with an asyncio HTTP client:
steady scenarios (each measured against /healthz in the same run), the exam-start and
time-out bursts of a whole class of new hires (checked afterwards in the database: every
attempt created once, every saved answer graded, nothing lost), SQLite lock contention,
and the HR matrix at two sizes. Results go to bench/results.json and bench/summary.md.
Every response carries a Server-Timing header with its query count, which is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainingapp import create_app  # noqa: E402
from trainingapp.config import config_from_env  # noqa: E402
from trainingapp.extensions import db  # noqa: E402
from trainingapp.models import (  # noqa: E402
    AttemptQuestion,
    AttemptStatus,
    Module,
    QuizAttempt,
    Role,
    User,
    UserRole,
)
from trainingapp.services import api_tokens  # noqa: E402

PASSWORD = "demo-pass-2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUERIES = re.compile(r'desc="(\d+) queries"')
# A choice the quiz page offers: (position, value), the first of each question is sent.
CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="q(\d+)" value="([^"]*)"')
COOKIE = "trainingapp_session"
EXAM_MODULE = "etiquette"  # the burst: a 30-second limit set on the bench copy
EXAM_MINUTES = 0.5
PAGE_MODULE = "processes"  # the quiz page: 20 questions on one page on the bench copy
TARGETS = {"quiz_page": 0.15, "autosave": 0.20, "clearance_single": 0.30}


@dataclass
class Mode:
    name: str
    staff: int
    big_staff: int
    seconds: float
    cohort: int
    grace: int = 10


QUICK = Mode("quick", staff=2_000, big_staff=20_000, seconds=4, cohort=500)
FULL = Mode("full", staff=10_000, big_staff=100_000, seconds=15, cohort=500)


# --- the database ------------------------------------------------------------------------


def app_for(url: str) -> Any:
    return create_app(config_from_env({"TRAININGAPP_DATABASE_URL": url,
                                       "TRAININGAPP_SECRET_KEY": "bench-" + "x" * 40}))


def fresh_database(kind: str, name: str, workdir: Path) -> str:
    if kind == "sqlite":
        path = workdir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg  # noqa: PLC0415

    server = os.environ["TRAININGAPP_BENCH_POSTGRES_URL"]
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql"),
                         autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


def prepare(url: str, staff: int, cohort: int) -> dict[str, Any]:
    """Migrate, load the bank, generate the staff; returns what the client needs."""
    app = app_for(url)
    runner = app.test_cli_runner()
    started = time.monotonic()
    for args in (["db", "upgrade"], ["content", "sync"],
                 ["demo", "generate", "--staff", str(staff), "--seed", "1",
                  "--cohort", str(cohort)]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{result.output}")
    with app.app_context():
        # The bench copy of the bank: a one-minute exam for the bursts, and a 20-question
        # single-page quiz for the quiz-page figure (QUALITY.md T1).
        for slug, changes in ((EXAM_MODULE, {"time_limit_minutes": EXAM_MINUTES}),
                              (PAGE_MODULE, {"questions_per_attempt": 20, "draw": [],
                                             "layout": "all_on_one_page"})):
            module = db.session.scalar(select(Module).where(Module.slug == slug))
            module.quiz = {**module.quiz, **changes}
        _, token = api_tokens.create("bench")
        hr = db.session.scalar(select(User.employee_no).join(User.role_rows)
                               .where(User.employee_no.like("G%"), UserRole.role == Role.HR)
                               .order_by(User.employee_no).limit(1))
        numbers = list(db.session.scalars(
            select(User.employee_no).where(User.employee_no.like("G%"),
                                           User.is_active.is_(True))
            .order_by(User.employee_no).limit(400)))
        db.session.commit()
    return {"token": token, "hr": hr, "supervisor": "G000001", "numbers": numbers,
            "seconds_to_build": round(time.monotonic() - started, 1)}


def database_checks(url: str) -> dict[str, Any]:
    """After the bursts: attempts per new hire, saved answers graded, closing times."""
    app = app_for(url)
    with app.app_context():
        module_id = db.session.scalar(select(Module.id).where(Module.slug == EXAM_MODULE))
        cohort = select(User.id).where(User.employee_no.like("C%"))
        per_person = db.session.execute(
            select(QuizAttempt.user_id, func.count()).where(
                QuizAttempt.module_id == module_id, QuizAttempt.user_id.in_(cohort))
            .group_by(QuizAttempt.user_id)).all()
        questions = (select(func.count()).select_from(AttemptQuestion)
                     .join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
                     .where(QuizAttempt.module_id == module_id, QuizAttempt.user_id.in_(cohort)))
        answered = questions.where(AttemptQuestion.answered_at.is_not(None))
        ungraded = questions.where(AttemptQuestion.share.is_(None))
        attempts = db.session.execute(
            select(QuizAttempt.status, QuizAttempt.finished_at, QuizAttempt.deadline_at)
            .where(QuizAttempt.module_id == module_id, QuizAttempt.user_id.in_(cohort))).all()
        grace = app.config["QUIZ_GRACE_SECONDS"]
        late = [a for a in attempts if a.finished_at is None
                or (a.finished_at - a.deadline_at).total_seconds() > grace]
        return {
            "people_with_attempts": len(per_person),
            "attempts": sum(n for _, n in per_person),
            "people_with_two_or_more": sum(1 for _, n in per_person if n > 1),
            "answers_saved": db.session.scalar(answered),
            "questions_not_graded": db.session.scalar(ungraded),
            "still_open": sum(1 for a in attempts if a.status == AttemptStatus.IN_PROGRESS),
            "closed_after_deadline_plus_grace": len(late),
        }


# --- the server ----------------------------------------------------------------------------


class Server:
    def __init__(self, url: str, port: int, workers: int, threads: int, log: Path,
                 grace: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        env = {**os.environ, "TRAININGAPP_DATABASE_URL": url,
               "TRAININGAPP_SECRET_KEY": "bench-" + "x" * 40,
               "TRAININGAPP_SERVER_TIMING": "1", "TRAININGAPP_BIND": f"127.0.0.1:{port}",
               "TRAININGAPP_WORKERS": str(workers), "TRAININGAPP_THREADS": str(threads),
               "TRAININGAPP_ACCESS_LOG": "", "TRAININGAPP_LOG_LEVEL": "warning",
               "TRAININGAPP_QUIZ_GRACE_SECONDS": str(grace),
               "TRAININGAPP_MAX_REQUESTS": "0",  # no worker restarts in the middle of a run
               "TRAININGAPP_COMPRESS": "false"}  # as deployed: the proxy compresses
        self.handle = log.open("w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c",
             str(ROOT / "deploy" / "gunicorn.conf.py")],
            cwd=ROOT, env=env, stdout=self.handle, stderr=subprocess.STDOUT)

    async def wait_ready(self, http: aiohttp.ClientSession) -> None:
        for _ in range(200):
            try:
                async with http.get(self.base + "/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise SystemExit(f"the server did not start; see {self.log}")

    def stop(self) -> list[str]:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.handle.close()
        text = self.log.read_text(errors="replace")
        return [line for line in text.splitlines()
                if "database is locked" in line or "Traceback" in line or "Error" in line]

    def __enter__(self) -> Server:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if self.process.poll() is None:
            self.stop()
        if error is not None:  # show what the server said before the harness gives up
            print(self.log.read_text(errors="replace")[-3000:], file=sys.stderr)


# --- the client ----------------------------------------------------------------------------


@dataclass
class Person:
    employee_no: str
    cookie: str = ""
    csrf: str = ""
    attempt: int | None = None
    run: int | None = None
    saved: list[int] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)  # a valid answer per question


class Client:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base

    async def request(self, method: str, path: str, person: Person | None = None,
                      **kwargs: Any) -> tuple[int, str, aiohttp.typedefs.LooseHeaders]:
        headers = kwargs.pop("headers", {})
        if person and person.cookie:
            headers["Cookie"] = f"{COOKIE}={person.cookie}"
        async with self.http.request(method, self.base + path, headers=headers,
                                     allow_redirects=False, **kwargs) as response:
            body = await response.text()
            if person is not None:
                morsel = response.cookies.get(COOKIE)
                if morsel is not None:
                    person.cookie = morsel.value
            return response.status, body, response.headers

    async def login(self, person: Person) -> None:
        status, page, _ = await self.request("GET", "/login", person)
        token = CSRF.search(page)
        status, _, _ = await self.request(
            "POST", "/login", person, data={"employee_no": person.employee_no,
                                            "password": PASSWORD, "csrf_token": token[1]})
        if status != 302:
            raise SystemExit(f"login of {person.employee_no} failed: HTTP {status}")
        await self.refresh_csrf(person)

    async def refresh_csrf(self, person: Person, path: str = "/quizzes/") -> str:
        status, page, _ = await self.request("GET", path, person)
        found = CSRF.search(page)
        if found:
            person.csrf = found[1]
        return page

    async def find_choices(self, person: Person) -> None:
        """An answer each question of the person's attempt offers (its first choice)."""
        _, page, _ = await self.request("GET", f"/quizzes/attempts/{person.attempt}", person)
        person.choices = list(dict(reversed(CHOICE.findall(page))).items())

    async def start_quiz(self, person: Person, module: str) -> int:
        status, _, headers = await self.request(
            "POST", f"/quizzes/modules/{module}/start", person, data={"csrf_token": person.csrf})
        location = headers.get("Location", "")
        found = re.search(r"/quizzes/attempts/(\d+)", location)
        if status != 302 or not found:
            raise RuntimeError(f"start refused for {person.employee_no}: {status} {location}")
        return int(found[1])


@dataclass
class Measure:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    queries: list[int] = field(default_factory=list)
    elapsed: float = 0.0

    def add(self, seconds: float, ok: bool, headers: Any) -> None:
        self.latencies.append(seconds)
        self.errors += 0 if ok else 1
        found = QUERIES.search(headers.get("Server-Timing", "")) if headers else None
        if found:
            self.queries.append(int(found[1]))

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies) or [0.0]

        def pct(p: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

        return {"requests": len(self.latencies), "errors": self.errors,
                "per_second": round(len(self.latencies) / self.elapsed, 1) if self.elapsed else 0,
                "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
                "max_ms": round(ordered[-1] * 1000, 1),
                "queries": statistics.median(self.queries) if self.queries else None}


Call = Callable[[int], Awaitable[tuple[int, str, Any]]]


async def steady(call: Call, seconds: float, concurrency: int, ok: tuple[int, ...]) -> Measure:
    measure = Measure()
    stop = time.perf_counter() + seconds

    async def worker(index: int) -> None:
        n = index
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                status, _, headers = await call(n)
                measure.add(time.perf_counter() - started, status in ok, headers)
            except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError):
                measure.add(time.perf_counter() - started, False, None)
            n += concurrency

    began = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    measure.elapsed = time.perf_counter() - began
    return measure


async def burst(calls: list[Callable[[], Awaitable[tuple[int, str, Any]]]],
                ok: tuple[int, ...]) -> Measure:
    """Everyone at once: the requests are released together."""
    measure = Measure()
    gate = asyncio.Event()

    async def one(call: Callable[[], Awaitable[tuple[int, str, Any]]]) -> None:
        await gate.wait()
        started = time.perf_counter()
        try:
            status, _, headers = await call()
            measure.add(time.perf_counter() - started, status in ok, headers)
        except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError):
            measure.add(time.perf_counter() - started, False, None)

    tasks = [asyncio.create_task(one(c)) for c in calls]
    await asyncio.sleep(0.2)
    began = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    measure.elapsed = time.perf_counter() - began
    return measure


async def timed(call: Call) -> float:
    """One request alone: the matrix's first view, before its counts are kept."""
    started = time.perf_counter()
    await call(0)
    return round((time.perf_counter() - started) * 1000, 1)


async def in_batches(items: list[Any], action: Callable[[Any], Awaitable[Any]],
                     size: int = 16) -> list[Any]:
    results = []
    for start in range(0, len(items), size):
        results += await asyncio.gather(*(action(i) for i in items[start:start + size]))
    return results


# --- the scenarios -------------------------------------------------------------------------


async def run_main_set(kind: str, mode: Mode, url: str, info: dict[str, Any], workers: int,
                       workdir: Path) -> dict[str, Any]:
    with Server(url, 8765, workers, 1, workdir / f"gunicorn-{kind}.log", mode.grace) as server:
        results: dict[str, Any] = {}
        connector = aiohttp.TCPConnector(limit=0)
        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                         cookie_jar=aiohttp.DummyCookieJar()) as http:
            await server.wait_ready(http)
            client = Client(http, server.base)
            concurrency = workers * 4
            seconds = mode.seconds

            async def healthz(_: int) -> tuple[int, str, Any]:
                return await client.request("GET", "/healthz")

            def record(name: str, measure: Measure) -> None:
                results[name] = measure.summary()
                print(f"  {name:<22} {results[name]}", flush=True)

            async def paired(name: str, call: Call, ok: tuple[int, ...]) -> None:
                """The scenario right after /healthz, so that each ratio compares two
                figures taken under the same conditions (a shared machine drifts)."""
                health = await steady(healthz, seconds / 2, concurrency, (200,))
                measure = await steady(call, seconds, concurrency, ok)
                record(name, measure)
                results[name]["healthz_per_second"] = health.summary()["per_second"]
                results[name]["ratio"] = round(
                    results[name]["per_second"] / results[name]["healthz_per_second"], 3)

            # Page scenarios: 32 new hires, each with a 20-question quiz open.
            hires = [Person(f"C{n:05d}") for n in range(mode.cohort + 1, mode.cohort + 33)]
            await in_batches(hires, client.login)
            for person in hires:
                person.attempt = await client.start_quiz(person, PAGE_MODULE)
                await client.find_choices(person)

            async def quiz_page(n: int) -> tuple[int, str, Any]:
                person = hires[n % len(hires)]
                return await client.request("GET", f"/quizzes/attempts/{person.attempt}", person)

            async def autosave(n: int) -> tuple[int, str, Any]:
                """An answer the question offers (its first choice), question by question."""
                person = hires[n % len(hires)]
                position, value = person.choices[n % len(person.choices)]
                return await client.request(
                    "POST", f"/quizzes/attempts/{person.attempt}/autosave", person,
                    data={"csrf_token": person.csrf, "position": position,
                          f"q{position}": value})

            async def home(n: int) -> tuple[int, str, Any]:
                return await client.request("GET", "/learn/", hires[n % len(hires)])

            async def module_page(n: int) -> tuple[int, str, Any]:
                return await client.request("GET", "/learn/modules/privacy", hires[n % len(hires)])

            await paired("quiz_page", quiz_page, (200,))
            await paired("autosave", autosave, (200,))
            await paired("trainee_home", home, (200,))
            await paired("module_page", module_page, (200,))

            # Call turns: each person works through a call, starting another at the end.
            callers = hires[:16]

            async def call_turn(n: int) -> tuple[int, str, Any]:
                person = callers[n % len(callers)]
                if person.run is None:
                    status, _, headers = await client.request(
                        "POST", "/calls/broadband-fault/start", person,
                        data={"csrf_token": person.csrf})
                    found = re.search(r"/calls/runs/(\d+)", headers.get("Location", ""))
                    if not found:
                        raise RuntimeError(f"call start: {status}")
                    person.run = int(found[1])
                status, page, _ = await client.request("GET", f"/calls/runs/{person.run}", person)
                node = re.search(r'name="node" value="([^"]+)"', page)
                choice = re.search(r'name="choice" value="(\d+)"', page)
                if status != 200 or not node:
                    person.run = None  # the call ended: the next turn starts a new one
                    return await call_turn(n)
                data = {"csrf_token": person.csrf, "node": node[1]}
                if choice:
                    data["choice"] = choice[1]
                else:
                    data["reply"] = "您好，请问有什么可以帮您？我先核实一下您的身份。"
                return await client.request("POST", f"/calls/runs/{person.run}/turn", person,
                                            data=data)

            await paired("call_turn", call_turn, (302,))

            bearer = {"Authorization": f"Bearer {info['token']}"}
            numbers = info["numbers"]

            async def clearance_single(n: int) -> tuple[int, str, Any]:
                return await client.request("GET", f"/api/v1/clearance/{numbers[n % len(numbers)]}",
                                            headers=dict(bearer))

            async def clearance_bulk(n: int) -> tuple[int, str, Any]:
                return await client.request("POST", "/api/v1/clearance", headers=dict(bearer),
                                            json={"employee_nos": numbers[:100]})

            await paired("clearance_single", clearance_single, (200,))
            await paired("clearance_bulk_100", clearance_bulk, (200,))

            leader, hr = Person(info["supervisor"]), Person(info["hr"])
            await client.login(leader)
            await client.login(hr)

            async def team_page(n: int) -> tuple[int, str, Any]:
                return await client.request("GET", "/supervisor/", leader)

            async def matrix_page(n: int) -> tuple[int, str, Any]:
                return await client.request("GET", "/hr/matrix", hr)

            await paired("team_page", team_page, (200,))
            results["hr_matrix_first_ms"] = await timed(matrix_page)
            await paired("hr_matrix", matrix_page, (200,))

            logins = [Person(n) for n in numbers[100:]]

            async def login_once(n: int) -> tuple[int, str, Any]:
                person = Person(logins[n % len(logins)].employee_no)
                _, page, _ = await client.request("GET", "/login", person)
                return await client.request("POST", "/login", person, data={
                    "employee_no": person.employee_no, "password": PASSWORD,
                    "csrf_token": CSRF.search(page)[1]})

            await paired("login", login_once, (302,))

            # Exam day: the whole class signs in, then presses "start" together.
            cohort = [Person(f"C{n:05d}") for n in range(1, mode.cohort + 1)]
            signing_in = time.perf_counter()
            await in_batches(cohort, client.login, size=workers * 2)
            results["cohort_sign_in_seconds"] = round(time.perf_counter() - signing_in, 1)

            async def start(person: Person) -> tuple[int, str, Any]:
                status, body, headers = await client.request(
                    "POST", f"/quizzes/modules/{EXAM_MODULE}/start", person,
                    data={"csrf_token": person.csrf})
                found = re.search(r"/quizzes/attempts/(\d+)", headers.get("Location", ""))
                person.attempt = int(found[1]) if found else None
                return status, body, headers

            record("exam_start_burst", await burst(
                [lambda p=p: start(p) for p in cohort], (302,)))
            exam_started = time.monotonic()

            # Everyone answers: three answers each, saved as they are given.
            async def answer(person: Person, position: int) -> tuple[int, str, Any]:
                reply = await client.request(
                    "POST", f"/quizzes/attempts/{person.attempt}/autosave", person,
                    data={"csrf_token": person.csrf, "position": str(position),
                          f"q{position}": "0"})
                if reply[0] == 200 and json.loads(reply[1]).get("answered"):
                    person.saved.append(position)
                return reply

            record("exam_answers_burst", await burst(
                [lambda p=p, q=q: answer(p, q) for p in cohort if p.attempt for q in (1, 2, 3)],
                (200,)))

            # The time-out: every page hands its attempt in when the countdown reaches zero.
            await asyncio.sleep(max(0.0, EXAM_MINUTES * 60 - (time.monotonic() - exam_started)))

            async def hand_in(person: Person) -> tuple[int, str, Any]:
                return await client.request("POST", f"/quizzes/attempts/{person.attempt}/submit",
                                            person, data={"csrf_token": person.csrf})

            record("exam_timeout_burst", await burst(
                [lambda p=p: hand_in(p) for p in cohort if p.attempt], (302,)))
            results["answers_sent_and_acknowledged"] = sum(len(p.saved) for p in cohort)
        problems = server.stop()
    results["server_log_problems"] = problems[:20]
    results["database"] = database_checks(url)
    return results


async def run_contention(url: str, seconds: float, workdir: Path) -> dict[str, Any]:
    """QUALITY.md T7: SQLite under 4 workers x 32 connections of autosave."""
    with Server(url, 8766, 4, 8, workdir / "gunicorn-contention.log", 10) as server:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector,
                                         cookie_jar=aiohttp.DummyCookieJar()) as http:
            await server.wait_ready(http)
            client = Client(http, server.base)
            people = [Person(f"C{n:05d}") for n in range(600, 632)]
            await in_batches(people, client.login)
            for person in people:
                person.attempt = await client.start_quiz(person, PAGE_MODULE)
                await client.find_choices(person)

            async def autosave(n: int) -> tuple[int, str, Any]:
                person = people[n % len(people)]
                position, value = person.choices[n % len(person.choices)]
                return await client.request(
                    "POST", f"/quizzes/attempts/{person.attempt}/autosave", person,
                    data={"csrf_token": person.csrf, "position": position,
                          f"q{position}": value})

            measure = await steady(autosave, seconds, 128, (200,))
        problems = server.stop()
    return {**measure.summary(), "database_is_locked": sum(
        "database is locked" in line for line in problems)}


async def run_matrix(url: str, seconds: float, workers: int, workdir: Path,
                     hr: str) -> dict[str, Any]:
    with Server(url, 8767, workers, 1, workdir / "gunicorn-matrix.log", 10) as server:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                         cookie_jar=aiohttp.DummyCookieJar()) as http:
            await server.wait_ready(http)
            client = Client(http, server.base)
            person = Person(hr)
            await client.login(person)

            async def healthz(_: int) -> tuple[int, str, Any]:
                return await client.request("GET", "/healthz")

            async def matrix_page(n: int) -> tuple[int, str, Any]:
                return await client.request("GET", "/hr/matrix", person)

            first = await timed(matrix_page)
            health = await steady(healthz, seconds / 2, workers * 4, (200,))
            matrix = await steady(matrix_page, seconds, workers * 4, (200,))
        server.stop()
    return {"healthz": health.summary(), "hr_matrix": matrix.summary(),
            "hr_matrix_first_ms": first}


def ratios(results: dict[str, Any]) -> dict[str, float]:
    return {name: value["ratio"] for name, value in results.items()
            if isinstance(value, dict) and "ratio" in value}


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "processor": platform.processor() or "unknown",
            "taken_at": datetime.now(UTC).isoformat(timespec="seconds")}


def verdicts(kind: str, main: dict[str, Any], matrix_ratio: float | None,
             contention: dict[str, Any] | None) -> dict[str, str]:
    r = main["ratios"]
    exam = main["scenarios"]["database"]
    out = {f"T1 quiz page >= 0.15": r["quiz_page"] >= 0.15,
           "T2 autosave >= 0.20, 0 errors": r["autosave"] >= 0.20
           and main["scenarios"]["autosave"]["errors"] == 0,
           "T3 clearance API >= 0.30": r["clearance_single"] >= 0.30,
           "T4 exam start: 0 errors, p99 < 2 s, one attempt each":
               main["scenarios"]["exam_start_burst"]["errors"] == 0
               and main["scenarios"]["exam_start_burst"]["p99_ms"] < 2000
               and exam["people_with_two_or_more"] == 0,
           "T5 time-out: 0 lost answers, all closed in limit + grace":
               exam["questions_not_graded"] == 0 and exam["still_open"] == 0
               and exam["closed_after_deadline_plus_grace"] == 0
               and exam["answers_saved"] == main["scenarios"]["answers_sent_and_acknowledged"]}
    if matrix_ratio is not None:
        out["T6 HR matrix big/small time <= 2"] = matrix_ratio <= 2
    if contention is not None:
        out["T7 SQLite 4x32 autosave: 0 locked"] = (contention["database_is_locked"] == 0
                                                     and contention["errors"] == 0)
    return {name: "met" if ok else "MISSED" for name, ok in out.items()}


def write_summary(report: dict[str, Any]) -> str:
    lines = [f"# Benchmark results ({report['mode']} mode)", "",
             f"Machine: {report['machine']['cpus']} CPUs, {report['machine']['platform']}, "
             f"Python {report['machine']['python']}; taken {report['machine']['taken_at']}; "
             f"gunicorn {report['workers']} sync workers.", ""]
    for kind, run in report["databases"].items():
        lines += [f"## {kind}: {run['staff']} staff", "",
                  "| scenario | req/s | /healthz req/s just before | ratio | p50 ms | p95 ms |"
                  " p99 ms | errors | queries |", "|---|---|---|---|---|---|---|---|---|"]
        for name, value in run["scenarios"].items():
            if isinstance(value, dict) and "per_second" in value:
                lines.append(f"| {name} | {value['per_second']} | "
                             f"{value.get('healthz_per_second', '')} | "
                             f"{run['ratios'].get(name, '')} | {value['p50_ms']} | "
                             f"{value['p95_ms']} | {value['p99_ms']} | {value['errors']} | "
                             f"{value['queries']} |")
        lines += ["", f"Exam day checked in the database: {json.dumps(run['scenarios']['database'])}",
                  f"Answers acknowledged to the browsers: "
                  f"{run['scenarios']['answers_sent_and_acknowledged']}", ""]
        if run.get("matrix"):
            m = run["matrix"]
            lines.append(f"HR matrix p50 at {m['small_staff']} staff: {m['small_p50_ms']} ms, at "
                         f"{m['big_staff']} staff: {m['big_p50_ms']} ms (ratio {m['ratio']}); "
                         f"first view (counting everyone): {m['small_first_ms']} ms and "
                         f"{m['big_first_ms']} ms.")
        if run.get("contention"):
            lines.append(f"SQLite contention (4 workers x 8 threads, 128 clients, autosave): "
                         f"{json.dumps(run['contention'])}")
        lines += ["", "| target | result |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in run["verdicts"].items()]
        lines.append("")
    return "\n".join(lines)


async def bench_database(kind: str, mode: Mode, workers: int, workdir: Path) -> dict[str, Any]:
    print(f"== {kind}: preparing {mode.staff} staff and a class of {mode.cohort}", flush=True)
    url = fresh_database(kind, f"bench_{mode.staff}", workdir)
    # 32 more new hires for the page scenarios, 32 for the contention run.
    info = prepare(url, mode.staff, 640)
    print(f"   built in {info['seconds_to_build']} s", flush=True)
    scenarios = await run_main_set(kind, mode, url, info, workers, workdir)
    run: dict[str, Any] = {"staff": mode.staff, "build_seconds": info["seconds_to_build"],
                           "scenarios": scenarios, "ratios": ratios(scenarios)}
    contention = None
    if kind == "sqlite":
        print("== sqlite: lock contention", flush=True)
        contention = await run_contention(url, 10 if mode.name == "full" else 5, workdir)
        run["contention"] = contention
    print(f"== {kind}: HR matrix at {mode.big_staff} staff", flush=True)
    big_url = fresh_database(kind, f"bench_{mode.big_staff}", workdir)
    big = prepare(big_url, mode.big_staff, 0)
    small_p50 = scenarios["hr_matrix"]["p50_ms"]
    big_run = await run_matrix(big_url, mode.seconds, workers, workdir, big["hr"])
    ratio = round(big_run["hr_matrix"]["p50_ms"] / small_p50, 2) if small_p50 else None
    run["matrix"] = {"small_staff": mode.staff, "big_staff": mode.big_staff,
                     "small_p50_ms": small_p50, "big_p50_ms": big_run["hr_matrix"]["p50_ms"],
                     "small_first_ms": scenarios["hr_matrix_first_ms"],
                     "big_first_ms": big_run["hr_matrix_first_ms"],
                     "big_build_seconds": big["seconds_to_build"], "ratio": ratio,
                     "big_run": big_run}
    run["verdicts"] = verdicts(kind, run, ratio, contention)
    return run


def write_files(report: dict[str, Any] | None = None, scale: dict[str, Any] | None = None) -> str:
    """results.json (quick/full) and scale.json (--scale), and summary.md from both: a run
    of one mode keeps the other's last figures."""
    import scale as scale_run  # bench/scale.py, beside this file (it imports this one)

    files = {"report": ROOT / "bench" / "results.json", "scale": ROOT / "bench" / "scale.json"}
    for data, path in ((report, files["report"]), (scale, files["scale"])):
        if data is not None:
            path.write_text(json.dumps(data, indent=2) + "\n")
    report = json.loads(files["report"].read_text()) if files["report"].exists() else None
    scale = json.loads(files["scale"].read_text()) if files["scale"].exists() else None
    parts = ([write_summary(report)] if report else []) + (
        ["\n".join(scale_run.summary_lines(scale))] if scale else [])
    summary = "\n".join(parts)
    (ROOT / "bench" / "summary.md").write_text(summary + "\n")
    return summary


def run_scale(args: argparse.Namespace, kinds: list[str], workdir: Path) -> dict[str, Any]:
    import scale as scale_run  # bench/scale.py, beside this file (it imports this one)

    scale: dict[str, Any] = {"staff": args.scale, "machine": machine(),
                             "workers": args.workers, "databases": {}}
    for kind in kinds:
        if args.reuse:
            url = args.reuse
        else:
            print(f"== {kind}: preparing {args.scale} staff", flush=True)
            url = fresh_database(kind, f"bench_scale_{args.scale}", workdir)
            prepare(url, args.scale, 0)
        print(f"== {kind}: pages at {args.scale} staff", flush=True)
        who = scale_run.people_to_sign_in(url)
        run = {"pages": asyncio.run(scale_run.run_pages(url, args.workers, workdir, who))}
        print(f"== {kind}: flask notify send", flush=True)
        run["reminders"] = scale_run.run_reminders(url)
        run["verdicts"] = scale_run.verdicts(run)
        scale["databases"][kind] = run
    return scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="10k/100k staff, 15 s runs")
    parser.add_argument("--scale", type=int, metavar="STAFF",
                        help="operator scale: time HR, supervisor, analysis and audit pages, "
                             "exports and the reminder job at this many staff (bench/scale.py)")
    parser.add_argument("--reuse", metavar="URL",
                        help="with --scale and one --db: a database already filled by "
                             "flask demo generate, instead of building one (it is written to)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default=None,
                        help="default: both when TRAININGAPP_BENCH_POSTGRES_URL is set")
    args = parser.parse_args()
    mode = FULL if args.full else QUICK
    kinds = {"sqlite": ["sqlite"], "postgresql": ["postgresql"], "both": ["sqlite", "postgresql"],
             None: ["sqlite", "postgresql"] if os.environ.get("TRAININGAPP_BENCH_POSTGRES_URL")
             else ["sqlite"]}[args.db]
    if args.reuse and (not args.scale or len(kinds) != 1 or args.db is None):
        parser.error("--reuse goes with --scale and one --db")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        if args.scale:
            scale = run_scale(args, kinds, Path(tmp))
            scale["seconds"] = round(time.monotonic() - started)
            print(write_files(scale=scale))
            missed = [f"{kind}: {name}: {verdict}" for kind, run in scale["databases"].items()
                      for name, verdict in run["verdicts"].items() if verdict != "met"]
            print(f"Done in {scale['seconds']} s.")
            if missed:
                raise SystemExit("Missed:\n  " + "\n  ".join(missed))
            return
        report: dict[str, Any] = {"mode": mode.name, "machine": machine(),
                                  "workers": args.workers, "databases": {}}
        for kind in kinds:
            report["databases"][kind] = asyncio.run(
                bench_database(kind, mode, args.workers, Path(tmp)))
    report["seconds"] = round(time.monotonic() - started)
    print(write_files(report=report))
    print(f"Done in {report['seconds']} s.")


if __name__ == "__main__":
    main()
