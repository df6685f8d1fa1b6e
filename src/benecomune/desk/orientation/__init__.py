"""Orientation: what the platform proposes for a case (profile, matching, explanations)."""
