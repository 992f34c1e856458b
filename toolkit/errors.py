"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class ToolkitError(Exception):
    """A problem the user can fix: the message names it and says what to do."""
