"""Test helper: every log record, at DEBUG, rendered exactly as production writes it (JSON)."""

import io
import json
import logging

import structlog

from dext.observability.logs import logging_config


class CapturedLogs:
    def __init__(self):
        self.stream = io.StringIO()
        formatter = logging_config(json=True, level="DEBUG")["formatters"]["structured"]
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                processors=formatter["processors"], foreign_pre_chain=formatter["foreign_pre_chain"]
            )
        )

    def __enter__(self):
        root = logging.getLogger()
        self._level = root.level
        root.addHandler(self.handler)
        root.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *exc):
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self._level)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict]:
        """Every line, parsed (a line that is not one JSON object fails here)."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]
