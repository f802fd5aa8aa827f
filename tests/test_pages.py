"""The chapter sources: what every page promises its reader, read from solutions/chapters."""

import re

from nnlib.exercises import EXERCISES

#: An exercise's title: an admonition or a heading naming one exercise, a range
#: ("Exercises 12.5 to 12.8") or a pair ("Exercises 12.10 and 12.11").
TITLE = re.compile(
    r"^(?::::\{admonition\} |### )Exercises? (\d+)\.(\d+)(?: (to|and) \d+\.(\d+))?:.*\((.+) points?\)$"
)


def exercise_titles(root):
    """{exercise id: points its title states}, and every id seen twice."""
    stated, twice = {}, []
    for page in sorted((root / "solutions/chapters").glob("[0-9]*.md")):
        for line in page.read_text().splitlines():
            match = TITLE.match(line)
            if not match:
                continue
            chapter, first, kind, last, points = match.groups()
            numbers = range(int(first), int(last) + 1) if kind == "to" else [int(first), *([int(last)] if last else [])]
            for number, value in zip(numbers, points.split(" + "), strict=True):
                key = f"{chapter}.{number}"
                twice += [key] if key in stated else []
                stated[key] = int(value)
    return stated, twice


def test_every_exercise_box_states_its_points(root):
    """Does each exercise have one title stating the points the grader gives it?"""
    stated, twice = exercise_titles(root)
    assert twice == []
    assert stated == {ex.id: ex.points for ex in EXERCISES}


def test_exercises_appear_in_page_order(root):
    """Do exercise numbers rise down each page (7.5 never after 7.7)?"""
    for page in sorted((root / "solutions/chapters").glob("[0-9]*.md")):
        numbers = [int(m.group(2)) for line in page.read_text().splitlines() if (m := TITLE.match(line))]
        assert numbers == sorted(numbers), page.name
