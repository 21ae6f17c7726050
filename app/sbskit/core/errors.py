"""Exceptions that carry a message meant for the admin, not a traceback."""


class UserInputError(ValueError):
    """Input the kit cannot use: the message says why, in one plain sentence.

    The CLI turns it into one line on stderr and exit status 2; the GUI shows it inline.
    """
