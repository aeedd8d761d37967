"""The review loop: queues, spreadsheet export and import, file formats, agreement."""
