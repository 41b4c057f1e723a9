"""How a command that ran to the end says it found something: exit 3 with its output printed."""

from __future__ import annotations


class Findings(Exception):
    """The command ran and found something at or above its threshold (audit --fail-on, a batch
    with failed projects): print ``output`` as usual, exit 3."""

    def __init__(self, output: str) -> None:
        super().__init__(output)
        self.output = output
