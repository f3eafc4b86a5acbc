"""The case and everything around it: persons, participations, plan actions, notes, meetings."""
