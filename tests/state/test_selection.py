import numpy as np
import pytest

from crimedesk.state.selection import SelectionState


def test_select_notifies_once_per_change_and_never_for_a_no_op():
    selection = SelectionState()
    heard: list[tuple[int, ...]] = []
    selection.subscribe(heard.append)
    assert selection.select(7) is True
    assert selection.select(7) is False
    assert selection.select([3, np.int64(9), 3]) is True
    assert selection.select((3, 9)) is False
    assert (selection.ids, selection.current) == ((3, 9), 9)
    assert selection.clear() is True
    assert selection.clear() is False
    assert heard == [(7,), (3, 9), ()]
    assert selection.current is None


def test_unsubscribe_stops_notifications():
    selection = SelectionState()
    heard: list[tuple[int, ...]] = []
    unsubscribe = selection.subscribe(heard.append)
    assert selection.listener_count == 1
    unsubscribe()
    assert selection.listener_count == 0
    selection.select(1)
    assert heard == []


@pytest.mark.parametrize("bad", ["12", 1.5, True, None])
def test_an_id_that_is_not_an_integer_is_refused_and_the_selection_kept(bad):
    selection = SelectionState()
    selection.select(4)
    with pytest.raises(TypeError, match="an incident id is an integer"):
        selection.select([5, bad])
    assert selection.ids == (4,)
