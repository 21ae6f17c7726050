"""WCAG 2 contrast: every text the kit shows is readable (4.5:1 or more) in light and dark mode.

Pure arithmetic on ``#rrggbb`` colours, used by the contrast test that walks every tab, and by
``readable_on`` to pick a foreground that passes on a given background.
"""

from __future__ import annotations

AA_NORMAL = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_color: str) -> float:
    h = hex_color.lstrip("#")
    r, g, b = int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    a, b = luminance(foreground), luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(background: str, preferred: str, fallback_light: str = "#ffffff", fallback_dark: str = "#000000") -> str:
    """``preferred`` if it reaches AA on ``background``, else black or white, whichever is better."""
    if contrast_ratio(preferred, background) >= AA_NORMAL:
        return preferred
    dark, light = contrast_ratio(fallback_dark, background), contrast_ratio(fallback_light, background)
    return fallback_dark if dark >= light else fallback_light
