"""The process cache: kept per database, per version, for an age, and forgotten by name."""

from trainingapp.caches import ProcessCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _cache() -> tuple[ProcessCache, Clock, list[str]]:
    clock = Clock()
    return ProcessCache(clock), clock, []


def test_a_value_is_made_once_per_database_and_version():
    cache, _clock, made = _cache()

    def make(label: str):  # type: ignore[no-untyped-def]
        return lambda: made.append(label) or label

    assert cache.get("db1", ("pool", 7), make("a"), version=1) == "a"
    assert cache.get("db1", ("pool", 7), make("b"), version=1) == "a"
    assert cache.get("db2", ("pool", 7), make("c"), version=1) == "c"  # another database
    assert cache.get("db1", ("pool", 8), make("d"), version=1) == "d"  # another key
    assert cache.get("db1", ("pool", 7), make("e"), version=2) == "e"  # a new release
    assert made == ["a", "c", "d", "e"]


def test_an_entry_ages_out():
    cache, clock, _made = _cache()
    assert cache.get("db", ("tracks", None), lambda: 1, max_age=60) == 1
    clock.now = 59.9
    assert cache.get("db", ("tracks", None), lambda: 2, max_age=60) == 1
    clock.now = 60.0
    assert cache.get("db", ("tracks", None), lambda: 3, max_age=60) == 3


def test_freshness_can_be_judged_on_the_value():
    cache, _clock, _made = _cache()
    assert cache.get("db", ("summary", "f"), lambda: 10, fresh=lambda v: v > 5) == 10
    assert cache.get("db", ("summary", "f"), lambda: 11, fresh=lambda v: v > 5) == 10
    assert cache.get("db", ("summary", "f"), lambda: 12, fresh=lambda v: v > 10) == 12


def test_forgetting_by_name_or_everything():
    cache, _clock, _made = _cache()
    cache.get("db", ("pool", 1), lambda: "p")
    cache.get("db", ("tracks", None), lambda: "t")
    cache.forget("pool")
    assert cache.get("db", ("pool", 1), lambda: "p2") == "p2"
    assert cache.get("db", ("tracks", None), lambda: "t2") == "t"
    cache.forget()
    assert cache.get("db", ("tracks", None), lambda: "t3") == "t3"
