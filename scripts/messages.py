"""Extract and compile the Chinese catalogues: one per app, one for shared templates.

Run as `make messages`. Each app's strings go to <app>/locale; templates/ and config/
go to locale/. An entry left untranslated in one catalogue takes the translation
that another catalogue has for the same text (templates of one app may live beside
another's), so a string is translated once. Lists what is still untranslated.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    app
    for app in (
        "core",
        "residents",
        "notifications",
        "topics",
        "council",
        "voting",
        "outcomes",
        "reports",
    )
    if (ROOT / app).is_dir()
]

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
import django  # noqa: E402
import rules  # noqa: E402,F401  (the package, before an app's rules.py can shadow it)

django.setup()

import polib  # noqa: E402
from django.core.management import call_command  # noqa: E402

LOCALE = "zh_Hans"


def catalogue(base: Path) -> Path:
    return base / "locale" / LOCALE / "LC_MESSAGES" / "django.po"


def known_translations(paths) -> dict:
    known = {}
    for path in paths:
        if path.exists():
            for entry in polib.pofile(str(path)).translated_entries():
                if "fuzzy" not in entry.flags:
                    known.setdefault((entry.msgctxt, entry.msgid), entry)
    return known


def main() -> int:
    paths = [catalogue(ROOT / app) for app in APPS] + [catalogue(ROOT)]
    # Read before extracting: a string that moved between apps keeps its translation.
    known = known_translations(paths)
    for app in APPS:
        os.chdir(ROOT / app)
        call_command("makemessages", locale=[LOCALE], no_obsolete=True, verbosity=0)
    os.chdir(ROOT)
    call_command(
        "makemessages",
        locale=[LOCALE],
        no_obsolete=True,
        verbosity=0,
        ignore_patterns=[f"{app}/*" for app in APPS]
        + [".venv/*", "var/*", "tests/*", "bench/*", "static/*", "scripts/*"],
    )
    files = {path: polib.pofile(str(path)) for path in paths}
    known.update(known_translations(paths))
    missing = 0
    for path, po in files.items():
        for entry in po:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
            if entry.translated():
                continue
            source = known.get((entry.msgctxt, entry.msgid))
            if source is not None:
                entry.msgstr = source.msgstr
                entry.msgstr_plural = dict(source.msgstr_plural)
            else:
                missing += 1
                print(f"untranslated in {path.relative_to(ROOT)}: {entry.msgid!r}")
        po.save()
    call_command("compilemessages", ignore_patterns=[".venv", "var"], verbosity=0)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
