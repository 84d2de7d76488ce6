"""Reading a planner's question: which lanes, what is asked, which what-if change.

Pure text functions, no planning.  :func:`parse_question` returns a
:class:`Question`: the lanes mentioned (codes or names, any Unicode,
case-insensitive, partial codes such as "HAM"), lane-like codes that do not
exist, the intent, the terms to explain and the what-if changes with numbers.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# --- intents (checked in this order; the first that applies wins) -----------------------
UNSUPPORTED = "unsupported"
WHAT_IF = "what_if"
EXPLAIN = "explain"
RECOMMEND = "recommend"
DIAGNOSE = "diagnose"
COMPARE = "compare"
NETWORK = "network"
OVERVIEW = "overview"
TOPIC = "topic"
UNKNOWN = "unknown"

PARTIAL_MIN_CHARS = 3  # a code segment like "HAM" must have at least 3 characters
PARTIAL_MAX_LANES = 4  # a partial code matching more lanes than this is too vague to use
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212/_"  # hyphen look-alikes in lane codes

# Things the data cannot say (no fleet, staff, weather or prices are stored).
OUT_OF_SCOPE = (
    "truck", "lorry", "lorries", "vehicle", "fleet", "driver", "container", "weather",
    "fuel", "diesel", "staff", "employee", "headcount", "shift", "co2", "emission",
    "competitor", "share price", "stock price", "exchange rate", "salary", "wage",
)
EXPLAIN_CUES = ("what is", "what's", "whats", "what are", "what does", "explain", "define",
                "definition", "meaning", "mean by", "how is", "how are", "how do you calculate",
                "difference between", "vs.", "formula")
RECOMMEND_CUES = ("what should", "recommend", "action", "do about", "improve", "reduce",
                  "fix", "how can", "how do i", "advice", "advise", "suggest", "next step",
                  "lever", "what to do", "mitigat", "should i", "should we")
DIAGNOSE_CUES = ("why", "risky", "risk", "problem", "issue", "wrong", "overflowing",
                 "cause", "driver of", "concern", "weak")
WHAT_IF_CUES = ("what if", "what happens if", "what would happen", "suppose", "assume",
                "assuming", "scenario", "if we", "if i", "if the", "if capacity", "were ",
                "simulate")
NETWORK_CUES = ("network", "all lanes", "every lane", "summar", "overall", "portfolio",
                "top risk", "which lane", "which lanes", "worst", "ranking", "watchtower",
                "biggest risk", "largest risk", "most at stake")
OVERVIEW_CUES = ("analyse", "analyze", "analysis", "how is", "how's", "status", "overview",
                 "tell me about", "report on", "situation", "doing")
COMPARE_CUES = ("compare", "comparison", " vs ", " versus ", "difference", "better", "worse")

# term key -> words that name it (lower case)
TERMS: dict[str, tuple[str, ...]] = {
    "eoq": ("eoq", "economic order quantity", "order quantity", "lot size"),
    "safety_stock": ("safety stock", "buffer stock", "safety buffer"),
    "fill_rate": ("fill rate", "beta"),
    "cycle_service_level": ("cycle service level", "service level", "alpha", "csl"),
    "critical_ratio": ("critical ratio", "newsvendor", "optimal service level"),
    "resilience": ("resilience", "resilient"),
    "dependency": ("dependency", "dependence", "dependent"),
    "mase": ("mase", "mean absolute scaled error", "backtest", "forecast error",
             "forecast accuracy"),
    "overflow": ("overflow",),
    "reservation": ("reservation", "reserve", "reserving", "newsvendor reservation"),
    "reorder_point": ("reorder point", "reorder level", "rop", "order-up-to level",
                      "order up to level", "review period", "review cycle"),
    "required_capacity": ("required capacity", "capacity requirement", "coverage level",
                          "coverage quantile"),
}

# topic -> words (the sections of the standard analysis)
TOPICS: dict[str, tuple[str, ...]] = {
    "volatility": ("volatil", "trend", "spike", "shock", "season", "demand", "forecast",
                   "pattern", "variab", "peak", "surge"),
    "capacity": ("capacity", "breach", "utilis", "utiliz", "bottleneck", "overload", "when"),
    "partners": ("partner", "overflow", "depend", "cooperat", "surcharge", "outsourc"),
    "resilience": ("resilien", "risk", "robust", "fragil", "tail"),
    "service": ("service", "safety", "stock", "reorder", "fill", "sla", "penalt", "optimal",
                "cost", "eoq", "order"),
}

# what-if parameter -> (words, kind); kind "fraction" reads "98" or "98 %" as 0.98
CHANGE_WORDS: dict[str, tuple[tuple[str, ...], str]] = {
    "lead_time_std": (("lead time variability", "lead-time variability", "lead time sigma",
                       "lead time std", "lead time standard deviation", "sigma_l", "σ_l",
                       "lead time σ", "lead-time sigma"), "days"),
    "lead_time_mean": (("lead time", "lead-time"), "days"),
    "internal_capacity": (("internal capacity", "capacity", "c_max"), "units/day"),
    "service_level": (("service level", "alpha", "csl"), "fraction"),
    "partner_surcharge": (("surcharge",), "EUR/unit"),
    "holding_cost": (("holding cost",), "EUR/unit/year"),
    "penalty_cost": (("penalty", "sla cost"), "EUR/unit short"),
    "order_cost": (("order cost", "ordering cost"), "EUR/order"),
    "handling_cost": (("handling cost",), "EUR/unit"),
    "revenue_per_unit": (("revenue", "price per unit"), "EUR/unit"),
    "return_rate": (("return rate", "returns"), "fraction"),
}
_NUMBER = r"([-+]?\d[\d,]*(?:\.\d+)?)"
_SET_TO = {"were", "was", "to", "=", "be", "at", "is", "becomes"}  # "capacity were -5"
_RELATIVE_UP = ("raise", "increase", "add", "more", "+", "up by", "extra")
_RELATIVE_DOWN = ("cut", "lower", "decrease", "reduce", "less", "minus", "down by")
# an upper-case code such as "XYZ-ABC" or "SYN-0001" (checked against the known lanes)
_CODE_LIKE = re.compile(r"(?<![\w-])([A-ZÄÖÜ]{2,6}[-\u2013\u2014][A-ZÄÖÜ0-9]{2,6})(?![\w-])")


@dataclass(frozen=True)
class Question:
    """A parsed question.

    lanes : lane codes mentioned, in order of first mention.
    unknown_lanes : lane-like codes that match no lane.
    suggestions : unknown code -> close existing codes.
    ambiguous : partial code -> the lanes it matched (all are answered about).
    intent : one of the intent constants.
    terms : keys of :data:`TERMS` mentioned.
    topics : keys of :data:`TOPICS` mentioned.
    changes : what-if changes: master-data field or "service_level" -> new value
        (fraction for rates, units of the field otherwise).
    """

    text: str
    lanes: tuple[str, ...] = ()
    unknown_lanes: tuple[str, ...] = ()
    suggestions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ambiguous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    intent: str = UNKNOWN
    terms: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    changes: Mapping[str, float] = field(default_factory=dict)
    relative_changes: Mapping[str, float] = field(default_factory=dict)


def normalise(text: str) -> str:
    """Case-folded NFKC text with every dash look-alike as "-" (for matching only)."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    for dash in DASHES:
        text = text.replace(dash, "-")
    return text


def _segments(code: str) -> list[str]:
    return [s for s in re.split(r"[-\s]+", normalise(code)) if s]


def _contains(haystack: str, needle: str) -> int:
    """Position of ``needle`` in ``haystack`` as a whole word-ish match, or -1."""
    if not needle:
        return -1
    pattern = r"(?<![\w])" + re.escape(needle) + r"(?![\w])"
    found = re.search(pattern, haystack)
    return found.start() if found else -1


def find_lanes(
    question: str, lanes: Iterable[str], names: Mapping[str, str] | None = None
) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """Lanes the question mentions, in order of mention, and ambiguous partial codes.

    A lane is mentioned by its full code, its full name, the head of its name
    (the part before " (" e.g. "Berlin-Munich e-commerce"), or a code segment of
    at least three characters ("HAM" for HAM-ROT).  A segment shared by several
    lanes (at most :data:`PARTIAL_MAX_LANES`) mentions all of them.

    >>> find_lanes("Why is ham risky compared with fra-par?", ["BER-MUC", "HAM-ROT", "FRA-PAR"])
    (['HAM-ROT', 'FRA-PAR'], {})
    """
    text = normalise(question)
    names = names or {}
    found: dict[str, int] = {}
    codes = list(dict.fromkeys(str(c) for c in lanes))
    for code in codes:
        candidates = [normalise(code)]
        name = names.get(code)
        if name:
            candidates.append(normalise(name))
            head = normalise(name).split(" (")[0].strip()
            if len(head) >= 6:
                candidates.append(head)
        positions = [p for p in (_contains(text, c) for c in candidates) if p >= 0]
        if positions:
            found[code] = min(positions)
    ambiguous: dict[str, tuple[str, ...]] = {}
    by_segment: dict[str, list[str]] = {}
    for code in codes:
        for seg in _segments(code):
            if len(seg) >= PARTIAL_MIN_CHARS and not seg.isdigit():
                by_segment.setdefault(seg, []).append(code)
    for token in re.finditer(r"[\w]+", text):
        seg = token.group(0)
        matches = by_segment.get(seg)
        if not matches or len(matches) > PARTIAL_MAX_LANES:
            continue
        if any(code in found for code in matches):
            continue  # "HAM-ROT" itself already matched; its segment adds nothing
        for code in matches:
            found.setdefault(code, token.start())
        if len(matches) > 1:
            ambiguous[token.group(0).upper()] = tuple(matches)
    ordered = sorted(found, key=lambda c: found[c])
    return ordered, ambiguous


def unknown_codes(question: str, lanes: Iterable[str]) -> list[str]:
    """Upper-case lane-like codes in the question ("XYZ-ABC") that are no known lane."""
    known = {normalise(c) for c in lanes}
    out: list[str] = []
    for match in _CODE_LIKE.finditer(unicodedata.normalize("NFKC", question)):
        code = match.group(1)
        if normalise(code) not in known and code not in out:
            out.append(code)
    return out


def _has(text: str, cues: Iterable[str]) -> bool:
    return any(cue in text for cue in cues)


def asks_why(question: str) -> bool:
    """Whether the question asks about risk or causes ("why", "risk", "problem" ...)."""
    return _has(normalise(question), DIAGNOSE_CUES)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_changes(question: str) -> tuple[dict[str, float], dict[str, float]]:
    """What-if changes with numbers: (absolute values, relative changes).

    "capacity were 400" -> internal_capacity = 400; "raise capacity by 50" ->
    relative +50; "service level 98 %" -> 0.98; "lead time variability 0.5" ->
    lead_time_std = 0.5 days.  Only the first number after a parameter's name
    (within 40 characters) counts.
    """
    text = normalise(question)
    absolute: dict[str, float] = {}
    relative: dict[str, float] = {}
    taken: list[tuple[int, int]] = []
    for name, (words, kind) in CHANGE_WORDS.items():
        for word in sorted(words, key=len, reverse=True):
            for hit in re.finditer(re.escape(word), text):
                start, end = hit.start(), hit.end()
                if any(a <= start < b for a, b in taken):
                    continue
                tail = text[end:end + 40]
                num = re.search(_NUMBER + r"\s*(%|percent)?", tail)
                if not num:
                    continue
                between = tail[:num.start()]
                if re.search(r"[?.;!]", between):
                    continue
                value = _number(num.group(1))
                is_pct = bool(num.group(2))
                if kind == "fraction" and (is_pct or value > 1.0):
                    value /= 100.0
                before = text[max(0, start - 25):start]
                up = _has(before + " " + between, _RELATIVE_UP) or num.group(1).startswith("+")
                down = _has(before + " " + between, _RELATIVE_DOWN) or num.group(1).startswith("-")
                set_to = bool(set(between.replace("=", " = ").split()) & _SET_TO)
                if "by" in between.split() or (not set_to and num.group(1)[0] in "+-"):
                    if up or down:
                        relative[name] = abs(value) if up and not down else -abs(value)
                    else:
                        relative[name] = value
                elif is_pct and kind != "fraction" and (up or down):
                    # "raise capacity 10 %": relative in percent of the current value
                    relative[name + "%"] = value if up else -value
                else:
                    absolute[name] = value
                taken.append((start, end + num.end()))
                break
            if name in absolute or name in relative or name + "%" in relative:
                break
    return absolute, relative


def parse_question(
    question: str, lanes: Iterable[str], names: Mapping[str, str] | None = None
) -> Question:
    """Parse ``question`` against the known ``lanes`` (codes) and their ``names``."""
    lanes = list(lanes)
    text = normalise(question)
    found, ambiguous = find_lanes(question, lanes, names)
    unknown = unknown_codes(question, lanes)
    suggestions = {
        code: tuple(difflib.get_close_matches(code.upper(), [c.upper() for c in lanes], n=3,
                                              cutoff=0.5))
        for code in unknown
    }
    upper_to_code = {c.upper(): c for c in lanes}
    suggestions = {k: tuple(upper_to_code[v] for v in vs) for k, vs in suggestions.items()}
    terms = tuple(key for key, words in TERMS.items()
                  if any(_contains(text, w) >= 0 for w in words))
    topics = tuple(key for key, words in TOPICS.items() if _has(text, words))
    absolute, relative = parse_changes(question)
    if _has(text, OUT_OF_SCOPE):
        intent = UNSUPPORTED
    elif _has(text, ("what if", "what happens if", "suppose")) or (
        (absolute or relative)
        and (_has(text, WHAT_IF_CUES) or " if " in f" {text} "
             or _has(text, _RELATIVE_UP + _RELATIVE_DOWN))
    ):
        intent = WHAT_IF
    elif terms and _has(text, EXPLAIN_CUES) and not _has(text, ("why",)):
        intent = EXPLAIN
    elif _has(text, RECOMMEND_CUES):
        intent = RECOMMEND
    elif len(found) >= 2 or (_has(f" {text} ", COMPARE_CUES) and found):
        intent = COMPARE
    elif _has(text, NETWORK_CUES) and not found:
        intent = NETWORK
    elif _has(text, DIAGNOSE_CUES):
        intent = DIAGNOSE
    elif _has(text, OVERVIEW_CUES):
        intent = OVERVIEW
    elif terms and len(text.split()) <= 4:
        intent = EXPLAIN  # "EOQ?" or "safety stock" alone
    elif topics:
        intent = TOPIC
    else:
        intent = UNKNOWN
    return Question(
        text=question, lanes=tuple(found), unknown_lanes=tuple(unknown),
        suggestions=suggestions, ambiguous=ambiguous, intent=intent, terms=terms,
        topics=topics, changes=absolute, relative_changes=relative,
    )
