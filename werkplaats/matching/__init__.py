"""Matching learners and learning places: pure algorithms here, with no Django import."""
