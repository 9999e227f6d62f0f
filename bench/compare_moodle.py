"""The training app side by side with a real Moodle on the same machine (issue 16, item 6).

    python bench/compare_moodle.py --moodle peer.json                 # builds and starts ours
    python bench/compare_moodle.py --moodle peer.json --ours URL      # ours already running
    python bench/compare_moodle.py --moodle peer.json --dry-run       # each request once, no figures

Moodle itself is not part of this repository and this script does not install it: it takes
the address of a Moodle that is already running and what its own preparation wrote,
`peer.json`:

    {"base": "http://127.0.0.1:8090", "home": "/my/", "baseline": "/login/index.php",
     "static": "/theme/boost/pix/favicon.ico", "conditions": {...free text for the report...},
     "students": [{"username": "...", "password": "...", "attempt": 12, "cmid": 3}, ...]}

Each student is enrolled in a course whose quiz has 20 multiple-choice questions on one page
and has an attempt at it started. Our side is built as bench/run.py builds it (PostgreSQL
named by TRAININGAPP_BENCH_POSTGRES_URL, `flask demo generate`, the bench copy of the bank
whose `processes` quiz has 20 questions on one page, gunicorn with deploy/gunicorn.conf.py),
and as many new hires start that quiz.

Both are driven by the same client, one system loaded at a time, interleaved scenario by
scenario over several rounds (the order alternating each round): each side's baseline (ours
/healthz; Moodle's login page, the lightest page that runs Moodle, and a static file served
by the web server alone), the quiz page, its autosave (ours: the answer just given, as the
quiz page's script sends it; Moodle's: the whole response form with `sesskey` posted to
`mod/quiz/autosave.ajax.php`, as its autosave script does), and each home page (ours
/learn/, Moodle's /my/). Every autosave changes the answer to one choice question (ours
has mixed question types on the page, Moodle's quiz 20 multiple-choice ones). Results:
bench/moodle.json and bench/moodle.md.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from run import (
    PAGE_MODULE,
    ROOT,
    Call,
    Client,
    Measure,
    Person,
    Server,
    fresh_database,
    in_batches,
    machine,
    prepare,
    steady,
)

SCENARIOS = ("baseline", "static", "quiz_page", "autosave", "home")
LOGIN_TOKEN = re.compile(r'name="logintoken" value="([^"]+)"')
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')
NOT_OK = 599  # a 200 whose body says it failed counts as an error


# --- Moodle --------------------------------------------------------------------------------


@dataclass
class Student:
    username: str
    password: str
    attempt: int
    cmid: int
    cookies: dict[str, str] = field(default_factory=dict)
    hidden: list[tuple[str, str]] = field(default_factory=list)  # the response form's
    questions: list[tuple[str, list[str]]] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    saves: int = 0

    @property
    def attempt_path(self) -> str:
        return f"/mod/quiz/attempt.php?attempt={self.attempt}&cmid={self.cmid}"


class Moodle:
    """A browser's requests to Moodle: its cookies by hand, so that one HTTP session serves
    every student as our side's client does."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base

    async def request(self, method: str, path: str, student: Student | None = None,
                      **kwargs: Any) -> tuple[int, str, Any]:
        headers = {}
        if student and student.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in student.cookies.items())
        async with self.http.request(method, self.base + path, headers=headers,
                                     allow_redirects=False, **kwargs) as response:
            body = await response.text(errors="replace")  # the static file is an icon
            if student is not None:
                for name, morsel in response.cookies.items():
                    student.cookies[name] = morsel.value
            return response.status, body, response.headers

    async def login(self, student: Student) -> None:
        _, page, _ = await self.request("GET", "/login/index.php", student)
        token = LOGIN_TOKEN.search(page)
        status, _, headers = await self.request(
            "POST", "/login/index.php", student,
            data={"username": student.username, "password": student.password,
                  "logintoken": token[1] if token else ""})
        if status != 303 or "testsession=" not in headers.get("Location", ""):
            raise SystemExit(f"Moodle sign-in of {student.username} failed: HTTP {status}")
        status, page, _ = await self.request("GET", student.attempt_path, student)
        if status != 200 or 'id="responseform"' not in page:
            raise SystemExit(f"{student.username}: attempt {student.attempt} is not open "
                             f"(HTTP {status})")
        read_form(student, page)

    async def quiz_page(self, student: Student) -> tuple[int, str, Any]:
        status, body, headers = await self.request("GET", student.attempt_path, student)
        return (status if 'id="responseform"' in body else NOT_OK), body, headers

    async def autosave(self, student: Student) -> tuple[int, str, Any]:
        """What Moodle's autosave script posts: the whole form, with one answer changed."""
        name, value = next_answer(student.saves, student.questions)
        student.saves += 1
        student.answers[name] = value
        status, body, headers = await self.request(
            "POST", "/mod/quiz/autosave.ajax.php", student,
            data=student.hidden + list(student.answers.items()))
        return (status if '"status":"OK"' in body else NOT_OK), body, headers


def inputs(form: str) -> list[dict[str, str]]:
    return [{k: html.unescape(v) for k, v in ATTRIBUTE.findall(tag)} for tag in INPUT.findall(form)]


def choice_questions(form: str, name: str) -> list[tuple[str, list[str]]]:
    """The page's choice questions (radio buttons, checkboxes) whose field name matches, each
    with its options' values in page order."""
    found: dict[str, list[str]] = {}
    for attributes in inputs(form):
        if (attributes.get("type") in ("radio", "checkbox")
                and re.fullmatch(name, attributes.get("name", ""))):
            found.setdefault(attributes["name"], []).append(attributes.get("value", ""))
    return list(found.items())


def read_form(student: Student, page: str) -> None:
    """The response form's hidden fields (sesskey, attempt, slots, sequence checks, ...) and
    its questions, as a browser would serialise the form."""
    form = page[page.index('id="responseform"'):]
    form = form[:form.index("</form>")]
    student.hidden = [(a["name"], a.get("value", "")) for a in inputs(form)
                      if a.get("type") == "hidden" and a.get("name")]
    student.questions = choice_questions(form, r"q\d+:\d+_answer")
    student.answers = {a["name"]: a.get("value", "") for a in inputs(form)
                       if a.get("type") == "radio" and "checked" in a}
    if not any(name == "sesskey" for name, _ in student.hidden) or not student.questions:
        raise SystemExit(f"{student.username}: no sesskey or no questions on the quiz page")


def next_answer(saves: int, questions: list[tuple[str, list[str]]]) -> tuple[str, str]:
    """Question after question, its first or its second option in turn: each save changes
    an answer (both systems may skip writing an answer that is the same as before)."""
    name, values = questions[saves % len(questions)]
    return name, values[saves // len(questions) % 2]


# --- one system ----------------------------------------------------------------------------


@dataclass
class System:
    name: str
    calls: dict[str, Call]
    checks: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def ok(self, scenario: str) -> tuple[int, ...]:
        return self.checks.get(scenario, (200,))


async def ours_side(http: aiohttp.ClientSession, base: str, people: int) -> System:
    client = Client(http, base)
    hires = [Person(f"C{n:05d}") for n in range(1, people + 1)]
    await in_batches(hires, client.login)
    questions, saves = {}, {}
    for person in hires:
        person.attempt = await client.start_quiz(person, PAGE_MODULE)
        _, page, _ = await client.request("GET", f"/quizzes/attempts/{person.attempt}", person)
        questions[person.employee_no] = choice_questions(page, r"q\d+")
        saves[person.employee_no] = 0

    async def baseline(_: int) -> tuple[int, str, Any]:
        return await client.request("GET", "/healthz")

    async def quiz_page(n: int) -> tuple[int, str, Any]:
        person = hires[n % len(hires)]
        return await client.request("GET", f"/quizzes/attempts/{person.attempt}", person)

    async def autosave(n: int) -> tuple[int, str, Any]:
        person = hires[n % len(hires)]
        name, value = next_answer(saves[person.employee_no], questions[person.employee_no])
        saves[person.employee_no] += 1
        status, body, headers = await client.request(
            "POST", f"/quizzes/attempts/{person.attempt}/autosave", person,
            data={"csrf_token": person.csrf, "position": name[1:], name: value})
        return (status if '"saved":true' in body else NOT_OK), body, headers

    async def home(n: int) -> tuple[int, str, Any]:
        return await client.request("GET", "/learn/", hires[n % len(hires)])

    return System("ours", {"baseline": baseline, "quiz_page": quiz_page,
                           "autosave": autosave, "home": home})


async def moodle_side(http: aiohttp.ClientSession, peer: dict[str, Any], people: int) -> System:
    moodle = Moodle(http, peer["base"].rstrip("/"))
    students = [Student(s["username"], s["password"], int(s["attempt"]), int(s["cmid"]))
                for s in peer["students"][:people]]
    if len(students) < people:
        raise SystemExit(f"peer.json has {len(students)} students, {people} asked for")
    await in_batches(students, moodle.login)

    async def baseline(_: int) -> tuple[int, str, Any]:
        return await moodle.request("GET", peer.get("baseline", "/login/index.php"))

    async def static(_: int) -> tuple[int, str, Any]:
        return await moodle.request("GET", peer["static"])

    async def quiz_page(n: int) -> tuple[int, str, Any]:
        return await moodle.quiz_page(students[n % len(students)])

    async def autosave(n: int) -> tuple[int, str, Any]:
        return await moodle.autosave(students[n % len(students)])

    async def home(n: int) -> tuple[int, str, Any]:
        return await moodle.request("GET", peer.get("home", "/my/"), students[n % len(students)])

    calls = {"baseline": baseline, "quiz_page": quiz_page, "autosave": autosave, "home": home}
    if peer.get("static"):
        calls["static"] = static
    return System("moodle", calls)


# --- the run -------------------------------------------------------------------------------


def pooled(measures: list[Measure]) -> Measure:
    out = Measure()
    for m in measures:
        out.latencies += m.latencies
        out.errors += m.errors
        out.queries += m.queries
        out.elapsed += m.elapsed
    return out


async def dry_run(systems: list[System]) -> None:
    """Each request once on each side: the sign-ins, pages and saves work; nothing timed."""
    for system in systems:
        for scenario, call in system.calls.items():
            status, body, _ = await call(0)
            verdict = "ok" if status in system.ok(scenario) else "FAILED"
            print(f"  {system.name:<7} {scenario:<10} HTTP {status}, {len(body)} bytes: {verdict}")


async def measure(systems: list[System], rounds: int, seconds: float, warmup: float,
                  concurrency: int) -> dict[str, Any]:
    for system in systems:  # caches and opcache warm, connections open
        for scenario, call in system.calls.items():
            await steady(call, warmup, concurrency, system.ok(scenario))
    taken: dict[str, dict[str, list[Measure]]] = {s.name: {} for s in systems}
    for number in range(rounds):
        order = systems if number % 2 == 0 else systems[::-1]
        for scenario in SCENARIOS:
            for system in order:
                call = system.calls.get(scenario)
                if call is None:
                    continue
                m = await steady(call, seconds, concurrency, system.ok(scenario))
                taken[system.name].setdefault(scenario, []).append(m)
                print(f"  round {number + 1} {system.name:<7} {scenario:<10} "
                      f"{m.summary()['per_second']:>7} req/s", flush=True)
    report: dict[str, Any] = {}
    for name, scenarios in taken.items():
        report[name] = {}
        for scenario, measures in scenarios.items():
            summary = pooled(measures).summary()
            summary["rounds_per_second"] = [m.summary()["per_second"] for m in measures]
            report[name][scenario] = summary
    ours, moodle = report["ours"], report["moodle"]
    report["ratios"] = {}
    for scenario in ("quiz_page", "autosave", "home"):
        per_round = [o.summary()["per_second"] / m.summary()["per_second"]
                     for o, m in zip(taken["ours"][scenario], taken["moodle"][scenario],
                                     strict=True) if m.summary()["per_second"]]
        report["ratios"][scenario] = {
            "per_second": round(ours[scenario]["per_second"] / moodle[scenario]["per_second"], 2),
            "per_second_rounds_min_max": [round(min(per_round), 2), round(max(per_round), 2)],
            "p50": round(moodle[scenario]["p50_ms"] / ours[scenario]["p50_ms"], 2),
            "ours_to_baseline": round(ours[scenario]["per_second"]
                                      / ours["baseline"]["per_second"], 3),
            "moodle_to_baseline": round(moodle[scenario]["per_second"]
                                        / moodle["baseline"]["per_second"], 3)}
    return report


def write_summary(report: dict[str, Any]) -> str:
    ours, moodle, ratios = report["ours"], report["moodle"], report["ratios"]
    c = report["conditions"]
    names = {"baseline": "baseline (ours /healthz, Moodle login page)",
             "static": "Moodle static file (nginx alone)", "quiz_page": "quiz page, 20 questions",
             "autosave": "autosave", "home": "home page (ours /learn/, Moodle /my/)"}
    lines = ["# Side by side with Moodle", "",
             (f"Taken {report['machine']['taken_at']} on {report['machine']['cpus']} CPUs "
             f"({report['machine']['platform']}); load average before {c['load_before']}, "
             f"after {c['load_after']}. {c['concurrency']} concurrent signed-in users, each with "
             f"a started 20-question one-page attempt; {c['rounds']} interleaved rounds of "
             f"{c['seconds']} s per scenario and system. Ours: {c['ours']}. Moodle: "
             f"{c['moodle']}."), "",
             ("| scenario | ours req/s | Moodle req/s | ours ÷ Moodle (rounds) | ours p50 / p95 ms "
             "| Moodle p50 / p95 ms | errors ours / Moodle |"), "|---|---|---|---|---|---|---|"]

    def cells(figures: dict[str, Any] | None) -> tuple[str, str, str]:
        if figures is None:
            return "", "", ""
        return (str(figures["per_second"]), f"{figures['p50_ms']} / {figures['p95_ms']}",
                str(figures["errors"]))

    for scenario in SCENARIOS:
        (o_rate, o_time, o_errors), (m_rate, m_time, m_errors) = (
            cells(ours.get(scenario)), cells(moodle.get(scenario)))
        ratio = ratios.get(scenario)
        low, high = ratio["per_second_rounds_min_max"] if ratio else ("", "")
        shown = f"{ratio['per_second']}× ({low}–{high})" if ratio else ""
        lines.append(f"| {names[scenario]} | {o_rate} | {m_rate} | {shown} | {o_time} | "
                     f"{m_time} | {o_errors} / {m_errors} |")
    lines += ["", "Each page against its own side's baseline in the same run: "
              + "; ".join(f"{s} ours {r['ours_to_baseline']}, Moodle {r['moodle_to_baseline']}"
                          for s, r in ratios.items()) + "."]
    return "\n".join(lines)


async def run(args: argparse.Namespace, peer: dict[str, Any], ours_base: str) -> dict[str, Any]:
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as http:
        systems = [await ours_side(http, ours_base, args.people),
                   await moodle_side(http, peer, args.people)]
        if args.dry_run:
            await dry_run(systems)
            return {}
        return await measure(systems, args.rounds, args.seconds, args.warmup, args.concurrency)


async def start_ours(args: argparse.Namespace, workdir: Path) -> tuple[Server, str]:
    url = fresh_database("postgresql", args.database, workdir)
    info = prepare(url, args.staff, args.people)
    print(f"ours: {args.staff} staff built in {info['seconds_to_build']} s", flush=True)
    server = Server(url, args.port, args.workers, 1, workdir / "gunicorn-moodle.log", 10)
    async with aiohttp.ClientSession() as http:
        await server.wait_ready(http)
    return server, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--moodle", type=Path, required=True, help="peer.json (see above)")
    parser.add_argument("--ours", help="address of our app, already running with a data set "
                        "from bench/run.py's preparation (default: build and start it)")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--people", type=int, default=32, help="signed-in users per side")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--staff", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--port", type=int, default=8775)
    parser.add_argument("--database", default="bench_vs_moodle",
                        help="our PostgreSQL database (made afresh)")
    args = parser.parse_args()
    peer = json.loads(args.moodle.read_text())
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-moodle-") as tmp:
        server = None
        if args.ours:
            ours_base = args.ours.rstrip("/")
            ours_note = f"already running at {ours_base}"
        else:
            server, _ = asyncio.run(start_ours(args, Path(tmp)))
            ours_base = server.base
            ours_note = (f"gunicorn {args.workers} sync workers (deploy/gunicorn.conf.py), "
                         f"PostgreSQL, {args.staff} generated staff")
        try:
            report = asyncio.run(run(args, peer, ours_base))
        finally:
            if server is not None:
                problems = server.stop()
                if problems:
                    print("our server's log:", *problems[:20], sep="\n  ")
    if args.dry_run:
        return
    report["machine"] = machine()
    report["conditions"] = {
        "ours": ours_note, "moodle": "; ".join(f"{k}: {v}" for k, v in
                                               peer.get("conditions", {}).items()),
        "concurrency": args.concurrency, "people": args.people, "rounds": args.rounds,
        "seconds": args.seconds, "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()]}
    (ROOT / "bench" / "moodle.json").write_text(json.dumps(report, indent=2) + "\n")
    summary = write_summary(report)
    (ROOT / "bench" / "moodle.md").write_text(summary + "\n")
    print(summary)


if __name__ == "__main__":
    main()
