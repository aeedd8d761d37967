"""Respondents in a REFI-QDA project: one `<Case>` per respondent, linked to their sources, and one
Text `<Variable>` per respondent attribute (REFI has no categorical type; all values are text)."""
from __future__ import annotations

import math

import pandas as pd
from lxml import etree

from qualmine.outputs.refi.common import stable_guid, project_tag as _q



def _str(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _source_guid(doc_id: str) -> str:
    return stable_guid("source", doc_id)   # as project_export.source_guid


def add_cases(root: etree._Element, people: pd.DataFrame | None, docs: pd.DataFrame) -> None:
    """Respondents as `<Cases>` (linked to their sources by `<SourceRef>`), their attributes as Text `<Variables>`."""
    if people is None or not len(people):
        return
    attributes = [c for c in people.columns if c != "respondent_id"]
    if attributes:
        variables = etree.SubElement(root, _q("Variables"))
        for attr in attributes:
            etree.SubElement(variables, _q("Variable"), guid=stable_guid("variable", attr), name=str(attr),
                             typeOfVariable="Text")
    cases = etree.SubElement(root, _q("Cases"))
    docs_of = docs.groupby(docs["respondent_id"].astype(str))["doc_id"].apply(list).to_dict() if "respondent_id" in docs else {}
    for person in people.to_dict("records"):
        rid = str(person["respondent_id"])
        case = etree.SubElement(cases, _q("Case"), guid=stable_guid("case", rid), name=rid)
        for attr in attributes:
            value = _str(person[attr])
            if value:
                vv = etree.SubElement(case, _q("VariableValue"))
                etree.SubElement(vv, _q("VariableRef"), targetGUID=stable_guid("variable", attr))
                etree.SubElement(vv, _q("TextValue")).text = value
        for doc_id in docs_of.get(rid, []):
            etree.SubElement(case, _q("SourceRef"), targetGUID=_source_guid(str(doc_id)))
