"""The REST API's parts: authentication, schemas, one router per resource, and the docs page.

Every route reads through the same access helpers and writes through the same actions as the HTML
views; the API adds only JSON shapes, pagination and HTTP statuses.
"""
