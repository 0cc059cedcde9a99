"""The adapter: the only place database rows become engine inputs, and engine results become
what pages, PDFs and commands show.

- `inputs`: rows -> engine inputs (workflow graph with its measured samples, pools).
- `files`: files -> engine inputs, for commands that run without a database.
- `running`: one cached way to run the engine.
- `whatif`: a workflow's live what-if (blank, or from a preset).
- `saved`: a saved scenario against today's workflow (`analyse_saved`); lists of them with
  their key figures (`listed_scenarios`).
- `results`: an analysis in words, rows and charts (`ScenarioResults`); `key_figures`, the one
  accessor for a scenario's key figures.
- `comparison`: 2-4 analyses side by side, a pure function of them.
- `scenario_words`: a saved scenario's inputs in words (the PDF's provenance, the comparison).
- `overview`: the repository page's per-job figures and current-graph summary.
- `template_filters`: `decider.engine.formatting`, the one way figures are written, as builtin
  template filters for pages and PDFs alike.
"""
