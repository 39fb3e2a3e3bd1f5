"""Use cases: own the transaction, enforce rules and roles, return plain dataclasses."""
