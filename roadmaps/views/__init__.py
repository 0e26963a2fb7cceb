"""Pages of the roadmaps app, by topic: ``roadmaps`` (list, page, header), ``editing``
(sections and rows in place), ``activities`` (activity page, marks, acceptance, comments,
evidence) and ``home`` (each role's start page)."""
