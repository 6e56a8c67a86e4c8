"""The shape every service keeps: the domain acts, views parse and render.

These read the source, not the running app: a view that opens a transaction,
a domain module that builds a link, or two view modules that import each
other fail here before a reader has to find them.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Model methods that write. A view reads (select, get, get_or_none, …) and calls
# the domain for everything else.
WRITES = {"create", "insert", "insert_many", "replace", "update", "delete", "delete_instance", "save", "bulk_create"}
TRANSACTIONS = {"write_transaction", "atomic", "transaction", "savepoint"}
REQUEST_STATE = {"url_for", "request", "session", "g"}


def modules(package):
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path, known):
    """The modules of ``known`` that a file imports (``from a import b`` counts a.b when it is a module)."""
    found = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known}


def import_graph(package):
    paths = {module_name(path): path for path in modules(package)}
    graph = {}
    for name, path in paths.items():
        # Importing a submodule always imports its parents first: that edge is Python's, not a cycle.
        graph[name] = {other for other in imported_modules(path, paths) if not name.startswith(other + ".")}
        graph[name].discard(name)
    return graph


def find_cycle(graph):
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def calls(path):
    """(line, name) of every call ``x.name(...)`` or ``name(...)`` in a file."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            yield node.lineno, name, func


def test_no_import_cycle_inside_views():
    assert find_cycle(import_graph("views")) is None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("path", modules("views"), ids=lambda path: module_name(path))
def test_views_open_no_transaction_and_write_no_model(path):
    found = []
    for line, name, func in calls(path):
        if name in TRANSACTIONS:
            found.append(f"{path.name}:{line} {name}()")
        # Model.create(...), Model.update(...).where(...), row.save(): a capitalised class or any .save().
        if isinstance(func, ast.Attribute) and name in WRITES:
            owner = func.value
            owner_name = getattr(owner, "id", getattr(owner, "attr", ""))
            saves_a_row = name in ("save", "delete_instance") and isinstance(owner, ast.Name)
            if saves_a_row or owner_name[:1].isupper():
                found.append(f"{path.name}:{line} {owner_name}.{name}()")
    assert found == [], "views call the domain to write"


@pytest.mark.parametrize("path", modules("domain"), ids=lambda path: module_name(path))
def test_the_domain_reads_no_request_and_builds_no_link(path):
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            found += [alias.name for alias in node.names if alias.name in REQUEST_STATE]
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name == "flask"]
    assert found == [], "the domain takes links and people as arguments"
