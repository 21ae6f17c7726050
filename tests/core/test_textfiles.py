"""The shared encoding sniffers: BOMs and the NUL pattern of BOM-less UTF-16."""

import codecs

from sbskit.core.textfiles import sniff_bom, utf16_byte_order


def test_sniff_bom_names_each_bom_and_its_length():
    assert sniff_bom(codecs.BOM_UTF8 + b"x") == ("utf-8", 3)
    assert sniff_bom(codecs.BOM_UTF32_LE + b"x\0\0\0") == ("utf-32-le", 4)
    assert sniff_bom(codecs.BOM_UTF16_LE + b"x\0") == ("utf-16-le", 2)
    assert sniff_bom(codecs.BOM_UTF16_BE + b"\0x") == ("utf-16-be", 2)
    assert sniff_bom(b"plain") is None
    assert sniff_bom(b"") is None


def test_sniff_bom_without_utf32_sees_the_utf16_bom_it_starts_with():
    assert sniff_bom(codecs.BOM_UTF32_LE + b"x\0\0\0", utf32=False) == ("utf-16-le", 2)


def test_utf16_byte_order_by_nul_pattern():
    text = "Microsoft Windows [Version 10.0.19045]"
    kw = dict(min_bytes=8, nul_share=0.6, other_max=0.05)
    assert utf16_byte_order(text.encode("utf-16-le"), **kw) == "le"
    assert utf16_byte_order(text.encode("utf-16-be"), **kw) == "be"
    assert utf16_byte_order(text.encode("utf-8"), **kw) is None
    assert utf16_byte_order(b"a\0b\0", **kw) is None  # shorter than min_bytes
    assert utf16_byte_order(b"a\0b\0", min_bytes=4, nul_share=0.4, other_max=0.1) == "le"
    assert utf16_byte_order(b"\0" * 64, **kw) is None  # all NUL: neither order
