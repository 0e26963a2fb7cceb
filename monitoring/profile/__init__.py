"""A school's profile and its «500+» risk factors: reading them, saving them, and which
activities of the school's roadmaps address its risks (coverage).

- ``catalogue``: the risk-factor catalogue, the levels that call for action, the academic year;
- ``figures``: the profile as its page shows it (the five groups, derived shares and ratios);
- ``queries``: the school's levels, the counts over a scope, the coverage by activities;
- ``services``: the writes;
- ``forms``, ``views``, ``urls``: the pages, and the risk panels that the school and activity
  pages load by URL.
"""
