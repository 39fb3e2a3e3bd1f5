"""The revised taxonomy in the window (issue 18): the form offers the new categories and
not the retired ones, sets channel and legal type; the detail pane shows them and
preselects the referral the legal type suggests."""

from __future__ import annotations

from .conftest import add, sql
from .test_stale_edits import open_form


def test_the_form_offers_new_categories_and_sets_the_axes(ctx, make_window, qtbot, db_path):
    d = add(ctx, "Orasi bernada kebencian di alun-alun", category="H1")
    window = make_window()
    form = open_form(qtbot, window, d.id)
    offered = {form.category.itemData(i)[0] for i in range(form.category.count())
               if form.category.itemData(i)}
    assert {"H1", "H4", "F7", "F8", "D7", "A7"} <= offered
    assert not {"A2", "A3", "A4"} & offered
    form.channel.set_values(("luring",))
    form.legal_type.set_values(("pidana",))
    form.save()
    qtbot.waitUntil(lambda: window.form is None)
    assert sql(db_path, "SELECT category_code, channel, legal_type FROM incident") == [
        ("H1", "luring", "pidana")]
    qtbot.waitUntil(lambda: window.log.detail.detail is not None
                    and window.log.detail.detail.legal_type == "pidana")
    pane = window.log.detail
    assert "Luring" in pane.fields.text() and "Pidana pemilihan" in pane.fields.text()
    assert pane.agency.currentData() == "GAKKUMDU"
    assert "Sentra Gakkumdu" in pane.suggestion.text()
