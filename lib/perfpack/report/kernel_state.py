"""The state a reused batch kernel is put back to between notebooks. This module runs inside the
kernel: :mod:`perfpack.report.kernels` calls :func:`snapshot` once, after the kernel has started
and imported what the notebooks import, and :func:`restore` after each notebook, so the next
notebook starts from the state the first one did.

Restored: the user namespace, input/output history and execution count (IPython's
``InteractiveShell.reset``, what ``%reset -f`` does), matplotlib's open figures and rcParams,
pandas' options, NumPy's floating-point error handling, the warnings filters and their
once-only registries (so a warning shown by one notebook is shown again by the next), the
working folder, ``sys.path`` and the environment variables. Not restored: imported modules and
what they cache (which is the point: the imports are paid once a kernel); a module holds no
notebook's data, because every theme reads its tables through the notebook's own parameters.
What is left after a restore lives as long as the kernel, so it is frozen out of the garbage
collector's passes (``gc.freeze``).
"""

from __future__ import annotations

import gc
import os
import sys
import warnings

_saved: dict | None = None


def snapshot() -> None:
    """Record the state :func:`restore` puts back. pyplot is imported first, so the inline
    backend has set matplotlib up as it does at a notebook's first chart."""
    global _saved
    import matplotlib
    import matplotlib.pyplot  # noqa: F401
    import numpy as np

    rc = dict(matplotlib.rcParams.copy())
    rc.pop("backend", None)  # as matplotlib.rc_context keeps it: never switched back
    _saved = {
        "cwd": os.getcwd(),
        "path": list(sys.path),
        "environ": dict(os.environ),
        "warnings": list(warnings.filters),
        "numpy_errors": np.geterr(),
        "rc": rc,
        "pandas": _pandas_options(),
    }
    gc.freeze()  # see restore


def restore() -> None:
    """Put the kernel back to the state :func:`snapshot` recorded (a RuntimeError without
    one: the kernel is then not reused)."""
    if _saved is None:
        raise RuntimeError("no snapshot was taken in this kernel")
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
    plt.close("all")
    rc = matplotlib.rcParams
    getattr(rc, "_update_raw", lambda saved: dict.update(rc, saved))(_saved["rc"])
    with warnings.catch_warnings():  # deprecated pandas options warn when read or set
        warnings.simplefilter("ignore")
        for key, value in _saved["pandas"].items():
            if pd.get_option(key) != value:
                pd.set_option(key, value)
    np.seterr(**_saved["numpy_errors"])
    os.chdir(_saved["cwd"])
    sys.path[:] = _saved["path"]
    if dict(os.environ) != _saved["environ"]:
        os.environ.clear()
        os.environ.update(_saved["environ"])
    warnings.resetwarnings()  # also forgets which warnings were already shown once
    warnings.filters[:] = _saved["warnings"]
    # What is left now (modules and what they hold) stays for the kernel's life: moved out of
    # the collector's sight, so the full collections the next notebook's libraries run (IPython's
    # reset, statsmodels, matplotlib closing a figure) do not walk it again each time (gc.freeze,
    # meant for this: objects that live as long as the process).
    gc.freeze()


def _pandas_options() -> dict:
    """Every pandas option by its full name (walked through the public ``pandas.options``)."""
    import pandas as pd

    wrapper = type(pd.options)
    found: dict = {}

    def walk(node, prefix: str) -> None:
        for name in dir(node):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = getattr(node, name)
            if isinstance(value, wrapper):
                walk(value, f"{prefix}{name}.")
            else:
                found[f"{prefix}{name}"] = value

    walk(pd.options, "")
    return found
