"""Forms shared by several areas."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ButtonForm(FlaskForm):
    """A form that is only a button (start, submit, mark as read, revoke a token…): it
    carries the CSRF token and nothing else."""
