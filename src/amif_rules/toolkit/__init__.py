"""Policy staff's toolkit: tools that work on rulesets and drafts rather than on one application.

- ruleset tests in YAML and their coverage (``amif-rules test``);
- the impact of a draft over a portfolio of applications (``amif-rules impact``);
- ``amif-rules lint`` (:mod:`amif_rules.toolkit.lint`): schema errors, loading problems
  and semantic findings with counterexamples.
"""
