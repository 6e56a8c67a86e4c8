"""Keep the catalogs in step with the code.

    python scripts/translations.py update        extract, update ar and en, compile
    python scripts/translations.py set FILE.json add Arabic translations {msgid: msgstr}
    python scripts/translations.py check         list untranslated or fuzzy entries

The English catalog is filled from its msgids (they are English). The work
holds a lock so two people updating at once do not overwrite each other.
"""

import fcntl
import json
import os
import subprocess
import sys
from contextlib import contextmanager

from babel.messages.pofile import read_po, write_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRANSLATIONS = os.path.join(ROOT, "translations")
POT = os.path.join(TRANSLATIONS, "messages.pot")
SOURCES = ["app.py", "models.py", "commands.py", "views", "domain", "templates"]
PYBABEL = os.path.join(os.path.dirname(sys.executable), "pybabel")


def catalog_path(locale):
    return os.path.join(TRANSLATIONS, locale, "LC_MESSAGES", "messages.po")


@contextmanager
def locked():
    with open(os.path.join(TRANSLATIONS, ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def load(locale):
    with open(catalog_path(locale), "rb") as handle:
        return read_po(handle, locale=locale)


def save(catalog, locale):
    with open(catalog_path(locale), "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


def run(*args):
    result = subprocess.run([PYBABEL, *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.exit(result.stderr)


def compile_catalogs():
    run("compile", "-d", "translations")


def fill_english():
    catalog = load("en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = (message.id[0],) + (message.id[1],) * (len(message.string) - 1)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    save(catalog, "en")


def update():
    run(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "-o",
        POT,
        "--no-location",
        "--sort-output",
        "-w",
        "100",
        *SOURCES,
    )
    run("update", "-i", POT, "-d", "translations", "--no-fuzzy-matching", "--ignore-obsolete", "-w", "100")
    fill_english()
    compile_catalogs()


def set_arabic(path):
    with open(path, encoding="utf-8") as handle:
        wanted = json.load(handle)
    catalog = load("ar")
    unknown = []
    for msgid, msgstr in wanted.items():
        message = catalog.get(msgid)
        if message is None:
            unknown.append(msgid)
            continue
        if isinstance(message.id, tuple):
            forms = msgstr if isinstance(msgstr, list) else [msgstr] * catalog.num_plurals
            message.string = tuple(forms)
        else:
            message.string = msgstr
        message.flags.discard("fuzzy")
    save(catalog, "ar")
    compile_catalogs()
    for msgid in unknown:
        print(f"not in the catalog (run update first?): {msgid!r}")


def problems(locale):
    catalog = load(locale)
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            found.append(message.id)
    return found


def main(argv):
    command = argv[1] if len(argv) > 1 else "update"
    with locked():
        if command == "update":
            update()
        elif command == "set":
            update()
            set_arabic(argv[2])
        elif command == "check":
            bad = {locale: problems(locale) for locale in ("ar", "en")}
            for locale, ids in bad.items():
                for msgid in ids:
                    print(f"{locale}: untranslated: {msgid!r}")
            return 1 if any(bad.values()) else 0
        else:
            print(__doc__)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
