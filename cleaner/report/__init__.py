"""Render a run's report: JSON, Markdown, HTML, terminal summary, CI annotations."""
