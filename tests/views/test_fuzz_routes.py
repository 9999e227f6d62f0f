"""Nothing a request carries makes the site fail: hypothesis sends every POST route and every
GET route of the URL map generated values (strings, numbers, Unicode, oversized values,
lists, files, hostile ids in the path), signed in as each role and as nobody. No answer is a
server error, and an answer in the 4xx range leaves every stored row as it was (counts and a
checksum of every column of every table).

The form fields each route is sent are the ones its pages really offer (read off every GET
page the role can see, with the values the page fills in), so a generated value meets the
code behind a form that is otherwise valid; beside them go the parameter names the code reads
(``args.get("...")``) and a few invented ones. The CI profile (``make test``) is derandomised
and small; ``make fuzz`` runs the same tests with the long profile."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.conftest import FIXTURES, csrf_token, login, table_snapshot
from tests.views.test_object_access import (  # noqa: F401
    ADMIN,
    HR,
    LEADER,
    OTHER_LEADER,
    OWNER,
    PEER,
    world,
)
from tests.views.test_route_walk import _values
from trainingapp.database import is_query
from trainingapp.extensions import db
from trainingapp.models import User, utcnow
from trainingapp.services import assignments

pytestmark = pytest.mark.db
ANON = "anonymous"
ROLES = (ANON, OWNER, PEER, LEADER, OTHER_LEADER, HR, ADMIN)
PACKAGE = Path(__file__).parents[2] / "trainingapp"
# Sent last: a success ends the very session the role's client is fuzzing with.
ENDS_THE_SESSION = ("auth.change_password", "auth.logout_everywhere", "auth.logout")


def _names_the_code_reads() -> set[str]:
    """Parameters read by name (``args.get("q")``) and the fields of every WTForms form."""
    read = re.compile(r"""\b(?:args|form|values)\.get(?:list)?\(\s*["']([^"']+)["']""")
    field = re.compile(r"^\s+(\w+) = \w+Field\(", re.MULTILINE)
    return {name for path in PACKAGE.rglob("*.py") for pattern in (read, field)
            for name in pattern.findall(path.read_text())}


class _Forms(HTMLParser):
    """Every form on a page: its method, action and fields with the values the page offers
    (the value of an input, each option of a select, a textarea's text)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, set[str]], set[str]]] = []
        self.links: list[str] = []
        self._form: tuple[str, str, dict[str, set[str]], set[str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "?" in a.get("href", ""):
            self.links.append(a["href"])
        if tag == "form":
            self._form = (a.get("method", "get").lower(), a.get("action", ""),
                          defaultdict(set), set())
            self.forms.append(self._form)
            if "data-autosave" in a:  # the same fields, sent by the page's script
                self.forms.append(("post", a["data-autosave"], self._form[2], self._form[3]))
        if self._form is None or "name" not in a and tag != "option":
            return
        fields, files = self._form[2], self._form[3]
        if tag in ("input", "button"):
            if a.get("type") == "file":
                files.add(a["name"])
            else:
                fields[a["name"]].add(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self._select = a["name"]
            fields[self._select]
        elif tag == "option" and self._select:
            fields[self._select].add(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            fields[self._textarea].add("")

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form[2][self._textarea].add(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _offered(app, client, values, also) -> tuple[dict, dict, dict]:  # type: ignore[no-untyped-def]
    """What this client's pages offer: per POST endpoint the fields (name → values) and file
    fields of its forms, per GET endpoint the query parameters its forms and links send.
    The pages are read with the world's ids and with each other id in ``also``."""
    adapter = app.url_map.bind("localhost")
    posts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    files: dict[str, set[str]] = defaultdict(set)
    queries: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def endpoint(url: str, method: str) -> str | None:
        try:
            return adapter.match(urlsplit(url).path, method=method)[0]
        except (NotFound, MethodNotAllowed):
            return None

    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        paths = {_path(rule, values)} | {_path(rule, values, {key: other})
                                          for key in rule.arguments for other in also.get(key, ())}
        for path in sorted(paths):
            reply = client.get(path)
            page = _Forms()
            if reply.mimetype == "text/html":
                page.feed(reply.get_data(as_text=True))
            reply.close()
            for method, action, fields, file_fields in page.forms:
                name = endpoint(action or path, method.upper())
                target = posts if method == "post" else queries
                if name:
                    for field, offered in fields.items():
                        target[name][field] |= offered
                    files[name] |= file_fields
            for link in page.links:
                name = endpoint(link, "GET")
                if name:
                    for key, value in parse_qsl(urlsplit(link).query, keep_blank_values=True):
                        queries[name][key].add(value)
    return posts, files, queries


def _path(rule, values, hostile=None) -> str:  # type: ignore[no-untyped-def]
    """The rule's URL with the world's real ids, or with generated path parts."""
    parts = {k: values[k] for k in rule.arguments} | (hostile or {})
    path = rule.rule
    for key, value in parts.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{key}>", quote(str(value), safe="/"), path)
    return path


NUMBERS = st.one_of(
    st.integers().map(str), st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["-1", "0", "2147483648", "9" * 30, "1e309", "NaN", "-inf", "0x10",
                     "²", "١٢", "１２", "1_000", " 7 ", "3.", "+5"]))
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["", " ", "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd",
                     "%00", "\x00", "\u202e", "𝔘𝔫𝔦", "😀" * 50, "null", "true", "[]", "{}",
                     "2026-02-30", "9999-12-31", "0001-01-01", "javascript:alert(1)"]),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "9", "中", " "]),
              st.sampled_from([300, 5_000, 70_000])))
HOSTILE = st.one_of(TEXT, NUMBERS)


def _field(offered: set[str]):  # type: ignore[no-untyped-def]
    """A field's value: one the page offers, a generated one, or several."""
    one = st.one_of(st.sampled_from(sorted(offered)), HOSTILE) if offered - {""} else HOSTILE
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


def _form(fields: dict[str, set[str]], file_fields: set[str], vocabulary: set[str]):  # type: ignore[no-untyped-def]
    upload = st.tuples(st.binary(max_size=2_000) | st.text(max_size=500).map(str.encode),
                       st.sampled_from(["staff.csv", "scores.xlsx", "a.txt", "", "../x.csv"]))
    return st.tuples(
        st.fixed_dictionaries({}, optional={name: _field(v) for name, v in fields.items()}),
        st.dictionaries(st.sampled_from(sorted(vocabulary)) | st.text(max_size=8), _field(set()),
                        max_size=3),
        st.fixed_dictionaries({}, optional={name: upload for name in sorted(file_fields)}))


def _query(offered: dict[str, set[str]], vocabulary: set[str]):  # type: ignore[no-untyped-def]
    """A few parameters: the ones the route's links and forms send, or any the code reads."""
    names = sorted(vocabulary | set(offered))
    return st.lists(st.sampled_from(names), max_size=4, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({n: _field(offered.get(n, set())) for n in chosen}))


def _hostile_path(rule, also):  # type: ignore[no-untyped-def]
    """The path's parts: the world's ids, another real one, or generated ones."""
    others = {k: also[k] for k in rule.arguments if k in also}
    return st.one_of(
        st.just({}),
        st.fixed_dictionaries({k: st.sampled_from(v) for k, v in others.items()}),
        st.fixed_dictionaries({k: HOSTILE.filter(lambda v: v.strip("./") != "")
                               for k in sorted(rule.arguments)}))


@pytest.fixture
def lived_in(app, world):  # type: ignore[no-untyped-def]  # noqa: F811
    """The shared world, and the owner in the middle of things: a quiz attempt open (its
    page offers the save, autosave and submit forms; the handed-in one's result offers the
    report form) and a module assigned (the record offers the extension form). Returns the
    people, the ids every path is built with and the other real ids a path may take."""
    people, clients, ids = world
    app.config["QUESTION_BANK"] = str(FIXTURES / "cert_bank")  # what /admin/content checks
    owner = clients[OWNER]
    started = owner.post("/quizzes/modules/greeting/start",
                         data={"csrf_token": csrf_token(owner, "/quizzes/")}).location
    assert re.fullmatch(r"/quizzes/attempts/\d+", started), started
    with app.app_context():
        assignments.assign(None, [db.session.get(User, people[OWNER].id)], "module",
                           "greeting", assignments.today(utcnow()) + timedelta(days=10))
        db.session.commit()
    values = _values(app, ids) | {"attempt_id": int(started.rsplit("/", 1)[1])}
    return people, values, {"attempt_id": [ids["attempt"]]}


class _Watch:
    """The database before and after each request: a 4xx must leave it as it was. The
    tables are read again only after a request that sent the database something other than
    a SELECT (the checksums of every table are what is compared)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.wrote = False
        with app.app_context():
            self.last = table_snapshot(db.metadata)
            event.listen(db.engine, "before_cursor_execute", self._sent)
        self.seen: dict[int, int] = defaultdict(int)

    def _sent(self, conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if is_query(statement) and statement.lstrip()[:6].upper() != "SELECT":
            self.wrote = True

    def check(self, reply, what) -> None:  # type: ignore[no-untyped-def]
        status = reply.status_code
        reply.close()
        self.seen[status] += 1
        assert status < 500, (status, what)
        if not self.wrote:
            return
        self.wrote = False
        with self.app.app_context():
            now = table_snapshot(db.metadata)
        if 400 <= status < 500:
            changed = {name for name in now if now[name] != self.last[name]}
            assert not changed, (status, sorted(changed), what)
        self.last = now


def _signed_in(app, who, people):  # type: ignore[no-untyped-def]
    client = app.test_client()
    if who != ANON:
        assert login(client, people[who].employee_no).status_code == 302
    return client


def _posts_to(rule, client, watch, values, also, token, forms) -> None:  # type: ignore[no-untyped-def]
    @given(form=forms, hostile=_hostile_path(rule, also))
    @settings(parent=settings.default)
    def post(form, hostile):  # type: ignore[no-untyped-def]
        offered, extra, uploads = form
        data = {**extra, **offered, "csrf_token": token}
        data |= {name: (io.BytesIO(body), filename) for name, (body, filename) in uploads.items()}
        path = _path(rule, values, hostile)
        watch.check(client.post(path, data=data), (rule.endpoint, path, data))

    post()


def _gets(rule, client, watch, values, also, queries) -> None:  # type: ignore[no-untyped-def]
    @given(query=queries, hostile=_hostile_path(rule, also))
    @settings(parent=settings.default)
    def get(query, hostile):  # type: ignore[no-untyped-def]
        path = _path(rule, values, hostile)
        url = f"{path}?{urlencode(query, doseq=True)}" if query else path
        watch.check(client.get(url), (rule.endpoint, url))

    get()


@pytest.mark.parametrize("who", ROLES)
def test_no_post_fails_and_a_refused_one_changes_nothing(app, lived_in, who):
    people, values, also = lived_in
    client = _signed_in(app, who, people)
    posts, files, _queries = _offered(app, client, values, also)
    vocabulary = _names_the_code_reads() | {n for f in posts.values() for n in f}
    token = csrf_token(client, "/login" if who == ANON else "/quizzes/")
    watch = _Watch(app)
    rules = sorted((r for r in app.url_map.iter_rules() if "POST" in r.methods),
                   key=lambda r: (r.endpoint in ENDS_THE_SESSION, r.endpoint))
    assert len(rules) >= 47
    for rule in rules:
        _posts_to(rule, client, watch, values, also, token, _form(
            posts.get(rule.endpoint, {}), files.get(rule.endpoint, set()), vocabulary))
    # every route was sent something, and some of it got past the checks into the work
    assert sum(watch.seen.values()) >= len(rules) and min(watch.seen) < 400, dict(watch.seen)


@pytest.mark.parametrize("who", ROLES)
def test_no_query_parameter_fails_a_page(app, lived_in, who):
    people, values, also = lived_in
    client = _signed_in(app, who, people)
    _posts, _files, queries = _offered(app, client, values, also)
    vocabulary = _names_the_code_reads() | {n for q in queries.values() for n in q} | {"page"}
    assert {"q", "sort", "page", "next", "export", "status"} <= vocabulary
    watch = _Watch(app)
    rules = sorted((r for r in app.url_map.iter_rules()
                    if "GET" in r.methods and r.endpoint != "static"), key=lambda r: r.endpoint)
    for rule in rules:
        offered = queries.get(rule.endpoint, {})
        _gets(rule, client, watch, values, also, _query(offered, vocabulary))
    assert sum(watch.seen.values()) >= len(rules) and min(watch.seen) < 400, dict(watch.seen)


def test_the_fuzzer_is_sent_the_forms_each_role_is_offered(app, lived_in):
    """The suite above is only as good as what it sends: each role's pages offer the forms
    of its own work, so a generated value meets the code behind a valid form."""
    people, values, also = lived_in
    clients = {who: _signed_in(app, who, people) for who in (OWNER, LEADER, HR, ADMIN)}
    expected = {
        OWNER: {"quizzes.save", "quizzes.autosave", "quizzes.submit", "calls.turn",
                "auth.change_password", "auth.logout"},
        LEADER: {"supervisor.assign", "supervisor.roster", "supervisor.evaluate",
                 "records.extend_assignment"},
        HR: {"hr.assign", "hr.satisfaction", "records.revoke_certificate"},
        ADMIN: {"people.new", "people.edit", "people.import_staff", "admin.add_team",
                "admin.tokens"},
    }
    uploads: set[str] = set()
    parameters: set[str] = set()
    for who, endpoints in expected.items():
        posts, files, queries = _offered(app, clients[who], values, also)
        assert endpoints <= set(posts), (who, endpoints - set(posts))
        uploads |= {endpoint for endpoint, names in files.items() if names}
        parameters |= {name for q in queries.values() for name in q}
    assert uploads == {"people.import_staff", "hr.satisfaction", "supervisor.roster"}, uploads
    assert {"q", "sort", "show", "since", "team", "language"} <= parameters, parameters
