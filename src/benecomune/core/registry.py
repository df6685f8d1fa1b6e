"""How a domain app plugs into the shell: its `AppConfig.ready()` calls `load_modules` with
the modules that register its navigation entries, home cards, file kinds and audit labels
(by convention `<app>/nav.py`; calls splits it by area, `nav_<area>.py`). Every listed module
must exist: a missing one is an error at start-up, never skipped in silence."""

from importlib import import_module


def load_modules(app_config, names=("nav",)) -> None:
    for name in names:
        import_module(f"{app_config.name}.{name}")
