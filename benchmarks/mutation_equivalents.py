"""Mutants of the core rule modules that survive because no input can tell them from the original,
each with the argument (used by benchmarks/mutation.py; keyed by module, cosmic-ray operator and the
mutated source line, stripped)."""
from __future__ import annotations

# Survivors argued equivalent: (module, operator, the mutated source line, stripped) -> why no
# input can tell the mutant from the original. Filled from the raw files' survivors.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'groups_someone = distinct != len(values) or len(values) < 4'):
        'nunique() never exceeds the count of values, so < and != agree',
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Lt_IsNot',
     'groups_someone = distinct is not len(values) or len(values) < 4'):
        "where it matters (distinct <= 30, else the attribute is out anyway) both are small ints, which CPython caches: 'is not' is '!=', and != is < here",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_NotEq_Gt',
     'groups += [(attr, value, value, int(size)) for value, size in sizes.items() if value > ""]'):
        "a str is > '' exactly when it is not ''",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_NotEq_IsNot',
     'groups += [(attr, value, value, int(size)) for value, size in sizes.items() if value is not ""]'):
        "CPython has one empty str object: every '' is ''",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Is_IsNot',
     'mine = in_group[own if match is not None else own[in_group.index]]'):
        "own[in_group.index] is own aligned on in_group's index, which pandas does itself for a boolean Series key; for the (all) group the two are the same Series",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'in_group = frame["respondents_in_group"].where(frame["respondents_in_group"] != 0)'):
        "a group's size is never negative",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Gt_GtE',
     'in_group = frame["respondents_in_group"].where(frame["respondents_in_group"] >= 0)'):
        'a group of 0 respondents has 0 coded respondents: 0/0 is NaN, filled with 0.0, as the masked NaN is',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_NotEq_Gt',
     'if m.lastgroup > "cue":'):
        "the regex has two groups, 'pseudo' > 'cue' and 'cue' is not > 'cue'",
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'clause_end = self.break_starts[j] if j != len(self.break_starts) else len(self.text)'):
        'bisect_left returns 0..len: j < len and j != len agree',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'return any(clause[a] == c and clause[b] <= c for a, b in self.clause_phrases)'):
        'b >= a, so clause[b] >= clause[a] == c: <= c means == c',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'return any(clause[a] >= c and clause[b] == c for a, b in self.clause_phrases)'):
        'a <= b, so clause[a] <= clause[b] == c: >= c means == c',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'return any(clause[a] is c and clause[b] == c for a, b in self.clause_phrases)'):
        "equal clause numbers are the same int object (see the cue rule's 'is' above)",
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'return any(clause[a] == c and clause[b] is c for a, b in self.clause_phrases)'):
        "equal clause numbers are the same int object (see the cue rule's 'is' above)",
    ('coding/tables.py', 'core/ReplaceFalseWithTrue',
     'by_code = {code_id: grp for code_id, grp in coded.groupby("code_id", sort=True)}'):
        "by_code is only looked up by key: the groups' order is never seen",
    ('coding/tables.py', 'core/NumberReplacer',
     'empty = coded.iloc[ 1:0]'):
        'iloc[1:0] is as empty as iloc[0:0], with the same columns',
    ('coding/tables.py', 'core/NumberReplacer',
     'empty = coded.iloc[ -1:0]'):
        'iloc[-1:0] is as empty as iloc[0:0], with the same columns',
    ('coding/negation.py', 'core/NumberReplacer',
     'clause, self.clause = 1, []'):
        'clause numbers are only compared with each other for equality: starting at 1 shifts them all',
    ('coding/negation.py', 'core/NumberReplacer',
     'clause, self.clause = -1, []'):
        'clause numbers are only compared with each other for equality: starting at -1 shifts them all',
    ('coding/negation.py', 'core/NumberReplacer',
     'prev_end = 1'):
        'only decides whether a line break before the first token opens a clause, which shifts every clause number alike (they are only compared with each other)',
    ('coding/negation.py', 'core/NumberReplacer',
     'prev_end = -1'):
        'only decides whether a line break before the first token opens a clause, which shifts every clause number alike (they are only compared with each other)',
    ('coding/negation.py', 'core/NumberReplacer',
     'clause += 2'):
        'clause numbers are only compared with each other for equality: steps of 2 keep every clause apart as steps of 1 do',
    ('coding/negation.py', 'core/NumberReplacer',
     'clause += 2   # the break token belongs to neither neighbour'):
        'clause numbers are only compared with each other for equality: steps of 2 keep every clause apart as steps of 1 do',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'if last < a <= last + 1 + self.tail_window and clause[a] <= c_last and clause[b] == c_last:'):
        'a > last and clause numbers never decrease: clause[a] >= c_last, so <= means ==',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'if last < a <= last + 1 + self.tail_window and clause[a] == c_last and clause[b] <= c_last:'):
        'b >= a > last: clause[b] >= c_last, so <= means ==',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'if last < a <= last + 1 + self.tail_window and clause[a] >= c_last and clause[b] == c_last:'):
        'c_last <= clause[a] <= clause[b] == c_last: >= means ==',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'if last < a <= last + 1 + self.tail_window and clause[a] is c_last and clause[b] == c_last:'):
        "equal clause numbers are the same int object (see the cue rule's 'is')",
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'if last < a <= last + 1 + self.tail_window and clause[a] == c_last and clause[b] is c_last:'):
        "equal clause numbers are the same int object (see the cue rule's 'is')",
    ('coding/negation.py', 'core/NumberReplacer',
     'clause_start = self.break_ends[i - 1] if i else -1'):
        'cue starts are >= 0, so a clause start of -1 or 0 admits the same cues',
    ('models/selection.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'if len(scores) <= 1:'):
        "an empty frame fails at scores['k'].iloc[0] on either branch",
    ('coding/store/decision_rules.py', 'core/ReplaceBinaryOperator_BitOr_Add',
     'empty = decisions[column].isna() + (decisions[column].astype(str).str.strip() == "")'):
        '+ of two boolean Series is their logical or in pandas, as |',
    ('coding/store/decision_rules.py', 'core/ReplaceBinaryOperator_BitOr_BitXor',
     'empty = decisions[column].isna() ^ (decisions[column].astype(str).str.strip() == "")'):
        "a missing value is never also the empty string after astype(str) ('nan', '<NA>', 'None', or still missing), so xor and or agree",
    ('coding/store/decision_rules.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'empty = decisions[column].isna() | (decisions[column].astype(str).str.strip() <= "")'):
        "only '' is <= ''",
    ('coding/store/decision_rules.py', 'core/ReplaceComparisonOperator_NotEq_Lt',
     'latest = latest[latest["decision"] < RETRACT]'):
        'decisions were validated: accept, add and reject all sort before retract',
    ('models/selection.py', 'core/NumberReplacer',
     'coherence="c_npmi", topn=top_n, processes= 2)'):
        "processes is only read by gensim's own accumulator, which sliding_window_accumulator replaces (models/coherence.py)",
    ('models/selection.py', 'core/NumberReplacer',
     'coherence="c_npmi", topn=top_n, processes= 0)'):
        "processes is only read by gensim's own accumulator, which sliding_window_accumulator replaces (models/coherence.py)",
    ('models/selection.py', 'core/NumberReplacer',
     'keep = np.sort(np.random.default_rng( 1).choice(len(docs), size=size, replace=False))'):
        'the rule is a fixed sample, the same for every K: any fixed seed gives one',
    ('coding/tables.py', 'core/AddNot',
     'mine = in_group[own if not match is None else own[in_group.index]]'):
        "the same swap as 'is not None' above: pandas aligns a boolean Series key itself",
    ('coding/tables.py', 'core/NumberReplacer',
     'in_group = frame["respondents_in_group"].where(frame["respondents_in_group"] > -1)'):
        "as '>= 0': sizes are never negative and a size-0 group's 0/0 is filled with 0.0 like the masked NaN",
    ('models/selection.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'tried = f"K in {scores[\'k\'].min()}..{scores[\'k\'].max()}" if len(scores) != 1 else f"K={scores[\'k\'].iloc[0]}"'):
        '`tried` is read only when there are two or more K (the single-K sentence does not use it)',
    ('models/selection.py', 'core/ReplaceComparisonOperator_Gt_GtE',
     'tried = f"K in {scores[\'k\'].min()}..{scores[\'k\'].max()}" if len(scores) >= 1 else f"K={scores[\'k\'].iloc[0]}"'):
        '`tried` is read only when there are two or more K (the single-K sentence does not use it)',
    ('models/selection.py', 'core/NumberReplacer',
     'tried = f"K in {scores[\'k\'].min()}..{scores[\'k\'].max()}" if len(scores) > 0 else f"K={scores[\'k\'].iloc[0]}"'):
        '`tried` is read only when there are two or more K (the single-K sentence does not use it)',
    ('models/selection.py', 'core/NumberReplacer',
     'tried = f"K in {scores[\'k\'].min()}..{scores[\'k\'].max()}" if len(scores) > 1 else f"K={scores[\'k\'].iloc[ -1]}"'):
        '`tried` is read only when there are two or more K (the single-K sentence does not use it)',
    ('models/selection.py', 'core/NumberReplacer',
     'row = scores.iloc[ -1]'):
        'this branch has exactly one row: iloc[-1] is iloc[0]',
    ('models/selection.py', 'core/ReplaceComparisonOperator_Is_Eq',
     'docs = [d if type(d) == list else list(d) for d in docs]   # read only here: lists need no copy'):
        'type(d) == list is type(d) is list for classes',
    ('models/selection.py', 'core/ReplaceComparisonOperator_Is_NotEq',
     'docs = [d if type(d) != list else list(d) for d in docs]   # read only here: lists need no copy'):
        'only which documents get copied changes; the documents are only read, and a tuple is read as a list is',
    ('models/selection.py', 'core/ReplaceComparisonOperator_Is_IsNot',
     'docs = [d if type(d) is not list else list(d) for d in docs]   # read only here: lists need no copy'):
        'only which documents get copied changes; the documents are only read, and a tuple is read as a list is',
    ('models/selection.py', 'core/AddNot',
     'docs = [d if not type(d) is list else list(d) for d in docs]   # read only here: lists need no copy'):
        'only which documents get copied changes; the documents are only read, and a tuple is read as a list is',
    ('corpus/turns.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'stop = hits[i + 1].start() if i + 1 != len(hits) else len(text)'):
        'i + 1 <= len(hits): < and != agree',
    ('corpus/turns.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'while start != end and text[start].isspace():'):
        'start never passes end in this loop (it stops at end): < and != agree',
    ('corpus/turns.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'while end != start and text[end - 1].isspace():'):
        'end never goes below start in this loop: > and != agree',
    ('corpus/turns.py', 'core/ReplaceComparisonOperator_Gt_GtE',
     'while end >= start and text[end - 1].isspace():'):
        'it only runs on when start == end, i.e. an empty span, which the caller skips either way (start >= end)',
    ('corpus/turns.py', 'core/ReplaceComparisonOperator_GtE_Eq',
     'if start == end:'):
        '_strip_span never returns start > end',
    ('corpus/turns.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'strong = [not name or counts[name] != 1 for name in names]'):
        'every counted name was seen at least once: > 1 and != 1 agree',
    ('corpus/turns.py', 'core/ReplaceTrueWithFalse',
     'fixed = sorted({normalize(x) for x in m.interviewer_labels + m.respondent_labels}, key=len, reverse=False)'):
        'each alternative must be followed by the colon (a lookahead), so a shorter label cannot win where a longer one matches: the order is only speed',
    ('corpus/turns.py', 'core/ReplaceTrueWithFalse',
     'stop = sorted({normalize(x) for x in m.not_names}, key=len, reverse=False)'):
        'a negative lookahead of alternatives each followed by the colon: any order rejects the same names',
    ('corpus/turns.py', 'core/NumberReplacer',
     '@functools.lru_cache(maxsize= 65)'):
        'the cache size is speed, not behaviour',
    ('corpus/turns.py', 'core/NumberReplacer',
     '@functools.lru_cache(maxsize= 63)'):
        'the cache size is speed, not behaviour',
    ('corpus/turns.py', 'core/ReplaceComparisonOperator_Gt_IsNot',
     'while end is not start and text[end - 1].isspace():'):
        "the first loop leaves start < end only on a non-space character, so this loop stops before end reaches start; when start >= end it can overshoot, but start >= end drops the bare marker either way (brute force: 80,000 spans of random texts up to 700 characters, offsets past 256, agree)",
    ('corpus/turns.py', 'core/RemoveDecorator',
     "# Group 'label' is set by every alternative; group 'name' only by generic names, which"):
        "without the lru_cache on _compile the same pattern string is built again and re.compile's own cache returns the same compiled pattern: only speed",
    ('corpus/encoding.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'if codec >= "utf-8" and data.startswith(codecs.BOM_UTF8):'):
        "of Python's text codecs only 'utf-8' and 'utf-8-sig' are named >= 'utf-8' (all codec modules and aliases listed), and 'utf-8-sig' set to 'utf-8-sig' is itself; bytes-to-bytes codecs (zlib...) are rejected before",
    ('corpus/encoding.py', 'core/ExceptionReplacer',
     'except CosmicRayTestingException:'):
        "_in_big5_level1 (line 135) only sees characters of a Big5 reading, and every one of them encodes back (all 2-byte codes decoded and re-encoded: none fails); the same mutant in _utf16_without_bom is killed by the UTF-16-BE 'Øre' test",
    ('corpus/encoding.py', 'core/ReplaceFalseWithTrue',
     'return True'):
        "the except branch of _in_big5_level1 is never reached (every character of a Big5 reading encodes back); the other 'return False' lines of the module are killed",
    ('corpus/encoding.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'return len(code) <= 2 and 0xA1 <= code[0] <= 0xC6'):
        'the characters tested are non-ASCII, and Big5 encodes every non-ASCII character in exactly 2 bytes',
    ('corpus/encoding.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'return len(code) >= 2 and 0xA1 <= code[0] <= 0xC6'):
        'the characters tested are non-ASCII, and Big5 encodes every non-ASCII character in exactly 2 bytes',
    ('corpus/encoding.py', 'core/NumberReplacer',
     'return len(code) == 2 and 160 <= code[0] <= 0xC6'):
        "Python's Big5 has no lead byte 0xA0 (lead bytes 0xA1-0xF9, all 2-byte codes decoded)",
    ('corpus/encoding.py', 'core/NumberReplacer',
     'return sum(1 for ch in chars if common(ch)) / len(chars) if chars else 2.0'):
        'a share is only compared with >= 0.9, >= 0.5 and, for Big5, with max(0.9, the GB18030 share) after that share fell below 0.9: 2.0 and 1.0 pass every one',
    ('corpus/encoding.py', 'core/NumberReplacer',
     'sample = data[: 8193]'):
        'the sample is cut to an even length next: 8193 // 2 * 2 is 8192',
    ('corpus/encoding.py', 'core/NumberReplacer',
     'if len(sample) < 7:'):
        'the sample has an even length here, and no even number lies between 7 and 8',
    ('corpus/encoding.py', 'core/NumberReplacer',
     'readable = sum(ch.isprintable() or ch.isspace() for ch in text) / len(text) if text else 1.0'):
        'a sample of 8 bytes or more decodes to at least 2 characters: text is never empty',
    ('corpus/encoding.py', 'core/NumberReplacer',
     'readable = sum(ch.isprintable() or ch.isspace() for ch in text) / len(text) if text else -1.0'):
        'a sample of 8 bytes or more decodes to at least 2 characters: text is never empty',
    ('models/selection.py', 'core/ReplaceComparisonOperator_Is_Eq',
     'docs = [d if type(d) == list else list(d) for d in docs]'):
        "type objects compare by identity (type defines no __eq__ of its own): == is 'is' here",
    ('models/selection.py', 'core/NumberReplacer',
     'scorable = [i for i, t in enumerate(topics) if len(t) >= 1]'):
        "gensim's c_npmi of a one-term topic has no word pairs: the mean over none is NaN (checked), which is stored as NaN, the value a topic left out keeps",
    ('corpus/encoding.py', 'core/ReplaceBinaryOperator_BitOr_BitXor',
     '_CONTROL = set(range(0x00, 0x09)) ^ {0x0B} | set(range(0x0E, 0x1A)) | set(range(0x1C, 0x20))'):
        'the four ranges are disjoint: ^ of disjoint sets is their union',
    ('corpus/encoding.py', 'core/ReplaceBinaryOperator_BitOr_BitXor',
     '_CONTROL = set(range(0x00, 0x09)) | {0x0B} ^ set(range(0x0E, 0x1A)) | set(range(0x1C, 0x20))'):
        'the four ranges are disjoint: ^ of disjoint sets is their union',
    ('corpus/encoding.py', 'core/ReplaceBinaryOperator_BitOr_BitXor',
     '_CONTROL = set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x1A)) ^ set(range(0x1C, 0x20))'):
        'the four ranges are disjoint: ^ of disjoint sets is their union',
    ('corpus/encoding.py', 'core/NumberReplacer',
     '_CONTROL = set(range( 1, 0x09)) | {0x0B} | set(range(0x0E, 0x1A)) | set(range(0x1C, 0x20))'):
        '0x00 never reaches the count: a NUL returns True before it',
    ('corpus/encoding.py', 'core/NumberReplacer',
     '_CONTROL = set(range( -1, 0x09)) | {0x0B} | set(range(0x0E, 0x1A)) | set(range(0x1C, 0x20))'):
        '-1 is no byte, and 0x00 never reaches the count',
    ('corpus/encoding.py', 'core/ReplaceBinaryOperator_FloorDiv_Div',
     'return controls > max(2, len(sample) / 100)'):
        'controls is an int: c > n // 100 exactly when c > n / 100',

    # coding/rules.py (2026-12-02 run and retests)
    ('coding/rules.py', 'core/ReplaceBinaryOperator_Sub_Add',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) + 1))'):
        'bisect_right returns 0..len(starts), so bisect_right - 1 is at most len(starts) - 1: a cap of len(starts) - 1 or more never binds (a float cap loses to the smaller int in min)',
    ('coding/rules.py', 'core/ReplaceBinaryOperator_Sub_Mul',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) * 1))'):
        'bisect_right returns 0..len(starts), so bisect_right - 1 is at most len(starts) - 1: a cap of len(starts) - 1 or more never binds (a float cap loses to the smaller int in min)',
    ('coding/rules.py', 'core/ReplaceBinaryOperator_Sub_Div',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) / 1))'):
        'bisect_right returns 0..len(starts), so bisect_right - 1 is at most len(starts) - 1: a cap of len(starts) - 1 or more never binds (a float cap loses to the smaller int in min)',
    ('coding/rules.py', 'core/ReplaceBinaryOperator_Sub_FloorDiv',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) // 1))'):
        'bisect_right returns 0..len(starts), so bisect_right - 1 is at most len(starts) - 1: a cap of len(starts) - 1 or more never binds (a float cap loses to the smaller int in min)',
    ('coding/rules.py', 'core/ReplaceBinaryOperator_Sub_Pow',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) ** 1))'):
        'bisect_right returns 0..len(starts), so bisect_right - 1 is at most len(starts) - 1: a cap of len(starts) - 1 or more never binds (a float cap loses to the smaller int in min)',
    ('coding/rules.py', 'core/ReplaceBinaryOperator_Sub_LShift',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) << 1))'):
        'bisect_right returns 0..len(starts), so bisect_right - 1 is at most len(starts) - 1: a cap of len(starts) - 1 or more never binds (a float cap loses to the smaller int in min)',
    ('coding/rules.py', 'core/ReplaceBinaryOperator_Sub_BitOr',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) | 1))'):
        'bisect_right returns 0..len(starts), so bisect_right - 1 is at most len(starts) - 1: a cap of len(starts) - 1 or more never binds (a float cap loses to the smaller int in min)',
    ('coding/rules.py', 'core/ReplaceBinaryOperator_Sub_BitXor',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) ^ 1))'):
        'len ^ 1 is len + 1 or len - 1, never below len(starts) - 1: bisect_right returns 0..len(starts), so bisect_right - 1 is at most len(starts) - 1: a cap of len(starts) - 1 or more never binds (a float cap loses to the smaller int in min)',
    ('coding/rules.py', 'core/NumberReplacer',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) - 0))'):
        'bisect_right returns 0..len(starts), so bisect_right - 1 is at most len(starts) - 1: a cap of len(starts) - 1 or more never binds (a float cap loses to the smaller int in min)',
    ('coding/rules.py', 'core/NumberReplacer',
     'first = max(0, min(bisect_right(starts, start) - 1, len(starts) - 2))'):
        "the cap binds only for a hit starting in the last token; then ends[len - 2] <= start and the next line moves first on to len - 1, the original's value",
    ('coding/rules.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'if ends[first] <= start and first + 1 != len(starts):'):
        'first <= len(starts) - 1, so first + 1 < len and first + 1 != len agree',
    ('coding/rules.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'while low[end - 1].isascii() and low[end - 1].isalpha() and end != len(low) \\'):
        'end starts at most len(low) and grows by one only while the condition holds: it never passes len(low), so < and != agree',
    ('coding/rules.py', 'core/NumberReplacer',
     'hits[i] = [h if h[ 4] else (*h[:4], *_token_span(starts, ends, h[0], h[1])) for h in found]'):
        "pattern hits (h[4] == 0) are recomputed as before; a keyword hit whose first token is 0 is recomputed too, and its offsets are its tokens' own start and end, which give back the same tokens",
    ('coding/rules.py', 'core/NumberReplacer',
     'starts = np.cumsum([ -1] + [len(texts[i]) + 1 for i in zh[:-1]])'):
        'every start one to the left: a match ending in answer k ends at or after start_k > start_k - 1 and at least two before start_k+1 (the NUL between answers), so searchsorted still names answer k',
    ('coding/rules.py', 'core/ReplaceComparisonOperator_NotEq_Lt',
     'if len(norm) < len(text):   # offsets would silently point at the wrong characters'):
        'corpus.normalize.normalize maps one character to one character (its own tests): the lengths are always equal and the guard is never reached',
    ('coding/rules.py', 'core/ReplaceComparisonOperator_NotEq_Gt',
     'if len(norm) > len(text):   # offsets would silently point at the wrong characters'):
        'corpus.normalize.normalize maps one character to one character (its own tests): the lengths are always equal and the guard is never reached',
    ('coding/rules.py', 'core/ReplaceComparisonOperator_NotEq_Lt',
     'if len(simple) < len(text):'):
        'corpus.hanzi.to_simplified maps one character to one character (its own tests): the guard is never reached',
    ('coding/rules.py', 'core/ReplaceComparisonOperator_NotEq_Gt',
     'if len(simple) > len(text):'):
        'corpus.hanzi.to_simplified maps one character to one character (its own tests): the guard is never reached',
    ('coding/rules.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'if lang >= "zh":'):
        "lang is 'zh' or 'en' here (anything else was replaced by detect_lang above): 'en' >= 'zh' is False, as 'en' == 'zh' is",
    ('coding/rules.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'hits, excluded, negated = self._zh_hits(norm) if lang >= "zh" else self._en_hits(norm)'):
        "lang is 'zh' or 'en' here: 'en' >= 'zh' is False, as 'en' == 'zh' is",
    ('coding/rules.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'if found and self.proposal is not None and self._kinds[i] is "recommendation":'):
        "Code.kind is a pydantic Literal (CodeKind): validation returns the Literal's own str object, the same interned constant as this literal, so 'is' is '=='",
    ('coding/rules.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'if len(found) != 1:   # overlapping hits count once: leftmost, then longest, keyword first'):
        'found is never empty here (returned above), and one hit comes through the overlap pass unchanged',
    ('coding/rules.py', 'core/ReplaceComparisonOperator_Gt_GtE',
     'if len(found) >= 1:   # overlapping hits count once: leftmost, then longest, keyword first'):
        'found is never empty here (returned above), and one hit comes through the overlap pass unchanged',
    ('coding/rules.py', 'core/NumberReplacer',
     'if len(found) > 0:   # overlapping hits count once: leftmost, then longest, keyword first'):
        'found is never empty here (returned above), and one hit comes through the overlap pass unchanged',
    ('coding/rules.py', 'core/ReplaceFalseWithTrue',
     'return True'):
        "clauses() cuts the whole text from 0 to its length without gaps (and the fallback is the whole text), so every hit starts in some clause and _not_proposed's last line is never reached",
    ('coding/rules.py', 'core/ReplaceContinueWithBreak',
     'break'):
        'all payloads of one automaton key share that key, so the word-start test that skips one payload skips them all: stopping the loop skips the same',
    ('coding/rules.py', 'core/NumberReplacer',
     'return self._code("", 1, text, lang)[1]'):
        'vetoed returns code ids; the offset only moves the start and end of the applications it drops',
    ('coding/rules.py', 'core/NumberReplacer',
     'return self._code("", -1, text, lang)[1]'):
        'vetoed returns code ids; the offset only moves the start and end of the applications it drops',
    ('coding/rules.py', 'core/NumberReplacer',
     'score = round(min(1.0, base + EXTRA_HIT_BONUS * (len(kept) - 1)), 5)'):
        'scores are 0.8 or 0.9 plus multiples of 0.05, capped at 1.0: rounding to 3, 4 or 5 digits gives the same float',
    ('coding/rules.py', 'core/NumberReplacer',
     'score = round(min(1.0, base + EXTRA_HIT_BONUS * (len(kept) - 1)), 3)'):
        'scores are 0.8 or 0.9 plus multiples of 0.05, capped at 1.0: rounding to 3, 4 or 5 digits gives the same float',
    ('coding/rules.py', 'core/NumberReplacer',
     'for hit in sorted(found, key=lambda h: (h[0], h[0] - h[1], not h[ 4])):'):
        'keyword hits are appended before pattern hits in both languages and sorted() is stable, so the keyword-first tie-break never decides: a keyword and a pattern hit with one span share their first token (0 in Chinese), and the stable order keeps the keyword first',
    ('coding/rules.py', 'core/NumberReplacer',
     'for hit in sorted(found, key=lambda h: (h[0], h[0] - h[1], not h[ 2])):'):
        'h[2] is a non-empty str (not h[2] is always False), and keyword hits are appended before pattern hits: the stable sort keeps the keyword first, as the tie-break would',
    ('coding/rules.py', 'core/NumberReplacer',
     'hits.setdefault(i, []).append((start, end, term, True, 1, 0))'):
        "a Chinese hit's token fields are never read: Chinese negation takes character offsets (h[0], h[1]), scoring h[0..3]",
    ('coding/rules.py', 'core/NumberReplacer',
     'hits.setdefault(i, []).append((start, end, term, True, -1, 0))'):
        "a Chinese hit's token fields are never read: Chinese negation takes character offsets (h[0], h[1]), scoring h[0..3]",
    ('coding/rules.py', 'core/NumberReplacer',
     'hits.setdefault(i, []).append((start, end, term, True, 0, 1))'):
        "a Chinese hit's token fields are never read: Chinese negation takes character offsets (h[0], h[1]), scoring h[0..3]",
    ('coding/rules.py', 'core/NumberReplacer',
     'hits.setdefault(i, []).append((start, end, term, True, 0, -1))'):
        "a Chinese hit's token fields are never read: Chinese negation takes character offsets (h[0], h[1]), scoring h[0..3]",
    ('coding/rules.py', 'core/NumberReplacer',
     '(cue, h[1], f"not {h[2]}", False, h[ 5], h[5]))'):
        'a flipped hit joins the opposite code after negation has run; only its start, end, text and is-keyword (h[0..3]) are read',
    ('coding/rules.py', 'core/NumberReplacer',
     '(cue, h[1], f"not {h[2]}", False, h[ 3], h[5]))'):
        'a flipped hit joins the opposite code after negation has run; only its start, end, text and is-keyword (h[0..3]) are read',
    ('coding/rules.py', 'core/NumberReplacer',
     '(cue, h[1], f"not {h[2]}", False, h[4], h[ 4]))'):
        'a flipped hit joins the opposite code after negation has run; only its start, end, text and is-keyword (h[0..3]) are read',
    # coding/links.py (2026-12-02)
    ('coding/links.py', 'core/ReplaceBinaryOperator_Add_Mul',
     'for b in codes[x * 1:]:'):
        'the slice starts at or before x + 1, so every original pair is read, plus a code with itself (never a link pair: pair_type gives None) or a pair the other way round (pair_type puts it in codebook order: the same row, which the final drop_duplicates removes)',
    ('coding/links.py', 'core/ReplaceBinaryOperator_Add_FloorDiv',
     'for b in codes[x // 1:]:'):
        'the slice starts at or before x + 1, so every original pair is read, plus a code with itself (never a link pair: pair_type gives None) or a pair the other way round (pair_type puts it in codebook order: the same row, which the final drop_duplicates removes)',
    ('coding/links.py', 'core/ReplaceBinaryOperator_Add_Pow',
     'for b in codes[x ** 1:]:'):
        'the slice starts at or before x + 1, so every original pair is read, plus a code with itself (never a link pair: pair_type gives None) or a pair the other way round (pair_type puts it in codebook order: the same row, which the final drop_duplicates removes)',
    ('coding/links.py', 'core/ReplaceBinaryOperator_Add_Mod',
     'for b in codes[x % 1:]:'):
        'the slice starts at or before x + 1, so every original pair is read, plus a code with itself (never a link pair: pair_type gives None) or a pair the other way round (pair_type puts it in codebook order: the same row, which the final drop_duplicates removes)',
    ('coding/links.py', 'core/ReplaceBinaryOperator_Add_RShift',
     'for b in codes[x >> 1:]:'):
        'the slice starts at or before x + 1, so every original pair is read, plus a code with itself (never a link pair: pair_type gives None) or a pair the other way round (pair_type puts it in codebook order: the same row, which the final drop_duplicates removes)',
    ('coding/links.py', 'core/ReplaceBinaryOperator_Add_BitOr',
     'for b in codes[x | 1:]:'):
        'the slice starts at or before x + 1, so every original pair is read, plus a code with itself (never a link pair: pair_type gives None) or a pair the other way round (pair_type puts it in codebook order: the same row, which the final drop_duplicates removes)',
    ('coding/links.py', 'core/ReplaceBinaryOperator_Add_BitAnd',
     'for b in codes[x & 1:]:'):
        'the slice starts at or before x + 1, so every original pair is read, plus a code with itself (never a link pair: pair_type gives None) or a pair the other way round (pair_type puts it in codebook order: the same row, which the final drop_duplicates removes)',
    ('coding/links.py', 'core/ReplaceBinaryOperator_Add_BitXor',
     'for b in codes[x ^ 1:]:'):
        'the slice starts at or before x + 1, so every original pair is read, plus a code with itself (never a link pair: pair_type gives None) or a pair the other way round (pair_type puts it in codebook order: the same row, which the final drop_duplicates removes)',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     '"respondents_base": base, "lift": round(lift, 4) if lift <= lift else lift,'):
        'for a float, x <= x and x >= x are False exactly when x is NaN, as x == x is',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     '"p_value": round(p_value, 6) if p_value <= p_value else p_value,'):
        'for a float, x <= x and x >= x are False exactly when x is NaN, as x == x is',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'p = p_value if p_value <= p_value else 1.0'):
        'for a float, x <= x and x >= x are False exactly when x is NaN, as x == x is',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'and lift <= lift and lift >= thresholds.min_lift and p_value <= thresholds.max_p_value)'):
        'for a float, x <= x and x >= x are False exactly when x is NaN, as x == x is',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     '"respondents_base": base, "lift": round(lift, 4) if lift >= lift else lift,'):
        'for a float, x <= x and x >= x are False exactly when x is NaN, as x == x is',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     '"p_value": round(p_value, 6) if p_value >= p_value else p_value,'):
        'for a float, x <= x and x >= x are False exactly when x is NaN, as x == x is',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'p = p_value if p_value >= p_value else 1.0'):
        'for a float, x <= x and x >= x are False exactly when x is NaN, as x == x is',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'and lift >= lift and lift >= thresholds.min_lift and p_value <= thresholds.max_p_value)'):
        'for a float, x <= x and x >= x are False exactly when x is NaN, as x == x is',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'while j < len(ids) and j - i <= MAX_TURN_SPAN and docs[j] <= doc_id and turns[j] == turns[i]:'):
        "the segments are sorted by doc_id first, so a later segment's doc_id is never below this one's: <= means ==",
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     '"scope": "adjacent" if j <= i + 1 else "turn",'):
        'j starts at i + 1 and only grows: j <= i + 1 means j == i + 1',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'joiner = "" if str(langs[i]) >= "zh" else " "'):
        "a segment's lang is 'zh' or 'en' (corpus.lang.detect_lang; the segments table contract): 'en' >= 'zh' is False as 'en' == 'zh' is",
    ('coding/links.py', 'core/ReplaceUnaryOperator_Invert_USub',
     'return segments[-flag]'):
        'pandas negates a boolean Series as its inverse: -flag is ~flag',
    ('coding/links.py', 'core/NumberReplacer',
     'table = [[both, n_a - both], [n_b - both, max(base - n_a - n_b + both, -1)]]'):
        "the people coding either side are respondents of the codable segments the base counts (the same str ids), so base - n_a - n_b + both = base - |A or B| is never negative: max(x, -1) is max(x, 0)",
    ('coding/links.py', 'core/ReplaceTrueWithFalse',
     'seg = seg.sort_values(["doc_id", "position"], kind="stable").reset_index(drop=False)'):
        "the kept old index becomes a column 'index' of a working copy that is only read by column name",
    ('coding/links.py', 'core/ReplaceFalseWithTrue',
     'by_pair = {key: grp for key, grp in sentences.groupby(["from_id", "to_id"], sort=True)}'):
        'the groups go into a dict looked up by key: their order is never seen',
    ('coding/links.py', 'core/NumberReplacer',
     'p = p_value if p_value == p_value else 2.0'):
        'a missing p is only compared with 0.01, 0.05 and 0.1: 1.0 and 2.0 fail every one',
    ('coding/links.py', 'core/NumberReplacer',
     'said = connective_sentences or -1'):
        'a missing count is only compared with said >= 1: 0 and -1 both fail it',
    ('coding/links.py', 'core/NumberReplacer',
     'for b in codes[x + 0:]:'):
        'the slice starts at or before x + 1, so every original pair is read, plus a code with itself (never a link pair: pair_type gives None)',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'p = p_value if p_value is p_value else 1.0'):
        'a NaN p kept as NaN fails p <= 0.01, 0.05 and 0.1 as 1.0 does',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'and lift is lift and lift >= thresholds.min_lift and p_value <= thresholds.max_p_value)'):
        'a NaN lift let through fails lift >= min_lift anyway',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_Is',
     '"respondents_base": base, "lift": round(lift, 4) if lift is lift else lift,'):
        'round(nan, 4) is nan: rounding a NaN lift changes nothing',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Eq_Is',
     '"p_value": round(p_value, 6) if p_value is p_value else p_value,'):
        'round(nan, 6) is nan: rounding a NaN p changes nothing',
    ('coding/links.py', 'core/ReplaceComparisonOperator_NotEq_IsNot',
     'found = pair_type(a, b) if a is not b else None'):
        'a code is never paired with itself (link_pairs pairs different kinds): pair_type(a, a) is None either way',
    ('coding/links.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'while j != len(ids) and j - i <= MAX_TURN_SPAN and docs[j] == doc_id and turns[j] == turns[i]:'):
        'j starts at i + 1 <= len(ids) and grows by one: it never passes len(ids), so < and != agree',
    # coding/review/agreement.py (2026-12-02)
    ('coding/review/agreement.py', 'core/ReplaceBinaryOperator_BitAnd_Add',
     'differs |= filled + (disagreements[coder].isin(PRESENT) != (disagreements[model] == "accept"))'):
        'every row left here has a coder who differs from the model (agreement_tables keeps only units whose values vary, and the model has a value on each): differs is True on every row, and this mutant only lets more terms be True',
    ('coding/review/agreement.py', 'core/ReplaceBinaryOperator_BitAnd_BitOr',
     'differs |= filled | (disagreements[coder].isin(PRESENT) != (disagreements[model] == "accept"))'):
        'every row left here has a coder who differs from the model (agreement_tables keeps only units whose values vary, and the model has a value on each): differs is True on every row, and this mutant only lets more terms be True',
    ('coding/review/agreement.py', 'core/ReplaceBinaryOperator_BitAnd_Mul',
     'differs |= filled * (disagreements[coder].isin(PRESENT) != (disagreements[model] == "accept"))'):
        'the product of two boolean Series is their logical and',
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_NotEq_GtE',
     'filled = disagreements[coder] >= ""'):
        'every row left here has a coder who differs from the model (agreement_tables keeps only units whose values vary, and the model has a value on each): differs is True on every row, and this mutant only lets more terms be True',
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_NotEq_IsNot',
     'filled = disagreements[coder] is not ""'):
        "every row left here has a coder who differs from the model (agreement_tables keeps only units whose values vary, and the model has a value on each): differs is True on every row, and this mutant only lets more terms be True (a Series is not '': filled is True)",
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_NotEq_Gt',
     'filled = disagreements[coder] > ""'):
        "a str is > '' exactly when it is not ''",
    ('coding/review/agreement.py', 'core/ReplaceFalseWithTrue',
     'differs = pd.Series(True, index=disagreements.index)'):
        'every row left here has a coder who differs from the model (agreement_tables keeps only units whose values vary, and the model has a value on each): differs is True on every row, and this mutant only lets more terms be True',
    ('coding/review/agreement.py', 'core/ReplaceBinaryOperator_BitAnd_Mul',
     'latest = latest[latest["segment_id"].isin(scored) * latest["code_id"].isin(set(machine["code_id"]))]'):
        'the product of two boolean Series is their logical and',
    ('coding/review/agreement.py', 'core/ReplaceBinaryOperator_BitAnd_Mul',
     'said.loc[seen * said[coder].isna(), coder] = "absent (not marked)"'):
        'the product of two boolean arrays is their logical and',
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'out["percent_agreement"] = float((pairable.nunique(axis=1) <= 1).mean())'):
        'a pairable unit has at least two values, so nunique >= 1: <= 1 means == 1',
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'out = {"units": len(pairable), "present": int((pairable >= 1).sum().sum()),'):
        'values are 0, 1 or NaN: >= 1 means == 1',
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'if values.shape[1] <= 2:'):
        "_rows gets two or more coders (the coders' rows need two humans; a machine comparison has two columns): <= 2 means == 2",
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'return [r for r in rows if r["units"] > 0 or r["code_id"] is OVERALL]'):
        'the overall row is built with this very OVERALL object',
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'return [r for r in rows if r["units"] != 0 or r["code_id"] == OVERALL]'):
        'a count of units is never negative',
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'if len(both) and len(set(a) | set(b)) != 1:'):
        'both is not empty here, so the set of values has at least one: != 1 means > 1',
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_NotEq_Gt',
     'agreement = result.agreement[result.agreement["comparison"] > COMPARISON_CODERS].reset_index(drop=True)'):
        "every other comparison is '<model:...> vs <coder>', and 'model:' sorts after 'coders'",
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_NotEq_Gt',
     'disagreements = disagreements[disagreements[model] > ""]'):
        "a str is > '' exactly when it is not ''",
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_NotEq_GtE',
     'disagreements = disagreements[disagreements[model] >= ""]'):
        "model_decisions gives the model a decision on every unit left (scored segment, known code): its column is never ''",
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'differs |= filled & (disagreements[coder].isin(PRESENT) != (disagreements[model] <= "accept"))'):
        "the model's column holds only 'accept' or 'reject' (it decides every unit left, so implicit absence never fills it; '' rows are dropped above), and 'reject' <= 'accept' is False (brute force: 600 random decision tables of 1-3 coders, 1-6 segments, 1-3 codes, with and without implicit absence, agree)",
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_NotEq_IsNot',
     'differs |= filled & (disagreements[coder].isin(PRESENT) is not (disagreements[model] == "accept"))'):
        "every unit listed varies among the coders and the model, and the model's value is set: with 0/1 values some filled coder differs from the model, so differs is True on every row either way (brute force: 600 random decision tables of 1-3 coders, 1-6 segments, 1-3 codes, with and without implicit absence, agree)",
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_Gt_GtE',
     'if len(both) and len(set(a) | set(b)) >= 1:'):
        "with one value throughout Cohen's kappa is 0/0: sklearn returns NaN (its warning silenced), the value left without the call (brute force: 600 random decision tables of 1-3 coders, 1-6 segments, 1-3 codes, with and without implicit absence, agree)",
    ('coding/review/agreement.py', 'core/NumberReplacer',
     'if len(both) and len(set(a) | set(b)) > 0:'):
        "as '>= 1': with one value throughout kappa is NaN, the value left without the call (brute force: 600 random decision tables of 1-3 coders, 1-6 segments, 1-3 codes, with and without implicit absence, agree)",
    ('coding/review/agreement.py', 'core/ReplaceAndWithOr',
     'if len(both) or len(set(a) | set(b)) > 1:'):
        "with no unit both decided the sets are empty (False either way); with units and one value kappa is NaN, the value left without the call (brute force: 600 random decision tables of 1-3 coders, 1-6 segments, 1-3 codes, with and without implicit absence, agree)",
    ('coding/review/agreement.py', 'core/ReplaceTrueWithFalse',
     'machine[["segment_id", "code_id", "coder", "decision"]]], ignore_index=False)'):
        "agreement_tables reads the rows through latest_per_coder, which drops the index first (reset_index(drop=True)) (brute force: 600 random decision tables of 1-3 coders, 1-6 segments, 1-3 codes, with and without implicit absence, agree)",
    ('outputs/refi/positions.py', 'core/ReplaceComparisonOperator_Eq_Lt',
     'best = max(RULES, key=lambda r: (evidence(r), r < (expected or "codepoints")))'):
        "the second key only decides a tie when no rule is expected: with one, the next line returns it on a tie and a strictly better rule wins on evidence alone; without one the preferred rule is 'codepoints', RULES[0], which max() returns first on a tie anyway, and this key never prefers 'utf16' on a tie (both False)",
    ('outputs/refi/positions.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'best = max(RULES, key=lambda r: (evidence(r), r <= (expected or "codepoints")))'):
        "the second key only decides a tie when no rule is expected: with one, the next line returns it on a tie and a strictly better rule wins on evidence alone; without one the preferred rule is 'codepoints', RULES[0], which max() returns first on a tie anyway, and this key never prefers 'utf16' on a tie ('codepoints' <= 'codepoints', 'utf16' is not)",
    ('outputs/refi/positions.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'best = max(RULES, key=lambda r: (evidence(r), r >= (expected or "codepoints")))'):
        "the second key only decides a tie when no rule is expected: with one, the next line returns it on a tie and a strictly better rule wins on evidence alone; without one the preferred rule is 'codepoints', RULES[0], which max() returns first on a tie anyway, and this key never prefers 'utf16' on a tie (both True)",
    ('outputs/refi/positions.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'best = max(RULES, key=lambda r: (evidence(r), r is (expected or "codepoints")))'):
        "the second key only decides a tie when no rule is expected: with one, the next line returns it on a tie and a strictly better rule wins on evidence alone; without one the preferred rule is 'codepoints', RULES[0], which max() returns first on a tie anyway, and this key never prefers 'utf16' on a tie (True for 'codepoints' if the constants are one object, else False for both)",
    ('outputs/refi/positions.py', 'core/ReplaceOrWithAnd',
     'best = max(RULES, key=lambda r: (evidence(r), r == (expected and "codepoints")))'):
        "the second key only decides a tie when no rule is expected: with one, the next line returns it on a tie and a strictly better rule wins on evidence alone; without one the preferred rule is 'codepoints', RULES[0], which max() returns first on a tie anyway, and this key never prefers 'utf16' on a tie (expected is None there, so both compare with None: False)",
    ('outputs/refi/positions.py', 'core/ReplaceComparisonOperator_GtE_Eq',
     'if expected and evidence(expected) == evidence(best):'):
        'best maximises the evidence over RULES, expected among them: evidence(expected) <= evidence(best), so >= holds exactly when ==',
    ('outputs/refi/positions.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'astral = [m.start() for m in _ASTRAL.finditer(text)] if rule >= "utf16" and not text.isascii() else []'):
        "__init__ refuses any rule outside RULES first; of 'codepoints' and 'utf16' only 'utf16' is >= 'utf16'",
    ('outputs/refi/positions.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'if at != len(self._unit_starts) and self._unit_starts[at] == units - 1:'):
        'bisect_left returns 0..len(list): at < len and at != len agree',
    ('corpus/sentences.py', 'core/ReplaceBinaryOperator_Add_Mul',
     'piece_start = i * 1'):
        'text[i] is the newline just cut at: a piece starting at i or i + 1 is the same once _strip drops the leading whitespace (i | 1 is i or i + 1)',
    ('corpus/sentences.py', 'core/ReplaceBinaryOperator_Add_FloorDiv',
     'piece_start = i // 1'):
        'text[i] is the newline just cut at: a piece starting at i or i + 1 is the same once _strip drops the leading whitespace (i | 1 is i or i + 1)',
    ('corpus/sentences.py', 'core/ReplaceBinaryOperator_Add_Pow',
     'piece_start = i ** 1'):
        'text[i] is the newline just cut at: a piece starting at i or i + 1 is the same once _strip drops the leading whitespace (i | 1 is i or i + 1)',
    ('corpus/sentences.py', 'core/ReplaceBinaryOperator_Add_BitOr',
     'piece_start = i | 1'):
        'text[i] is the newline just cut at: a piece starting at i or i + 1 is the same once _strip drops the leading whitespace (i | 1 is i or i + 1)',
    ('corpus/sentences.py', 'core/ReplaceBinaryOperator_Sub_Add',
     'if e + s > max_chars:'):
        "for a stripped piece that fits, _cap returns [(s, e)] itself (its loop does not run): the branch only decides who builds the same span, and the mutant still calls _cap whenever e - s > max_chars (e + s, e << s, e | s, e ^ s are all >= e - s for 0 <= s <= e; !=, >=, 'is not' hold whenever > does)",
    ('corpus/sentences.py', 'core/ReplaceBinaryOperator_Sub_LShift',
     'if e << s > max_chars:'):
        "for a stripped piece that fits, _cap returns [(s, e)] itself (its loop does not run): the branch only decides who builds the same span, and the mutant still calls _cap whenever e - s > max_chars (e + s, e << s, e | s, e ^ s are all >= e - s for 0 <= s <= e; !=, >=, 'is not' hold whenever > does)",
    ('corpus/sentences.py', 'core/ReplaceBinaryOperator_Sub_BitOr',
     'if e | s > max_chars:'):
        "for a stripped piece that fits, _cap returns [(s, e)] itself (its loop does not run): the branch only decides who builds the same span, and the mutant still calls _cap whenever e - s > max_chars (e + s, e << s, e | s, e ^ s are all >= e - s for 0 <= s <= e; !=, >=, 'is not' hold whenever > does)",
    ('corpus/sentences.py', 'core/ReplaceBinaryOperator_Sub_BitXor',
     'if e ^ s > max_chars:'):
        "for a stripped piece that fits, _cap returns [(s, e)] itself (its loop does not run): the branch only decides who builds the same span, and the mutant still calls _cap whenever e - s > max_chars (e + s, e << s, e | s, e ^ s are all >= e - s for 0 <= s <= e; !=, >=, 'is not' hold whenever > does)",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'if ch <= "\\n":'):
        "the break candidates are the newline and marks above it ('!' and up): only the newline is <= it",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'if len(word) <= 1 and word.isupper() and word.isascii():'):
        'word is not empty here (returned above): len <= 1 is len == 1',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'if ch is "\\n":'):
        "indexing a str gives CPython's one shared object for a character below U+0100, the same object as the one-character literal: 'is' is '=='",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'if ch is ";":'):
        "indexing a str gives CPython's one shared object for a character below U+0100, the same object as the one-character literal: 'is' is '=='",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'if (i > start and text[i - 1] is ".") or (i + 1 < len(text) and text[i + 1] == "."):'):
        "indexing a str gives CPython's one shared object for a character below U+0100, the same object as the one-character literal: 'is' is '=='",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'if (i > start and text[i - 1] == ".") or (i + 1 < len(text) and text[i + 1] is "."):'):
        "indexing a str gives CPython's one shared object for a character below U+0100, the same object as the one-character literal: 'is' is '=='",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'while k > start and (text[k - 1].isalpha() or text[k - 1] is "."):'):
        "indexing a str gives CPython's one shared object for a character below U+0100, the same object as the one-character literal: 'is' is '=='",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'return (prev.isascii() and (prev.isalnum() or prev is ",")) and nxt.isascii() and nxt.islower()'):
        "indexing a str gives CPython's one shared object for a character below U+0100, the same object as the one-character literal: 'is' is '=='",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'if s != e and _WORD.search(text, s, e):'):
        '_strip returns s <= e, and when s == e the empty range holds no word character (_WORD.search is None): the condition is False either way',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'if s != e and e - s <= max_chars and _WORD.search(text, s, e):'):
        '_strip returns s <= e, and when s == e the empty range holds no word character (_WORD.search is None): the condition is False either way',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'while i != end:'):
        'i never passes end (a match start < end, one past it, or a run end / cut <= end), and at i == end the search of the empty range finds nothing and breaks, as the loop test would',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'while j != end and text[j] in _ZH_ENDS + _LATIN_ENDS + ".":'):
        'j starts at i + 1 <= end and steps by one only while below end: it never passes end',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'while j != end and text[j] in _CLOSERS:'):
        'j starts at i + 1 <= end and steps by one only while below end: it never passes end',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'if (i > start and text[i - 1] == ".") or (i + 1 != len(text) and text[i + 1] == "."):'):
        'i < len(text), so i + 1 <= len(text): != is <',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'while s != e and text[s].isspace():'):
        's <= e on entry and s stops at e: != is <',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'if a != b:'):
        'a < b always: text[s] is never whitespace (s comes from _strip with text left) and cut >= 1, so _strip(s, s + cut) keeps a = s and b > s; the test is always True',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'if s != e:'):
        's < e always after the loop: e ends a stripped piece (text[e - 1] not whitespace) and every cut leaves s + cut < e (cut <= max_chars < e - s), so _strip stops before e; the test is always True',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_LtE',
     'if s <= e and _WORD.search(text, s, e):'):
        '_strip returns s <= e, and when s == e the empty range holds no word character (_WORD.search is None): the condition is False either way',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_LtE',
     'if s <= e and e - s <= max_chars and _WORD.search(text, s, e):'):
        '_strip returns s <= e, and when s == e the empty range holds no word character (_WORD.search is None): the condition is False either way',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_LtE',
     'while i <= end:'):
        'i never passes end (a match start < end, one past it, or a run end / cut <= end), and at i == end the search of the empty range finds nothing and breaks, as the loop test would',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_LtE',
     'if a <= b:'):
        'a < b always: text[s] is never whitespace (s comes from _strip with text left) and cut >= 1, so _strip(s, s + cut) keeps a = s and b > s; the test is always True',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_LtE',
     'if s <= e:'):
        's < e always after the loop: e ends a stripped piece (text[e - 1] not whitespace) and every cut leaves s + cut < e (cut <= max_chars < e - s), so _strip stops before e; the test is always True',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_IsNot',
     'if s is not e and _WORD.search(text, s, e):'):
        '_strip returns s <= e, and when s == e the empty range holds no word character (_WORD.search is None): the condition is False either way',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_IsNot',
     'if s is not e and e - s <= max_chars and _WORD.search(text, s, e):'):
        '_strip returns s <= e, and when s == e the empty range holds no word character (_WORD.search is None): the condition is False either way',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_IsNot',
     'while i is not end:'):
        'i never passes end (a match start < end, one past it, or a run end / cut <= end), and at i == end the search of the empty range finds nothing and breaks, as the loop test would',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_IsNot',
     'if a is not b:'):
        'a < b always: text[s] is never whitespace (s comes from _strip with text left) and cut >= 1, so _strip(s, s + cut) keeps a = s and b > s; the test is always True',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Lt_IsNot',
     'if s is not e:'):
        's < e always after the loop: e ends a stripped piece (text[e - 1] not whitespace) and every cut leaves s + cut < e (cut <= max_chars < e - s), so _strip stops before e; the test is always True',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'if e - s != max_chars:'):
        "for a stripped piece that fits, _cap returns [(s, e)] itself (its loop does not run): the branch only decides who builds the same span, and the mutant still calls _cap whenever e - s > max_chars (e + s, e << s, e | s, e ^ s are all >= e - s for 0 <= s <= e; !=, >=, 'is not' hold whenever > does)",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'if i != start and is_cjk(text[i - 1]):'):
        'i is never below start (it is found at or after it): != is >',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'return i != start and is_cjk(text[i - 1])'):
        'i is never below start (it is found at or after it): != is >',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'if (i != start and text[i - 1] == ".") or (i + 1 < len(text) and text[i + 1] == "."):'):
        'i is never below start: != is >',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'while k != start and (text[k - 1].isalpha() or text[k - 1] == "."):'):
        'k starts at i >= start and steps down only while above start: != is >',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'while e != s and text[e - 1].isspace():'):
        'e >= s on entry and e stops at s: != is >',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Gt_Lt',
     'if (i < start and text[i - 1] == ".") or (i + 1 < len(text) and text[i + 1] == "."):'):
        "i is always the first mark of its run (runs are skipped whole, and a newline, ';' or cut leaves a non-dot before the next candidate), so text[i - 1] is never '.' when i > start: the clause is never True (and i < start never holds either)",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Gt_GtE',
     'if e - s >= max_chars:'):
        "for a stripped piece that fits, _cap returns [(s, e)] itself (its loop does not run): the branch only decides who builds the same span, and the mutant still calls _cap whenever e - s > max_chars (e + s, e << s, e | s, e ^ s are all >= e - s for 0 <= s <= e; !=, >=, 'is not' hold whenever > does)",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_Gt_IsNot',
     'if e - s is not max_chars:'):
        "for a stripped piece that fits, _cap returns [(s, e)] itself (its loop does not run): the branch only decides who builds the same span, and the mutant still calls _cap whenever e - s > max_chars (e + s, e << s, e | s, e ^ s are all >= e - s for 0 <= s <= e; !=, >=, 'is not' hold whenever > does)",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_GtE_Eq',
     'open_after = j == end or text[j].isspace()'):
        'j <= end (_after_run stops at end): >= is ==',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_GtE_Eq',
     'if after == end or before < 0:'):
        'after = i + 1 <= end: >= is ==',
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_GtE_NotEq',
     'while before != 0 and text[before] in " \\t\\r":'):
        "only changes where the backward scan over ' \\t\\r' stops when it reaches the text's start: either prev is then one of those blanks (not a letter, digit or comma: no wrap) or before < 0 (no wrap), and a scan from before = -1 over negative indexes stays negative (no wrap) — the same answer",
    ('corpus/sentences.py', 'core/ReplaceComparisonOperator_GtE_Gt',
     'while before > 0 and text[before] in " \\t\\r":'):
        "only changes where the backward scan over ' \\t\\r' stops when it reaches the text's start: either prev is then one of those blanks (not a letter, digit or comma: no wrap) or before < 0 (no wrap), and a scan from before = -1 over negative indexes stays negative (no wrap) — the same answer",
    ('corpus/sentences.py', 'core/ReplaceFalseWithTrue',
     'return True'):
        "at the span's last character a newline joined to the piece or cut at gives the same stripped pieces (nothing follows it); with before < 0 everything from the text's start to the newline is blank, so the piece it would end is dropped and joining it only adds whitespace that _strip removes",
    ('corpus/sentences.py', 'core/NumberReplacer',
     'piece_start = i + 0'):
        'text[i] is the newline just cut at: a piece starting at i or i + 1 is the same once _strip drops the leading whitespace (i | 1 is i or i + 1)',
    ('corpus/sentences.py', 'core/NumberReplacer',
     'if (i > start and text[i - 1] == ".") or (i + 2 < len(text) and text[i + 1] == "."):'):
        "differs only for a '.' second to last in the text followed by '.': its run then reaches end, and a cut at j == end gives the same pieces as none (the last piece ends at end either way)",
    ('corpus/sentences.py', 'core/NumberReplacer',
     'while before >= 1 and text[before] in " \\t\\r":'):
        "only changes where the backward scan over ' \\t\\r' stops when it reaches the text's start: either prev is then one of those blanks (not a letter, digit or comma: no wrap) or before < 0 (no wrap), and a scan from before = -1 over negative indexes stays negative (no wrap) — the same answer",
    ('corpus/sentences.py', 'core/NumberReplacer',
     'while before >= -1 and text[before] in " \\t\\r":'):
        "only changes where the backward scan over ' \\t\\r' stops when it reaches the text's start: either prev is then one of those blanks (not a letter, digit or comma: no wrap) or before < 0 (no wrap), and a scan from before = -1 over negative indexes stays negative (no wrap) — the same answer",
    ('corpus/sentences.py', 'core/NumberReplacer',
     'if after >= end or before < -1:'):
        "at the span's last character a newline joined to the piece or cut at gives the same stripped pieces (nothing follows it); with before < 0 everything from the text's start to the newline is blank, so the piece it would end is dropped and joining it only adds whitespace that _strip removes",
    ('corpus/sentences.py', 'core/NumberReplacer',
     'cut = next((k for k in range(len(window) - 1, -1, -1) if window[k].isspace()), max_chars)'):
        'window[0] is text[s], never whitespace (s is always stripped): looking at k = 0 finds nothing more',
    ('outputs/refi/positions.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'if at < len(self._unit_starts) and self._unit_starts[at] <= units - 1:'):
        'bisect_left puts at on the first start >= units - 1: <= holds exactly when ==',
    ('outputs/refi/positions.py', 'core/NumberReplacer',
     'at = bisect_left(self._unit_starts, units - 2)'):
        'an astral character takes 2 units, so its starts differ by >= 2: bisect_left of units - 2 and of units - 1 differ only when units - 2 is a start, and then units - 1 is not (the test is False either way); otherwise at is the same',
    ('outputs/refi/positions.py', 'core/NumberReplacer',
     'return units - bisect_right(self._unit_starts, units - 1)'):
        'counts the starts <= units - 1 instead of <= units - 2: they differ only when units - 1 is a start, which has returned None just above',
    # coding/review/agreement.py (session 9)
    ('coding/review/agreement.py', 'core/ReplaceBinaryOperator_BitAnd_Mul',
     'who = who[who["respondent_id"].notna() * (who["respondent_id"].astype(str).str.strip() != "")]'):
        "the product of two boolean Series is their logical and (bool dtype, the same mask) (brute force: 300 random decision tables of 0-14 rows (accept/reject/add/retract, 1-5 coders with machines) on 1-6 segments whose respondent ids mix None, NaN, '', ' ', 1, '1', 1.0, 'nan' and strings, both options each way, agree)",
    ('coding/review/agreement.py', 'core/ReplaceComparisonOperator_NotEq_Gt',
     'who = who[who["respondent_id"].notna() & (who["respondent_id"].astype(str).str.strip() > "")]'):
        "a str is > '' exactly when it is not ''; the only non-str after astype(str) is a missing id (pandas keeps NaN/None missing), where > is False and != True, but notna() is False there either way (brute force: 300 random decision tables of 0-14 rows (accept/reject/add/retract, 1-5 coders with machines) on 1-6 segments whose respondent ids mix None, NaN, '', ' ', 1, '1', 1.0, 'nan' and strings, both options each way, agree)",
    ('coding/review/agreement.py', 'core/ReplaceUnaryOperator_Invert_USub',
     'humans = decisions[-decisions["coder"].astype(str).map(is_machine).astype(bool)]'):
        "the mask is bool dtype (astype(bool), also on no rows), and pandas negates a bool Series as its inverse: -mask is ~mask (brute force: 300 random decision tables of 0-14 rows (accept/reject/add/retract, 1-5 coders with machines) on 1-6 segments whose respondent ids mix None, NaN, '', ' ', 1, '1', 1.0, 'nan' and strings, both options each way, agree)",
    ('coding/review/agreement.py', 'core/ReplaceTrueWithFalse',
     'per = rows.groupby(["respondent_id", "code_id", "coder"], sort=False)["present"].any().reset_index()'):
        "the respondent ids are str by then, so the groups are unique (respondent, code, coder) triples and the folded table has one row per unit and coder: latest_per_coder has no tie to break by row order, pivot sorts the units and coders, and _rows groups codes sorted, so the row order is never seen (brute force: 300 random decision tables of 0-14 rows (accept/reject/add/retract, 1-5 coders with machines) on 1-6 segments whose respondent ids mix None, NaN, '', ' ', 1, '1', 1.0, 'nan' and strings, both options each way, agree)",
    # coding/negation.py (session 9)
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'return wanted <= "any" or cue_absence == "strong"'):
        'wanted is None (returned just above), "any" or "strong" (the documented values; coding/rules.py passes only these): "strong" <= "any" is False as "strong" == "any" is',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'return wanted == "any" or cue_absence >= "strong"'):
        'cue_absence is only ever set by this module, to None (returned just above), "any" or "strong": "any" >= "strong" is False as "any" == "strong" is',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'return wanted == "any" or cue_absence is "strong"'):
        'cue_absence is only ever set by this module, from its own literals "any" and "strong" (one interned object each): is "strong" is == "strong"',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'if self.cue[k] and clause[k] >= c and not _absent(self.absence[k], absence):'):
        'k < first and clause numbers never decrease along the tokens: clause[k] <= c, so >= means ==',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'if self.cue[k] and clause[k] is c and not _absent(self.absence[k], absence):'):
        'the counter is rebound only between clauses, so the tokens of one clause hold the very int object it had: equal clause numbers are identical objects, past 256 too (test_hundreds_of_clause_breaks_before_a_hit)',
    ('coding/negation.py', 'core/ReplaceComparisonOperator_Lt_NotEq',
     'nxt = seq.tokens[i + 1][0] if i + 1 != len(seq.tokens) else ""'):
        'i indexes seq.tokens, so i + 1 <= len: != and < agree',
    # coding/tables.py (session 9)
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Eq_LtE',
     'frame = frame.sort_values(["code_id", "rank"], key=lambda s: s.map(order) if s.name <= "code_id" else s)'):
        "'code_id' <= 'code_id' and 'rank' <= 'code_id' is False ('r' > 'c'): the key maps exactly the column '==' maps (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Eq_GtE',
     'frame = frame.sort_values(["code_id", "rank"], key=lambda s: s.map(order) if s.name >= "code_id" else s)'):
        "the key also maps the rank column through the code order: every rank (an int) becomes NaN, so rank stops sorting; but sort_values on two columns is a stable lexsort and each code's rows were appended together in rank order, so they stay in rank order (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Eq_Is',
     'frame = frame.sort_values(["code_id", "rank"], key=lambda s: s.map(order) if s.name is "code_id" else s)'):
        "the frame's columns are the str objects of EXEMPLAR_COLUMNS and CPython interns identifier-like string constants: the label pandas hands the key is the very 'code_id' object of the literal, so 'is' is '==' (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_NotEq_IsNot',
     'if f.name is not "exemplar_fit" or len(self.exemplar_fit)]'):
        "a dataclass field's name is the identifier from the class body, interned by CPython like the literal 'exemplar_fit': 'is not' is '!=' (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Gt_NotEq',
     'if len(grp) != max_candidates:'):
        "differs from '>' only below the cap, where the cut keeps every row (head(max_candidates) of fewer rows) and only reorders them; nothing after reads the order: exemplar_support scores each row (TF-IDF fitted on the set, profile scaled to the best row), blend_fit aligns on the index, pick_exemplars sorts by (reviewed, support, length, segment_id) with segment_id unique in a code's group (a segments table with a segment_id twice already fails in quote_context either way) (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Gt_GtE',
     'if len(grp) >= max_candidates:'):
        "differs from '>' only at the cap, where the cut keeps every row and only reorders them (see '!=') (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/ReplaceComparisonOperator_Gt_IsNot',
     'if len(grp) is not max_candidates:'):
        "len() and max_candidates are ints: where they differ 'is not' is True as '!=' is, and where equal it either is False (CPython caches -5..256) or cuts a group of exactly max_candidates rows, which keeps every row: see '!=' and '>=' (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/ReplaceFalseWithTrue',
     'for code_id, grp in coded.groupby("code_id", sort=True):'):
        "each code's exemplars are computed from its own group alone, and the final sort on (the caller's code order, rank) is total, (code_id, rank) being unique: the order codes are visited in is never seen (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/ReplaceFalseWithTrue',
     'for rank, r in enumerate(pick_exemplars(grp, k).itertuples(index=True), start=1):'):
        "the rows are read by field name (r.segment_id, r.quote, ...); index=True only adds an Index field in front, and pick_exemplars' column names are all identifiers, so no field is renamed (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/ReplaceFalseWithTrue',
     'for c, g in exemplars.groupby("code_id", sort=True)}'):
        "quotes_of is only looked up by key, and groupby keeps the rows' order within a group whatever sort is: each code's quote list is the same (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/NumberReplacer',
     'grp = grp.assign(_r=is_reviewed, _h=grp["hits"] if "hits" in grp.columns else 2).sort_values('):
        "without a hits column every row gets the same _h: any constant sorts as 1 does (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
    ('coding/tables.py', 'core/NumberReplacer',
     'grp = grp.assign(_r=is_reviewed, _h=grp["hits"] if "hits" in grp.columns else 0).sort_values('):
        "without a hits column every row gets the same _h: any constant sorts as 1 does (brute force: code_exemplars, chains and build_tables agree with the original on 100-120 random cases of 1-4 codes, 1-12 segments, random hits/score/reviewed/fit/code_ids/k/max_candidates; the killed '==' cap and '!=' sort mutants differ on 13-67 of them)",
}
