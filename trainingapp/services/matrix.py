"""The HR certification matrix: people × the tracks their position requires, with each
cell's certificate status worked out in SQL, so that filtering, counting and paging stay
fast at 100,000 people.

A cell's status comes from the certificates alone: certified, renewal_due, expired,
revoked, or none (not certified yet); the person's training record explains the rest.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from sqlalchemy import Select, and_, case, func, literal, or_, select, union_all

from trainingapp.extensions import db
from trainingapp.models import Certification, Position, Team, User
from trainingapp.services import certification

STATUSES = ("certified", "renewal_due", "expired", "revoked", "none")
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    position: str = ""
    team: str = ""
    site: str = ""
    status: str = ""
    expiring_days: int = 0
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        days = args.get("expiring", 0, type=int)
        return cls(position=args.get("position", "")[:64], team=args.get("team", "")[:64],
                   site=args.get("site", "").strip()[:120],
                   status=args.get("status", "") if args.get("status") in STATUSES else "",
                   expiring_days=days if days in (30, 60, 90) else 0,
                   page=max(1, args.get("page", 1, type=int)))


def _days_left(now: datetime, until: Any) -> Any:
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", until - now) / 86400
    return func.julianday(until) - func.julianday(now.astimezone(UTC).replace(tzinfo=None))


def _cells(now: datetime) -> Select[Any] | None:
    """One row per (person, required track): status and end of validity."""
    pairs = [(code, t.id, t.content["renewal_window_days"])
             for t in certification.live_tracks() for code in t.content["positions"]]
    if not pairs:
        return None
    required = union_all(*[
        select(literal(code).label("code"), literal(track_id).label("track_id"),
               literal(window).label("window"))
        for code, track_id, window in pairs]).subquery("required")
    valid = (select(Certification.user_id, Certification.track_id,
                    func.max(func.coalesce(Certification.expires_at, FOREVER)).label("until"))
             .where(Certification.revoked_at.is_(None))
             .group_by(Certification.user_id, Certification.track_id).subquery("valid"))
    revoked = (select(Certification.user_id, Certification.track_id,
                      func.max(Certification.revoked_at).label("last"))
               .where(Certification.revoked_at.is_not(None))
               .group_by(Certification.user_id, Certification.track_id).subquery("revoked"))
    # As the rules decide: with nothing valid now, whichever ended last, the last expiry
    # or the last revocation, names the status.
    status = case(
        (and_(valid.c.until > now, _days_left(now, valid.c.until) > required.c.window),
         "certified"),
        (valid.c.until > now, "renewal_due"),
        (and_(revoked.c.last.is_not(None),
              or_(valid.c.until.is_(None), revoked.c.last >= valid.c.until)), "revoked"),
        (valid.c.until.is_not(None), "expired"),
        else_="none",
    )
    return (
        select(User.id.label("user_id"), required.c.track_id, status.label("status"),
               valid.c.until.label("until"))
        .join(Position, Position.id == User.position_id)
        .join(required, required.c.code == Position.code)
        .outerjoin(valid, and_(valid.c.user_id == User.id,
                               valid.c.track_id == required.c.track_id))
        .outerjoin(revoked, and_(revoked.c.user_id == User.id,
                                 revoked.c.track_id == required.c.track_id))
        .where(User.is_active.is_(True))
    )


def _filtered(cells: Select[Any], filters: Filters, now: datetime) -> Any:
    """The cells of the people the filters keep, as a subquery."""
    query = cells.outerjoin(Team, Team.id == User.team_id)
    if filters.position:
        query = query.where(Position.code == filters.position)
    if filters.team:
        query = query.where(Team.code == filters.team)
    if filters.site:
        query = query.where(Team.site == filters.site)
    return query.subquery("cells")


def _people_matching(cells: Any, filters: Filters, now: datetime) -> Select[Any]:
    people = select(cells.c.user_id).distinct()
    if filters.status:
        people = people.where(cells.c.status == filters.status)
    if filters.expiring_days:
        people = people.where(cells.c.until > now,
                              _days_left(now, cells.c.until) <= filters.expiring_days)
    return people


@dataclass(frozen=True)
class Matrix:
    tracks: list[certification.TrackInfo]
    people: list[User]
    cells: dict[tuple[int, int], tuple[str, datetime | None]]
    counts: dict[int, dict[str, int]]  # track id → status → people
    total: int
    filters: Filters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def build(filters: Filters, now: datetime, page_size: int = PAGE_SIZE) -> Matrix:
    """The filtered matrix, one page of people: a constant number of queries."""
    tracks = certification.live_tracks()
    base = _cells(now)
    if base is None:
        return Matrix(tracks, [], {}, {}, 0, filters)
    cells = _filtered(base, filters, now)
    matching = _people_matching(cells, filters, now).subquery("matching")
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for track_id, status, n in db.session.execute(
        select(cells.c.track_id, cells.c.status, func.count())
        .where(cells.c.user_id.in_(select(matching.c.user_id)))
        .group_by(cells.c.track_id, cells.c.status)
    ):
        counts[track_id][status] = n
    total = db.session.scalar(select(func.count()).select_from(matching)) or 0
    people = list(db.session.scalars(
        select(User).where(User.id.in_(select(matching.c.user_id)))
        .order_by(User.employee_no)
        .offset((filters.page - 1) * page_size).limit(page_size)))
    shown = {}
    if people:
        for user_id, track_id, status, until in db.session.execute(
                select(cells.c.user_id, cells.c.track_id, cells.c.status, cells.c.until)
                .where(cells.c.user_id.in_([p.id for p in people]))):
            shown[(user_id, track_id)] = (status, until)
    return Matrix(tracks, people, shown, dict(counts), total, filters)


def export_rows(filters: Filters, now: datetime) -> list[list[str]]:
    """Every row of the filtered view (not only the page), for CSV or XLSX."""
    matrix = build(Filters(**{**filters.__dict__, "page": 1}), now, page_size=1_000_000)
    header = ["employee_no", "name"] + [t.slug for t in matrix.tracks]
    rows = [header]
    for person in matrix.people:
        row = [person.employee_no, person.full_name]
        for track in matrix.tracks:
            status, until = matrix.cells.get((person.id, track.id), ("", None))
            row.append(f"{status} {until:%Y-%m-%d}".strip() if until and until != FOREVER
                       else status)
        rows.append(row)
    return rows


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_response(rows: Sequence[Sequence[str]], name: str) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows([[neutralise(c) for c in row] for row in rows])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}.csv"})


def xlsx_response(rows: Sequence[Sequence[str]], name: str) -> Response:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(name[:31])
    for row in rows:
        sheet.append([neutralise(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(buffer.getvalue(),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={name}.xlsx"})
