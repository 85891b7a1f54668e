"""British and American spellings of the same word, both accepted (inner spelling otherwise counts).

IELTS accepts either British or American spelling as long as it is used consistently within an
answer (IELTS, "Information for candidates" and the Listening/Reading marking notes reproduced in
the Cambridge IELTS answer keys). The pairs below are a maintained list drawn from the variant
labels of the Cambridge and Oxford learner's dictionaries, limited to words that appear in IELTS
completion answers; add a pair here when a key needs it. No rule (such as -our/-or) is applied
generally, because rules like that turn "tour" into "tor".
"""

from __future__ import annotations

PAIRS: tuple[tuple[str, str], ...] = (
    ("aeroplane", "airplane"), ("ageing", "aging"), ("aluminium", "aluminum"),
    ("analyse", "analyze"), ("apologise", "apologize"), ("behaviour", "behavior"),
    ("cancelled", "canceled"), ("catalogue", "catalog"), ("centimetre", "centimeter"),
    ("centre", "center"), ("cheque", "check"), ("colour", "color"),
    ("coloured", "colored"), ("cosy", "cozy"), ("defence", "defense"),
    ("dialogue", "dialog"), ("encyclopaedia", "encyclopedia"), ("enrol", "enroll"),
    ("enrolment", "enrollment"), ("favour", "favor"), ("favourite", "favorite"),
    ("fibre", "fiber"), ("flavour", "flavor"), ("fulfil", "fulfill"),
    ("grey", "gray"), ("harbour", "harbor"), ("honour", "honor"),
    ("humour", "humor"), ("jewellery", "jewelry"), ("kilometre", "kilometer"),
    ("labour", "labor"), ("licence", "license"), ("litre", "liter"),
    ("manoeuvre", "maneuver"), ("metre", "meter"), ("millimetre", "millimeter"),
    ("modelling", "modeling"), ("mould", "mold"), ("moustache", "mustache"),
    ("neighbour", "neighbor"), ("neighbourhood", "neighborhood"), ("offence", "offense"),
    ("organisation", "organization"), ("organise", "organize"), ("organised", "organized"),
    ("paediatric", "pediatric"), ("pyjamas", "pajamas"), ("plough", "plow"),
    ("practise", "practice"), ("programme", "program"), ("realise", "realize"),
    ("recognise", "recognize"), ("rumour", "rumor"), ("sceptical", "skeptical"),
    ("specialise", "specialize"), ("storey", "story"), ("theatre", "theater"),
    ("travelled", "traveled"), ("traveller", "traveler"), ("travelling", "traveling"),
    ("tyre", "tire"), ("vapour", "vapor"), ("woollen", "woolen"),
)  # fmt: skip

_CANONICAL: dict[str, str] = {}
for _british, _american in PAIRS:
    _CANONICAL[_american] = _british
    _CANONICAL[_british] = _british


def canonical_spelling(word: str) -> str:
    """The British form of ``word`` when the list has it, else ``word`` unchanged."""
    return _CANONICAL.get(word, word)
