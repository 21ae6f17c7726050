"""Exceptions that carry a message meant for the admin, not a traceback."""


class UserInputError(ValueError):
    """Input the kit cannot use: the message says why, in one plain sentence.

    The CLI turns it into one line on stderr and exit status 2; the GUI shows it inline.
    """


class CannotCompleteError(RuntimeError):
    """The input was fine, but this installation or run cannot finish the job (one plain sentence).

    For example a PDF asked of an installation without Qt. The CLI prints one line and exits
    3 ("could not complete"); the GUI shows it inline.
    """
