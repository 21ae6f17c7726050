"""The plain-callback job protocol, without Qt."""

import pytest

from sbskit.core.jobs import CancelToken, Cancelled, JobContext


def test_context_streams_and_cancels():
    seen, token = [], CancelToken()
    ctx = JobContext(result=seen.append, is_cancelled=token)
    ctx.result(1)
    ctx.check()
    token.cancel()
    with pytest.raises(Cancelled):
        ctx.check()
    assert seen == [1]


def test_cancel_token_wait_wakes_early():
    token = CancelToken()
    assert token.wait(0.01) is False
    token.cancel()
    assert token.wait(5) is True
