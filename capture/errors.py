"""The one error capture raises."""


class UnreadableDocument(Exception):
    """Nothing could be read from the document; ``reason`` says why in plain words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
