"""Which form of exploitation a described situation points to, read from its words.

NLU recognises that a message describes a situation (one intent, ``situation``). The
three forms share most of their words ("moet", "baas", "geld", "durft niet weg"), so a
classifier picking the form was the least reliable part (cross-validation: most
situation errors were one form taken for another). Some words settle the form whatever else is said: sex for money
is sexual exploitation, drugs, stealing or begging is criminal exploitation. Only when
neither is mentioned do two or more signs of work, pay and housing point to labour
exploitation.
Every situation answer starts with 112 and the help lines, so a wrong form costs
less than a "Bedoelt u...?" to someone describing abuse.
"""
from __future__ import annotations

import re

from bot.text import fold

# The intent of a described situation, and the topics of its three forms (answers.yml, kind: form).
SITUATION_TOPIC = "situation"
SEXUAL = "situation_sexual"
LABOUR = "situation_labour"
CRIMINAL = "situation_criminal"
SITUATION_FORMS = (LABOUR, SEXUAL, CRIMINAL)

_SEXUAL_WORDS = re.compile(
    r"\b(?:seks\w*|sex\w*|naar bed|prostitu\w*|escort\w*|tippel\w*|pooier\w*|loverboy\w*"
    r"|naaktfoto\w*|webcam\w*|massage\w*|club|clubs|privehuis\w*|bordeel\w*|achter de ramen|raamprostitu\w*"
    r"|(?:online|op internet|via (?:een )?advertenties?|in advertenties?) (?:wordt |worden )?aangeboden"
    r"|(?:mannen|klanten) (?:ontvangt|ontvangen|afwerken)|met (?:mannen|klanten) (?:slapen|naar bed))")
_CRIMINAL_WORDS = re.compile(
    r"\b(?:drugs\w*|bedel\w*|dealen|dealt|deal(?:er|ers)|wiet|hennep\w*|cocaine|coke|xtc|bolletjes"
    r"|stelen|steelt|gestolen|jatten|jat|jatte|gejat|diefstal\w*|winkeldiefstal\w*|zakkenroll\w*|inbre(?:ken|ekt|kers?)"
    r"|smokkel\w*|geldezel\w*|pinpas\w*|bankpas\w*|(?:zijn|haar|mijn|m'n|zn) rekening (?:gebruiken|lenen)"
    r"|geld (?:opnemen|wegsluizen|pinnen) voor)")
_LABOUR_WORDS = re.compile(
    r"\b(?:werk\w*|baas|bazen|loon|salaris|betaald|betaalt|uitbetaald|uur per dag|uren per dag"
    r"|huur|inhoud\w*|ingehouden|busje|fabriek\w*|kassen|tuinbouw|schoonma\w*|nagelstudio\w*|restaurant\w*"
    r"|keuken|bouw(?:plaats|vakker)?\w*|magazijn\w*|distributiecentr\w*|uitzend\w*|oogst\w*|seizoen\w*"
    r"|vrachtwagen\w*|chauffeur\w*|overuren|contract\w*)")


_MIN_LABOUR_SIGNS = 2


def situation_form(text: str | None) -> str | None:
    """The situation topic the words point to, or None when they don't settle it."""
    folded = fold(text or "")
    sexual = bool(_SEXUAL_WORDS.search(folded))
    criminal = bool(_CRIMINAL_WORDS.search(folded))
    if sexual != criminal:
        return SEXUAL if sexual else CRIMINAL
    # "moet voor hem werken" alone is what a loverboy says too: labour needs two signs.
    labour_signs = {match[:4] for match in _LABOUR_WORDS.findall(folded)}
    if not sexual and len(labour_signs) >= _MIN_LABOUR_SIGNS:
        return LABOUR
    return None
