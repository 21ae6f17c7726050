"""A test CA, a server certificate it signed, and a self-signed one about to expire (openssl)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from servers.common import need_binary, run, world_readable_tmpdir


@dataclass
class Certs:
    dir: Path
    ca: Path  # test CA certificate (what --ca-file gets)
    server_cert: Path  # signed by the CA, names mail.sbskit.test and IP 127.0.0.2
    server_key: Path
    self_cert: Path  # self-signed, CN only, expires in 10 days
    self_key: Path
    name_cert: Path  # signed by the CA, names only mail.sbskit.test (no IP SAN: what real servers carry)
    name_key: Path


def make_certs() -> Certs:
    d = world_readable_tmpdir("sbskit-certs-")
    openssl = need_binary("openssl")
    run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
         "-days", "30", "-subj", "/CN=SBS Kit Test CA"], d)
    run([openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
         "-subj", "/CN=mail.sbskit.test"], d)
    (d / "san.ext").write_text("subjectAltName=DNS:mail.sbskit.test,IP:127.0.0.2,IP:127.0.0.1\n")
    run([openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "server.pem", "-days", "30", "-extfile", "san.ext"], d)
    run([openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "name.key", "-out", "name.csr",
         "-subj", "/CN=mail.sbskit.test"], d)
    (d / "name.ext").write_text("subjectAltName=DNS:mail.sbskit.test\n")
    run([openssl, "x509", "-req", "-in", "name.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "name.pem", "-days", "30", "-extfile", "name.ext"], d)
    run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "self.key", "-out", "self.pem",
         "-days", "10", "-subj", "/CN=oldbox.sbskit.test"], d)
    for f in d.iterdir():
        f.chmod(0o644)
    return Certs(d, d / "ca.pem", d / "server.pem", d / "server.key", d / "self.pem", d / "self.key",
                 d / "name.pem", d / "name.key")


def remove_certs(certs: Certs) -> None:
    shutil.rmtree(certs.dir, ignore_errors=True)
