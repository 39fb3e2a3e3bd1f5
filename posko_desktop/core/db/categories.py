"""The category taxonomy as shipped (`resources/categories.json`) as `category` rows.

Codes never change and never return (docs/taxonomy.md): a retired code stays as a row with
`active` false, so the incidents that carry it keep it. Migration 0017 (and any later
revision of the taxonomy) brings a database's table in line with these rows."""

from __future__ import annotations

from typing import Any

from posko_desktop.core.resources import load_json


def category_rows() -> list[dict[str, Any]]:
    """Every category of resources/categories.json as a `category` row, groups first in
    their order, each followed by its children (`sort_order` by position)."""
    rows: list[dict[str, Any]] = []
    for gi, group in enumerate(load_json("categories.json")["groups"]):
        rows.append({"code": group["code"], "parent_code": None, "label_id": group["id"],
                     "label_en": group["en"], "active": group.get("active", True),
                     "sort_order": gi * 100})
        for ci, child in enumerate(group["children"]):
            rows.append({"code": child["code"], "parent_code": group["code"],
                         "label_id": child["id"], "label_en": child["en"],
                         "active": child.get("active", True), "sort_order": gi * 100 + ci + 1})
    return rows


def successors() -> dict[str, str]:
    """{retired code: the code that took its place} (`replaced_by` in the file)."""
    return {child["code"]: child["replaced_by"]
            for group in load_json("categories.json")["groups"]
            for child in group["children"] if "replaced_by" in child}
