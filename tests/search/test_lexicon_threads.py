"""The English lexicon under concurrent searches (the web server answers them in threads)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from kg.search import lexicon
from kg.search.lexicon import stems

WORDS = ("several lifts trapped residents during a power cut; evacuation of elderly people living alone, "
         "flooding underground garages, organisational responsibilities and emergency notifications")


def test_threads_stemming_at_once_get_the_words_one_thread_gets():
    """A Snowball stemmer keeps its current word in the object: shared by threads, it raised
    IndexError or returned other threads' stems (500s on /search under load)."""
    expected = stems(WORDS)
    start = threading.Barrier(8)

    def work(_):
        start.wait()
        return [stems(WORDS) for _ in range(300)]

    with ThreadPoolExecutor(8) as pool:
        results = [r for batch in pool.map(work, range(8)) for r in batch]
    assert all(r == expected for r in results)


def test_the_first_searches_wait_for_one_lexicon_build(monkeypatch):
    builds = []
    real = lexicon.build_lexicon

    def counted(*args, **kwargs):
        builds.append(1)
        return real(*args, **kwargs)

    class Store:
        def run_read(self, name, **params):
            return {"search_bilingual_names": [{"labels": ["Hazard"], "name": "暴雨", "name_en": "Rainstorm"}],
                    "search_phrase_names": [{"name": "暴雨"}], "search_corpus_text": [{"text": "暴雨内涝", "labels": ["Hazard"]}]}[name]

    monkeypatch.setattr(lexicon, "build_lexicon", counted)
    store, start = Store(), threading.Barrier(6)

    def first_search(_):
        start.wait()
        return lexicon.store_lexicon(store)

    with ThreadPoolExecutor(6) as pool:
        found = list(pool.map(first_search, range(6)))
    assert len(builds) == 1 and all(f is found[0] for f in found)
    assert found[0].pseudo_query("rainstorm") == "暴雨"
    lexicon.invalidate(store)
    assert lexicon.store_lexicon(store) is not found[0] and len(builds) == 2
