"""Re-importing the same file: the report of the full path is given back without parsing
when the same bytes are read with the same options and every post is still held; any
change (a byte, the options, a post gone) takes the full path."""

from __future__ import annotations

import shutil

from sqlalchemy import delete, select

from posko_desktop.core.db.models_medsos import SocialPost
from posko_desktop.core.services.medsos import posts

from .conftest import DATA, as_role, dump


def _report(r: posts.PostImportResult) -> tuple:
    return (r.format, r.file_name, r.added, r.already, r.duplicates, r.ignored,
            [(p.line, p.message, p.params, p.skipped) for p in r.problems], r.preset)


def test_the_same_file_again_gives_the_full_reimport_report_without_parsing(any_ctx, tmp_path,
                                                                             monkeypatch):
    op = as_role(any_ctx, "operator")
    path = tmp_path / "posts.csv"
    shutil.copy(DATA / "posts-template.csv", path)
    first = posts.import_file(op, path)
    order = list(first.added)
    # the full path's re-import report, for comparison (the memo switched off)
    monkeypatch.setattr(posts.import_memo, "recall", lambda *a: None)
    full = posts.import_file(op, path)
    monkeypatch.undo()
    assert full.added == [] and full.already == order and first.problems
    before = dump(any_ctx)
    calls = []
    real = posts.read_posts
    monkeypatch.setattr(posts, "read_posts", lambda *a, **k: calls.append(1) or real(*a, **k))
    fast = posts.import_file(op, path)
    assert calls == []  # not parsed
    assert _report(fast) == _report(full)
    assert dump(any_ctx) == before
    # other options: parsed again (and still adds nothing)
    assert posts.import_file(op, path, keep_numbers=True).added == [] and calls == [1]
    # one byte more: parsed again
    path.write_bytes(path.read_bytes() + b"\n")
    assert posts.import_file(op, path).added == [] and calls == [1, 1]


def test_a_post_missing_since_takes_the_full_path(ctx, tmp_path):
    """A post of the file no longer here (e.g. the database restored from an older copy
    than the memo): the file is parsed and that post added again."""
    op = as_role(ctx, "operator")
    first = posts.import_file(op, DATA / "posts-template.csv")
    with ctx.db.write() as s:
        s.execute(delete(SocialPost).where(SocialPost.number == first.added[0]))
    again = posts.import_file(op, DATA / "posts-template.csv")
    assert len(again.added) == 1 and len(again.already) == len(first.added) - 1
    with ctx.db.read() as s:
        assert s.scalar(select(SocialPost.number).where(
            SocialPost.number == again.added[0])) is not None
