"""The labelled set of screening texts and how well screening does on it, shared by the test
(which fails below the floor) and `make bench` (which prints the figures)."""

from __future__ import annotations

from pathlib import Path

from content.screening import PERSONAL, screen

CASES = Path(__file__).with_name("screening_cases.tsv")
FLOOR = 0.95  # precision and recall, each, for personal data and for insults
GROUPS = {"PII": ("pii", frozenset(PERSONAL)), "insults": ("insult", frozenset({"offensive"}))}


def labelled_cases() -> list[tuple[str, str]]:
    """(label, text) for every line of the set; labels: pii, insult, link, clean."""
    lines = CASES.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line and not line.startswith("#")]


def kinds(text: str) -> set[str]:
    return {finding.kind for finding in screen(text)}


def scores(cases: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """(precision, recall) by group: a text counts as flagged when any of the group's kinds is found."""
    found = [(label, kinds(text)) for label, text in cases]
    result = {}
    for group, (label, flagged) in GROUPS.items():
        hits = [(label_ == label, bool(got & flagged)) for label_, got in found]
        true_positive = sum(1 for expected, got in hits if expected and got)
        precision = true_positive / max(1, sum(got for _, got in hits))
        recall = true_positive / max(1, sum(expected for expected, _ in hits))
        result[group] = (precision, recall)
    return result


def misses(cases: list[tuple[str, str]], group: str) -> tuple[list[str], list[str]]:
    """The texts of `group` not flagged, and the texts flagged that are not of it."""
    label, flagged = GROUPS[group]
    found = [(label_, text, bool(kinds(text) & flagged)) for label_, text in cases]
    return ([text for label_, text, got in found if label_ == label and not got],
            [text for label_, text, got in found if label_ != label and got])
