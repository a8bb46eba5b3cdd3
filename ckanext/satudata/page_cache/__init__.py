"""The anonymous page cache: the dataset page, the resource page, /dataset and
the home page as a visitor without an account sees them, kept in Redis and
served again until anything they could show changes.

Exact, not timed: every cached page is filed under the catalogue's current
*generation*, a Redis counter that goes up after any committed write to a
table those pages read (invalidation.py watches the SQL itself, so every write
path counts: actions, the loader, the workflow, direct ORM writes, any node).
A page rendered before a change can only be filed under the generation before
it, which nobody reads again. The language is part of the key, and each
visitor's CSRF token is put back into the page it is served (web.py).
"""
