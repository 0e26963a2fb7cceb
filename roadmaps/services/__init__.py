"""Writes that span several roadmap models, by topic:

- ``loading``: a whole roadmap from its structured form; windows and executors re-read from
  the texts in place, so that no mark is ever lost to an edit;
- ``editing``: what department staff do to a roadmap in the browser;
- ``marks``: completion marks, evidence, acceptance and comments;
- ``kept``: marks kept after their window or executor left the text, and their removal;
- ``trash``: «Корзина», deleted rows and sections kept restorable until it is emptied.
"""
