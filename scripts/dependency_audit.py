"""Run pip-audit over the installed dependencies; `make test` calls this.

Known vulnerabilities fail the run. When the vulnerability database (OSV) cannot be reached — an
offline build machine — the run says so loudly and passes, unless MHR_REQUIRE_DEPENDENCY_AUDIT=1
(set it wherever the network is available, so an unreachable database fails instead).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

UNREACHABLE = ("NameResolutionError", "Max retries exceeded", "ConnectionError", "timed out")


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [
        str(pip_audit),
        "--vulnerability-service",
        "osv",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--skip-editable",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603
    except subprocess.TimeoutExpired:
        return _unreachable("pip-audit timed out")
    if any(marker in done.stderr for marker in UNREACHABLE):
        return _unreachable(done.stderr.strip().splitlines()[-1][:200])
    try:
        report = json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        return 1
    found = [
        f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {', '.join(vuln['fix_versions']) or 'no release yet'})"
        for dep in report.get("dependencies", [])
        for vuln in dep.get("vulns", [])
    ]
    if found:
        print("Known vulnerabilities in installed dependencies:", *found, sep="\n  ")
        return 1
    print(f"pip-audit: no known vulnerabilities in {len(report.get('dependencies', []))} packages.")
    return 0


def _unreachable(reason: str) -> int:
    print(
        "pip-audit: the vulnerability database could not be reached, so dependencies were NOT "
        f"audited ({reason}).",
        file=sys.stderr,
    )
    return 1 if os.environ.get("MHR_REQUIRE_DEPENDENCY_AUDIT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
