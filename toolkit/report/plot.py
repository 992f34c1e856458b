"""A PNG of divergence along the document, flagged beads marked by severity, for the top of the report.

matplotlib is imported inside the function (it costs most of a second) and drawn through the Agg canvas on a
bare Figure, never pyplot: no display is needed and no global figure state leaks between reports.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Optional, Sequence

from ..records import Judgement

# The same colours as the page's severity legend (report.css), so the plot and the rows read as one thing.
SEVERITY_COLOURS = {"minor": "#d4a106", "major": "#e8590c", "critical": "#c92a2a"}


@dataclass(frozen=True)
class Plot:
    """The PNG and where its data area lies, so the page can turn a click on the image into a bead.

    axes: (left, bottom, right, top) of the plotting area as fractions of the image (from its bottom left);
    xlim, ylim: the data values at those edges.
    """

    png: bytes
    axes: tuple[float, float, float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]


def divergence_plot(
    judgements: Sequence[Judgement], threshold: Optional[float] = None, narrow: bool = False
) -> Optional[Plot]:
    """The plot; None when matplotlib is not installed (the report then says so instead).

    narrow: drawn for a phone's width (about 390 px): a taller, narrower figure at twice the resolution, so
    that its labels stay readable when shrunk to the screen, with the legend under the axes."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        return None
    figure = Figure(figsize=(4.2, 3.3) if narrow else (10, 2.6), dpi=200 if narrow else 100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    beads = [j.bead for j in judgements]
    axes.plot(
        beads,
        [j.divergence for j in judgements],
        color="#868e96",
        linewidth=1,
        marker="o",
        markersize=2.5,
        label="divergence",
    )
    for severity, colour in SEVERITY_COLOURS.items():
        marked = [j for j in judgements if j.flag and j.severity == severity]
        if marked:
            axes.scatter(
                [j.bead for j in marked],
                [j.divergence for j in marked],
                s=36,
                color=colour,
                zorder=3,
                label=f"{severity} ({len(marked)})",
            )
    if threshold is not None:
        axes.axhline(threshold, color="#495057", linestyle="--", linewidth=0.8, label=f"threshold {threshold:g}")
    axes.set_ylim(-0.02, 1.05)
    if beads:
        axes.set_xlim(min(beads) - 0.5, max(beads) + 0.5)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("bead (document order)")
    axes.set_ylabel("divergence")
    axes.grid(axis="y", color="#e9ecef")
    axes.spines[["top", "right"]].set_visible(False)
    if narrow:
        figure.legend(loc="outside lower center", ncol=2, frameon=False, fontsize="small")
    else:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize="small")
    buffer = io.BytesIO()
    # No timestamp or software metadata: the same run gives the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    # read after savefig: the constrained layout has only placed the axes once the figure was drawn
    box = axes.get_position()
    return Plot(buffer.getvalue(), (box.x0, box.y0, box.x1, box.y1), axes.get_xlim(), axes.get_ylim())


def divergence_png(judgements: Sequence[Judgement], threshold: Optional[float] = None) -> Optional[bytes]:
    plot = divergence_plot(judgements, threshold)
    return plot.png if plot else None
