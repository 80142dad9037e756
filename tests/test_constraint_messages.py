"""Every model constraint says what is wrong in words (never "约束 “name” 是无效的"), and a form shows it."""

import pytest
from django.apps import apps
from django.db.models import CheckConstraint, UniqueConstraint
from django.utils import translation

from org import integrity
from rotation.forms import InspectionForm


def _constraints():
    return [(model, constraint) for model in apps.get_models() for constraint in model._meta.constraints]


def test_every_constraint_has_its_own_message():
    """A new CheckConstraint or UniqueConstraint without violation_error_message fails here."""
    constraints = _constraints()
    assert len(constraints) > 60  # the walk reaches the apps' models
    missing = [f"{model._meta.label}.{constraint.name}" for model, constraint in constraints
               if constraint.violation_error_message in (None, constraint.default_violation_error_message)]
    assert missing == []


def test_every_message_is_translated_and_names_no_constraint():
    with translation.override("zh-hans"):
        for model, constraint in _constraints():
            assert isinstance(constraint, CheckConstraint | UniqueConstraint), constraint
            text = str(constraint.get_violation_error_message())
            assert constraint.name not in text and "约束" not in text, (model, constraint.name)
            assert any("\u4e00" <= char <= "\u9fff" for char in text), (model, constraint.name, text)


def test_the_409_page_uses_the_constraints_message():
    with translation.override("zh-hans"):
        assert integrity.message_for("school_code_unique") == "已有使用该代码的学校。"
        assert integrity.message_for("pool_member_one_active_per_type") == "此人已在该人才库中。"


@pytest.mark.django_db
def test_a_form_shows_the_constraints_message_not_its_name():
    """The inspection form reaches inspection_has_a_method through model validation (all three methods unticked)."""
    data = {"visited_on": "2026-09-10", "findings": "听课两节", "rating": "pass"}
    with translation.override("zh-hans"):
        form = InspectionForm(data)
        assert not form.is_valid()
        assert form.non_field_errors() == ["请至少选择一种督导方式：听课、访谈或查阅台账。"]
        assert "inspection_has_a_method" not in str(form.errors)
        assert InspectionForm({**data, "interviews": "on"}).is_valid()
