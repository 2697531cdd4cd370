"""Status text aged after listing, worded like dockerd (go-units HumanDuration)."""

from __future__ import annotations

import pytest

from dockui.engine.models import ContainerSummary
from dockui.engine.status_age import aged_status, human_duration, parse_duration

DAY = 86400


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.4, "Less than a second"),
        (1, "1 second"),
        (59, "59 seconds"),
        (60, "About a minute"),
        (119, "About a minute"),
        (120, "2 minutes"),
        (3599, "59 minutes"),
        (3600, "About an hour"),
        (5399, "About an hour"),
        (5400, "2 hours"),  # hours round half up
        (47 * 3600, "47 hours"),
        (2 * DAY, "2 days"),
        (13 * DAY, "13 days"),
        (14 * DAY, "2 weeks"),
        (59 * DAY, "8 weeks"),
        (60 * DAY, "2 months"),
        (729 * DAY, "24 months"),
        (730 * DAY, "2 years"),
    ],
)
def test_human_duration_words_like_dockerd(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


@pytest.mark.parametrize(
    "text", ["Less than a second", "1 second", "7 seconds", "About a minute", "3 weeks"]
)
def test_parse_reads_back_what_it_wrote(text: str) -> None:
    seconds = parse_duration(text)
    assert seconds is not None and human_duration(seconds) == text


@pytest.mark.parametrize("text", ["", "soon", "3 fortnights", "-2 days", "2"])
def test_parse_refuses_anything_else(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("status", "elapsed", "aged"),
    [
        ("Up Less than a second", 5, "Up 5 seconds"),
        ("Up 50 seconds", 30, "Up About a minute"),
        ("Up 5 minutes (healthy)", 600, "Up 15 minutes (healthy)"),
        ("Up 2 hours (Paused)", 3 * 3600, "Up 5 hours (Paused)"),
        ("Up 1 second (health: starting)", 2, "Up 3 seconds (health: starting)"),
        ("Exited (0) 3 days ago", 2 * DAY, "Exited (0) 5 days ago"),
        ("Exited (137) Less than a second ago", 90, "Exited (137) About a minute ago"),
        ("Restarting (1) 2 seconds ago", 1, "Restarting (1) 3 seconds ago"),
        ("Created", 1000, "Created"),
        ("Removal In Progress", 1000, "Removal In Progress"),
        ("Up [bold]x", 10, "Up [bold]x"),  # not a duration: left as it came
        ("Up 5 minutes", 0, "Up 5 minutes"),
    ],
)
def test_aged_status(status: str, elapsed: float, aged: str) -> None:
    assert aged_status(status, elapsed) == aged


def test_a_listed_container_ages_from_its_listing_time() -> None:
    c = ContainerSummary.from_api({"Id": "a" * 64, "State": "running", "Status": "Up 2 minutes"})
    assert c.status_at(c.listed_at + 180) == "Up 5 minutes"
    # Not part of equality: a re-list with the same text is not a change.
    again = ContainerSummary.from_api(c.raw)
    assert again == c
