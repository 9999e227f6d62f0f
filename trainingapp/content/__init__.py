"""The question bank: its schema, the loader that reports every problem with file and
line, the sync into the database, and the GIFT importer."""
