"""Django's test runner with a result that keeps one verdict per test, so that a peer
library's suite is counted in tests, not subtests: it writes 'N passed, M failed, K errors'
(skipped tests left out) to the file named by $PEER_COUNTS.

scripts/peer_*.sh put this directory on the path of their throwaway virtualenv and pass
``--testrunner=peer_runner.CountingRunner``.
"""

from __future__ import annotations

import os
import unittest
from typing import Any

from django.test.runner import DiscoverRunner

RANK = {"skip": 0, "pass": 1, "fail": 2, "error": 3}
verdicts: dict[str, str] = {}


def mark(test: unittest.TestCase, verdict: str) -> None:
    """Keep the worst verdict a test got (a test with a failed subtest has failed)."""
    name = test.id()
    if name not in verdicts or RANK[verdict] > RANK[verdicts[name]]:
        verdicts[name] = verdict


class Result(unittest.TextTestResult):
    def addSuccess(self, test: Any) -> None:
        super().addSuccess(test)
        mark(test, "pass")

    def addExpectedFailure(self, test: Any, err: Any) -> None:
        super().addExpectedFailure(test, err)
        mark(test, "pass")

    def addSkip(self, test: Any, reason: str) -> None:
        super().addSkip(test, reason)
        mark(test, "skip")

    def addFailure(self, test: Any, err: Any) -> None:
        super().addFailure(test, err)
        mark(test, "fail")

    def addUnexpectedSuccess(self, test: Any) -> None:
        super().addUnexpectedSuccess(test)
        mark(test, "fail")

    def addError(self, test: Any, err: Any) -> None:
        super().addError(test, err)
        mark(test, "error")

    def addSubTest(self, test: Any, subtest: Any, err: Any) -> None:
        super().addSubTest(test, subtest, err)
        if err is not None:
            mark(test, "fail" if issubclass(err[0], test.failureException) else "error")


class CountingRunner(DiscoverRunner):
    def get_resultclass(self) -> type[Result]:
        return Result

    def suite_result(self, suite: Any, result: Any, **kwargs: Any) -> Any:
        n = {v: sum(1 for x in verdicts.values() if x == v) for v in RANK}
        with open(os.environ["PEER_COUNTS"], "w") as out:
            out.write(f"{n['pass']} passed, {n['fail']} failed, {n['error']} errors\n")
        return super().suite_result(suite, result, **kwargs)
