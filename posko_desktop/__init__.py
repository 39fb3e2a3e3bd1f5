"""Posko Desk Pilkada: desktop incident log for Central Java's election command post."""

__version__ = "0.1.0"
