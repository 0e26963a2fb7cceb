"""`make test` installs the Debian packages the suite drives, or says how to."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "system-packages.sh"


def as_a_user(*args: str) -> subprocess.CompletedProcess:
    """The script run by someone who is not root (nobody, when the suite runs as root)."""
    command = [str(SCRIPT), *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def test_without_root_it_stops_at_once_with_the_command_to_run():
    result = as_a_user("no-such-package-of-the-portal")
    assert result.returncode == 1
    assert (
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends no-such-package-of-the-portal"
        in result.stderr
    )


def test_the_packages_the_suite_drives_are_installed():
    # make test ran the script before this suite: nothing is missing now.
    result = as_a_user()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
