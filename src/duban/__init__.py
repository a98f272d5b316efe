"""duban (督办): decomposition documents turned into tracked, assessed work."""

__version__ = "0.1.0"
