"""The decider engine: pure Python, pydantic models in and out, no Django.

Entry point: `analysis.analyze(workflow, pools, scenario, *, seed=0) -> Analysis`, rendered as
text by `report.render_report`. Inputs live in `inputs` (Workflow, Pool, Scenario, and builders
from importer records); `presets.apply_preset` writes the seed's options into a scenario.
"""
