"""State changes used by views and the CLI. They flush; the request or command commits once."""
