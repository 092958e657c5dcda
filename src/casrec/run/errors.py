"""Why a run did not publish: one exception carrying the one-line reason and the exit code."""

from __future__ import annotations


class RunError(Exception):
    """A run that did not publish; ``reason`` is the one-line message for the log."""

    def __init__(self, reason: str, exit_code: int = 1):
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code


class RunLocked(RunError):
    """Another run holds the lock."""


class RunStopped(RunError):
    """SIGTERM or SIGINT arrived before the report was published (exit 128 + signal number)."""

    def __init__(self, signum: int):
        import signal

        self.signal_name = signal.Signals(signum).name
        super().__init__(
            f"stopped by {self.signal_name} before publishing; nothing was published", 128 + signum
        )
