"""Reliability and privacy: concurrency, faults, backup and restore, personal data (issue 10, items 4-6 and 8)."""
