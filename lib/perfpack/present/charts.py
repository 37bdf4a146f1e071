"""Charts for the appendices: one look for every theme, a colour-blind-safe palette, and every
image published with alt text and a caption (as an HTML ``<figure>``).

matplotlib and seaborn are imported when a chart is drawn, not with this module: a notebook's
import cell stays quick, and importing never changes the analyst's backend (inline in
JupyterLab)."""

from __future__ import annotations

import base64
import html
import io

#: Okabe-Ito based palette: seaborn's "colorblind" (``seaborn.palettes.SEABORN_PALETTES``), as
#: the RGB tuples ``seaborn.color_palette("colorblind")`` gives, without importing seaborn.
_COLORBLIND_HEX = (
    "#0173B2", "#DE8F05", "#029E73", "#D55E00", "#CC78BC",
    "#CA9161", "#FBAFE4", "#949494", "#ECE133", "#56B4E9",
)  # fmt: skip
PALETTE = [tuple(int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)) for h in _COLORBLIND_HEX]
IMPROVEMENT_COLOUR = PALETTE[0]  # blue
CONCERN_COLOUR = PALETTE[1]  # orange
NEUTRAL_COLOUR = "#7f7f7f"
FIGSIZE = (9, 4.2)


def setup_style() -> None:
    """Apply the report's chart style (call once per notebook)."""
    import matplotlib.pyplot as plt  # the backend is the analyst's (inline in JupyterLab)
    import seaborn as sns

    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 110, "axes.titleweight": "bold"})


def new_figure(figsize=FIGSIZE):
    """A new matplotlib figure and axes in the report's style."""
    import matplotlib.pyplot as plt

    setup_style()
    return plt.subplots(figsize=figsize)


def figure_html(fig, alt: str, caption: str) -> str:
    """Render ``fig`` to a PNG embedded in an HTML ``<figure>`` with alt text and a caption,
    then close it (so it is not shown a second time by the inline backend)."""
    if not alt or not alt.strip():
        raise ValueError("every chart needs alt text saying what it shows")
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        '<figure class="perfpack-chart">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto"/>'
        f"<figcaption><strong>{html.escape(caption)}</strong></figcaption></figure>"
    )


def show(fig, alt: str, caption: str) -> None:
    """Display a chart in the notebook (and so in the exported appendix) with alt text."""
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, alt, caption)))
