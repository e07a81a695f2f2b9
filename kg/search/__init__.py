"""Semantic search over the knowledge graph (issue 5).

* ``text``      — searchable text per label (the schema's ``text`` lists), hashes, keyword terms
* ``embedder``  — the model, run inside sentence-transformers (in a worker process), vector cache
* ``index``     — ``build_index``: vectors, terms and hashes on every searchable node
* ``engine``    — ``SearchEngine``: dense, keyword and hybrid (weighted RRF) search with filters
* ``context``   — a hit's graph context ("so what do I do")
* ``assist``    — similar lessons, near-duplicates of a draft, "ask about a situation"
* ``lessons``   — the lessons-learned workspace (record shape, corrective actions, recurrence)
* ``evaluate``  — nDCG@10 / MRR / R@5 per method and language (``cem search-eval``)
* ``cli``       — ``cem index``, ``cem search``, ``cem ask``, ``cem search-eval``
"""
