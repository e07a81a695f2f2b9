"""Semantic search over the knowledge graph (issues 5, 13).

* ``text``      — searchable labels and text (the schema's ``text`` lists), keyword schemes, hashes
* ``lexicon``   — domain phrases and English -> Chinese translation (graph names, glossary, CC-CEDICT)
* ``pinyin``    — pinyin typed for a word (``xhs`` -> 消火栓), from the indexed text's words
* ``embedder``  — the model, run inside sentence-transformers (worker processes), vector cache
* ``index``     — ``build_index`` (keyword terms, then vectors) and ``index_nodes`` (given ids)
* ``job``       — ``start_index_job``: a background build with progress
* ``fusion``    — how dense and keyword rankings are combined (``fusion.json`` holds the fitted one)
* ``engine``    — ``SearchEngine``: dense, keyword and hybrid search with filters, degraded answers
* ``snippets``  — whole-sentence plain-text snippets with highlight positions
* ``context``   — a hit's graph context ("so what do I do")
* ``assist``    — similar lessons, near-duplicates of a draft, "ask about a situation"
* ``roles``     — the grouped role list of the situation page
* ``lessons``   — the lessons-learned workspace (record shape, corrective actions, recurrence)
* ``evalsets``  — the evaluation sets (development, independent field set)
* ``evaluate``  — nDCG@10 / MRR / R@5, fusion families and cross-validation (``cem search-eval``)
* ``cli``       — ``cem index``, ``cem search``, ``cem ask``, ``cem search-eval``
"""
