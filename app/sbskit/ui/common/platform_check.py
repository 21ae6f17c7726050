"""Before Qt starts: Qt's own command-line options, and the libraries its X11 plugin needs.

On a fresh Debian/Ubuntu desktop Qt 6 (since 6.5) cannot load its xcb plugin without
``libxcb-cursor0``; it then aborts (exit 134) and the reason goes only to the log. So the
kit checks those libraries first and says which package to install. Nothing here imports Qt.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Callable, Sequence

# Qt's standard options (QGuiApplication and QApplication): with a value, and without
QT_OPTIONS_WITH_VALUE = {
    "-platform", "-platformpluginpath", "-platformtheme", "-plugin", "-qwindowgeometry", "-qwindowtitle",
    "-qwindowicon", "-style", "-stylesheet", "-session", "-display", "-geometry", "-title", "-name",
    "-qmljsdebugger", "-visual", "-widgetcount",
}
QT_FLAGS = {"-reverse", "-nograb", "-dograb", "-sync", "-testability"}

# the shared libraries Qt's xcb plugin loads that a fresh desktop may lack, and their Debian package
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def _option_name(arg: str) -> str:
    """'--platform=xcb' and '-platform' both name '-platform'."""
    name = arg.split("=", 1)[0]
    return name[1:] if name.startswith("--") else name


def split_qt_args(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(Qt's options, the kit's own arguments), order kept; '-platform offscreen' stays a pair."""
    qt, own = [], []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        name = _option_name(arg)
        if name in QT_OPTIONS_WITH_VALUE:
            qt.append(arg)
            if "=" not in arg and i + 1 < len(args):
                qt.append(args[i + 1])
                i += 1
        elif name in QT_FLAGS:
            qt.append(arg)
        else:
            own.append(arg)
        i += 1
    return qt, own


def chosen_platform(qt_args: Sequence[str], environ: dict[str, str] | None = None) -> str:
    """The platform plugin Qt will try first: -platform, then QT_QPA_PLATFORM, then Qt's default."""
    env = os.environ if environ is None else environ
    for i, arg in enumerate(qt_args):
        if _option_name(arg) == "-platform":
            value = arg.split("=", 1)[1] if "=" in arg else (qt_args[i + 1] if i + 1 < len(qt_args) else "")
            return value.split(":", 1)[0].split(";", 1)[0]
    if env.get("QT_QPA_PLATFORM"):
        return env["QT_QPA_PLATFORM"].split(":", 1)[0].split(";", 1)[0]
    if not sys.platform.startswith("linux"):
        return "native"
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_xcb_packages(loadable: Callable[[str], bool] = _loadable) -> list[tuple[str, str]]:
    """(library, Debian package) for each library of the xcb plugin that cannot be loaded."""
    return [(lib, package) for lib, package in XCB_LIBRARIES.items() if not loadable(lib)]


def startup_problem(qt_args: Sequence[str], environ: dict[str, str] | None = None,
                    loadable: Callable[[str], bool] = _loadable) -> str:
    """A message for stderr when the window cannot open on this desktop, else ''."""
    if not sys.platform.startswith("linux") or chosen_platform(qt_args, environ) != "xcb":
        return ""
    missing = missing_xcb_packages(loadable)
    if not missing:
        return ""
    libs = ", ".join(lib for lib, _ in missing)
    packages = " ".join(package for _, package in missing)
    return (f"sbskit: cannot open the window: Qt's X11 (xcb) platform plugin needs {libs}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed.\n"
            f"  On Debian/Ubuntu: sudo apt install {packages}\n"
            "  (or start without a desktop: sbskit-cli ..., or sbskit -platform offscreen --screenshots DIR)")
