"""``flask`` sub-commands: thin wrappers over services; each command commits once."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.i18n import LANGUAGES
from trainingapp.models import GRANTED_ROLES, Position, Role, Team, utcnow
from trainingapp.ops import backup, demo, doctor, generate
from trainingapp.services import (
    accounts,
    api_tokens,
    certification,
    notifications,
    quizzes,
    reminders,
    staff_import,
)
from trainingapp.wording import POLICY_MESSAGES, requirement_sentence

user_cli = AppGroup("user", help="Manage staff accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the product (not in production).")
quiz_cli = AppGroup("quiz", help="Quiz housekeeping.")
token_cli = AppGroup("api-token", help="Bearer tokens for other systems (rostering).")
clearance_cli = AppGroup("clearance", help="Who is cleared for duty.")
notify_cli = AppGroup("notify", help="Notifications and reminders.")
users_cli = AppGroup("users", help="Staff in bulk.")
team_cli = AppGroup("team", help="Teams: create, rename, deactivate.")
position_cli = AppGroup("position", help="Positions: create, rename, deactivate.")


def _by_code(model: type[Position | Team], code: str | None):  # type: ignore[no-untyped-def]
    if code is None:
        return None
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        known = ", ".join(db.session.scalars(select(model.code).order_by(model.code)))
        raise click.BadParameter(f"unknown code {code!r}; known: {known or 'none'}")
    return row


def _fail(error: accounts.AccountError) -> click.ClickException:
    if isinstance(error, accounts.PasswordRejected):
        return click.ClickException(str(POLICY_MESSAGES[error.violation]))
    return click.ClickException(str(error))


def _require_user(employee_no: str) -> accounts.User:
    try:
        return accounts.require_by_employee_no(employee_no)
    except accounts.AccountError as error:
        raise _fail(error) from None


@user_cli.command("create")
@click.option("--employee-no", required=True, help="Login name, e.g. T0042.")
@click.option("--full-name", required=True)
@click.option("--email", default=None)
@click.option(
    "--role", "roles", multiple=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several. Everyone is a trainee; grant supervisor, hr or admin.",
)
@click.option("--team", default=None, help="Team code.")
@click.option("--position", default=None, help="Position code.")
@click.option("--supervises", multiple=True, help="Team code this person supervises.")
@click.option("--hire-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--language", type=click.Choice(list(LANGUAGES)), default="en")
@click.password_option(help="Prompted for when not given.")
def create_user(employee_no, full_name, email, roles, team, position, supervises,  # type: ignore[no-untyped-def]
                hire_date, language, password):
    """Create a staff account."""
    try:
        user = accounts.create_user(
            employee_no=employee_no,
            full_name=full_name,
            email=email,
            password=password,
            roles=[Role(r) for r in roles if Role(r) in GRANTED_ROLES],
            team=_by_code(Team, team),
            position=_by_code(Position, position),
            hire_date=date.fromordinal(hire_date.toordinal()) if hire_date else None,
            language=language,
        )
    except accounts.AccountError as error:
        raise _fail(error) from None
    if supervises:
        db.session.refresh(user, ["supervised_teams"])
        user.supervised_teams.extend(_by_code(Team, code) for code in supervises)
    summary = f"Created {user.employee_no} ({', '.join(sorted(user.roles))})."
    unit_of_work.commit()
    click.echo(summary)


@user_cli.command("set-password")
@click.argument("employee_no")
@click.password_option(help="Prompted for when not given.")
def set_password(employee_no: str, password: str) -> None:
    """Set a new password; the person's existing sessions end."""
    user = _require_user(employee_no)
    try:
        accounts.set_password(user, password)
    except accounts.AccountError as error:
        raise _fail(error) from None
    unit_of_work.commit()
    click.echo(f"Password changed for {user.employee_no}; their sessions were ended.")


@user_cli.command("deactivate")
@click.argument("employee_no")
def deactivate(employee_no: str) -> None:
    """Stop a person signing in; history is kept and their sessions end."""
    user = _require_user(employee_no)
    accounts.deactivate(user)
    unit_of_work.commit()
    click.echo(f"Deactivated {user.employee_no}.")


@demo_cli.command("seed")
def seed() -> None:
    """Demo teams, positions and one account per role. Safe to run again."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Refused: demo accounts are never created in production.")
    outcome = demo.seed()
    unit_of_work.commit()
    click.echo(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
    for account, created in outcome:
        state = "created" if created else "already there"
        click.echo(f"  {account.employee_no}  {account.role.value:<10}  {state}")


@demo_cli.command("generate")
@click.option("--staff", type=click.IntRange(1), default=10_000, show_default=True)
@click.option("--years", type=click.IntRange(1, 20), default=3, show_default=True,
              help="How far back hiring and history go.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The same seed gives the same data.")
@click.option("--cohort", type=click.IntRange(0), default=0, show_default=True,
              help="Also a class of new hotline agents starting today (C00001…).")
def generate_data(staff: int, years: int, seed: int, cohort: int) -> None:
    """A large, realistic data set (teams, staff, attempts, calls, certificates in every
    status, audit rows) for measuring speed. Needs the content synced; refuses to run
    twice on one database."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Refused: generated staff are never added in production.")
    started = time.monotonic()
    try:
        counts = generate.generate(staff, years, seed, utcnow(), cohort=cohort,
                                   progress=lambda n: click.echo(f"  {n} staff", err=True))
    except generate.GenerateError as error:
        raise click.ClickException(str(error)) from None
    unit_of_work.commit()
    click.echo(f"Generated in {time.monotonic() - started:.0f} s: " + ", ".join(
        f"{n} {name}" for name, n in sorted(counts.items())))


@quiz_cli.command("close-overdue")
def close_overdue() -> None:
    """Hand in every attempt past its deadline and grace, graded on its saved answers
    (run it from cron every few minutes)."""
    closed = quizzes.close_overdue(utcnow())
    unit_of_work.commit()
    click.echo(f"Closed {closed} overdue attempt(s).")


@token_cli.command("create")
@click.option("--name", required=True, help="Which system uses it, e.g. roster.")
def token_create(name: str) -> None:
    """Create a token; it is printed once and only its hash is kept."""
    try:
        token, plain = api_tokens.create(name)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    unit_of_work.commit()
    click.echo(f"Token {token.name} ({', '.join(token.scopes)}). Store it now; it is not shown again:")
    click.echo(plain)


@token_cli.command("list")
def token_list() -> None:
    """List tokens: name, start of the token, scopes, created, revoked."""
    for token in api_tokens.all_tokens():
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        click.echo(f"{token.name:<20} {token.prefix}…  {','.join(token.scopes):<16} "
                   f"created {token.created_at:%Y-%m-%d}  {state}")


@token_cli.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke a token at once."""
    try:
        api_tokens.revoke(name, utcnow())
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    unit_of_work.commit()
    click.echo(f"Revoked {name}.")


@clearance_cli.command("check")
@click.argument("employee_no")
def clearance_check(employee_no: str) -> None:
    """Whether a person is cleared for duty now, and why not (the API's answer)."""
    known = certification.people_for_clearance([employee_no])
    person = known.by_employee_no.get(employee_no)
    if person is None:
        raise click.ClickException(f"no active employee {employee_no}")
    status = certification.statuses([person], utcnow(), known)[0].clearance
    click.echo(f"{employee_no}: {'cleared' if status.cleared else 'NOT cleared'}")
    for slug, decision in sorted(status.tracks.items()):
        until = f" until {decision.until:%Y-%m-%d}" if decision.until else ""
        click.echo(f"  {slug}: {decision.status.value}{until}")
        for item in decision.missing:
            click.echo(f"    missing: {requirement_sentence(item)}")


# What ``notify send`` queued, by kind, in the order a person meets them (the CLI speaks
# English).
REMINDER_WORDS = {"due_soon": "due soon", "overdue": "overdue",
                  "window_open": "renewal window open", "expiring_30": "expiring within 30 days",
                  "expiring_7": "expiring within 7 days", "expired": "expired"}


@notify_cli.command("send")
def notify_send() -> None:
    """Queue what is due (assignments due soon or overdue, renewal windows, expiring and
    expired certificates) and send it: by email through TRAININGAPP_SMTP_URL to people who
    want email, otherwise in the app only. Never the same reminder twice (cron); a chunk
    of people at a time, each committed, so a run stopped midway resumes where it stopped;
    safe beside a run on another instance."""
    from trainingapp.wording import names_for, text_for

    started = time.monotonic()
    now = utcnow()
    queued = reminders.queue_due(now, unit_of_work.commit)
    emailed, in_app = notifications.deliver(now, text_for, names_for,
                                            notifications.smtp_mailer(), unit_of_work.commit)
    kinds = ", ".join(f"{queued[kind]:,} {words}" for kind, words in REMINDER_WORDS.items()
                      if queued[kind])
    click.echo(f"Queued {queued.total():,} reminder(s){f': {kinds}' if kinds else ''}.")
    click.echo(f"Emailed {emailed:,}; in the app only {in_app:,}; "
               f"took {time.monotonic() - started:.1f} s.")


@users_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show every row's outcome and change nothing.")
def users_import(path: Path, dry_run: bool) -> None:
    """Create and update staff from a CSV or XLSX file, all rows or none."""
    try:
        rows = staff_import.read_rows(path.name, path.read_bytes())
    except staff_import.ImportFileError as error:
        raise click.ClickException(str(error)) from None
    plans = staff_import.plan(rows)
    for item in plans:
        detail = " ".join(item.details)
        click.echo(f"row {item.line:>5}  {item.employee_no:<12} {item.outcome:<9} {detail}".rstrip())
    if any(item.action == "error" for item in plans):
        raise click.ClickException("nothing was imported: fix the rows marked Error")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    result = staff_import.apply(plans, None, path.name)
    unit_of_work.commit()
    click.echo(f"Imported: {result.created} new, {result.updated} updated, "
               f"{result.unchanged} unchanged, {result.new_teams} new team(s).")


@team_cli.command("create")
@click.argument("code")
@click.option("--name", required=True, help="The name in English.")
@click.option("--name-zh", default="", help="The name in Chinese.")
@click.option("--site", default="")
def team_create(code: str, name: str, name_zh: str, site: str) -> None:
    """Add a team."""
    try:
        team = accounts.create_team(code, name, name_zh, site)
    except accounts.AccountError as error:
        raise _fail(error) from None
    unit_of_work.commit()
    click.echo(f"Added the team {team.code} ({team.name}).")


@team_cli.command("rename")
@click.argument("code")
@click.option("--name", default=None, help="The name in English.")
@click.option("--name-zh", default=None, help="The name in Chinese.")
@click.option("--site", default=None)
def team_rename(code: str, name: str | None, name_zh: str | None, site: str | None) -> None:
    """Rename a team (in English, Chinese or both) or move it to another site."""
    team = _by_code(Team, code)
    try:
        changed = accounts.update_team(
            team, name=team.name if name is None else name,
            name_zh=team.name_zh if name_zh is None else name_zh,
            site=team.site if site is None else site)
    except accounts.AccountError as error:
        raise _fail(error) from None
    unit_of_work.commit()
    click.echo(f"Changed {', '.join(changed)} of {team.code}." if changed else "Nothing changed.")


@position_cli.command("create")
@click.argument("code")
@click.option("--name-en", required=True)
@click.option("--name-zh", required=True)
def position_create(code: str, name_en: str, name_zh: str) -> None:
    """Add a position, named in English and Chinese."""
    try:
        position = accounts.create_position(code, name_en, name_zh)
    except accounts.AccountError as error:
        raise _fail(error) from None
    unit_of_work.commit()
    click.echo(f"Added the position {position.code} ({position.name_en}).")


@position_cli.command("rename")
@click.argument("code")
@click.option("--name-en", default=None)
@click.option("--name-zh", default=None)
def position_rename(code: str, name_en: str | None, name_zh: str | None) -> None:
    """Rename a position in English, Chinese or both."""
    position = _by_code(Position, code)
    try:
        changed = accounts.update_position(
            position, name_en=position.name_en if name_en is None else name_en,
            name_zh=position.name_zh if name_zh is None else name_zh)
    except accounts.AccountError as error:
        raise _fail(error) from None
    unit_of_work.commit()
    click.echo(f"Changed {', '.join(changed)} of {position.code}." if changed
               else "Nothing changed.")


def _set_active_command(group: AppGroup, model: type[Team | Position], active: bool) -> None:
    verb = "reactivate" if active else "deactivate"

    @group.command(verb, help=(f"Offer the {model.__tablename__} in forms and imports again."
                               if active else f"No longer offer the {model.__tablename__} in "
                               "forms and imports; its people keep it."))
    @click.argument("code")
    def command(code: str) -> None:
        unit = _by_code(model, code)
        changed = accounts.set_unit_active(unit, active)
        unit_of_work.commit()
        click.echo(f"{verb.capitalize()}d {unit.code}." if changed else "Nothing changed.")


for _group, _model in ((team_cli, Team), (position_cli, Position)):
    for _active in (False, True):
        _set_active_command(_group, _model, _active)


backup_cli = AppGroup("backup", help="Back the database up and restore it.")


def _report(report: backup.Report) -> None:
    click.echo(f"{report.path}: {report.bytes:,} bytes, {report.integrity}")
    if report.rows:
        click.echo(f"  {sum(report.rows.values()):,} rows in {len(report.rows)} tables: "
                   + ", ".join(f"{name} {n:,}" for name, n in report.rows.items() if n))


@backup_cli.command("create")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Default: instance/backups/trainingapp-<time>.db (SQLite) or .dump.")
def backup_create(output: Path | None) -> None:
    """Back up while the app runs (SQLite online backup API, or pg_dump)."""
    target = output or backup.default_name(Path(current_app.instance_path), utcnow())
    try:
        _report(backup.create(target))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None


@backup_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: everything in the database is replaced.")
def backup_restore(source: Path, yes: bool) -> None:
    """Replace the database's contents with a backup. Stop the app first."""
    if not yes:
        raise click.ClickException(
            f"This replaces everything in {db.engine.url.render_as_string()} with {source}. "
            "Stop the app, then run again with --yes.")
    try:
        _report(backup.restore(source))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check the configuration before starting in production; exits 1 on anything unsafe."""
    findings = doctor.examine(current_app)
    for finding in findings:
        click.echo(f"{finding.level.value:>4}  {finding.message}")
    failed = sum(f.level == doctor.Level.FAIL for f in findings)
    if failed:
        raise click.ClickException(f"{failed} problem(s) to fix before starting")
    click.echo("Nothing unsafe found.")


def register(app: Flask) -> None:
    from trainingapp.content.cli import content_cli

    app.cli.add_command(user_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(quiz_cli)
    app.cli.add_command(token_cli)
    app.cli.add_command(clearance_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(team_cli)
    app.cli.add_command(position_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(doctor_command)
    app.cli.add_command(backup_cli)
