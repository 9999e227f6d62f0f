"""The HR certification matrix: people × the tracks their position requires, with each
cell's certificate status worked out in SQL, so that filtering, counting and paging stay
fast at 100,000 people.

The page and the exports show a status by its label (``STATUS_LABELS``) and a track by
its title, in the reader's language; the exports keep the employee number and the track
code for systems.

A cell's status comes from the certificates alone: certified, renewal_due, expired,
revoked, or none (not certified yet); the person's training record explains the rest.
The SQL asks the questions ``rules.certification.evaluate`` asks, with the rule's own
boundaries (tests/queries/test_matrix_status.py holds them to agree).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Select,
    and_,
    case,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from trainingapp.caches import process_cache
from trainingapp.converters import page_number
from trainingapp.exports import Table
from trainingapp.extensions import db
from trainingapp.i18n import current_language, day, text_in
from trainingapp.models import Certification, Position, Team, User
from trainingapp.models.base import UTCDateTime
from trainingapp.rules import certification as rules
from trainingapp.rules.certification import Status
from trainingapp.services import certification

NOT_CERTIFIED = "none"  # not started or in progress: the training record says which
STATUSES = (Status.CERTIFIED.value, Status.RENEWAL_DUE.value, Status.EXPIRED.value,
            Status.REVOKED.value, NOT_CERTIFIED)
STATUS_LABELS = {Status.CERTIFIED.value: _l("Certified"),
                 Status.RENEWAL_DUE.value: _l("Renewal due"),
                 Status.EXPIRED.value: _l("Expired"), Status.REVOKED.value: _l("Revoked"),
                 NOT_CERTIFIED: _l("Not certified")}
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
                   page=page_number(args))


def _runs(now: datetime, mine: Any) -> Select[Any]:
    """Per person and track, the end of the run of certificates valid at ``now`` (FOREVER
    when it never ends), found as ``rules.evaluate`` finds it: of the certificates that are
    current (``rules.is_current``, which takes ``rules.is_live``), the one that started
    last; then each certificate that ``rules.renews`` the run's last one."""
    live = or_(Certification.revoked_at.is_(None), Certification.revoked_at > now)
    current = (
        select(Certification.user_id, Certification.track_id, Certification.id,
               Certification.expires_at,
               func.row_number().over(partition_by=(Certification.user_id, Certification.track_id),
                                      order_by=(Certification.valid_from.desc(), Certification.id))
               .label("latest"))
        .where(mine, live, Certification.valid_from <= now,
               or_(Certification.expires_at.is_(None), Certification.expires_at > now))
        .subquery("current"))
    run = (select(current.c.user_id, current.c.track_id, current.c.id, current.c.expires_at)
           .where(current.c.latest == 1).cte("run", recursive=True))
    renewal = aliased(Certification, name="renewal")
    run = run.union(  # UNION, not UNION ALL: a loop of renewals cannot recur forever
        select(renewal.user_id, renewal.track_id, renewal.id, renewal.expires_at)
        .join(run, and_(renewal.user_id == run.c.user_id, renewal.track_id == run.c.track_id,
                        renewal.valid_from == run.c.expires_at))
        .where(renewal.revoked_at.is_(None)))
    return (select(run.c.user_id, run.c.track_id,
                   func.max(func.coalesce(run.c.expires_at, FOREVER)).label("until"))
            .group_by(run.c.user_id, run.c.track_id))


def _endings(now: datetime, mine: Any) -> Select[Any]:
    """Per person and track, the last revocation (``rules.is_revoked``) and the last expiry
    (``rules.has_expired``) by ``now``."""
    revoked = Certification.revoked_at <= now
    expired = and_(Certification.expires_at <= now,
                   or_(Certification.revoked_at.is_(None),
                       Certification.revoked_at > Certification.expires_at))
    return (select(Certification.user_id, Certification.track_id,
                   func.max(case((revoked, Certification.revoked_at))).label("revoked"),
                   func.max(case((expired, Certification.expires_at))).label("expired"))
            .where(mine, or_(revoked, expired))
            .group_by(Certification.user_id, Certification.track_id))


def _status(run: Any, ended: Any, due_by: Any) -> tuple[Any, Any]:
    """A cell's status and end of validity, decided in the order of ``rules.evaluate``:
    a valid run is due for renewal once it ends by ``rules.renewal_due_by``; with none,
    ``rules.revocation_names_status`` picks revoked over expired."""
    valid = run.c.until.is_not(None)
    revoked = and_(ended.c.revoked.is_not(None),
                   or_(ended.c.expired.is_(None), ended.c.revoked >= ended.c.expired))
    status = case((and_(valid, run.c.until > due_by), Status.CERTIFIED.value),
                  (valid, Status.RENEWAL_DUE.value),
                  (revoked, Status.REVOKED.value),
                  (ended.c.expired.is_not(None), Status.EXPIRED.value),
                  else_=NOT_CERTIFIED)
    until = case((valid, run.c.until), (revoked, null()), else_=ended.c.expired)
    return status, until


def _cells(now: datetime, user_ids: Sequence[int] | None = None) -> Select[Any] | None:
    """One row per (person, required track): status and end of validity, as the rules
    decide them; for everyone, or only for ``user_ids`` (then the certificates read are
    only theirs)."""
    pairs = [(code, t.id, rules.renewal_due_by(t.content, now))
             for t in certification.live_tracks() for code in t.content["positions"]]
    if not pairs:
        return None
    required = union_all(*[
        select(literal(code).label("code"), literal(track_id).label("track_id"),
               literal(due_by, UTCDateTime()).label("due_by"))
        for code, track_id, due_by in pairs]).subquery("required")
    mine = Certification.user_id.in_(user_ids) if user_ids is not None else true()
    run = _runs(now, mine).subquery("run_end")
    ended = _endings(now, mine).subquery("ended")
    status, until = _status(run, ended, required.c.due_by)
    query = (
        select(User.id.label("user_id"), required.c.track_id, status.label("status"),
               until.label("until"))
        .join(Position, Position.id == User.position_id)
        .join(required, required.c.code == Position.code)
        .outerjoin(run, and_(run.c.user_id == User.id, run.c.track_id == required.c.track_id))
        .outerjoin(ended, and_(ended.c.user_id == User.id,
                               ended.c.track_id == required.c.track_id))
        .where(User.is_active.is_(True))
    )
    return query.where(User.id.in_(user_ids)) if user_ids is not None else query


def _by_group(query: Select[Any], filters: Filters, team_joined: bool = False) -> Select[Any]:
    """Narrow a query over User (with Position joined, and Team when ``team_joined``) by
    position, team and site."""
    if filters.position:
        query = query.where(Position.code == filters.position)
    if (filters.team or filters.site) and not team_joined:
        query = query.join(Team, Team.id == User.team_id)
    if filters.team:
        query = query.where(Team.code == filters.team)
    if filters.site:
        query = query.where(Team.site == filters.site)
    return query


def _people_matching(cells: Any, filters: Filters, now: datetime) -> Select[Any]:
    people = select(cells.c.user_id).distinct()
    if filters.status:
        people = people.where(cells.c.status == filters.status)
    if filters.expiring_days:
        people = people.where(cells.c.until > now,
                              cells.c.until <= now + timedelta(days=filters.expiring_days))
    return people


@dataclass(frozen=True)
class Summary:
    counts: dict[int, dict[str, int]]  # track id → status → people
    total: int
    as_of: datetime


@dataclass(frozen=True)
class Matrix:
    tracks: list[certification.TrackInfo]
    people: list[User]
    cells: dict[tuple[int, int], tuple[str, datetime | None]]
    summary: Summary
    filters: Filters
    asked_page: int = 0  # the page asked for when it was past the last (then the last shown)

    @property
    def counts(self) -> dict[int, dict[str, int]]:
        return self.summary.counts

    @property
    def total(self) -> int:
        return self.summary.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


SUMMARY_SECONDS = 60


def summary(filters: Filters, now: datetime) -> Summary:
    """The counts and total of the filtered view. They read every person, so each process
    keeps them for a minute (HR paging through 100,000 people does not recount everyone
    for every page), or until this process changes a certificate; the page says when
    they were counted."""
    return process_cache.get(
        str(db.engine.url), ("matrix_summary", replace(filters, page=1)),
        lambda: _count(filters, now),
        fresh=lambda kept: timedelta(0) <= now - kept.as_of < timedelta(seconds=SUMMARY_SECONDS))


def _count(filters: Filters, now: datetime) -> Summary:
    base = _cells(now)
    if base is None:
        return Summary({}, 0, now)
    cells = _by_group(base, filters).subquery("cells")
    counted = select(cells.c.track_id, cells.c.status, func.count())
    if filters.status or filters.expiring_days:  # everyone's cells, of the people kept
        matching = _people_matching(cells, filters, now).subquery("matching")
        counted = counted.where(cells.c.user_id.in_(select(matching.c.user_id)))
        total = db.session.scalar(select(func.count()).select_from(matching)) or 0
    else:
        total = db.session.scalar(select(func.count()).select_from(
            _kept_people(filters).with_only_columns(User.id).subquery())) or 0
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for track_id, status, n in db.session.execute(
            counted.group_by(cells.c.track_id, cells.c.status)):
        counts[track_id][status] = n
    return Summary(dict(counts), total, now)


def _page_of_people(filters: Filters, now: datetime, page_size: int) -> list[User]:
    """One page of the people the filters keep, by employee number. Without a status
    filter this reads only the page (the employee-number index), however many people
    there are; a status filter works the statuses out for everyone."""
    if filters.status or filters.expiring_days:
        base = _cells(now)
        assert base is not None
        cells = _by_group(base, filters).subquery("cells")
        people = select(User).where(
            User.id.in_(select(_people_matching(cells, filters, now).subquery())))
    else:
        people = _kept_people(filters)
    return list(db.session.scalars(
        people.order_by(User.employee_no)
        .offset((filters.page - 1) * page_size).limit(page_size)))


def _kept_people(filters: Filters) -> Select[Any]:
    """Active people whose position requires a track, narrowed by group: walked in
    employee-number order through the (is_active, employee_no) index, a page costs the
    same at 1,000 people or 100,000."""
    codes = sorted({code for t in certification.live_tracks() for code in t.content["positions"]})
    return _by_group(select(User).join(Position, Position.id == User.position_id)
                     .where(User.is_active.is_(True), Position.code.in_(codes)), filters)


def build(filters: Filters, now: datetime, page_size: int = PAGE_SIZE) -> Matrix:
    """The filtered matrix, one page of people: a constant number of queries. A page past
    the last shows the last (``asked_page`` says which was asked for)."""
    tracks = certification.live_tracks()
    if not tracks:
        return Matrix(tracks, [], {}, Summary({}, 0, now), filters)
    counted = summary(filters, now)
    last = max(1, -(-counted.total // page_size))
    asked = filters.page if filters.page > last else 0
    if asked:
        filters = replace(filters, page=last)
    people = _page_of_people(filters, now, page_size)
    shown = {}
    if people:
        page_cells = _cells(now, [p.id for p in people])
        assert page_cells is not None
        for user_id, track_id, status, until in db.session.execute(page_cells):
            shown[(user_id, track_id)] = (status, until)
    return Matrix(tracks, people, shown, counted, filters, asked)


EXPORT_PAGE = 1000  # rows fetched from the database at a time when exporting


def export(filters: Filters, now: datetime) -> Table:
    """Every cell of the filtered view (not only the page) for CSV or XLSX, as the page
    counted it (``summary``): the statuses as of the time the page says, and as many rows.

    One row per person and required track, not one column per track: a spreadsheet
    filters a status or a track in one column, a person needing two tracks is two rows,
    and a new track adds rows, not columns, so a system reading the file finds the same
    columns in the same order whatever the tracks. Headers, statuses, titles, positions
    and dates are in the reader's language; the employee number and the track code are
    there for systems."""
    counted = summary(filters, now)
    return Table(_export_rows(filters, counted.as_of),
                 sum(n for by_status in counted.counts.values() for n in by_status.values()))


def _export_rows(filters: Filters, now: datetime) -> Iterator[list[str]]:
    """The header, then the cells with the columns shown, in one query whose plain rows
    are fetched ``EXPORT_PAGE`` at a time as the file is written (a server-side cursor on
    PostgreSQL), never ORM objects. One query, not a query per page of people: each page
    works its people's certificate runs out afresh, and at 100,000 people the pages took
    half as long again as the one query."""
    yield [_("Employee number"), _("Name"), _("Team"), _("Site"), _("Position"),
           _("Track"), _("Track code (for systems)"), _("Status"), _("Valid until")]
    tracks = {t.id: t for t in certification.live_tracks()}
    base = _cells(now)
    if base is None:
        return
    chinese = current_language() == "zh"
    team_name = func.coalesce(func.nullif(Team.name_zh, ""), Team.name) if chinese else Team.name
    cells = _by_group(base.add_columns(User.employee_no, User.full_name,
                                       Position.name_zh if chinese else Position.name_en,
                                       team_name, Team.site)
                      .outerjoin(Team, Team.id == User.team_id), filters, team_joined=True)
    if filters.status or filters.expiring_days:  # all the cells of the people kept
        kept = cells.subquery("cells")
        cells = cells.where(User.id.in_(select(_people_matching(kept, filters, now)
                                               .subquery().c.user_id)))
    order = case({track_id: n for n, track_id in enumerate(tracks)},
                 value=base.selected_columns.track_id, else_=len(tracks))
    for (_user, track_id, status, until, number, name, position, team,
         site) in db.session.execute(cells.order_by(User.employee_no, order),
                                     execution_options={"yield_per": EXPORT_PAGE}):
        track = tracks[track_id]
        yield [number, name, team or "", site or "", position, text_in(track.title),
               track.slug, str(STATUS_LABELS[status]), _valid_until(until)]


def _valid_until(until: datetime | None) -> str:
    if until is None:
        return ""
    return _("Does not expire") if until >= FOREVER else day(until)
