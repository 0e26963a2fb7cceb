"""Pages of the roadmaps app, by topic: ``roadmaps`` (list, page, header), ``editing``
(sections and rows in place), ``activities`` (activity page, marks, acceptance, comments,
evidence), ``home`` (each role's start page) and ``schools`` (a school's roadmaps, a panel of
its page)."""
