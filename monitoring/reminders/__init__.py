"""Deadline reminders and notifications: before, on and after the due date, and the weekly digest.

- ``scan``: which reminders are due now (the obligations, the policy, the claims' keys);
- ``schedule``: when a reminder is due, in the recipient's time zone;
- ``mail``: the texts of the mails and notifications;
- ``services``: claim, send, record a failure, requeue; ``tasks``: the Celery tasks that call them;
- ``forms``, ``views``, ``urls``: the notifications page and its settings.
"""
