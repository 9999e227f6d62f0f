"""State changes and queries used by views and the CLI. They flush; the caller commits."""
