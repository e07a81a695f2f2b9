"""Drills (应急演练) and their after-action reviews (HSEEP AAR/IP)."""
