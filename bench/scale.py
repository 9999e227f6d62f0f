"""The operator-scale run (``make bench BENCH_ARGS="--scale 100000"``): with a data set of that
many staff, time what HR, supervisors, trainers and the reminder job do, one request at a
time, under gunicorn: the first view (nothing cached) and the median of the next ones, the
size of each answer, the exports read to their last row, and the peak memory of every
worker. The run fails when a page's first view takes more than 2 s or a worker grows past
300 MB (exports are timed but only their memory is bounded).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from run import (  # bench/run.py, which runs this
    COOKIE,
    ROOT,
    Client,
    Person,
    Server,
    app_for,
)
from sqlalchemy import select

from trainingapp.extensions import db
from trainingapp.models import Call, Module, Role, User, UserRole

PAGE_LIMIT_MS = 2000
WORKER_LIMIT_MB = 300
REPEATS = 4  # after the first view
THREADS = 4


def people_to_sign_in(url: str) -> dict[str, str]:
    """An HR person, an admin and a supervisor of the generated staff; a module and a call."""
    app = app_for(url)
    with app.app_context():
        def first(role: Role) -> str:
            return db.session.scalar(
                select(User.employee_no).join(User.role_rows)
                .where(UserRole.role == role, User.is_active.is_(True))
                .order_by(User.employee_no).limit(1))

        found = {"hr": first(Role.HR), "admin": first(Role.ADMIN),
                 "supervisor": first(Role.SUPERVISOR),
                 "module": db.session.scalar(select(Module.slug).order_by(Module.id).limit(1)),
                 "call": db.session.scalar(select(Call.slug).order_by(Call.id).limit(1)),
                 "someone": db.session.scalar(select(User.employee_no).where(
                     User.employee_no.like("G%")).order_by(User.employee_no.desc()).limit(1))}
        db.session.remove()
    return found


def pages(who: dict[str, str]) -> list[tuple[str, str, str, bool]]:
    """(name, viewer, path, is an export)."""
    return [
        ("hr_overview", "hr", "/hr/", False),
        ("hr_assign", "hr", "/hr/assign", False),
        ("hr_matrix", "hr", "/hr/matrix", False),
        ("supervisor_team", "supervisor", "/supervisor/", False),
        ("audit_log", "hr", "/audit/", False),
        ("audit_by_person", "hr", f"/audit/?person={who['someone']}", False),
        ("analysis_index", "admin", "/analysis/", False),
        ("analysis_module", "admin", f"/analysis/modules/{who['module']}", False),
        ("analysis_call", "admin", f"/analysis/calls/{who['call']}", False),
        ("matrix_csv", "hr", "/hr/matrix?export=csv", True),
        ("matrix_xlsx", "hr", "/hr/matrix?export=xlsx", True),
        ("audit_csv_everything", "hr", "/audit/?export=csv", True),
    ]


def worker_peaks_mb(master: int) -> dict[int, float]:
    """Peak resident memory (VmHWM) of each gunicorn worker, in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = {}
    for pid in map(int, children):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks[pid] = round(int(line.split()[1]) / 1024, 1)
    return peaks


async def _timed(client: Client, person: Person, path: str) -> tuple[float, int, int]:
    """One GET read to its last byte (an export may be binary and large: it is counted,
    not kept); status 0 when no answer came."""
    started = time.perf_counter()
    size, status = 0, 0  # 0: no answer (e.g. gunicorn killed the worker at its timeout)
    try:
        async with client.http.get(client.base + path, allow_redirects=False,
                                   headers={"Cookie": f"{COOKIE}={person.cookie}"}) as response:
            async for chunk in response.content.iter_chunked(1 << 16):
                size += len(chunk)
            status = response.status
    except (aiohttp.ClientError, TimeoutError):
        pass
    return (time.perf_counter() - started) * 1000, status, size


async def run_pages(url: str, workers: int, workdir: Path, who: dict[str, str]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    # gthread workers, as the README advises at this size: a long export is not killed at
    # the worker timeout.
    with Server(url, 8768, workers, THREADS, workdir / "gunicorn-scale.log", 10) as server:
        timeout = aiohttp.ClientTimeout(total=600)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                         timeout=timeout,
                                         cookie_jar=aiohttp.DummyCookieJar()) as http:
            await server.wait_ready(http)
            client = Client(http, server.base)
            viewers = {role: Person(who[role]) for role in ("hr", "admin", "supervisor")}
            for person in viewers.values():
                await client.login(person)
            for name, viewer, path, export in pages(who):
                first, status, size = await _timed(client, viewers[viewer], path)
                again = [] if export else [
                    (await _timed(client, viewers[viewer], path))[0] for _ in range(REPEATS)]
                results[name] = {"path": path, "status": status, "bytes": size,
                                 "first_ms": round(first, 1), "export": export,
                                 "median_ms": round(statistics.median(again), 1) if again
                                 else None}
                print(f"  {name:<22} {results[name]}", flush=True)
            peaks = worker_peaks_mb(server.process.pid)
        problems = server.stop()
    return {"pages": results, "worker_peak_mb": max(peaks.values()), "workers": peaks,
            "server_log_problems": problems[:20]}


def run_reminders(url: str) -> dict[str, Any]:
    """``flask notify send`` once, as cron would run it: its time, peak memory and output."""
    env = {**os.environ, "TRAININGAPP_DATABASE_URL": url,
           "TRAININGAPP_SECRET_KEY": "bench-" + "x" * 40}
    started = time.perf_counter()
    process = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app",
                                "trainingapp", "notify", "send"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read() if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    return {"seconds": round(time.perf_counter() - started, 1),
            "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "exit_status": os.waitstatus_to_exitcode(status), "output": output.strip()[-2000:]}


def verdicts(run: dict[str, Any]) -> dict[str, str]:
    slow = [name for name, page in run["pages"]["pages"].items()
            if not page["export"] and page["first_ms"] > PAGE_LIMIT_MS]
    failed = [name for name, page in run["pages"]["pages"].items() if page["status"] != 200]
    return {
        f"every page's first view under {PAGE_LIMIT_MS / 1000:g} s":
            "met" if not slow else "MISSED: " + ", ".join(slow),
        "every page and export answered 200": "met" if not failed else "MISSED: "
            + ", ".join(failed),
        f"every worker under {WORKER_LIMIT_MB} MB":
            "met" if run["pages"]["worker_peak_mb"] <= WORKER_LIMIT_MB
            else f"MISSED: {run['pages']['worker_peak_mb']} MB",
        "flask notify send completes": "met" if run["reminders"]["exit_status"] == 0
            else "MISSED",
    }


def summary_lines(scale: dict[str, Any]) -> list[str]:
    lines = [f"# Operator scale ({scale['staff']:,} staff)", "",
             (f"Taken {scale['machine']['taken_at']} on {scale['machine']['cpus']} CPUs; "
              f"gunicorn {scale['workers']} gthread workers × {THREADS} threads; one request "
              "at a time."), ""]
    for kind, run in scale["databases"].items():
        lines += [f"## {kind}", "", "| page | first view ms | then, median ms | KB | status |",
                  "|---|---|---|---|---|"]
        for name, page in run["pages"]["pages"].items():
            lines.append(f"| {name} | {page['first_ms']} | {page['median_ms'] or ''} | "
                         f"{round(page['bytes'] / 1024)} | {page['status']} |")
        reminders = run["reminders"]
        lines += ["", (f"Worker peak memory: {run['pages']['worker_peak_mb']} MB "
                       f"(each: {sorted(run['pages']['workers'].values())})."),
                  (f"`flask notify send`: {reminders['seconds']} s, peak "
                   f"{reminders['peak_mb']} MB, exit {reminders['exit_status']}: "
                   f"{reminders['output'][-300:]}"), "",
                  "| target | result |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in run["verdicts"].items()]
        lines.append("")
    return lines
