"""The report: data, figures, and the html / md / docx renderings."""
