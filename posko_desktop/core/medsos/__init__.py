"""Pantau Medsos (issue 16): the pure logic under the post and case services.

No Qt, no database: URLs (`urls`), Indonesian text normalisation (`normalize`), the lexicon
flagger (`lexicon`), file intake with a row-level report (`intake`), case suggestion and
clustering (`matching`). Everything takes plain values and returns dataclasses
(`drafts`); docs/medsos.md describes each part.
"""
