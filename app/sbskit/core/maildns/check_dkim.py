"""The ``dkim`` check (RFC 6376 key records, RFC 8301 key sizes, RFC 8463 Ed25519).

DNS cannot list a domain's selectors, so the check asks the ones given and a few
well-known ones (Microsoft 365's selector1/2, Google's, common defaults). Finding none is
not a problem, but it is not an all-clear either: it is a warning that says so. Key sizes
are read from the key itself (a small DER reader, no crypto library).
"""

from __future__ import annotations

import base64
import binascii
import re

from sbskit.core.dnsbl import wire
from sbskit.core.maildns import advice
from sbskit.core.maildns.lookups import ERROR as LOOKUP_ERROR, OK as FOUND, Resolver
from sbskit.core.maildns.model import ERROR, OK, PROBLEM, WARNING, make_check, sentences, worst

TITLE = "DKIM keys (signatures that survive forwarding)"
RSA_OID = bytes.fromhex("2a864886f70d010101")


class KeyError_(ValueError):
    pass


def _der(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    """The content of the DER element with ``tag`` at ``pos`` and the position after it."""
    if pos + 2 > len(data) or data[pos] != tag:
        raise KeyError_("not the expected DER structure")
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4 or pos + count > len(data):
            raise KeyError_("bad DER length")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise KeyError_("DER element runs past the end of the key")
    return data[pos:pos + length], pos + length


def rsa_bits(der: bytes) -> int:
    """Modulus size of an RSA public key: SubjectPublicKeyInfo (the RFC 6376 form) or bare PKCS#1."""
    outer, _ = _der(der, 0, 0x30)
    if outer[:1] == b"\x30":  # SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }
        algorithm, pos = _der(outer, 0, 0x30)
        oid, _ = _der(algorithm, 0, 0x06)
        if oid != RSA_OID:
            raise KeyError_("the key is not an RSA key")
        bits, _ = _der(outer, pos, 0x03)
        outer, _ = _der(bits[1:], 0, 0x30)
    modulus, _ = _der(outer, 0, 0x02)
    return int.from_bytes(modulus, "big").bit_length()


def _missing_semicolon(text: str) -> str:
    """'h=sha256 p=MIIB...': the tag before p= swallows the key. Returns a short quote of the spot, or ''."""
    match = re.search(r"([A-Za-z]+=[^;=]*?)\s+p=", text)
    if not match or re.search(r"(^|;)\s*p=", text):
        return ""
    return f"{match.group(1).strip()} p={text[match.end():match.end() + 8]}..."


def parse_key_record(text: str) -> dict:
    """Tags of a DKIM key record with the key's type and size; ``error`` when it is unusable."""
    tags = {}
    for part in text.split(";"):
        name, eq, value = part.partition("=")
        if eq:
            tags[name.strip().lower()] = "".join(value.split())
    info = {"tags": tags, "type": tags.get("k", "rsa").lower(), "bits": None, "error": None, "revoked": False,
            "testing": "y" in tags.get("t", "").lower().split(":"), "hashes": tags.get("h", "").lower()}
    if "v" in tags and tags["v"] != "DKIM1":
        info["error"] = f"v={tags['v']} (must be DKIM1)"
        return info
    if "p" not in tags:
        spot = _missing_semicolon(text)
        info["error"] = (f"a ';' is missing before p= (the record reads '{spot}'), so receivers find no key in it"
                         if spot else "there is no public key (p= is missing)")
        info["hashes"] = ""
        return info
    if not tags["p"]:
        info["revoked"] = True
        return info
    try:
        raw = base64.b64decode(tags["p"], validate=True)
    except (binascii.Error, ValueError):
        info["error"] = _cut_off(text) or "the public key (p=) is not valid base64"
        return info
    if info["type"] == "ed25519":
        info["bits"] = 256 if len(raw) == 32 else None
        if info["bits"] is None:
            info["error"] = f"an Ed25519 key is 32 bytes, this one is {len(raw)}"
        return info
    if info["type"] != "rsa":
        info["error"] = f"unknown key type k={info['type']}"
        return info
    try:
        info["bits"] = rsa_bits(raw)
    except KeyError_ as exc:
        info["error"] = _cut_off(text) or f"the RSA key cannot be read ({exc})"
    return info


def _cut_off(text: str) -> str:
    """A key record cut at 255 characters (a DNS panel's limit for one string) says so."""
    if len(text) in (253, 254, 255):
        return (f"the record is {len(text)} characters long and the key in it is incomplete: it was cut off where a "
                "DNS panel limits one TXT string (255 characters)")
    return ""


def check(resolver: Resolver, domain: str, given: list[str], mx_hosts: list[str]) -> dict:
    provider = advice.provider_for_hosts(mx_hosts)
    guesses = [s for s in advice.well_known_selectors() + (provider["dkim_selectors"] if provider else [])
               if s not in given]
    selectors = list(dict.fromkeys(given + guesses))
    resolver.fetch([(f"{s}._domainkey.{domain}", wire.TXT) for s in selectors])
    status = OK
    found = []
    notes = []
    evidence = []
    errors_given = []
    errors_guessed = 0
    key = None
    fixes: list[str] = []
    dangling: list[str] = []
    for selector in selectors:
        lookup = resolver.get(f"{selector}._domainkey.{domain}", wire.TXT)
        if selector in given or lookup.status in (FOUND, LOOKUP_ERROR):
            evidence.append(lookup.evidence())
        if lookup.status == LOOKUP_ERROR:
            if selector in given:
                errors_given.append(f"{selector} ({lookup.detail})")
            else:
                errors_guessed += 1
            continue
        texts = [t for t in lookup.texts() if "p=" in t or t.startswith("v=DKIM1")]
        if not texts and lookup.cnames:
            evidence.append(lookup.evidence())
            dangling.append(selector)
            status = worst(status, PROBLEM if selector in given else WARNING)
            missing = "does not exist" if lookup.status == "nxdomain" else "has no key record"
            notes.append(f"{selector}._domainkey.{domain} is a CNAME to {lookup.cnames[-1]}, which {missing}: the "
                         "selector is published but no key stands behind it, so mail signed with it fails DKIM")
            continue
        if not texts:
            if selector in given:
                status = worst(status, PROBLEM)
                notes.append(f"selector '{selector}' has no DKIM key at {selector}._domainkey.{domain}: receivers "
                             "cannot verify mail signed with it")
                fixes.append(f"Publish the key of selector '{selector}' (the mail server or provider shows it), or "
                             "read the s= of a DKIM-Signature header again: the server may sign with another selector.")
            continue
        info = parse_key_record(texts[0])
        found.append(selector)
        via = f" (via CNAME {lookup.cnames[-1]})" if lookup.cnames else ""
        if info["error"]:
            status = worst(status, PROBLEM)
            notes.append(f"'{selector}'{via}: {info['error']}")
            if "';' is missing" in info["error"]:
                fixes.append(f"Put a ';' before p= in the key record of '{selector}' (...; h=sha256; p=...).")
            else:
                fixes.append(f"Publish the key record of '{selector}' again exactly as the mail server or provider "
                             "gives it, as one TXT record (when the DNS panel limits a string to 255 characters, split "
                             "the key into several quoted strings of the same record).")
        elif info["revoked"]:
            notes.append(f"'{selector}'{via}: revoked (empty p=); mail signed with it fails DKIM")
            if selector in given:
                status = worst(status, PROBLEM)
                fixes.append(f"The server signs with the revoked selector '{selector}': switch signing to a selector "
                             "whose key is published, or publish this selector's key again.")
        elif info["type"] == "rsa" and info["bits"] < 1024:
            status = worst(status, PROBLEM)
            key = "dkim-weak-key"
            notes.append(f"'{selector}'{via}: RSA {info['bits']}-bit key, too short (RFC 8301: at least 1024; "
                         "receivers ignore such signatures)")
        else:
            size = f"RSA {info['bits']}-bit" if info["type"] == "rsa" else "Ed25519"
            advice_text = " (2048 bits is recommended)" if info["type"] == "rsa" and info["bits"] < 2048 else ""
            notes.append(f"'{selector}'{via}: {size} key{advice_text}")
        if info["testing"]:
            status = worst(status, WARNING)
            notes.append(f"'{selector}' is in test mode (t=y): receivers may treat its signatures as unsigned")
            fixes.append(f"Once signing works, publish the key of '{selector}' again without t=y.")
        if not info["error"] and info["hashes"] and "sha256" not in info["hashes"].split(":"):
            status = worst(status, PROBLEM)
            notes.append(f"'{selector}' allows only h={info['hashes'][:20]}; SHA-1 signatures are no longer accepted "
                         "(RFC 8301)")
            fixes.append(f"Remove h= from the key of '{selector}' (or set h=sha256) and sign with rsa-sha256.")
    if errors_given:
        status = worst(status, ERROR)
        notes.append("could not look up " + ", ".join(errors_given))
        fixes.append("Check again later.")
    if not found and not errors_given:
        if errors_guessed == len(guesses) and guesses:
            status = worst(status, ERROR)
            notes.append("none of the selectors could be looked up: could not tell")
            fixes.append("Check again later.")
        elif status == OK:
            status = WARNING
            tried = ", ".join(selectors)
            notes.append(f"no DKIM key under the selectors tried ({tried}). DNS cannot list selectors, so this does "
                         "not prove DKIM is missing: read the s= value of a DKIM-Signature header in a sent message "
                         "and check that selector")
    detail = sentences(notes)
    if key == "dkim-weak-key":
        fixes.insert(0, "Generate a new 2048-bit key, publish it under a new selector, switch signing to it, then "
                        "remove the old record.")
    if dangling and provider and provider.get("dkim_cname_note"):
        fixes.insert(0, provider["dkim_cname_note"])
    elif dangling:
        fixes.insert(0, f"Turn on DKIM signing where {', '.join(dangling)} points (the provider creates the key "
                        "behind the CNAME when signing is enabled), or remove the CNAME.")
    if status in (PROBLEM, WARNING) and not fixes:
        if provider:
            fixes.append(provider["dkim_note"])
        elif not found:
            fixes.append("Turn on DKIM signing where the mail is sent (the mail server or the provider) and publish "
                         "the TXT record it gives you at <selector>._domainkey." + domain)
    fix = " ".join(dict.fromkeys(fixes))
    return make_check("dkim", status, TITLE, detail, evidence, fix,
                      advice.receivers(key, domain) if key else None, selectors_found=found, selectors_tried=selectors)
