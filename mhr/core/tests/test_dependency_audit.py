"""`make test` audits the dependencies: vulnerabilities fail it; an offline run says so."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "dependency_audit", ROOT / "scripts/dependency_audit.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def answer(stdout: str = "", stderr: str = ""):
        monkeypatch.setattr(
            module.subprocess,
            "run",
            lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=stdout, stderr=stderr),
        )

    module.answer = answer
    return module


def test_a_known_vulnerability_fails_the_run(audit, capsys):
    vulnerable = {
        "name": "django",
        "version": "5.2.0",
        "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
    }
    audit.answer(stdout=json.dumps({"dependencies": [vulnerable]}))
    assert audit.main() == 1
    assert "django 5.2.0: PYSEC-1 (fixed in 5.2.1)" in capsys.readouterr().out


def test_a_clean_report_passes(audit, capsys):
    audit.answer(
        stdout=json.dumps({"dependencies": [{"name": "django", "version": "5.2.9", "vulns": []}]})
    )
    assert audit.main() == 0
    assert "no known vulnerabilities in 1 packages" in capsys.readouterr().out


def test_an_unreachable_database_is_reported_and_fails_when_required(audit, capsys, monkeypatch):
    audit.answer(stderr="requests.exceptions.ConnectionError: Max retries exceeded")
    assert audit.main() == 0
    assert "NOT audited" in capsys.readouterr().err
    monkeypatch.setenv("MHR_REQUIRE_DEPENDENCY_AUDIT", "1")
    assert audit.main() == 1


def test_make_test_runs_the_audit_and_bandit():
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/dependency_audit.py" in lint
    assert "bandit" in lint
    assert "test: install lint" in makefile
