"""Views, API classes and tasks never query tenant-owned models directly: they go through
accounts.scoping (visible / access_*) or a selector or service, which do."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ["accounts", "localities", "pupils", "funding", "panels", "audit", "send_portal"]
ADAPTER_SUFFIXES = ("views.py", "api.py", "tasks.py", "forms.py", "serializers.py")


def _adapter_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name.endswith(ADAPTER_SUFFIXES) and "tests" not in path.parts:
                yield path


SHORTCUTS = ("get_object_or_404", "get_list_or_404")


def _name(node):
    """The last name of `Pupil` or `models.Pupil`; None for anything else (a call, a subscript...)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _direct_queries(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        # Model.objects / Model._default_manager
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager", "_base_manager"):
            yield node.lineno
        # Model._meta.default_manager: the same manager by another door.
        if isinstance(node, ast.Attribute) and node.attr in ("default_manager", "base_manager"):
            yield node.lineno
        # apps.get_model("pupils", "Pupil") hands an adapter an unscoped model by name.
        if isinstance(node, ast.Attribute) and node.attr == "get_model":
            yield node.lineno
        # Raw SQL in an adapter is never right either.
        if isinstance(node, ast.Attribute) and node.attr in ("raw", "extra"):
            yield node.lineno
        # get_object_or_404(Pupil, pk=...) queries the default manager. A queryset from accounts.scoping (a
        # call, or a variable, which is snake_case) is fine; a class name (CapWords) is not.
        if isinstance(node, ast.Call) and _name(node.func) in SHORTCUTS and node.args:
            first = _name(node.args[0])
            if first is not None and first[:1].isupper():
                yield node.lineno


def test_adapters_do_not_query_models_directly():
    offenders = [f"{path.relative_to(ROOT)}:{line}" for path in _adapter_files() for line in _direct_queries(path)]
    assert offenders == [], "Query through accounts.scoping, a selector or a service instead: " + ", ".join(offenders)


def test_the_lint_finds_adapter_files():
    names = {str(path.relative_to(ROOT)) for path in _adapter_files()}
    assert {"pupils/views.py", "pupils/api.py", "pupils/record_views.py", "pupils/cycle_views.py"} <= names


def test_the_lint_catches_a_direct_query(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("from pupils.models import Pupil\n\ndef v(request):\n    return Pupil.objects.all()\n")
    assert list(_direct_queries(sample)) == [4]


@pytest.mark.parametrize(
    "body",
    [
        "get_object_or_404(Pupil, pk=pk)",
        "shortcuts.get_list_or_404(models.Pupil, school_id=1)",
        "Pupil._meta.default_manager.all()",
        "Pupil._meta.base_manager.all()",
        "apps.get_model('pupils', 'Pupil')",
        "Pupil._base_manager.all()",
        "Pupil.objects.raw('SELECT 1')",
    ],
)
def test_the_lint_catches_each_way_round_scoping(tmp_path, body):
    sample = tmp_path / "views.py"
    sample.write_text(f"from pupils.models import Pupil\n\ndef v(request, pk):\n    return {body}\n")
    assert 4 in list(_direct_queries(sample))


@pytest.mark.parametrize(
    "body",
    [
        "get_object_or_404(visible(Pupil, request.scope), pk=pk)",
        "get_object_or_404(pupils_qs, pk=pk)",
        "get_list_or_404(scoping.visible(Pupil, request.scope).filter(school_id=1))",
    ],
)
def test_the_lint_lets_scoped_querysets_through(tmp_path, body):
    sample = tmp_path / "views.py"
    sample.write_text(f"from pupils.models import Pupil\n\ndef v(request, pk):\n    return {body}\n")
    assert list(_direct_queries(sample)) == []
