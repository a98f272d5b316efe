"""The assessment's one error type, below the engine, its storage and the actions that raise it."""


class AssessmentError(Exception):
    """An assessment write that was refused; the message says why, in Chinese. Nothing was changed."""
