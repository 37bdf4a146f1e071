"""perfpack: the Knowledge Hub's quarterly public performance report, as code.

One module per concern: ``paths`` (where things live), ``reference`` (reference tables),
``contracts`` (what a records extract must hold), ``ingest`` (raw -> processed),
``windows`` and ``change`` (12-month windows, % change and its wording), ``figures``
(the machine-readable table of every published number), and one module per theme.
"""

__version__ = "0.1.0"
