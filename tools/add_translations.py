"""Add English translations to a catalogue: ``python tools/add_translations.py PO_FILE`` reads
``msgid<TAB>msgstr`` lines from standard input and appends those the file lacks (then run
``python -m web.i18n`` to compile).  A developer's tool; the app never writes translations."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(path: str) -> None:
    po = Path(path)
    with po.open("rb") as f:
        known = {m.id for m in read_po(f) if m.id and m.string}
    entries = []
    for line in sys.stdin.read().splitlines():
        if not line.strip():
            continue
        msgid, _, msgstr = line.partition("\t")
        if not msgstr:
            raise SystemExit(f"no translation (tab-separated) for {msgid!r}")
        if msgid not in known:
            flag = "#, python-format\n" if "%(" in msgid else ""
            entries.append(f"\n{flag}msgid {quote(msgid)}\nmsgstr {quote(msgstr)}\n")
            known.add(msgid)
    with po.open("a", encoding="utf-8") as f:
        f.writelines(entries)
    print(f"{po}: {len(entries)} added")


if __name__ == "__main__":
    main(sys.argv[1])
