"""tests/install.sh says what it is doing, and brings a CJK font for the page screenshots."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def run_install(tmp_path: Path, fonts: str) -> list[str]:
    """Run a copy of install.sh with stand-ins for pip, apt-get and fc-list that record their calls."""
    (tmp_path / "repo" / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "install.sh", tmp_path / "repo" / "tests" / "install.sh")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    stub(bin_dir, "python", f'echo "RAN python $*" >> {log}; echo "RAN python"')
    stub(bin_dir, "apt-get", f'echo "RAN apt-get $*" >> {log}; echo "RAN apt-get $*" >&2')
    stub(bin_dir, "id", "echo 0")
    stub(bin_dir, "virtuoso-t", "true")
    stub(bin_dir, "fc-list", f"printf '{fonts}'")
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin", "CHROMIUM_BIN": str(tmp_path / "no-chromium"),
           "TMPDIR": str(tmp_path)}
    result = subprocess.run(["bash", str(tmp_path / "repo" / "tests" / "install.sh")], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_install_says_each_step_before_it_runs(tmp_path):
    out = run_install(tmp_path, "")
    said = [i for i, line in enumerate(out) if line.startswith("tests/install.sh:")]
    ran = [i for i, line in enumerate(out) if line.startswith("RAN")]
    assert ran and said
    for i in ran:  # every long command is announced on the line before it (or before its apt-get update)
        assert out[i - 1].startswith("tests/install.sh:"), out
    assert any("pip install" in line for line in out) and any("done in" in line for line in out)
    assert any("apt-get install chromium" in line for line in out)
    assert sum("done in" in line for line in out) == 4  # pip, apt-get update, two installs
    assert (tmp_path / ".budgetkg-apt-updated").exists()
    assert any("apt-get install fonts-wqy-microhei" in line for line in out)  # no CJK font: one is installed
    assert out[-1] == "tests/install.sh: ready: python -m pytest"


def test_install_keeps_a_cjk_font_that_is_there(tmp_path):
    out = run_install(tmp_path, "WenQuanYi Micro Hei\\n")
    assert not any("fonts-wqy" in line for line in out)
    assert any("CJK font: already installed (WenQuanYi Micro Hei)" in line for line in out)
