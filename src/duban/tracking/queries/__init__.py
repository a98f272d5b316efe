"""Read-side questions shared by reminders, pages, exports and the API (one place for the logic).

None of these check permissions: callers pass querysets already narrowed by duban.tracking.access
(or run as the system, like the reminders).

missing          the reports not yet in
overviews        a period's overview, the home page's plan summaries
period_reports   everything the period page and its exports show
series           a target's reported figures against its trajectory
grids            the task page's grid of periods × units
orders           the order list's filters
timelines        a task's audit trail
"""
