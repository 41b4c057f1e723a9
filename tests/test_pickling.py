"""Projects cross processes pickled by their fields, and come back equal."""

from __future__ import annotations

import pickle
from pathlib import Path

import attrs
import pytest

from evalrules.base.pickling import pickled_by_fields
from evalrules.io.flat import read_flat, write_flat
from evalrules.io.project_input import load_project
from evalrules.model.claims import Claims
from evalrules.model.project import Project

from .conftest import SEED


def test_a_loaded_project_comes_back_equal_with_its_claims_places_and_numbers() -> None:
    project = load_project(SEED)
    assert project.claims.total is not None and project.targets  # the seed states its result
    again = pickle.loads(pickle.dumps(project))
    assert again == project and again is not project
    assert [target.place for target in again.targets] == [target.place for target in project.targets]
    assert [str(target.actual) for target in again.targets] == [
        str(target.actual) for target in project.targets
    ]


def test_projects_read_from_a_flat_file_come_back_equal(tmp_path: Path) -> None:
    seed = attrs.evolve(load_project(SEED), claims=Claims())  # the counts it states have no flat form
    write_flat([("种子", seed)], tmp_path / "projects.csv")
    projects = [entry for _, entry in read_flat(tmp_path / "projects.csv")]
    assert projects and all(isinstance(project, Project) for project in projects)
    assert pickle.loads(pickle.dumps(projects)) == projects


def test_a_class_that_cannot_be_rebuilt_from_its_fields_is_refused() -> None:
    @attrs.frozen
    class Converted:
        value: int = attrs.field(converter=int)

    @attrs.frozen
    class Derived:
        value: int
        twice: int = attrs.field(init=False)

    for cls in (Converted, Derived):
        with pytest.raises(TypeError, match="cannot be rebuilt"):
            pickled_by_fields(cls)


@pickled_by_fields
@attrs.frozen
class One:
    value: str


def test_a_class_of_one_field_pickles_too() -> None:
    assert pickle.loads(pickle.dumps(One("x"))) == One("x")
