"""Implementation tracking: reporting periods, progress reports, reviews, supervision orders."""
