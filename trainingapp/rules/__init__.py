"""Pure domain rules: no Flask, no SQLAlchemy. Time is always a parameter."""
