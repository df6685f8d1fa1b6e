"""The PDF building blocks now live in `benecomune.core.pdf`; kept under the old names."""

from benecomune.core.pdf import (  # noqa: F401
    GRID,
    LIGHT,
    PRIMARY,
    amount,
    build,
    euro,
    fonts,
    p,
    styles,
    table,
)
