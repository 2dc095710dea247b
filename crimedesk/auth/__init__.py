"""Who is acting, what their role allows, and the append-only audit trail.

Every service function that changes data takes the acting :class:`~crimedesk.auth.user.User`,
is guarded by :func:`~crimedesk.auth.permissions.requires`, and writes its audit row with
:func:`~crimedesk.auth.audit.record` in the same transaction as the change itself.
"""
