"""Case types, their state machines, the transition log and deadlines."""
