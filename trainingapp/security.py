"""Response headers every page carries: CSP without inline script, no framing, HSTS in
production."""

from __future__ import annotations

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    hsts = app.config["HSTS"]

    @app.before_request
    def _refuse_nul_bytes() -> None:
        """No text the app stores or looks up may hold a NUL byte (PostgreSQL refuses it
        with an error): a request carrying one is answered 400 before it reaches a view."""
        sources = [request.args] + ([request.form] if request.method == "POST" else [])
        if "\x00" in request.path or any("\x00" in value for source in sources
                                          for _key, value in source.items(multi=True)):
            abort(400)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
