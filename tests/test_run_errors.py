"""Why a run did not publish: the one-line reason and the exit code the CLI returns."""

import signal

import pytest

from casrec.run.errors import RunError, RunLocked, RunStopped


def test_a_run_error_carries_its_reason_and_exits_1_unless_told():
    error = RunError("the notebook overview failed")
    assert (str(error), error.reason, error.exit_code) == (
        "the notebook overview failed",
        "the notebook overview failed",
        1,
    )
    assert RunError("bad data", exit_code=2).exit_code == 2


def test_a_locked_run_is_a_run_error():
    with pytest.raises(RunError) as raised:
        raise RunLocked("another run holds reports/.lock", exit_code=3)
    assert raised.value.exit_code == 3


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_run_exits_128_plus_the_signal_and_names_it(signum, code):
    stopped = RunStopped(signum)
    assert stopped.exit_code == code
    assert stopped.signal_name == signal.Signals(signum).name
    assert stopped.reason.startswith(f"stopped by {stopped.signal_name} ")
    assert "nothing was published" in stopped.reason
