"""Assessment pages, a module per noun. Reads go through duban.assessment.access (404 for
missing and forbidden alike), writes through one action each (duban.assessment.actions), and
what a page or an export computes through queries.py and exports.py: these views only translate
a request into a call and its outcome into a page.

A write by someone without the right gets the same 404 as a missing object; a write the right
person may not make in the record's present state (an assessment already closed, say) gets the
action's own message.
"""
