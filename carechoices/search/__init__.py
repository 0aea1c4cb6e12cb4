"""Finding things: site search over reviews, cancer types, the glossary, references and people.

The search engine is Wagtail's (``wagtail.search``, database backend: FTS5 on SQLite, full text
with stemming on PostgreSQL). This package cleans what people type before it reaches the engine
(:mod:`.query`, no Django), works around the engine's known bugs (:mod:`.backend`), and groups and
explains the results (:mod:`.service`).
"""
