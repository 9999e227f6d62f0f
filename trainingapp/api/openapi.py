"""The OpenAPI description of /api/v1 (tests check the answers against it)."""

CLEARANCE = {
    "type": "object",
    "required": ["employee_no", "cleared", "certification_required", "as_of", "tracks"],
    "additionalProperties": False,
    "properties": {
        "employee_no": {"type": "string"},
        "cleared": {"type": "boolean",
                    "description": "Every track the position requires is valid now. False "
                                   "when the position requires none (nothing vouches for "
                                   "the person): see certification_required."},
        "certification_required": {
            "type": "boolean",
            "description": "Whether the person's position requires any certification track. "
                           "False: no certification is required for the position, `tracks` is "
                           "empty and `cleared` is false."},
        "as_of": {"type": "string", "format": "date-time"},
        "tracks": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["track", "status", "expires_at", "missing", "reasons"],
                "additionalProperties": False,
                "properties": {
                    "track": {"type": "string"},
                    "status": {"type": "string", "enum": ["not_started", "in_progress",
                                                          "certified", "renewal_due",
                                                          "expired", "revoked"]},
                    "expires_at": {"type": ["string", "null"], "format": "date-time"},
                    "missing": {
                        "type": "array", "items": {"type": "string"},
                        "description": "What the track still needs, as codes: "
                                       "`module:<slug>`, `scenario:<slug>`, "
                                       "`scenarios:<n> more of <slug>,<slug>…`, `observation`."},
                    "reasons": {
                        "type": "array", "items": {"type": "string"},
                        "description": "The status and then each missing requirement as "
                                       "sentences for people, naming modules and calls by "
                                       "their titles, in the language `Accept-Language` asks "
                                       "for (`en`, the default, or `zh`; see "
                                       "`Content-Language`)."},
                },
            },
        },
    },
}
ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
BULK = {
    "type": "object",
    "required": ["as_of", "results", "unknown"],
    "additionalProperties": False,
    "properties": {
        "as_of": {"type": "string", "format": "date-time"},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Clearance"}},
        "unknown": {"type": "array", "items": {"type": "string"}},
    },
}


ACCEPT_LANGUAGE = {
    "name": "Accept-Language", "in": "header", "required": False,
    "schema": {"type": "string", "examples": ["zh-CN,zh;q=0.9", "en"]},
    "description": "The language of `reasons`: `en` (the default) or `zh`.",
}


def _error(description: str) -> dict:  # type: ignore[type-arg]
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Service Academy API",
        "version": "1",
        "description": "Whether staff are cleared for duty, for rostering and workforce-"
                       "management systems. Authenticate with `Authorization: Bearer <token>`; "
                       "an admin creates tokens with `flask api-token create`.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Clearance": CLEARANCE, "Bulk": BULK, "Error": ERROR},
    },
    "paths": {
        "/clearance/{employee_no}": {
            "get": {
                "summary": "Is this person cleared for duty now, and why not",
                "parameters": [{"name": "employee_no", "in": "path", "required": True,
                                "schema": {"type": "string"}}, ACCEPT_LANGUAGE],
                "responses": {
                    "200": {"description": "The answer",
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/Clearance"}}}},
                    "401": _error("No valid token"),
                    "403": _error("The token lacks the clearance:read scope"),
                    "404": _error("No active employee with this number"),
                },
            },
        },
        "/clearance": {
            "post": {
                "summary": "Clearance of up to 1,000 people at once",
                "parameters": [ACCEPT_LANGUAGE],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["employee_nos"],
                    "properties": {"employee_nos": {"type": "array", "minItems": 1,
                                                    "maxItems": 1000,
                                                    "items": {"type": "string"}}}}}}},
                "responses": {
                    "200": {"description": "One answer per known person; unknown numbers listed",
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/Bulk"}}}},
                    "400": _error("The body is not a list of 1 to 1,000 employee numbers"),
                    "401": _error("No valid token"),
                    "403": _error("The token lacks the clearance:read scope"),
                },
            },
        },
    },
}
