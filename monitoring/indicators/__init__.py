"""Target indicators of a roadmap («Важнейшие целевые индикаторы»): the values entered per school
and date, read against the baseline and the target.

- ``queries``: the latest values, the history, the cards of the roadmap's page;
- ``services``: entering and deleting values, changing targets;
- ``forms``, ``views``, ``urls``: the pages. Who may enter values: ``monitoring.permissions``.
"""
