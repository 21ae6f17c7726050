import json
from sbskit.core.mailprobe.relay import run_relay_test

def test_smoke(postfix_open, postfix_closed):
    for srv in (postfix_open, postfix_closed):
        r = run_relay_test("127.0.0.1", srv.ports["smtp"], timeout=3)
        for a in r.attempts: print(a.relayed, a.reply_code, a.mail_from, a.rcpt_to, a.reply)
        print(r.open_relay, r.error, r.detail)
        print(srv.log_text()[-3000:])
    assert 0
