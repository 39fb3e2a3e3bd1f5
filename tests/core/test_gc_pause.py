"""`paused_gc`: the cyclic collector is off inside the block and back in its former state
afterwards, also after an error and when pauses overlap on two threads."""

from __future__ import annotations

import gc
import threading

import pytest

from posko_desktop.core.gc_pause import paused_gc


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_off_inside_nested_blocks_and_on_after_the_outermost():
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_in_the_block_still_resumes_the_collector():
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_on_two_threads_resume_when_the_last_ends():
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with paused_gc():
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    with paused_gc():
        thread.start()
        assert entered.wait(10)
    assert not gc.isenabled()  # the other thread's report is still running
    release.set()
    thread.join(10)
    assert gc.isenabled()
