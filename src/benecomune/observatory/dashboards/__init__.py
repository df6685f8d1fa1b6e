"""The observatory's dashboards (issue 19 point 4) and the needs-vs-offer page (point 8): who
sees what (scope.py), the figures read from the rollups (figures.py), exports and the PDF
report (report.py), the Welfare Points' needs (needs.py) next to the marketplace's offer
(offer.py)."""
