import datetime as dt

import pytest

from bot.dialogue import MIN_SUGGESTION_CONFIDENCE, Signals, answer_message, suggest_topics
from bot.knowledge import get_knowledge

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def knowledge():
    return get_knowledge()


def test_topic_answer_sets_context(knowledge):
    decision = answer_message(knowledge, "debate_date", "wanneer is het debat", None, TODAY)
    assert "5 december 2019" in decision.reply.text
    assert decision.context_topic == "debate_date"


def test_followup_uses_context(knowledge):
    decision = answer_message(knowledge, "followup", "en waar?", "debate_date", TODAY)
    assert "Troelstrazaal" in decision.reply.text
    assert decision.context_topic == "debate_location"


def test_small_talk_keeps_context(knowledge):
    decision = answer_message(knowledge, "thank", "bedankt", "programme", TODAY)
    assert decision.context_topic == "programme"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "🙂🙂", "?!", None])
def test_nothing_to_read_gets_a_clear_reply(knowledge, text):
    decision = answer_message(knowledge, "greet", text, None, TODAY)
    assert decision.reply.topic_id == "empty_message"
    assert "geen vraag ontvangen" in decision.reply.text


def test_danger_wins_over_any_intent_and_starts_with_112(knowledge):
    decision = answer_message(knowledge, "labour_exploitation",
                              "ik word uitgebuit en durf niet weg te gaan", None, TODAY)
    first_sentence = decision.reply.text.split(". ")[0]
    assert "112" in first_sentence


def test_unknown_intent_explains_what_the_bot_can_do(knowledge):
    decision = answer_message(knowledge, "no_such_intent", "iets", None, TODAY)
    assert decision.reply.topic_id == "capabilities"


def test_unsure_nlu_offers_two_topics_and_something_else(knowledge):
    ranking = [("nlu_fallback", 0.4), ("debate_date", 0.35), ("debate_location", 0.3), ("greet", 0.1)]
    decision = suggest_topics(knowledge, "wanneer waar", ranking, None, TODAY)
    assert "Bedoelt u" in decision.reply.text
    assert [b.title for b in decision.buttons] == [
        "Wanneer was het overleg?", "Waar vond het overleg plaats?", "Iets anders"]
    assert [b.payload for b in decision.buttons] == ["/debate_date", "/debate_location", "/something_else"]


def test_very_unsure_nlu_says_what_the_bot_is_for(knowledge):
    ranking = [("nlu_fallback", 0.4), ("avim", MIN_SUGGESTION_CONFIDENCE / 2)]
    decision = suggest_topics(knowledge, "xkcd plop", ranking, None, TODAY)
    assert decision.reply.topic_id == "out_of_scope"
    assert decision.buttons == []


def test_fallback_still_catches_danger(knowledge):
    decision = suggest_topics(knowledge, "help me ik word bedreigd", [("nlu_fallback", 0.4)], None, TODAY)
    assert decision.reply.topic_id == "acute_danger"


# --- Round 2: details, follow-ups about a detail, yes/no, comparisons, situations, languages ---


@pytest.mark.parametrize(
    ("intent", "text", "topic", "fact"),
    [
        ("victim_monitor", "welke jaren beslaat de slachtoffermonitor", "victim_monitor_period", "2014"),
        ("victim_monitor", "hoe komt het dat er minder slachtoffers geregistreerd worden", "registration_decline_reason",
         "toestemming"),
        ("programme", "met wie werkt het programma samen", "programme_partners", "Openbaar Ministerie"),
        ("programme", "sinds wanneer bestaat samen tegen mensenhandel", "programme_start", "2018"),
        ("avim_reinforcement", "wie financiert de uitbreiding van de avim", "avim_funding", "Justitie en Veiligheid"),
        ("avim", "om welke reden heeft de avim digitale kennis nodig", "avim_digital", "broedplaats"),
        ("police_priority", "hoe komt het dat de opsporing effectiever moet", "detection_aim", "pakkans"),
        ("programme_results", "wie heeft er bij de inspectie extra mensen gekregen", "labour_inspectorate",
         "Arbeidsinspectie"),
    ],
)
def test_a_detail_question_gets_that_fact(knowledge, intent, text, topic, fact):
    decision = answer_message(knowledge, intent, text, None, TODAY)
    assert decision.reply.topic_id == topic
    assert fact in decision.reply.text
    assert decision.reply.source_line and "Bron:" in decision.reply.source_line
    assert decision.context_topic == topic


@pytest.mark.parametrize(
    ("intent", "text", "last_topic", "fact"),
    [
        ("followup", "hoe komt dat", "victim_monitor", "privacywetgeving"),
        ("followup", "welke jaren", "offender_monitor", "2013"),
        ("followup", "hoeveel", "programme", "Vier"),
        ("followup", "wie financiert het", "avim", "Justitie en Veiligheid"),
        ("followup", "waarom", "avim_experts", "broedplaats"),
        # "en wat gaat de staatssecretaris daarmee doen" can be heard as the minister question
        ("debate_minister", "en wat gaat de staatssecretaris daarmee doen", "offender_monitor", "opnieuw"),
    ],
)
def test_a_followup_about_a_detail_keeps_the_thread(knowledge, intent, text, last_topic, fact):
    decision = answer_message(knowledge, intent, text, last_topic, TODAY)
    assert fact in decision.reply.text


def test_a_why_followup_without_a_why_link_repeats_the_previous_answer(knowledge):
    decision = answer_message(knowledge, "followup", "hoe dat zo", "debate_committee", TODAY)
    assert decision.reply.topic_id == "debate_committee"


def test_a_why_followup_without_context_explains_what_the_bot_can_do(knowledge):
    assert answer_message(knowledge, "followup", "waarom", None, TODAY).reply.topic_id == "capabilities"


@pytest.mark.parametrize(
    ("intent", "text", "starts", "fact"),
    [
        ("debate_date", "Was het overleg in 2021?", "Nee.", "5 december 2019"),
        ("debate_date", "was het debat in 2019", "Ja.", "5 december 2019"),
        ("debate_date", "klopt het dat het overleg in de Thorbeckezaal was", "Nee.", "Troelstrazaal"),
        ("debate_minister", "kwam de minister-president naar het overleg?", "Nee.", "staatssecretaris"),
        ("programme", "doen er zes ministeries mee aan het programma", "Nee.", "vier"),
        ("international_cooperation", "werkt de politie samen met Roemenie?", "Nee.", "Polen"),
        ("police_priority", "heeft mensenhandel voorrang bij de politie?", "Ja.", "vier thema"),
        ("trafficking_forms", "gaat mensenhandel enkel over seks?", "Nee.", "Arbeidsuitbuiting"),
        ("police_priority", "moet alleen de politie dit oplossen?", "Nee.", "integraal"),
    ],
)
def test_yes_no_questions_get_a_verdict_and_the_fact(knowledge, intent, text, starts, fact):
    text_out = answer_message(knowledge, intent, text, None, TODAY).reply.text
    assert text_out.startswith(starts) and fact in text_out


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("police_priority", "wat betekent de prioriteit bij de politie"),
        ("asylum_signals", "wat gebeurt er bij de registratie van asielzoekers"),
        ("avim", "hoort de AVIM bij de politie"),
    ],
)
def test_no_stray_yes_or_no(knowledge, intent, text):
    text_out = answer_message(knowledge, intent, text, None, TODAY).reply.text
    assert not text_out.startswith(("Ja.", "Nee."))


def test_a_comparison_gets_both_answers(knowledge):
    decision = answer_message(knowledge, "criminal_exploitation",
                              "hoe verschilt criminele uitbuiting van arbeidsuitbuiting?", None, TODAY)
    assert "bedelen" in decision.reply.text and "inkomsten" in decision.reply.text


def test_two_questions_in_one_message_get_two_answers(knowledge):
    decision = answer_message(knowledge, "debate_location", "waar en wanneer was dat overleg", None, TODAY)
    assert "Troelstrazaal" in decision.reply.text and "5 december 2019" in decision.reply.text
    decision = answer_message(knowledge, "avim", "wat doet de avim en wie financiert dat", None, TODAY)
    assert "Vreemdelingenpolitie" in decision.reply.text and "extra geld geven" in decision.reply.text


@pytest.mark.parametrize(
    ("text", "form"),
    [("mijn buurjongen werkt elke dag twaalf uur in een kas en de baas betaalt hem bijna niets", "arbeidsuitbuiting"),
     ("mijn buurmeisje moet van haar vriend met mannen naar bed", "seksuele uitbuiting"),
     ("mijn buurjongen moet elke dag voor een man stelen in winkels", "criminele uitbuiting"),
     # The words settle no form: the general answer, which says it can be trafficking.
     ("mijn buurjongen moet elke dag iets doen voor een man", "mensenhandel")],
)
def test_a_described_situation_names_the_form_and_where_to_go(knowledge, text, form):
    text = answer_message(knowledge, "situation", text, None, TODAY).reply.text
    assert "112" in text.split(".")[0]
    assert form in text and "0900-8844" in text and "0800-7000" in text and "comensha.nl" in text


def test_a_situation_that_sounds_like_danger_keeps_its_own_answer(knowledge):
    text = answer_message(knowledge, "situation",
                          "de baas van mijn oom heeft zijn paspoort afgepakt en hij werkt zeven dagen", None,
                          TODAY).reply.text
    assert "112" in text.split(".")[0] and "arbeidsuitbuiting" in text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Help, my boss locked me in and took my passport", ["In danger? Call 112 now.", "CoMensha"]),
        ("Proszę, pomóżcie, szef mnie bije", ["112", "Policja"]),
        ("Допоможіть, мене тримають у квартирі", ["112", "Поліція"]),
        ("Hello, when was the debate about trafficking?", ["Sorry, I only speak Dutch. In danger? Call 112."]),
    ],
)
def test_other_languages_get_112_in_their_language_and_a_dutch_line(knowledge, text, words):
    decision = answer_message(knowledge, "out_of_scope", text, None, TODAY)
    for word in words:
        assert word in decision.reply.text
    assert "In danger? Call 112" in decision.reply.text
    assert "Ik spreek alleen Nederlands" in decision.reply.text


def test_asking_in_dutch_whether_the_bot_speaks_english(knowledge):
    text = answer_message(knowledge, "non_dutch", "spreek je ook engels", None, TODAY).reply.text
    assert "alleen Nederlands" in text and "only speak Dutch" in text and "112" in text


def test_danger_with_typos_gets_112(knowledge):
    decision = answer_message(knowledge, "labour_exploitation", "ik word mishandelt door mijn baas", None, TODAY)
    assert decision.reply.topic_id == "acute_danger"


def test_unsure_nlu_still_answers_two_questions(knowledge):
    ranking = [("nlu_fallback", 0.4), ("debate_date", 0.3), ("debate_location", 0.25)]
    decision = suggest_topics(knowledge, "wanneer en waar vond het overleg plaats", ranking, None, TODAY)
    assert not decision.buttons
    assert "Troelstrazaal" in decision.reply.text and "5 december 2019" in decision.reply.text


@pytest.mark.parametrize(
    ("intent", "text", "last_topic", "topic"),
    [
        # NLU heard no question, but the message points back and names a form.
        ("out_of_scope", "en welke gaat over bedelen?", "trafficking_forms", "criminal_exploitation"),
        # A pronoun points back; the previous answer links nothing for "who", so it is repeated.
        ("debate_minister", "en met wie doen ze dat", "comensha_and_municipalities", "comensha_and_municipalities"),
        # A leading "en" with another topic named: NLU's topic stands.
        ("rapporteur", "en wie is de rapporteur dan", "debate_date", "rapporteur"),
    ],
)
def test_short_messages_that_point_back(knowledge, intent, text, last_topic, topic):
    assert answer_message(knowledge, intent, text, last_topic, TODAY).reply.topic_id == topic


@pytest.mark.parametrize(
    ("ranking", "text", "topic"),
    [
        # Danger among the doubts: the likeliest help topic, which names 112.
        ([("nlu_fallback", 0.4), ("situation", 0.35), ("acute_danger", 0.33)],
         "mijn nichtje moet nu met een man mee", "situation"),
        # The likeliest topic links the aspect asked.
        ([("nlu_fallback", 0.4), ("programme", 0.3), ("debate_minister", 0.28)],
         "om welke reden moet de opsporing effectiever", "detection_aim"),
        # A claimed value the likeliest topic can check.
        ([("nlu_fallback", 0.4), ("debate_date", 0.3), ("debate_location", 0.28)],
         "was het overleg in 2021?", "debate_date"),
    ],
)
def test_unsure_nlu_answers_when_the_doubt_is_harmless(knowledge, ranking, text, topic):
    decision = suggest_topics(knowledge, text, ranking, None, TODAY)
    assert not decision.buttons and decision.reply.topic_id == topic


def test_two_aspects_of_one_topic_get_both_facts(knowledge):
    decision = answer_message(knowledge, "avim_reinforcement", "welke specialisten komen erbij en waarom", None,
                              TODAY)
    assert "analisten" in decision.reply.text and "broedplaats" in decision.reply.text


def test_a_pronoun_beats_the_followup_default(knowledge):
    decision = answer_message(knowledge, "followup", "en met wie doen ze dat", "comensha_and_municipalities",
                              TODAY)
    assert decision.reply.topic_id == "comensha_and_municipalities"
    # Without a pronoun and without context the default still holds.
    assert answer_message(knowledge, "followup", "en wie", None, TODAY).reply.topic_id == "debate_minister"


def test_a_split_pronominal_adverb_points_back(knowledge):
    # "daar ... mee" is "daarmee" split in two, as Dutch does.
    decision = answer_message(knowledge, "followup", "wie doen daar eigenlijk aan mee", "programme", TODAY)
    assert decision.reply.topic_id == "programme_partners"


def test_an_open_and_a_yes_no_question_in_one_message(knowledge):
    decision = answer_message(knowledge, "debate_watch_live",
                              "hoe volg ik het overleg live en kan ik het later nalezen", None, TODAY)
    assert "Debat Direct" in decision.reply.text and "woordelijk verslag" in decision.reply.text


@pytest.mark.parametrize(("payload", "topic"), [("/debate_location", "debate_location"),
                                                ("/something_else", "something_else"),
                                                ("/feedback_positive", "feedback_positive")])
def test_a_button_payload_answers_its_topic_in_dutch(knowledge, payload, topic):
    decision = answer_message(knowledge, topic, payload, "debate_date", TODAY)
    assert decision.reply.topic_id == topic


def test_the_notice_is_due_only_for_the_first_redacted_message():
    from bot.dialogue import needs_personal_data_notice

    plain = {"event": "user", "metadata": {}}
    redacted = {"event": "user", "metadata": {"redacted": ["phone"]}}
    bot = {"event": "bot", "text": "..."}
    assert not needs_personal_data_notice([])
    assert not needs_personal_data_notice([plain, bot])
    assert needs_personal_data_notice([plain, bot, redacted])
    assert not needs_personal_data_notice([redacted, bot, redacted])
    assert not needs_personal_data_notice([redacted, bot, plain])


def test_signals_read_before_redaction_decide_language_and_danger(knowledge):
    from bot.dialogue import Signals, latest_user_metadata

    today = dt.date(2026, 12, 3)
    # Redaction left little to read; the channel saw English and a cry for help.
    signals = Signals.from_metadata(latest_user_metadata(
        [{"event": "user", "metadata": {"signals": {"danger": True, "language": "en"}}}]))
    decision = answer_message(knowledge, "greet", "[naam] [telefoonnummer]", None, today, signals)
    assert "112" in decision.reply.text and "In danger" in decision.reply.text
    dutch_danger = Signals(danger=True, language="nl")
    decision = answer_message(knowledge, "greet", "hallo [naam]", None, today, dutch_danger)
    assert decision.reply.topic_id == "acute_danger"
    assert Signals.from_metadata({}) is None


def test_the_words_of_a_situation_settle_its_form(knowledge):
    from bot.situations import situation_form

    today = dt.date(2026, 12, 3)
    neighbours = ("naast ons wonen acht mannen die om vijf uur met een busje worden opgehaald, "
                  "de baas houdt bijna al hun loon in voor huur")
    assert situation_form(neighbours) == "situation_labour"
    assert situation_form("mijn nicht moet van haar vriend seks hebben met klanten") == "situation_sexual"
    assert situation_form("mijn neefje moet voor een man wiet verkopen") == "situation_criminal"
    # One word about work is not enough: a loverboy also calls it "werken".
    assert situation_form("ze zegt dat ze voor haar vriend moet werken") is None
    decision = answer_message(knowledge, "situation", neighbours, None, today)
    assert decision.reply.topic_id == "situation_labour"
    hesitant = [("situation", 0.35), ("sexual_exploitation", 0.33), ("greet", 0.1)]
    decision = suggest_topics(knowledge, "mijn zus moet met mannen naar bed voor een slaapplek, ze durft niet weg",
                              hesitant, None, today)
    assert decision.reply.topic_id == "situation_sexual" and not decision.buttons
    assert "112" in decision.reply.text


def test_a_comparison_phrased_as_a_clause_names_both_topics():
    from bot.questions import comparison_parts

    assert comparison_parts("kunt u uitleggen wat het verschil is tussen de dadermonitor en de slachtoffermonitor?") \
        == ("de dadermonitor", "de slachtoffermonitor")
    assert comparison_parts("welk verschil zit er tussen avim en comensha") == ("avim", "comensha")


def test_a_long_story_is_answered_by_its_final_question(knowledge):
    from bot.questions import final_question

    today = dt.date(2026, 12, 3)
    story = ("Ik studeer bestuurskunde en schrijf een werkstuk over de Tweede Kamer en de aanpak "
             "van uitbuiting in 2019. Wie zat er toen namens de regering bij dat overleg?")
    assert final_question(story) == "Wie zat er toen namens de regering bij dat overleg?"
    assert final_question("wie zat er namens de regering?") is None
    hesitant = [("debate_minister", 0.36), ("debate_documents", 0.31), ("greet", 0.05)]
    decision = suggest_topics(knowledge, story, hesitant, None, today,
                              final_question=("debate_minister", 0.93))
    assert decision.reply.topic_id == "debate_minister" and not decision.buttons
    # Unsure about the question alone, or a topic NLU did not offer: still "Bedoelt u...?".
    assert suggest_topics(knowledge, story, hesitant, None, today,
                          final_question=("debate_minister", 0.5)).buttons
    assert suggest_topics(knowledge, story, hesitant, None, today,
                          final_question=("avim", 0.95)).buttons


def test_a_story_of_abuse_keeps_its_help_answer_over_its_final_question(knowledge):
    today = dt.date(2026, 12, 3)
    story = ("Mijn buurvrouw moet van haar vriend elke avond naar een hotel en geeft hem al het geld. "
             "Ze is pas zestien. Is dat mensenhandel?")
    hesitant = [("situation", 0.38), ("trafficking_definition", 0.33)]
    decision = suggest_topics(knowledge, story, hesitant, None, today,
                              final_question=("trafficking_definition", 0.95))
    assert decision.reply.topic_id != "trafficking_definition"


@pytest.mark.parametrize(
    ("text", "parts"),
    [("verschil daderrapport en slachtofferrapport?", ("daderrapport", "slachtofferrapport")),
     ("verschil tussen de ene en de andere? dat zijn toch dezelfde", ("de ene", "de andere"))],
)
def test_a_comparison_without_tussen_or_followed_by_a_remark_is_found(text, parts):
    from bot.questions import comparison_parts

    assert comparison_parts(text) == parts


def test_danger_in_a_situation_whose_words_name_the_form_gets_that_form(knowledge):
    text = "help mijn baas houdt mijn paspoort vast en ik werk zeventig uur voor bijna geen loon"
    decision = answer_message(knowledge, "acute_danger", text, None, TODAY)
    assert decision.reply.topic_id == "situation_labour" and decision.reply.text.startswith("Bij direct gevaar")


def test_two_question_words_heard_as_a_followup_still_answer_the_named_topic(knowledge):
    decision = answer_message(knowledge, "followup", "wanneer en waar was het overleg", None, TODAY)
    assert "5 december 2019" in decision.reply.text and "Troelstrazaal" in decision.reply.text


def test_a_story_whose_final_question_is_clear_is_answered_when_a_situation_is_only_second(knowledge):
    story = ("Goedemiddag, ik schrijf voor een regionale krant een stuk over dat overleg van december 2019. "
             "Welke bewindspersoon zat er namens het kabinet?")
    hesitant = [("debate_minister", 0.38), ("situation", 0.33)]
    decision = suggest_topics(knowledge, story, hesitant, None, TODAY, final_question=("debate_minister", 0.95))
    assert decision.reply.topic_id == "debate_minister" and not decision.buttons


def test_danger_heard_as_the_intent_in_a_situation_whose_words_name_the_form_gets_that_form(knowledge):
    text = "mijn baas heeft mijn paspoort en ik krijg bijna geen loon voor zeventig uur werk"
    assert answer_message(knowledge, "acute_danger", text, None, TODAY).reply.topic_id == "situation_labour"


def test_a_decision_says_which_language_it_speaks(knowledge):
    english = answer_message(knowledge, "non_dutch", "please help me, they locked me in a house", None, TODAY,
                             signals=Signals(danger=True, language="en"))
    assert english.language == "en" and english.reply.topic_id == "acute_danger"
    assert answer_message(knowledge, "avim", "wat is avim", None, TODAY).language == "nl"
