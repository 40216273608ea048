"""``python -m werkplaats.matching INSTANCE.json``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own module with a test file
        [sys.executable, "-m", "werkplaats.matching", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def write(tmp_path: Path, content: str) -> str:
    path = tmp_path / "instance.json"
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_prints_the_matching_with_every_resident(tmp_path: Path) -> None:
    instance = {
        "residents": {"r1": ["h1", "h2"], "r2": ["h1"], "r3": ["h2"], "r4": []},
        "hospitals": {"h1": {"capacity": 1, "prefs": ["r2", "r1"]}, "h2": {"capacity": 2, "prefs": ["r1"]}},
    }
    result = run(write(tmp_path, json.dumps(instance)))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"matching": {"r1": "h2", "r2": "h1", "r3": None, "r4": None}}
    assert result.stderr == ""


def test_example_from_the_issue(tmp_path: Path) -> None:
    instance = '{"residents": {"r1": ["h1", "h2"]}, "hospitals": {"h1": {"capacity": 2, "prefs": ["r1"]}}}'
    result = run(write(tmp_path, instance))
    assert result.returncode == 2
    assert "unknown hospital 'h2'" in result.stderr
    fixed = '{"residents": {"r1": ["h1"]}, "hospitals": {"h1": {"capacity": 2, "prefs": ["r1"]}}}'
    result = run(write(tmp_path, fixed))
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"matching": {"r1": "h1"}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"residents": {}, "hospitals": {}, "extra": 1}', "unknown key 'extra'"),
        ('{"residents": [], "hospitals": {}}', "'residents' must be an object"),
        ('{"residents": {}}', "'hospitals' must be an object"),
        ('{"residents": {}, "hospitals": {"h1": {"capacity": 1}}}', "exactly 'capacity' and 'prefs'"),
        ('{"residents": {}, "hospitals": {"h1": [1]}}', "exactly 'capacity' and 'prefs'"),
        ('{"residents": {"r1": ["h1", "h1"]}, "hospitals": {"h1": {"capacity": 1, "prefs": []}}}', "twice"),
        ('{"residents": {}, "hospitals": {"h1": {"capacity": -1, "prefs": []}}}', "negative"),
        ('{"residents": {}, "hospitals": {"h1": {"capacity": 1.0, "prefs": []}}}', "must be an int"),
        ('{"residents": {"r1": "h1"}, "hospitals": {"h1": {"capacity": 1, "prefs": []}}}', "must be a list"),
        ('{"residents": {"r1": [{"a": 1}]}, "hospitals": {}}', "not a valid hospital id"),
    ],
)
def test_malformed_input_exits_with_2(tmp_path: Path, content: str, message: str) -> None:
    result = run(write(tmp_path, content))
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_missing_file_exits_with_2(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def test_no_argument_exits_with_2() -> None:
    result = run()
    assert result.returncode == 2
    assert "usage" in result.stderr
