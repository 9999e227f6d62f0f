"""``flask content``: check, sync, stats and GIFT import of the question bank."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from trainingapp.content.bank import Bank, load_bank
from trainingapp.content.sync import sync_bank
from trainingapp.extensions import db
from trainingapp.models import utcnow

content_cli = AppGroup("content", help="The question bank: check, load, count, import.")

bank_option = click.option(
    "--bank", "bank_path", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The bank folder (default: TRAININGAPP_QUESTION_BANK, else question_bank/).",
)


def _load(bank_path: Path | None) -> Bank:
    return load_bank(bank_path or Path(current_app.config["QUESTION_BANK"]))


def _report_problems(bank: Bank) -> None:
    for problem in bank.problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(bank.problems)} problem(s) in the question bank; nothing was loaded.",
               err=True)
    sys.exit(1)


def _summary(bank: Bank) -> str:
    counts = bank.counts()
    return (f"{counts['modules']} modules, {counts['lessons']} lessons, "
            f"{counts['questions']} questions")


@content_cli.command("check")
@bank_option
def check(bank_path: Path | None) -> None:
    """Validate every file; list every problem with file, line and field."""
    bank = _load(bank_path)
    if not bank.ok:
        _report_problems(bank)
    click.echo(f"The question bank is valid: {_summary(bank)}.")


@content_cli.command("sync")
@bank_option
def sync(bank_path: Path | None) -> None:
    """Load the bank into the database, all or nothing. Safe to repeat."""
    bank = _load(bank_path)
    if not bank.ok:
        _report_problems(bank)
    release = sync_bank(bank, utcnow())
    db.session.commit()
    if release is None:
        click.echo(f"The question bank is already loaded: {_summary(bank)}; nothing changed.")
    else:
        changed = ", ".join(f"{key.replace('_', ' ')}: {n}" for key, n in release.changes.items())
        click.echo(f"Loaded the question bank ({_summary(bank)}). {changed}.")


@content_cli.command("stats")
@bank_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(bank_path: Path | None, as_json: bool) -> None:
    """Count modules, lessons, questions by module and type, scenarios and tracks."""
    bank = _load(bank_path)
    counts = bank.counts()
    if as_json:
        click.echo(json.dumps(counts, indent=2, ensure_ascii=False))
        return
    for key, value in counts.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for name, n in value.items():
                click.echo(f"  {name:<14} {n}")
        else:
            click.echo(f"{key:<16} {value}")
    if not bank.ok:
        click.echo(f"({len(bank.problems)} problem(s): run flask content check)", err=True)
