"""``flask content``: check, sync, stats and GIFT import of the question bank."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from trainingapp import unit_of_work
from trainingapp.content import gift
from trainingapp.content.bank import Bank, load_bank
from trainingapp.content.sync import sync_bank
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


def _report_warnings(bank: Bank) -> None:
    for warning in bank.warnings:
        click.echo(f"warning: {warning}", err=True)


def _summary(bank: Bank) -> str:
    counts = bank.counts()
    return (f"{counts['modules']} modules, {counts['lessons']} lessons, "
            f"{counts['questions']} questions, {counts['scenarios']} scenarios")


@content_cli.command("check")
@bank_option
def check(bank_path: Path | None) -> None:
    """Validate every file; list every problem with file, line and field."""
    bank = _load(bank_path)
    _report_warnings(bank)
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
    unit_of_work.commit()
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


@content_cli.command("import-gift")
@click.argument("gift_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--module", "module_slug", required=True, help="Slug of the module the questions are for.")
@click.option("--language", type=click.Choice(["en", "zh"]), default="en",
              help="The language the GIFT file is written in.")
@click.option("--source", default=None, help='Standard section the questions cite, e.g. "000 §3.1.2".')
@click.option("--difficulty", type=click.Choice(["easy", "medium", "hard"]), default="medium")
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write the questions.yaml text (default: standard output).")
def import_gift(gift_file, module_slug, language, source, difficulty, output):  # type: ignore[no-untyped-def]
    """Convert a Moodle GIFT file into the bank's questions.yaml format."""
    result = gift.parse(gift_file.read(), module=module_slug, language=language)
    questions = [_bank_question(q, source, difficulty) for q in result.questions]
    output.write(yaml.safe_dump({"questions": questions}, allow_unicode=True, sort_keys=False,
                                width=100))
    for issue in result.issues:
        click.echo(f"{gift_file.name}: {issue}", err=True)
    click.echo(
        f"Converted {len(questions)} question(s); {len(result.issues)} note(s) above. Add the "
        f"other language and the sources, then run flask content check.", err=True)


def _bank_question(question: dict, source: str | None, difficulty: str) -> dict:  # type: ignore[type-arg]
    """Field order as people write it; what GIFT cannot carry is left for check to name."""
    ordered = {"id": question["id"], "type": question["type"], "difficulty": difficulty,
               "tags": question["tags"]}
    if source:
        ordered["source"] = source
    ordered["stem"] = question["stem"]
    if "explanation" in question:
        ordered["explanation"] = question["explanation"]
    ordered.update({k: v for k, v in question.items() if k not in ordered})
    return ordered
