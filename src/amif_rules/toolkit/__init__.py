"""Policy staff's toolkit: tools that work on rulesets and drafts rather than on one application.

- ruleset tests in YAML (:mod:`~amif_rules.toolkit.cases`) and their coverage
  (:mod:`~amif_rules.toolkit.coverage`): ``amif-rules test``;
- the impact of a draft over a portfolio of applications (:mod:`~amif_rules.toolkit.impact`,
  with its sample portfolio in :mod:`~amif_rules.toolkit.portfolio`): ``amif-rules impact``;
- ``amif-rules lint`` (:mod:`amif_rules.toolkit.lint`): schema errors, loading problems
  and semantic findings with counterexamples.

The commands themselves live in :mod:`amif_rules.cli`, which imports these modules only when
a command runs.
"""
