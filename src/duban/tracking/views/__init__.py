"""Tracking pages, one module per noun (home, periods, tasks, reports, reviews, evidence, orders,
bulk), with what they share in pages and charts. Reads go through duban.tracking.access (404 for
missing and forbidden alike), writes through duban.tracking.actions (one action per press of a
button), and what a page computes through duban.tracking.queries: these views only translate a
request into those calls and their answers into a page. Every list page exports what it shows to
Excel with ?format=xlsx, from the same rows.

A write by someone without the right gets the same 404 as a missing object; a write the right
person may not make in the record's present state (a report already reviewed, say) gets the
action's own message.
"""
