"""NTLM information leak: the challenge an Exchange server sends to anyone who asks.

Starting ``AUTH NTLM`` needs no account: the server's type 2 (challenge) message names
its NetBIOS and DNS computer and domain names and, usually, its exact Windows build.
We send a standard type 1 (negotiate) message, decode the answer, and cancel with
``*``; no credentials are ever sent.
"""

from __future__ import annotations

import base64
import binascii
import struct
from typing import Any

SIGNATURE = b"NTLMSSP\x00"
NEGOTIATE_FLAGS = 0xA2088207  # unicode, oem, request target, ntlm, always sign, ess, target info, version, 128, 56

AV_NAMES = {
    1: "netbios_computer",
    2: "netbios_domain",
    3: "dns_computer",
    4: "dns_domain",
    5: "dns_tree",
}


def negotiate_message() -> str:
    """Base64 of a type 1 message with empty domain and workstation fields."""
    body = SIGNATURE + struct.pack("<II", 1, NEGOTIATE_FLAGS) + b"\x00" * 16 + bytes([6, 1]) + struct.pack("<H", 7601)
    body += b"\x00\x00\x00\x0f"
    return base64.b64encode(body).decode("ascii")


def _secbuf(data: bytes, at: int) -> bytes:
    if at + 8 > len(data):
        return b""
    length, _maxlen, offset = struct.unpack_from("<HHI", data, at)
    if length == 0 or offset + length > len(data):
        return b""
    return data[offset : offset + length]


def _text(raw: bytes, unicode: bool) -> str:
    try:
        return raw.decode("utf-16-le" if unicode else "latin-1", "replace").strip("\x00")
    except (UnicodeDecodeError, ValueError):
        return ""


def parse_challenge(b64: str) -> dict[str, Any] | None:
    """Decode a type 2 message; None when it is not one (any garbage is tolerated)."""
    try:
        data = base64.b64decode(b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(data) < 32 or not data.startswith(SIGNATURE) or struct.unpack_from("<I", data, 8)[0] != 2:
        return None
    flags = struct.unpack_from("<I", data, 20)[0]
    unicode = bool(flags & 0x1)
    info: dict[str, Any] = {"target_name": _text(_secbuf(data, 12), unicode)}
    if len(data) >= 48:
        target_info = _secbuf(data, 40)
        pos = 0
        while pos + 4 <= len(target_info):
            av_id, av_len = struct.unpack_from("<HH", target_info, pos)
            pos += 4
            if av_id == 0 or pos + av_len > len(target_info):
                break
            if av_id in AV_NAMES:
                info[AV_NAMES[av_id]] = _text(target_info[pos : pos + av_len], True)
            pos += av_len
    if flags & 0x02000000 and len(data) >= 56:
        major, minor, build = struct.unpack_from("<BBH", data, 48)
        if major:
            info["os_version"] = f"{major}.{minor}.{build}"
    return info


def leak_summary(info: dict[str, Any]) -> str:
    """One line naming what the challenge revealed."""
    labels = [
        ("netbios_computer", "NetBIOS computer"),
        ("netbios_domain", "NetBIOS domain"),
        ("dns_computer", "DNS computer"),
        ("dns_domain", "DNS domain"),
        ("dns_tree", "forest"),
        ("target_name", "target"),
        ("os_version", "Windows build"),
    ]
    parts = [f"{label} {info[key]}" for key, label in labels if info.get(key)]
    return "; ".join(parts)
