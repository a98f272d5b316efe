"""Assessment: scoring schemes, indicator rules, negative list, annual assessments and rankings."""
