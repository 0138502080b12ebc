"""Apps depend one way only, in the order of the meeting cycle (DESIGN.md):

reports → outcomes → voting → council → topics → notifications → residents → core

config/ sits above them all: it may import any app, and no app imports config.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = [
    "core",
    "residents",
    "notifications",
    "topics",
    "council",
    "voting",
    "outcomes",
    "reports",
]
ABOVE_ALL = "config"


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & {*ORDER, ABOVE_ALL}


def _offenders(app: str, root: Path = ROOT) -> list[str]:
    higher = {*ORDER[ORDER.index(app) + 1 :], ABOVE_ALL}
    offenders = []
    for path in (root / app).rglob("*.py"):
        bad = _imported_apps(path) & higher
        if bad:
            offenders.append(f"{path.relative_to(root)} imports {sorted(bad)}")
    return offenders


@pytest.mark.parametrize("app", ORDER)
def test_app_imports_nothing_above_it(app):
    offenders = _offenders(app)
    assert not offenders, "\n".join(offenders)


def test_every_app_on_disk_is_in_the_order():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(ORDER), f"not in the layering order: {apps - set(ORDER)}"


def test_a_lower_app_importing_a_higher_one_is_caught(tmp_path):
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "bad.py").write_text("from voting.models import Ballot\n")
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text("import config.celery\n")
    assert _offenders("topics", tmp_path) == ["topics/bad.py imports ['voting']"]
    assert _offenders("core", tmp_path) == ["core/bad.py imports ['config']"]
