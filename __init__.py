"""qualmine: reproducible qualitative coding of interviews and open-ended survey answers.

The repository's top-level folders are this package's subpackages (`qualmine.corpus` is corpus/,
`qualmine.flows` is flows/, ...): pyproject.toml maps them with setuptools' `package-dir`.
"""
