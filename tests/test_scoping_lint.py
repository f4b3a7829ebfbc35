"""Views, API classes and tasks never query tenant-owned models directly: they go through
accounts.scoping (visible / access_*) or a selector or service, which do."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ["accounts", "localities", "pupils", "funding", "panels", "audit", "send_portal"]
ADAPTER_SUFFIXES = ("views.py", "api.py", "tasks.py", "forms.py", "serializers.py")


def _adapter_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name.endswith(ADAPTER_SUFFIXES) and "tests" not in path.parts:
                yield path


def _direct_queries(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        # Model.objects / Model._default_manager
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager", "_base_manager"):
            yield node.lineno
        # Raw SQL in an adapter is never right either.
        if isinstance(node, ast.Attribute) and node.attr in ("raw", "extra"):
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
