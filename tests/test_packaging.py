"""The built wheel carries every data file the package loads at run time (editable installs hide such gaps)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_models_templates_and_static_files(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("khabar-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package_data = [
        path.relative_to(ROOT).as_posix()
        for folder in ("khabar/lang", "khabar/web/templates", "khabar/web/static", "khabar/store/migrations")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    missing = sorted(set(package_data) - names)
    assert not missing, f"files the package needs are not in the wheel: {missing}"
