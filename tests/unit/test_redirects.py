import pytest

from trainingapp.rules.redirects import safe_next


@pytest.mark.parametrize("target", ["/learn/", "/quizzes/?page=2", "/hr/#matrix"])
def test_local_paths_are_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example/learn",
        "/\tevil",
        "http:/evil.example",
    ],
)
def test_anything_else_is_refused(target):
    assert safe_next(target) is None
