"""The community workspace: what a community keeps about its own emergency-management work.

Plain functions over a ``GraphStore`` (every one that writes takes ``now``, so tests and the web
app inject a clock):

* ``profile``   — the community profile (population, households, area, street/town), its grids
  and the people in them (grid workers, disaster-information officers, helpers), grid coverage;
* ``ledger``    — the hazard ledger (风险隐患台账): report → assessment and assignment → remediation
  → verification → closed, or escalated; every transition logged and guarded by a version;
  overdue cases, recurrence, the handling rate (处理率) and the time to close;
* ``residents`` — vulnerable residents and their helpers (sensitive personal information:
  encrypted fields, masked lists, finer access in ``kg.community.access``);
* ``registers`` — risk assessments, shelters, supplies and the minimum list, response teams;
* ``mapdata``   — the community's own base image and the points and routes drawn on it;
* ``imports``   — CSV imports (all or nothing, ``file:line: field: message``);
* ``sample``    — the fictional sample community ``community.demo``;
* ``workspace`` — the overview: what is overdue, expiring, unpaired, unverified, with the rates.

The functions a later self-assessment fills its answers from are listed in ``workspace``
(``grid_coverage``, ``handling_rate``, ``latest_risk_assessment``, ``pairing_completeness``,
``supplies_against_minimum``, ``teams_with_trained_members``).
"""
