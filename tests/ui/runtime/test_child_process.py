"""run_in_child hands back what its process sent, even when the calling thread was slow to look."""

import os
import random
import threading
import time

import pytest

from crimedesk.domain.errors import ProcessEnded
from crimedesk.ui.runtime.child_process import POLL_SECONDS, run_in_child


def answer_soon_after_saying_so(engine, *, progress, cancel):
    progress(0.5, "about to answer")
    time.sleep(2 * POLL_SECONDS)  # the parent's next read times out before the answer comes
    return 42


def end_abruptly(engine, *, progress, cancel):
    os._exit(3)


@pytest.fixture
def store_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


def test_an_answer_sent_just_before_the_child_ends_is_not_lost(store_url):
    """Another thread holds the GIL for about a second, as a full collection of a big heap does on
    the GUI thread: the child answers and ends meanwhile, and the thread reading its messages
    cannot run until the hold ends."""
    numbers = [random.random() for _ in range(4_000_000)]
    holders = []

    def hold_the_gil():
        time.sleep(POLL_SECONDS / 2)  # the reading thread is waiting for the next message by now
        sorted(numbers)  # one C call: the GIL stays held

    def on_progress(fraction, message):
        holders.append(threading.Thread(target=hold_the_gil))
        holders[-1].start()

    answer = run_in_child(answer_soon_after_saying_so, store_url, progress=on_progress, cancel=lambda: False)
    for holder in holders:
        holder.join()
    assert answer == 42 and len(holders) == 1


def test_a_child_that_ends_without_an_answer_is_an_error_with_its_exit_code(store_url):
    with pytest.raises(ProcessEnded, match=r"the end abruptly process ended unexpectedly \(exit code 3\)"):
        run_in_child(end_abruptly, store_url, progress=lambda *_: None, cancel=lambda: False)
