"""Before Qt starts: Qt's own command-line options, the platform plugin, the X display and the
libraries Qt's X11 plugin needs.

Qt aborts (exit 134) when its platform plugin cannot start, and its message can mislead: with no
X display at all it says libxcb-cursor0 is needed although it is installed. So the kit checks
first, each thing on its own, and says the real reason in one line with what to do (exit 2):
an unknown or missing ``-platform`` name, no ``DISPLAY``, a display nothing answers on, the X11
libraries that are really missing (and their Debian packages). Nothing here imports QtGui;
``available_platforms`` asks QtCore where the plugins are.
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

# the shared libraries Qt's xcb plugin loads (ldd of libqxcb.so, PySide6 6.6-6.11), and their Debian
# package; README's start section names the ones a fresh desktop lacks
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
NO_WINDOW_HINT = "(without a desktop: sbskit-cli ..., or sbskit -platform offscreen --screenshots DIR)"


def _option_name(arg: str) -> str:
    """'--platform=xcb' and '-platform' both name '-platform'."""
    name = arg.split("=", 1)[0]
    return name[1:] if name.startswith("--") else name


def split_qt_args(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(Qt's options, the kit's own arguments), order kept; '-platform offscreen' stays a pair.
    ``normalise_qt_args`` then writes them the way Qt parses them."""
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


def normalise_qt_args(qt_args: Sequence[str]) -> list[str]:
    """Qt's options as Qt reads them: '--platform=offscreen' and '-platform=offscreen' become
    '-platform offscreen', '--reverse' becomes '-reverse' (Qt knows neither form and would
    silently fall back to xcb)."""
    out = []
    for arg in qt_args:
        if not arg.startswith("-") or arg == "-":
            out.append(arg)
            continue
        name = _option_name(arg)
        out.append(name)
        if "=" in arg and name in QT_OPTIONS_WITH_VALUE:
            out.append(arg.split("=", 1)[1])
    return out


def take_style(qt_args: Sequence[str]) -> tuple[str, list[str]]:
    """(the -style the user asked for or '', the other options): the kit applies it itself, over
    its own indicator drawing, instead of letting Qt's choice be replaced by Fusion."""
    args, style, rest, i = list(qt_args), "", [], 0
    while i < len(args):
        if args[i] == "-style" and i + 1 < len(args):
            style = args[i + 1]
            i += 2
            continue
        rest.append(args[i])
        i += 1
    return style, rest


def available_platforms() -> list[str]:
    """The platform plugins this Qt has (file names in its plugins/platforms folder)."""
    from PySide6.QtCore import QLibraryInfo

    folder = os.path.join(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), "platforms")
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = set()
    for name in names:
        stem = name.split(".", 1)[0]
        if stem.startswith("libq"):
            found.add(stem[4:])
        elif stem.startswith("q") and name.endswith(".dll"):
            found.add(stem[1:])
    return sorted(found)


def platform_option_problem(qt_args: Sequence[str], environ: dict[str, str] | None = None,
                            plugins: Sequence[str] | None = None) -> str:
    """A '-platform' with no name, or a name this Qt has no plugin for: the one line to print."""
    args = list(qt_args)
    for i, arg in enumerate(args):
        if arg == "-platform" and (i + 1 >= len(args) or args[i + 1].startswith("-")):
            return "sbskit: -platform needs a plugin name, e.g. -platform xcb (or offscreen, wayland)"
    name = chosen_platform(args, environ)
    if name in ("native", ""):
        return ""
    known = list(plugins) if plugins is not None else available_platforms()
    if known and name not in known:
        where = "-platform" if "-platform" in args else "QT_QPA_PLATFORM"
        return f"sbskit: Qt has no platform plugin {name!r} ({where}); available: {', '.join(known)}"
    return ""


def _xcb_connects(display: str) -> bool | None:
    """Does an X server answer on ``display``? Asked the way Qt asks (libxcb's xcb_connect); None
    when libxcb itself cannot be loaded (the library check says so)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def display_problem(environ: dict[str, str] | None = None,
                    connects: Callable[[str], bool | None] = _xcb_connects) -> str:
    """No X display named, or nothing answers on the one named (the usual case over SSH)."""
    env = os.environ if environ is None else environ
    display = env.get("DISPLAY", "")
    if not display:
        return ("sbskit: cannot open the window: there is no X display (DISPLAY is not set; over SSH use ssh -X, "
                f"or start it on the desktop) {NO_WINDOW_HINT}")
    if connects(display) is False:
        return (f"sbskit: cannot open the window: no X server answers on display {display} (DISPLAY), or it "
                f"refuses this user {NO_WINDOW_HINT}")
    return ""


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
                    loadable: Callable[[str], bool] = _loadable, plugins: Sequence[str] | None = None,
                    connects: Callable[[str], bool | None] = _xcb_connects) -> str:
    """A message for stderr when the window cannot open on this desktop, else ''. ``qt_args`` as
    ``normalise_qt_args`` writes them."""
    problem = platform_option_problem(qt_args, environ, plugins)
    if problem:
        return problem
    if not sys.platform.startswith("linux") or chosen_platform(qt_args, environ) != "xcb":
        return ""
    missing = missing_xcb_packages(loadable)
    if not missing:
        return display_problem(environ, connects)
    libs = ", ".join(lib for lib, _ in missing)
    packages = " ".join(package for _, package in missing)
    return (f"sbskit: cannot open the window: Qt's X11 (xcb) platform plugin needs {libs}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed.\n"
            f"  On Debian/Ubuntu: sudo apt install {packages}\n"
            f"  {NO_WINDOW_HINT}")
