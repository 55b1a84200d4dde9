"""The question sets of tests/questions asked as a user asks them, through `budgetkg ask --json`, and
scored by tests/questions/score.py: every question of dev.jsonl (the bundled corpus) passes, and at
least 95 % of derived.jsonl (shares, differences, rates, growth, totals, counts, series, text facts and
names not held, over the bundled and the real documents)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import TESTS, child_env

sys.path.insert(0, str(TESTS / "questions"))
from score import check  # noqa: E402

SETS = {"dev.jsonl": 1.0, "derived.jsonl": 0.95}


@pytest.mark.parametrize("name", SETS)
def test_question_set(everything_dir, name):
    cases = [json.loads(line) for line in (TESTS / "questions" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    run = subprocess.run(["budgetkg", "--store", str(everything_dir), "ask", "--json"], env=child_env(),
                         input="".join(c["q"] + "\n" for c in cases), capture_output=True, text=True, encoding="utf-8",
                         timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    replies = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert len(replies) == len(cases)
    failed = {c["id"]: "; ".join(reasons) for c, r in zip(cases, replies) if (reasons := check(c, r))}
    passed = 1 - len(failed) / len(cases)
    assert passed >= SETS[name], f"{name}: {passed:.1%} passed; failed: {json.dumps(failed, ensure_ascii=False, indent=1)}"
