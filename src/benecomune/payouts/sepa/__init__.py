"""SEPA bank files: credit transfer initiation (pain.001.001.09 and .03) written as a stream
and validated against the ISO 20022 schemas bundled with `sepaxml`; the bank's status report
(pain.002) and a CSV of outcomes, parsed defensively."""
