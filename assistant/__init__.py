"""The planning assistant (see ``ai_brain`` for the public façade).

Modules: ``questions`` (parse a question), ``workspace`` (plan any lane),
``analyst`` (offline answers), ``tools`` (planning tools for Gemini), ``gemini``
(prompt and bounded calls), ``figures`` and ``sections`` (figures with units and
the standard analysis).
"""
