"""Read models for pages and exports: rows, figures or bytes out, never a response;
they change nothing."""
