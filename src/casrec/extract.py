"""Document text -> candidate claims: every figure about people killed, hurt, held or displaced.

An analyst adding a source reads it and types one row per figure into ``claims.csv``. This
module proposes those rows so the analyst confirms instead of types. It is deterministic and
rule-based: a figure is a candidate only when the sentence ties it to what happened to
people -- a verb ("killing 34", "were wounded"), a noun ("25 civilian deaths", "13 injured",
"~144,000 refugees") or a running toll ("the toll rose to 60") -- so years, ages, distances,
vehicles, money and troop strengths fall away without a list of every trap. The value is the
figure as written with its qualifier, checked against casrec's own grammar
(``quantities.parse_quantity``). Population, subgroup and side come from the counted nouns;
the claimant from attribution ("X said", "according to X", a quote), else the publisher.
Every guess the analyst must confirm is written into the ``review`` column.

The rules live in the tables below so an analyst can read (and extend) them.
"""

from __future__ import annotations

import bisect
import functools
import html.parser
import io
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casrec.quantities import (
    NUMBER_WORDS,
    ORDINAL_WORDS,
    PREFIX_READINGS,
    SCALE_ABBREVIATIONS,
    SCALE_WORDS,
    SIGN_WORDING,
    SUFFIX_READINGS,
    TEEN_WORDS,
    TENS_WORDS,
    UNIT_WORDS,
    QuantityError,
    parse_quantity,
)
from casrec.reading import GZIP_SIGNATURE, OLE2_SIGNATURE, UTF16_MARKS, ZIP_SIGNATURE
from casrec.schema import TABLES, iso_date
from casrec.vocabulary import DISPLACEMENT_METRICS

MAX_EVIDENCE_WORDS = 30


def wordlist(words: str) -> list[str]:
    """A vocabulary list written as one string of words, as an analyst would read it."""
    return words.split()


# ---------------------------------------------------------------------------------------------
# Vocabulary: what a figure counts
# ---------------------------------------------------------------------------------------------

# Verbs that say what happened to the people counted, in the forms reports use. An active
# form before the figure ("killing 34"), a passive or intransitive one after it ("34 were
# killed", "60 died") both bind the figure to the metric.
METRIC_VERBS: dict[str, str] = {
    **dict.fromkeys(
        wordlist(
            "kill kills killed killing died die dies dying perished massacred massacring "
            "executed executing slain slew murdered murdering neutralised neutralized "
            "neutralising neutralizing lynched assassinated martyred"
        ),
        "killed",
    ),
    **dict.fromkeys(
        wordlist("injure injures injured injuring wound wounds wounded wounding hurt maimed"),
        "injured",
    ),
    # "shot" alone does not say whether the people shot died: killed or injured
    **dict.fromkeys(["shot", "shooting"], "casualties"),
    **dict.fromkeys(["missing", "disappeared"], "missing"),
    **dict.fromkeys(wordlist("captured capturing capture captures"), "captured"),
    **dict.fromkeys(
        wordlist("detained detaining detain arrested arresting arrest jailed imprisoned"),
        "detained",
    ),
    **dict.fromkeys(
        wordlist("abducted abducting abduct kidnapped kidnapping kidnap seized"),
        "abducted",
    ),
    **dict.fromkeys(
        wordlist("displaced displacing displace fled fleeing flee uprooted evacuated"),
        "displaced",
    ),
    **dict.fromkeys(["raped"], "sexual_violence"),
}
# Verbs whose object is the counter's own side: "lost 9 fighters", "incurred six losses".
OWN_LOSS_VERBS = frozenset(wordlist("lost lose losing suffered suffering incurred incurring"))
# Multi-word verb phrases read after the counted people ("a couple was stoned to death").
METRIC_PHRASES: dict[tuple[str, ...], str] = {
    ("to", "death"): "killed",  # stoned / beaten / burned / hacked to death
    ("shot", "dead"): "killed",
    ("lost", "their", "lives"): "killed",
    ("lost", "his", "life"): "killed",
    ("lost", "her", "life"): "killed",
    ("taken", "hostage"): "hostages",
    ("held", "hostage"): "hostages",
    ("taken", "prisoner"): "captured",
    ("taken", "captive"): "captured",
    ("rounded", "up"): "detained",
    ("went", "missing"): "missing",
    ("taking", "refuge"): "idps",
    ("internally", "displaced"): "idps",
    ("crossed", "into"): "refugees",
    ("crossed", "the", "border"): "refugees",
    ("sought", "asylum"): "refugees",
    ("took", "refuge"): "idps",
    ("sought", "refuge"): "idps",
    ("seeking", "refuge"): "idps",
    ("sexually", "assaulted"): "sexual_violence",
    ("sexually", "abused"): "sexual_violence",
    ("forced", "to", "flee"): "displaced",  # "2,000 people were forced to flee their homes"
    ("forced", "to", "leave"): "displaced",
    ("treated", "for", "injuries"): "injured",  # "400 people had been treated for injuries"
    ("treated", "for", "wounds"): "injured",
}
# Nouns that name people by what happened to them: "25 civilian deaths", "13 injured".
METRIC_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        wordlist(
            "death deaths dead killed fatalities fatality bodies body corpses corpse losses "
            "remains toll"
        ),
        "killed",
    ),
    **dict.fromkeys(wordlist("injured wounded injuries injury hurt"), "injured"),
    "casualties": "casualties",
    "missing": "missing",
    **dict.fromkeys(wordlist("prisoners prisoner captives captive pows"), "captured"),
    **dict.fromkeys(wordlist("detainees detainee arrests"), "detained"),
    **dict.fromkeys(["abductees", "abductee"], "abducted"),
    **dict.fromkeys(["hostages", "hostage"], "hostages"),
    **dict.fromkeys(["displaced", "evacuees"], "displaced"),
    **dict.fromkeys(["refugees", "refugee"], "refugees"),
    **dict.fromkeys(["idps", "idp"], "idps"),
    "rapes": "sexual_violence",
}
# "internally displaced persons/people" are IDPs, not all displaced.
IDP_PHRASE = ("internally", "displaced")
# Status nouns describe people held or uprooted; a verb after them says what happened next
# ("7 hostages were killed" counts deaths).
STATUS_METRICS = frozenset({"hostages", "captured", "detained", "abducted", "refugees", "idps"})
# People who were let go are not a count of people held or harmed: "16 hostages were freed".
RELEASE_VERBS = frozenset(
    wordlist("freed released rescued liberated exchanged escaped returned repatriated")
)
# Words that open a breakdown of the figure before: "40 people, of whom 12 were children",
# "among them 8 women", "12 of them children".
BREAKDOWN_LEADS = (["among", "them"], ["among", "whom"], ["of", "whom"], ["of", "them"])
# Nouns of nominalised events before the figure: "the deaths of 12", "displacement of 378,000".
METRIC_OF_NOUNS: dict[str, str] = {
    "deaths": "killed",
    "death": "killed",
    "killing": "killed",
    "killings": "killed",
    "bodies": "killed",
    "remains": "killed",
    "lives": "killed",  # "claimed the lives of 12"
    "displacement": "displaced",
    "abduction": "abducted",
    "abductions": "abducted",
    "kidnapping": "abducted",
    "detention": "detained",
    "arrest": "detained",
    "arrests": "detained",
    "injuring": "injured",
    "wounding": "injured",
}
# "the death toll rose to 60", "a toll of 60", "brought the number of dead to 60".
TOLL_WORDS = frozenset({"toll", "tally", "count"})
TOLL_LINKS = frozenset({"to", "at", "of", "reached", "hit", "topped", "passed", "exceeded"})
# Verbs of a running total before "to" / "at": their toll noun may sit a long phrase back ("the
# death toll from the attack on X on 12 March has risen to 58"), within one clause.
TOLL_RISE_VERBS = frozenset(
    wordlist("rose risen rise rises rising climbed climbs increased jumped grown stands stood")
)
TOLL_RISE_REACH = 20  # tokens between the toll noun and its verb, at most
# Verbs of a count reaching its figure: "the number of people killed ... has reached 640".
TOLL_REACH_VERBS = frozenset(wordlist("reached reaches topped passed exceeded surpassed hit"))
# Verbs that bring a count to a figure: "bringing the total number of IDPs to 1.4 million".
TOLL_BRING_VERBS = frozenset(
    wordlist(
        "bringing brings brought bring raising raises raised taking takes took pushing pushed "
        "put puts putting placed places placing estimated estimates"
    )
)

# ---------------------------------------------------------------------------------------------
# Vocabulary: who is counted
# ---------------------------------------------------------------------------------------------

# Person nouns -> population. A noun that names armed people of no clear side is a
# combatant; generic people nouns say "all"; words parties use for their enemies
# ("terrorists", "assailants", "bandits") count as militants.
POPULATION_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        wordlist(
            "civilian civilians citizens locals villager villagers resident residents "
            "inhabitants passenger passengers protester protesters protestor protestors "
            "demonstrators worshippers "
            "worshipper miner miners trader traders farmer farmers herder herders herdsmen "
            "fishermen pilgrims preacher preachers clerics imam imams student students pupils "
            "schoolchildren child children boy boys girl girls woman women elderly journalist "
            "journalists reporter reporters teacher teachers doctor doctors nurse nurses "
            "medic medics patients humanitarians volunteers tourist tourists national "
            "nationals foreigner foreigners expatriates migrants westerners hostages hostage "
            "sons daughters brothers sisters husband wife "
            "infants babies minors shepherds drivers driver merchants vendors couple workers "
            "worker employees staff contractors officials official"
        ),
        "civilians",
    ),
    **dict.fromkeys(
        wordlist(
            "soldier soldiers troops trooper troopers servicemen serviceman servicemembers "
            "gendarme gendarmes police policeman policemen officers officer commando "
            "commandos paratrooper paratroopers pilot pilots marine marines sailors guards "
            "guardsmen legionnaires recruits conscripts personnel army forces airmen sergeant "
            "lieutenant captain colonel general"
        ),
        "security_forces",
    ),
    **dict.fromkeys(
        wordlist(
            "militant militants fighter fighters jihadist jihadists islamist islamists "
            "terrorist terrorists insurgent insurgents rebel rebels assailant assailants "
            "attacker attackers gunman gunmen bomber bombers bandits bandit extremists "
            "extremist combatants separatists separatist followers mujahideen jihadis enemy "
            "enemies raiders"
        ),
        "militants",
    ),
    **dict.fromkeys(
        wordlist("militiaman militiamen militia militias vigilantes mercenaries mercenary dozos"),
        "combatants",
    ),
    **dict.fromkeys(wordlist("peacekeeper peacekeepers helmets"), "peacekeepers"),
    **dict.fromkeys(wordlist("people persons person individuals total"), "all"),
}
# Adjectives that carry the population when the noun does not ("25 civilian deaths").
POPULATION_ADJECTIVES: dict[str, str] = {
    "civilian": "civilians",
    "unarmed": "civilians",
    "military": "security_forces",
    "army": "security_forces",
    "government": "security_forces",
    "islamist": "militants",
    "jihadist": "militants",
    "rebel": "militants",
    "insurgent": "militants",
    "terrorist": "militants",
    "enemy": "militants",
    "peacekeeping": "peacekeepers",
    "un": "peacekeepers",
}
# Words that are neither a population nor a trap: "34 others", "members of X".
GENERIC_PERSON_NOUNS = frozenset(
    wordlist(
        "others other members member victims victim dead wounded injured bodies body "
        "corpses remains one ones"
    )
)
# Who among the population (subgroups.csv terms).
SUBGROUP_NOUNS: dict[str, str] = {
    **dict.fromkeys(wordlist("child children boy boys girl girls minors infants babies kids"),
                    "children"),
    **dict.fromkeys(["schoolchildren"], "children"),
    **dict.fromkeys(["woman", "women"], "women"),
    **dict.fromkeys(["man", "men"], "men"),
    "elderly": "elderly",
    **dict.fromkeys(wordlist("journalist journalists reporter reporters"), "journalists"),
    **dict.fromkeys(wordlist("student students pupils"), "students"),
    **dict.fromkeys(wordlist("doctor doctors nurse nurses medic medics paramedics"),
                    "health_workers"),
    "humanitarians": "aid_workers",
}  # fmt: skip
SUBGROUP_PHRASES: dict[tuple[str, str], str] = {
    ("aid", "workers"): "aid_workers",
    ("aid", "worker"): "aid_workers",
    ("humanitarian", "workers"): "aid_workers",
    ("humanitarian", "worker"): "aid_workers",
    ("health", "workers"): "health_workers",
    ("health", "worker"): "health_workers",
    ("medical", "staff"): "health_workers",
    ("medical", "workers"): "health_workers",
}
# Vague words recognised when the data folder has no vague_quantities.csv to read them with.
FALLBACK_VAGUE_TERMS = (
    "a few", "a handful", "a couple", "several", "dozens", "several dozen", "scores",
    "hundreds", "several hundred", "thousands", "several thousand", "tens of thousands",
    "hundreds of thousands", "millions",
)  # fmt: skip
# Counts of households: real figures, but not of people (reconcile them apart).
HOUSEHOLD_NOUNS = frozenset({"families", "family", "households", "household"})
# Certainty: "feared dead" and "unconfirmed reports" are below a plain report.
FEARED_WORDS = frozenset({"feared", "presumed", "unconfirmed", "believed", "possibly"})
CONFIRMED_WORDS = frozenset({"confirmed", "verified"})
NEGATIONS = frozenset({"not", "neither", "nor", "never", "if", "yet", "no"})

# ---------------------------------------------------------------------------------------------
# Vocabulary: traps, figures that count something other than people harmed
# ---------------------------------------------------------------------------------------------

# A noun after the figure that makes it a count of things, not of people.
TRAP_NOUNS = frozenset(
    wordlist(
        "vehicle vehicles truck trucks pickup pickups pick-up pick-ups car cars bus buses "
        "motorbike motorbikes motorcycles tanks tank aircraft plane planes jet jets "
        "helicopter helicopters drone drones boat boats canoes weapon weapons rifle "
        "rifles gun guns rounds round bullets rockets rocket shells shell mortars mines "
        "mine bombs explosives ammunition cartridges targets target bases base camps camp "
        "villages village towns houses homes buildings schools hospitals tons tonnes "
        "kilograms kg litres km kilometres kilometers kilometre kilometer miles mile "
        "metres meters metre meter hours hour minutes minute seconds days day weeks week "
        "months month years year decades decade centuries times percent per cent dollars "
        "euros francs pounds cfa usd eur gmt utc am pm witnesses witness interviews "
        "interview interviewees respondents sources source cases case incidents incident "
        "attacks attack strikes strike airstrikes raids raid operations points point "
        "articles article resolutions resolution pages page reports report groups group "
        "units unit battalions battalion brigades brigade regiments regiment companies "
        "company patrols patrol checkpoints positions sides side coups coup kidnappings "
        "ways goals goal shots"
    )
)
# A word before the figure that makes it a label or a money amount: "Article 3", "$5".
TRAP_BEFORE = frozenset(
    wordlist(
        "article articles resolution resolutions chapter chapters section paragraph "
        "protocol no no. number route highway page pages flight $ € £ us$ usd cfa"
    )
)
# Verbs whose object is a count of informants, not of victims: "interviewed six witnesses".
INTERVIEW_VERBS = frozenset(
    wordlist("interviewed interviewing interview spoke speaking surveyed consulted met")
)
MONTHS = frozenset(
    wordlist(
        "january february march april may june july august september october november "
        "december jan feb mar apr jun jul aug sep sept oct nov dec"
    )
)

# ---------------------------------------------------------------------------------------------
# Vocabulary: who says it
# ---------------------------------------------------------------------------------------------

# Reporting verbs whose subject (or "by X" agent) is the claimant.
ATTRIBUTION_VERBS = frozenset(
    wordlist(
        "said says say saying stated states state told tells announced announces "
        "announcing claimed claims claiming claim reported reports reporting added adds "
        "declared declares confirmed confirms estimated estimates mentioned informed "
        "suggested suggest suggests wrote writes counted recorded documented revised "
        "mention insisted acknowledged admitted noted put described describes"
    )
)
# Perception verbs make the subject a witness claimant: "Reuters saw the remains of one body".
PERCEPTION_VERBS = frozenset(wordlist("saw seen counted observed witnessed"))
# Generic claimant nouns that stand for an actor mentioned nearby: "the rebels claimed".
# A country's name speaks for its state only with an institution: "Chadian state television",
# "Mali's army", "French forces" -- not "Sudan Doctors Network" or "Chadian news stations".
STATE_VOICE_WORDS = frozenset(
    wordlist(
        "army military government junta forces troops ministry minister authorities "
        "police gendarmerie president presidency state spokesman spokesperson officials "
        "official security command staff navy defence defense regime embassy"
    )
)
GENERIC_STATE_CLAIMANTS = frozenset(
    wordlist("army military junta government authorities ministry regime forces")
)
GENERIC_GROUP_CLAIMANTS = frozenset(
    wordlist("rebels group insurgents separatists coalition movement alliance")
)
# Words that make an unmatched claimant sound like a party to the fighting ("Ministry of
# Interior", "the brigades"): its figures are drafted independent only with a review note.
PARTY_VOICE_WORDS = GENERIC_STATE_CLAIMANTS | frozenset(
    wordlist(
        "ministry minister police gendarmerie brigades brigade militia militias rebels "
        "insurgents separatists fighters soldiers troops commander commanders"
    )
)
# Country names and the words reports use for their forces, to match actors.csv names.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "Mali": ("Malian", "Mali's"),
    "France": ("French",),
    "Chad": ("Chadian", "Chad's"),
    "Niger": ("Nigerien", "Niger's"),
    "Nigeria": ("Nigerian", "Nigeria's"),
    "Burkina Faso": ("Burkinabe", "Burkinabè"),
    "United States": ("U.S.", "U. S.", "US", "American", "America's"),
    "United Kingdom": ("British", "UK", "U.K."),
    "Russia": ("Russian", "Russia's"),
    "Algeria": ("Algerian",),
    "Mauritania": ("Mauritanian",),
    "Senegal": ("Senegalese",),
    "Cameroon": ("Cameroonian",),
    "Sudan": ("Sudanese",),
    "Somalia": ("Somali",),
    "Ethiopia": ("Ethiopian",),
    "Kenya": ("Kenyan",),
    "Uganda": ("Ugandan",),
    "Syria": ("Syrian",),
    "Iraq": ("Iraqi",),
    "Ukraine": ("Ukrainian",),
    "Israel": ("Israeli",),
    "Yemen": ("Yemeni",),
    "Afghanistan": ("Afghan",),
    "Colombia": ("Colombian",),
    "Myanmar": ("Myanmar's",),
    "Congo": ("Congolese",),
    "Libya": ("Libyan",),
    "Turkey": ("Turkish",),
    "Germany": ("German",),
    "Jordan": ("Jordanian",),
    "Liberia": ("Liberian",),
    "Sweden": ("Swedish",),
    "Egypt": ("Egyptian",),
    "Pakistan": ("Pakistani",),
    "India": ("Indian",),
    "Mozambique": ("Mozambican",),
    "Rwanda": ("Rwandan",),
    "Benin": ("Beninese",),
    "Togo": ("Togolese",),
    "Ghana": ("Ghanaian",),
}
# Kinds of actors in actors.csv that fight: a publisher of another kind (a UN agency, an NGO)
# is linked to its actor but stays independent.
FIGHTING_KINDS = frozenset({"state", "armed_group", "militia", "foreign_force"})
# Population of a party's own members, by the actor's kind in actors.csv.
KIND_POPULATION = {
    "state": "security_forces",
    "foreign_force": "security_forces",
    "armed_group": "militants",
    "militia": "combatants",
    "un": "peacekeepers",
    "other": "unknown",
}
# Words that stop a noun phrase: auxiliaries, prepositions, conjunctions, relatives.
AUXILIARIES = frozenset(
    wordlist(
        "is are was were be been being has have had having did do does will would could "
        "should may might must can got get gets"
    )
)
ADVERBS = frozenset(
    wordlist(
        "also reportedly allegedly seriously critically badly fatally slightly later "
        "initially then since so far still all both only just already subsequently "
        "eventually apparently reported believed said thought feared confirmed presumed "
        "thus meanwhile finally altogether together in total overall respectively "
        "newly recently forcibly temporarily"
    )
)
PREPOSITIONS = frozenset(
    wordlist(
        "in on at by with near during after before since into onto toward towards against "
        "across along around over under through per via than as like for to including "
        "among between within without outside inside behind beyond about from"
    )
)
CONJUNCTIONS = frozenset(
    wordlist(
        "and or but while whereas although though because when where if whom who whose which that"
    )
)
DETERMINERS = frozenset(
    wordlist(
        "the its their his her our my your this these those some another additional further total"
    )
)
# Quotation marks. A single mark ('killed', ‘killed’) is one only where it opens and closes on
# one line; an unpaired one is an apostrophe ("the soldiers' families").
QUOTE_CHARS = '"“”„«»‹›'
SINGLE_QUOTE_CHARS = "'‘’‚"
# The pairs ``find_quotes`` ties to a speaker, opening mark -> closing marks: straight, curly
# (“…”), low-high („…“, „…”), angle (« … », » … «, ‹ … ›, › … ‹), and single marks paired on
# their line ('…', ‘…’, ‚…‘).
QUOTE_PAIRS = {
    '"': '"”',
    "“": '"”',
    "„": "“”",
    "«": "»",
    "»": "«",
    "‹": "›",
    "›": "‹",
    "'": "'",
    "‘": "’",
    "‚": "‘’",
}


# ---------------------------------------------------------------------------------------------
# Reading documents
# ---------------------------------------------------------------------------------------------


class ExtractError(Exception):
    """A document or data folder that cannot be read; the message names the file."""


@dataclass
class TableCell:
    """One cell of an HTML table: where its text sits in the document's text, and its shape."""

    start: int  # character offsets of the cell's text in the text as read
    end: int
    header: bool  # a <th>, or a cell of <thead>
    colspan: int = 1
    rowspan: int = 1


@dataclass
class TableRow:
    """One <tr>: a line of the text (cells joined by ``CELL_DELIMITER``) and its cells."""

    start: int
    end: int
    cells: list[TableCell]
    in_head: bool = False  # inside <thead>


@dataclass
class TextTable:
    """A data table of an HTML document, as it sits in the text: its caption and rows."""

    rows: list[TableRow]
    caption: tuple[int, int] | None = None  # offsets of the caption line, when it has one


@dataclass
class Layout:
    """A document's text and where its tables' rows and cells sit in it."""

    text: str
    tables: list[TextTable] = field(default_factory=list)


# A table row is one line of the text, its cells joined by this (verbatim evidence of a row).
CELL_DELIMITER = " | "
# A table whose cells hold this many words is page layout, not figures: read as before, a line
# per cell.
LAYOUT_CELL_WORDS = 80


@dataclass
class _CellBuild:
    header: bool
    colspan: int
    rowspan: int
    flat: list[str] = field(default_factory=list)  # the cell's text, block elements as spaces
    raw: list[str] = field(default_factory=list)  # the same with line breaks, for layout tables


@dataclass
class _TableBuild:
    rows: list[tuple[list[_CellBuild], bool]] = field(default_factory=list)
    row: list[_CellBuild] | None = None
    cell: _CellBuild | None = None
    in_head: bool = False
    caption: list[str] | None = None
    caption_text: str = ""
    layout: bool = False  # holds a nested table: page layout, not a data table
    raw_before: list[str] = field(default_factory=list)  # text inside <table> outside cells


def _span_attribute(attrs, name: str) -> int:
    """A cell's colspan or rowspan as a whole number from 1 to 1000 (as browsers cap it)."""
    value = dict(attrs).get(name) or "1"
    match = re.match(r"\s*(\d+)", value)
    return min(max(int(match.group(1)), 1), 1000) if match else 1


class _TextOfHtml(html.parser.HTMLParser):
    """Visible text of an HTML page, one line per block element, scripts and styles dropped.

    A data table's row is one line, its cells joined by ``CELL_DELIMITER``, so that a figure
    keeps its row label beside it; the layout records each row and cell (``tables``). A table
    used for page layout (one holding another table, or a cell of ``LAYOUT_CELL_WORDS`` words)
    is read as before: a line per cell.
    """

    BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "dd",
            "dt",
            "figcaption",
            "caption",
            "pre",
            "hr",
            "td",
            "th",
        ]
    )
    HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.stack: list[_TableBuild] = []
        self.rows: list[tuple[list[str], list[bool], list[tuple[int, int]], bool]] = []
        self.row_tables: list[tuple[int, list[int], int | None]] = []  # caption, rows
        self.captions: list[str] = []

    # -- where text goes -------------------------------------------------------------------

    def _out(self, piece: str, flat: str | None = None) -> None:
        """Append text: to the open table cell (flat and raw), else to the page."""
        if self.stack:
            table = self.stack[-1]
            if table.caption is not None:
                table.caption.append(piece if flat is None else flat)
            elif table.cell is not None:
                table.cell.raw.append(piece)
                table.cell.flat.append(piece if flat is None else flat)
            else:
                table.raw_before.append(piece)
        else:
            self.parts.append(piece)

    def _close_cell(self, table: _TableBuild) -> None:
        if table.cell is not None:
            if table.row is None:
                table.row = []
            table.row.append(table.cell)
            table.cell = None

    def _close_row(self, table: _TableBuild) -> None:
        self._close_cell(table)
        if table.row:
            table.rows.append((table.row, table.in_head))
        table.row = None

    def _finish_table(self) -> None:
        table = self.stack.pop()
        self._close_row(table)
        cells = [cell for row, _ in table.rows for cell in row]
        if not table.layout and any(
            len(" ".join(cell.flat).split()) >= LAYOUT_CELL_WORDS for cell in cells
        ):
            table.layout = True
        pieces: list[str] = ["\n"]
        if table.layout:
            # a line per cell, as any block element
            if table.caption_text:
                pieces += [table.caption_text, "\n"]
            pieces += table.raw_before
            for row, _ in table.rows:
                for cell in row:
                    pieces += ["\n", *cell.raw, "\n"]
        else:
            caption = None
            if table.caption_text.strip():
                caption = len(self.captions)
                self.captions.append(re.sub(r"\s+", " ", table.caption_text).strip())
                pieces += [f"\x00C{caption}\x00", "\n"]
            pieces += table.raw_before
            row_ids = []
            for row, in_head in table.rows:
                texts = [re.sub(r"\s+", " ", "".join(cell.flat)).strip() for cell in row]
                if not any(texts):
                    continue  # a spacer row
                row_ids.append(len(self.rows))
                self.rows.append(
                    (
                        texts,
                        [cell.header for cell in row],
                        [(cell.colspan, cell.rowspan) for cell in row],
                        in_head,
                    )
                )
                pieces += ["\n", f"\x00R{row_ids[-1]}\x00", "\n"]
            self.row_tables.append((len(self.row_tables), row_ids, caption))
        pieces.append("\n")
        text = "".join(pieces)
        self._out(text, " ")

    # -- the parser's callbacks ------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.HIDDEN:
            self.hidden_depth += 1
            return
        if self.hidden_depth:
            return
        if tag == "table":
            if self.stack:
                self.stack[-1].layout = True  # a table inside a table lays out a page
            self.stack.append(_TableBuild())
            return
        if self.stack:
            table = self.stack[-1]
            if tag == "tr":
                self._close_row(table)
                table.row = []
                return
            if tag in ("td", "th"):
                self._close_cell(table)
                if table.row is None:
                    table.row = []
                table.cell = _CellBuild(
                    tag == "th" or table.in_head,
                    _span_attribute(attrs, "colspan"),
                    _span_attribute(attrs, "rowspan"),
                )
                return
            if tag in ("thead", "tbody", "tfoot"):
                self._close_row(table)
                table.in_head = tag == "thead"
                return
            if tag == "caption":
                table.caption = []
                return
        if tag in self.BLOCKS:
            self._out("\n", " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
            return
        if self.hidden_depth:
            return
        if self.stack:
            table = self.stack[-1]
            if tag == "table":
                self._finish_table()
                return
            if tag == "tr":
                self._close_row(table)
                return
            if tag in ("td", "th"):
                self._close_cell(table)
                return
            if tag in ("thead", "tbody", "tfoot"):
                self._close_row(table)
                table.in_head = False
                return
            if tag == "caption" and table.caption is not None:
                table.caption_text = "".join(table.caption)
                table.caption = None
                return
        if tag in self.BLOCKS:
            self._out("\n", " ")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self._out(data.replace("\x00", ""))

    def close(self) -> None:
        super().close()
        while self.stack:  # an unclosed <table>
            self._finish_table()

    def layout(self) -> Layout:
        """The text (a line per block, a line per table row) and its tables' offsets."""
        joined = "".join(self.parts)
        lines: list[str] = []
        offset = 0
        row_spans: dict[int, TableRow] = {}
        caption_spans: dict[int, tuple[int, int]] = {}
        for raw_line in joined.split("\n"):
            marker = re.fullmatch(r"\s*\x00([RC])(\d+)\x00\s*", raw_line)
            if marker and marker.group(1) == "R":
                number = int(marker.group(2))
                texts, headers, spans, in_head = self.rows[number]
                line, cells = _row_line(texts)
                row_spans[number] = TableRow(
                    offset,
                    offset + len(line),
                    [
                        TableCell(offset + start, offset + end, header, colspan, rowspan)
                        for (start, end), header, (colspan, rowspan) in zip(
                            cells, headers, spans, strict=True
                        )
                    ],
                    in_head,
                )
            elif marker:
                line = self.captions[int(marker.group(2))]
                caption_spans[int(marker.group(2))] = (offset, offset + len(line))
            else:
                line = re.sub(r"[ \t\r\f\v]+", " ", raw_line).strip()
            if line:
                lines.append(line)
                offset += len(line) + 1
        tables = [
            TextTable(
                [row_spans[r] for r in row_ids],
                caption_spans.get(caption) if caption is not None else None,
            )
            for _, row_ids, caption in self.row_tables
            if row_ids
        ]
        return Layout("\n".join(lines), tables)

    def text(self) -> str:
        """The visible text alone."""
        return self.layout().text


def _row_line(texts: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A row's cells joined by the delimiter ("a | | b", "| Killed" after an empty corner)."""
    line = ""
    cells = []
    for index, text in enumerate(texts):
        if index:
            line += CELL_DELIMITER.rstrip() if line else CELL_DELIMITER.strip()
        if text:
            if line:
                line += " "
            cells.append((len(line), len(line) + len(text)))
            line += text
        else:
            cells.append((len(line), len(line)))
    return line, cells


_ALIGNMENT_ROW = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*")


def text_tables(text: str) -> list[TextTable]:
    """Tables written with pipes in a plain-text or Markdown document (``| Killed | 12 |``).

    Two or more consecutive lines of two or more cells each; the lines above a Markdown
    alignment row (``|---|---|``) are headers. A cell's offsets exclude its spaces. The line
    just above the table (a blank line between them at most) is its caption when it reads as
    one (``_text_caption``): "Table 2: Civilian casualties, as of 15 May 2025".
    """
    tables: list[TextTable] = []
    block: list[TableRow] = []
    aligned = False

    def close() -> None:
        nonlocal aligned
        if len(block) >= 2:
            tables.append(TextTable(list(block), _text_caption(text, block[0].start)))
        block.clear()
        aligned = False

    offset = 0
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if _ALIGNMENT_ROW.fullmatch(stripped) and block:
            aligned = True
            for row in block:
                row.in_head = True
                for cell in row.cells:
                    cell.header = True
            continue
        if stripped.count("|") < (1 if not stripped.startswith("|") else 2):
            close()
            continue
        bounds = [k for k, char in enumerate(line) if char == "|"]
        edges = [-1, *bounds, len(line)]
        pieces = list(itertools.pairwise(edges))
        if stripped.startswith("|"):
            pieces = pieces[1:]
        if stripped.endswith("|"):
            pieces = pieces[:-1]
        cells = []
        for left, right in pieces:
            inner = line[left + 1 : right]
            lead = len(inner) - len(inner.lstrip())
            cell_start = start + left + 1 + lead
            cells.append(TableCell(cell_start, cell_start + len(inner.strip()), header=False))
        if len(cells) < 2:
            close()
            continue
        block.append(TableRow(start, start + len(line), cells))
    close()
    return tables


def _text_caption(text: str, table_start: int) -> tuple[int, int] | None:
    """The offsets of the caption line above a text table starting at ``table_start``.

    The last non-blank line above it, with one blank line between them at most, of at most
    25 words and no pipe, that is a title: it opens with 'Table' / 'Figure' / a Markdown '#',
    or ends without a full stop (a sentence of prose is no caption).
    """
    end = table_start - 1
    for _ in range(2):
        if end < 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip():
            break
        end = start - 1
    else:
        return None
    stripped = line.strip()
    if "|" in stripped or len(stripped.split()) > 25:
        return None
    if not (re.match(r"(?:table|figure|#)", stripped, re.IGNORECASE) or stripped[-1] not in ".!?"):
        return None
    lead = len(line) - len(line.lstrip())
    return start + lead, start + lead + len(stripped)


def html_layout(markup: str) -> Layout:
    """The visible text of an HTML document and where its data tables sit in it."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return parser.layout()


def html_to_text(markup: str) -> str:
    """The visible text of an HTML document (stdlib ``html.parser``), a line per block."""
    return html_layout(markup).text


def read_layout(path: str | Path) -> Layout:
    """The text casrec extracts from and, for an HTML file, where its tables sit in it.

    Offsets in the drafts (``span_start``, ``span_end``) count characters in this text. UTF-8
    or UTF-16 with its mark; a binary document (PDF, Word, a workbook) is an ExtractError
    saying what it is and how to save its text.
    """
    path = Path(path)
    if not path.exists():
        raise ExtractError(f"{path}: file not found")
    if not path.is_file():
        raise ExtractError(f"{path}: not a file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExtractError(f"{path}: cannot be read ({error.strerror})") from error
    not_text = _not_a_text_document(data)
    if not_text:
        how = " (for a PDF: pdftotext -layout FILE.pdf FILE.txt)" if "PDF" in not_text else ""
        raise ExtractError(
            f"{path}: {not_text}; casrec extracts from plain text or HTML: save the document "
            f"as UTF-8 text{how} or as a web page, and extract that file"
        )
    try:
        # UTF-16 with its mark is Word's and Notepad's "Unicode"
        raw = data.decode("utf-16" if data.startswith(UTF16_MARKS) else "utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractError(
            f"{path}: cannot be read as UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from error
    head = raw[:2000].lower()
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or re.search(
        r"<!doctype html|<html[\s>]|<body[\s>]|<p[\s>]", head
    ):
        return html_layout(raw)
    text = raw.replace("\r\n", "\n")
    return Layout(text, text_tables(text))


# What a document that is not text starts with, and what it is.
_DOCUMENT_SIGNATURES = (
    (b"%PDF-", "a PDF"),
    (b"{\\rtf", "an RTF document"),
    (OLE2_SIGNATURE, "a Word or Excel 97-2003 file"),
    (GZIP_SIGNATURE, "a gzip archive"),
)
# The parts of an Office Open XML or OpenDocument zip that say which it is.
_ZIPPED_DOCUMENTS = (
    ("word/", "a Word document (.docx)"),
    ("xl/", "an Excel workbook (.xlsx)"),
    ("ppt/", "a PowerPoint file (.pptx)"),
    ("mimetype", "an OpenDocument file (.odt, .ods)"),
)


def _not_a_text_document(data: bytes) -> str | None:
    """What a file is when it is a binary document ('a PDF'), else None."""
    import zipfile

    for signature, kind in _DOCUMENT_SIGNATURES:
        if data.startswith(signature):
            return f"is {kind}, not text"
    if data.startswith(ZIP_SIGNATURE):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = []
        for part, kind in _ZIPPED_DOCUMENTS:
            if any(name.startswith(part) for name in names):
                return f"is {kind}, not text"
        return "is a zip archive, not text"
    if b"\x00" in data[:2000] and not data.startswith(UTF16_MARKS):
        return "is a binary file, not text"
    return None


def read_document(path: str | Path) -> str:
    """The text casrec extracts from: a plain-text file as it is, an HTML file's visible text.

    Offsets in the drafts (``span_start``, ``span_end``) count characters in this text.
    """
    return read_layout(path).text


# ---------------------------------------------------------------------------------------------
# Tokens and sentences
# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<cite>\[(?:\d+|[a-z]|citation\ needed|note\ \d+)\])        # citation markers, skipped
  | (?P<abbr>(?:[A-Z]\.\ ?){2,}(?![a-z]))                         # U.S., U. S.
  | (?P<age>\d+-years?-old)                                      # 51-year-old
  | (?P<code>[A-Za-z]+-?\d+[A-Za-z]*|\d+-[A-Za-z]+\b(?<!-to))    # AK-47, C-130, M23, 2000-D
  | (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\ \u00a0\u202f\u2009]\d{3})+(?![\d,.])
      |\d+(?:\.\d+)?)                                             # 13,105; 144 000; 1.5
  | (?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+(?:['’][^\W\d_]+)*)*)
  | (?P<newline>\n)
  | (?P<punct>[^\w\s])
    """,
    re.VERBOSE,
)
# Titles before a name, whose stop ends no sentence nor a speaker's name ("said Col. Arat").
_TITLE_WORDS = frozenset(wordlist("mr mrs ms dr gen lt col capt sgt maj brig adm prof sen gov"))
# Words whose full stop ends no sentence: titles, months and others.
_ABBREVIATIONS = _TITLE_WORDS | frozenset(
    wordlist(
        "st no vs etc rep pres jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp"
    )
)


@dataclass
class Token:
    """One word, number or mark of the text, with its character offsets."""

    text: str
    start: int
    end: int
    kind: str  # word | number | abbr | age | code | punct | quote | newline
    # a quotation mark stood just before it: sentences read quoted words without their marks,
    # and this keeps where a quote opened or closed ('"Nine died," said a nurse')
    after_quote: bool = False

    @property
    def low(self) -> str:
        """The token in lower case."""
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    """Words, numbers and punctuation with offsets; citation markers ([12]) left out.

    Quotation marks are tokens of kind ``quote`` (a single mark only when paired on its line).
    """
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "cite":
            continue
        if kind == "punct" and match.group() in QUOTE_CHARS:
            kind = "quote"
        tokens.append(Token(match.group(), match.start(), match.end(), kind))
    _pair_single_quotes(text, tokens)
    return tokens


def _pair_single_quotes(text: str, tokens: list[Token]) -> None:
    """Mark single quotation marks that open and close on one line as quotes.

    An opening mark has no letter or digit before it and a word right after it; a closing one
    a word or a stop (",'" ".'") right before it and no letter or digit after it. An apostrophe of a
    plural possessive ("the soldiers' families") closes no quote that opened, and stays.
    """
    opening: int | None = None
    for k, token in enumerate(tokens):
        if token.kind == "newline":
            opening = None
            continue
        if token.kind != "punct" or token.text not in SINGLE_QUOTE_CHARS:
            continue
        before = text[token.start - 1] if token.start else " "
        after = text[token.end] if token.end < len(text) else " "
        if token.text != "’" and not before.isalnum() and after.isalnum():
            opening = k
        elif (
            opening is not None
            and (before.isalnum() or before in ".,;:!?…)")
            and not after.isalnum()
        ):
            tokens[opening].kind = token.kind = "quote"
            opening = None


@dataclass
class Sentence:
    """A sentence's tokens and its span in the text; ``line`` counts lines from 0."""

    tokens: list[Token]
    start: int
    end: int
    line: int


def split_sentences(text: str, tokens: list[Token]) -> list[Sentence]:
    """Sentences: a stop followed by a capital or digit, or a line break; abbreviations kept."""
    sentences: list[Sentence] = []
    current: list[Token] = []
    line = 0

    def close() -> None:
        if current:
            sentences.append(Sentence(list(current), current[0].start, current[-1].end, line))
            current.clear()

    for index, token in enumerate(tokens):
        if token.kind == "newline":
            close()
            line += 1
            continue
        current.append(token)
        if token.text in ".!?":
            previous = tokens[index - 1] if index else None
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            while following is not None and (following.kind == "quote" or following.text in "')"):
                current.append(following)
                tokens[index + 1] = Token("", following.end, following.end, "punct")
                following = tokens[index + 2] if index + 2 < len(tokens) else None
                break
            if (
                previous is not None
                and token.text == "."
                and (
                    previous.low in _ABBREVIATIONS
                    or (
                        previous.kind == "word"
                        and len(previous.text) == 1
                        and previous.text.isupper()
                    )
                )
            ):
                continue
            if (
                following is None
                or following.kind == "newline"
                or (
                    following.text[:1].isupper()
                    or following.kind in ("number", "abbr")
                    or following.kind == "quote"
                )
            ):
                close()
    close()
    for sentence in sentences:
        sentence.tokens = without_quote_marks(t for t in sentence.tokens if t.text)
    return [s for s in sentences if s.tokens]


def without_quote_marks(tokens: Iterable[Token]) -> list[Token]:
    """The tokens with their quotation marks left out, each after one marked ``after_quote``.

    Quoted words are read like the words around them: 'were "killed"' binds its figure as 'were
    killed' does; who speaks a quote is read from the text (``find_quotes``).
    """
    kept: list[Token] = []
    quote = False
    for token in tokens:
        if token.kind == "quote":
            quote = True
            continue
        token.after_quote = quote
        quote = False
        kept.append(token)
    return kept


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


@dataclass
class Mention:
    """A figure in a sentence: token range of its core and of its qualifier-included value."""

    sentence: Sentence
    first: int  # index of the first token of the value (qualifier included)
    core: int  # index of the first token of the number itself
    last: int  # index of the last token of the value
    kind: str  # number | words | vague | article | ordinal
    metric: str | None = None
    anchor: tuple[int, int] | None = None  # tokens of the verb or noun that bound the metric
    np_end: int | None = None  # last token of the counted noun phrase
    population: str | None = None
    population_guessed: bool = False
    side: str | None = None
    nationality: str | None = None
    subgroup: str | None = None
    group: str | None = None
    own_loss: bool = False
    enemy_hint: bool = False
    whole: Mention | None = None  # the figure this one breaks down
    part_hint: str = ""
    label_population: str | None = None
    as_of: str | None = None  # the period a table's header or label, or its sentence, gives
    earlier: bool = False  # an earlier figure of the count ("up from 41"): no period of its own
    subject_population: str | None = None
    value: str = ""
    review: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what claims.csv's notes should say

    @property
    def tokens(self) -> list[Token]:
        """The sentence's tokens (indices above point into these)."""
        return self.sentence.tokens

    @property
    def start(self) -> int:
        """Character offset where the value begins."""
        return self.tokens[self.first].start

    @property
    def end(self) -> int:
        """Character offset just after the value."""
        return self.tokens[self.last].end


# The grammar's own wordings before and after a number ("at least", "nearly", "40 or more").
_QUALIFIER_PHRASES = sorted(
    {tuple(p.split()) for p, _ in PREFIX_READINGS} - {("~",), ("≈",)},
    key=len,
    reverse=True,
)
_SUFFIX_PHRASES = sorted(
    {tuple(p.split()) for p, _ in SUFFIX_READINGS} - {("+",)}, key=len, reverse=True
)
_NUMBER_WORD_SET = frozenset(
    [*UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS]
    + [w for w in NUMBER_WORDS if " " not in w and w not in ("a", "an", "both", "zero")]
)
# The grammar's scales, and "billion", which it refuses: a figure in billions is drafted whole
# (and refused at validation), never cut down to the figure before the word.
_SCALES = frozenset({*SCALE_WORDS, "billion"})


def _lexicon_phrases(lexicon: Mapping[str, tuple[int, int]]) -> list[tuple[str, ...]]:
    return sorted((tuple(term.split()) for term in lexicon), key=len, reverse=True)


def _match_words(tokens: list[Token], index: int, phrase: tuple[str, ...]) -> bool:
    if index + len(phrase) > len(tokens):
        return False
    return all(tokens[index + k].low == word for k, word in enumerate(phrase))


def _is_number_word(token: Token) -> bool:
    if token.kind != "word":
        return False
    parts = token.low.split("-")
    return all(p in _NUMBER_WORD_SET for p in parts) and bool(parts)


def _core_at(
    tokens: list[Token], index: int, lexicon_phrases: list[tuple[str, ...]]
) -> tuple[int, str] | None:
    """If a figure's core starts at ``index``: (its last token, its kind)."""
    token = tokens[index]
    if token.kind == "number":
        last = index
        if last + 1 < len(tokens) and tokens[last + 1].low in _SCALES:
            last += 1
        elif _scale_suffix(tokens, index):
            last += 1  # "1.5m people", "12K displaced"
        return last, "number"
    fraction = _fraction_extent(tokens, index)
    if fraction is not None:
        return fraction, "words"  # "half a million", "a quarter of a million"
    for phrase in lexicon_phrases:
        if _match_words(tokens, index, phrase):
            last = index + len(phrase) - 1
            if (
                last + 1 < len(tokens)
                and tokens[last + 1].low == "of"
                and phrase[-1] in ("dozens", "hundreds", "thousands", "scores", "tens", "millions")
            ):
                pass
            return last, "vague"
    if _match_words(tokens, index, ("a", "dozen")):
        return index + 1, "words"
    if _is_number_word(token) or (
        token.low in ("a", "an") and index + 1 < len(tokens) and tokens[index + 1].low in _SCALES
    ):
        last = index
        if _words(tokens, last + 1, last + 4) == ["and", "a", "half"] and (
            _words(tokens, last + 4, last + 5)[:1] in (["million"], ["thousand"], ["dozen"])
        ):
            return last + 4, "words"  # "two and a half million"
        while last + 1 < len(tokens) and (
            tokens[last + 1].low in _SCALES
            or _is_number_word(tokens[last + 1])
            or (
                tokens[last + 1].low == "and"
                and last + 2 < len(tokens)
                and _is_number_word(tokens[last + 2])
                and tokens[last].low in _SCALES
            )
        ):
            last += 1
        if last + 1 < len(tokens) and tokens[last + 1].low == "dozen":
            last += 1  # "two dozen", as the grammar reads it
        return last, "words"
    if token.low in ORDINAL_WORDS:
        return index, "ordinal"
    if token.low in ("a", "an", "both"):
        return index, "article"
    return None


# the press's 12K, 1.5m, 2mn as the grammar reads them, and 1bn as "billion" above
_SCALE_SUFFIXES = frozenset({*SCALE_ABBREVIATIONS, "bn"})


def _scale_suffix(tokens: list[Token], index: int) -> bool:
    """A scale letter written onto the number ("1.5m people", "12K displaced").

    Only with no space before it, and only when the figure has a decimal or counts people
    next: "a 5m wall" is five metres.
    """
    if index + 1 >= len(tokens):
        return False
    suffix = tokens[index + 1]
    if suffix.low not in _SCALE_SUFFIXES or suffix.start != tokens[index].end:
        return False
    after = tokens[index + 2].low if index + 2 < len(tokens) else ""
    return "." in tokens[index].text or after in POPULATION_NOUNS or after in METRIC_NOUNS


def _fraction_extent(tokens: list[Token], index: int) -> int | None:
    """Last token of "half a million", "half a dozen", "a quarter of a million" at ``index``."""
    scales = (*_SCALES, "dozen")
    if _words(tokens, index, index + 2) in (["half", "a"], ["half", "an"]) and (
        _words(tokens, index + 2, index + 3) and tokens[index + 2].low in scales
    ):
        return index + 2
    for phrase in (["a", "quarter", "of", "a"], ["three", "quarters", "of", "a"]):
        after = _words(tokens, index + 4, index + 5)
        if _words(tokens, index, index + 4) == phrase and after and after[0] in scales:
            return index + 4
    return None


def _value_extent(tokens: list[Token], core: int, last: int) -> tuple[int, int]:
    """Extend a core to its qualifier before and its range or '+' after."""
    # range: "50–60", "50 to 60", "between 50 and 60"
    if (
        last + 2 < len(tokens)
        and tokens[last + 1].text in ("–", "—", "-", "to")
        and (tokens[last + 2].kind == "number" or _is_number_word(tokens[last + 2]))
        and tokens[core].kind == tokens[last + 2].kind
    ):
        last += 2
        if last + 1 < len(tokens) and tokens[last + 1].low in _SCALES:
            last += 1
    elif (
        core >= 1
        and tokens[core - 1].low == "between"
        and last + 2 < len(tokens)
        and tokens[last + 1].low == "and"
        and (tokens[last + 2].kind == "number" or _is_number_word(tokens[last + 2]))
    ):
        return core - 1, last + 2
    if (
        last + 1 < len(tokens)
        and tokens[last + 1].text == "+"
        and (tokens[last + 1].start == tokens[last].end)
    ):
        last += 1
    for phrase in _SUFFIX_PHRASES:  # "40 or more"
        if _match_words(tokens, last + 1, phrase):
            last += len(phrase)
            break
    first = core
    if first >= 1 and tokens[first - 1].text in ("~", "≈"):
        return first - 1, last
    sign = _comparison_sign_before(tokens, core)
    if sign is not None:
        return sign, last  # ">1,000", "≥ 2,500", "<50": the bound is part of the figure
    for phrase in _QUALIFIER_PHRASES:
        begin = first - len(phrase)
        if begin >= 0 and _match_words(tokens, begin, phrase):
            return begin, last
    return first, last


# Comparison signs written before a figure (">1,000", "≥ 2,500", ">= 40", "<50"): kept in the
# value as written, for the grammar to read (or to say how to reword).
COMPARISON_SIGNS = frozenset(sign for sign in SIGN_WORDING if len(sign) == 1)


def _comparison_sign_before(tokens: list[Token], core: int) -> int | None:
    """First token of a comparison sign right before a number (at most one space between)."""
    if tokens[core].kind != "number" or core < 1:
        return None
    sign = core - 1
    if tokens[sign].text == "=" and sign >= 1 and tokens[sign - 1].text in "<>":
        if tokens[sign - 1].end != tokens[sign].start:
            return None
        sign -= 1
    if tokens[sign].text not in COMPARISON_SIGNS or tokens[core].start - tokens[core - 1].end > 1:
        return None
    if (
        sign >= 1
        and tokens[sign - 1].end == tokens[sign].start
        and tokens[sign - 1].text not in "(["
    ):
        return None  # glued to what comes before: markup ("<b>5"), an arrow ("->5")
    if sign == 0 and tokens[sign].text == ">" and tokens[core].start > tokens[sign].end:
        return None  # "> 5 people were killed": a quoted line of an e-mail or Markdown
    return sign


def _is_date_or_year(tokens: list[Token], core: int, last: int) -> bool:
    """Days of months ('7 February', 'February 7'), years (2012, 2013–22)."""
    token = tokens[core]
    before = tokens[core - 1] if core else None
    after = tokens[last + 1] if last + 1 < len(tokens) else None
    if token.kind != "number" and not _is_number_word(token):
        return False
    if (before is not None and before.low in MONTHS) or (after is not None and after.low in MONTHS):
        return True
    if token.kind == "number" and re.fullmatch(r"(1[5-9]|20)\d\d", token.text):
        nxt = after.low if after is not None else ""
        return nxt not in POPULATION_NOUNS and nxt not in METRIC_NOUNS
    return bool(
        token.kind == "number"
        and after is not None
        and after.text in ("-", "–")
        and last + 2 < len(tokens)
        and tokens[last + 2].low in MONTHS
    )


def find_mentions(sentence: Sentence, lexicon_phrases: list[tuple[str, ...]]) -> list[Mention]:
    """Every figure-like token span in a sentence (before deciding whether it counts people)."""
    tokens = sentence.tokens
    mentions: list[Mention] = []
    index = 0
    while index < len(tokens):
        found = _core_at(tokens, index, lexicon_phrases)
        if found is None:
            index += 1
            continue
        last, kind = found
        first, last = _value_extent(tokens, index, last)
        mentions.append(Mention(sentence, first, index, last, kind))
        index = last + 1
    return mentions


# ---------------------------------------------------------------------------------------------
# Binding a figure to what happened and to whom
# ---------------------------------------------------------------------------------------------


def _words(tokens: list[Token], start: int, stop: int) -> list[str]:
    return [t.low for t in tokens[max(0, start) : max(0, stop)]]


_PHRASE_STARTERS = frozenset(p[0] for p in METRIC_PHRASES) - {"to"}


def _noun_phrase_end(tokens: list[Token], start: int, limit: int = 8) -> int:
    """Last token of the noun phrase that starts at ``start`` (start - 1 when empty)."""
    end = start - 1
    index = start
    count = 0
    while index < len(tokens) and count < limit:
        token = tokens[index]
        low = token.low
        if token.kind == "punct":
            if token.text in ("(",) and index + 2 < len(tokens) and tokens[index + 2].text == ")":
                end = index + 2  # "(FLA)"
                index += 3
                continue
            break
        if token.kind in ("number",):
            break
        if (
            low in ("of", "from")
            and index + 1 < len(tokens)
            and tokens[index + 1].kind in ("word", "abbr")
        ):
            if low == "from" and count > 0 and tokens[index + 1].low not in ("both",):
                # "preachers from Mauritania" keeps the head before "from"
                pass
            index += 1
            continue
        if (
            low == "and"
            and count > 0
            and index + 1 < len(tokens)
            and tokens[index + 1].low in POPULATION_NOUNS
        ):
            index += 1  # "fighters from both sides and civilians"
            continue
        if low in AUXILIARIES or low in PREPOSITIONS or low in CONJUNCTIONS:
            break
        if low in _PHRASE_STARTERS and count > 0:
            break
        if (
            low in METRIC_VERBS
            and low not in METRIC_NOUNS
            and not (
                count == 0
                and low.endswith("ed")
                and index + 1 < len(tokens)
                and tokens[index + 1].low in POPULATION_NOUNS
            )
        ):
            break  # but "11 captured soldiers", "the 3 kidnapped girls" keep the participle
        if low in ATTRIBUTION_VERBS or low in OWN_LOSS_VERBS or low in RELEASE_VERBS:
            break
        if (
            low in METRIC_NOUNS
            and low in ("dead", "killed", "injured", "wounded", "missing")
            and count > 0
            and tokens[end].low in POPULATION_NOUNS
        ):
            break  # "2 civilians killed": the participle is the verb, not part of the noun
        end = index
        index += 1
        count += 0 if low == "the" else 1
        participle = low in ("dead", "killed", "injured", "wounded", "missing")
        if low in METRIC_NOUNS and not participle and not _match_words(tokens, index, ("of",)):
            break  # the noun phrase ends at its metric noun, unless "of" continues it
    return end


def _metric_after(tokens: list[Token], index: int) -> tuple[str, int, int] | None:
    """A passive or intransitive verb at ``index`` (after modifiers): (metric, start, end)."""
    start = index
    had_aux = False
    while index < len(tokens) and (
        tokens[index].low in AUXILIARIES or tokens[index].low in ADVERBS
    ):
        had_aux = had_aux or tokens[index].low in AUXILIARIES
        index += 1
    if index < len(tokens) and tokens[index].low == "not":
        return None
    if index >= len(tokens):
        return None
    for phrase, metric in METRIC_PHRASES.items():
        if phrase[0] == "to":
            if (
                _match_words(tokens, index + 1, phrase)
                and tokens[index].low.endswith("ed")
                and tokens[index].low not in ("sentenced", "condemned")  # a verdict, not a death
            ):
                return metric, index, index + 2  # "stoned to death"
            continue
        if _match_words(tokens, index, phrase):
            return metric, index, index + len(phrase) - 1
    low = tokens[index].low
    if low in RELEASE_VERBS:
        return "released", index, index
    if low == "among" and had_aux:
        # "two children were among the dead", "... among 14 people killed"
        k = index + 1
        while k < len(tokens) and (
            tokens[k].low in ("the", "those", "them")
            or tokens[k].kind == "number"
            or _is_number_word(tokens[k])
        ):
            k += 1
        end = max(_noun_phrase_end(tokens, k), k - 1)
        for j in range(k, min(len(tokens), end + 3)):
            if tokens[j].low in METRIC_NOUNS:
                return METRIC_NOUNS[tokens[j].low], index, j
            if tokens[j].low in METRIC_VERBS and not tokens[j].low.endswith("ing"):
                return METRIC_VERBS[tokens[j].low], index, j
        return None
    if low == "dead" or low == "missing":
        return METRIC_NOUNS[low], index, index
    if low in METRIC_VERBS:
        metric = METRIC_VERBS[low]
        if low.endswith("ing") and low not in ("dying", "fleeing"):
            return None  # "killing" after a noun phrase is an active verb of its own
        if not had_aux and low not in (
            "died",
            "die",
            "dies",
            "dying",
            "perished",
            "fled",
            "fleeing",
            "disappeared",
            "missing",
        ):
            # a bare participle after the noun is passive only when no object follows:
            # "39 Westerners killed at ..." but not "a suicide bomber killed four soldiers"
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if (
                following is not None
                and (
                    following.kind == "number"
                    or following.low
                    in (
                        "a",
                        "an",
                        "the",
                        "his",
                        "her",
                        "their",
                        "its",
                        "dozens",
                        "several",
                        "hundreds",
                        "scores",
                        "thousands",
                        "some",
                        "at",
                        "more",
                        "over",
                        "about",
                        "around",
                        "up",
                        "nearly",
                    )
                    or _is_number_word(following)
                    or following.low in POPULATION_NOUNS
                )
                and following.low not in ("at",)
            ) or (
                following is not None
                and following.low == "at"
                and index + 2 < len(tokens)
                and tokens[index + 2].low == "least"
            ):
                return None
        return metric, start if had_aux else index, index
    return None


_CLAUSE_CONJUNCTIONS = frozenset(wordlist("but while whereas although though yet"))


def _clause_break(tokens: list[Token], k: int) -> bool:
    """Token ``k`` ends a clause: ';', ':', or a comma before 'but', 'while', 'whereas' ..."""
    if tokens[k].text in (";", ":"):
        return True
    return (
        tokens[k].text == "," and k + 1 < len(tokens) and tokens[k + 1].low in _CLAUSE_CONJUNCTIONS
    )


def _metric_counted(tokens: list[Token], start: int, stop: int, verbs: bool = False) -> str | None:
    """The metric "the number of ..." names in its words from ``start`` to ``stop``.

    ``verbs``: a participle names it too ("the number of people killed ... has reached").
    """
    counted = _words(tokens, start, stop)
    if counted[:2] == list(IDP_PHRASE):
        return "idps"
    for word in counted:
        metric = METRIC_NOUNS.get(word) or (METRIC_VERBS.get(word) if verbs else None)
        if metric and word != "toll":
            return metric
    return None


def _metric_before(tokens: list[Token], first: int) -> tuple[str, int, int, bool] | None:
    """An active verb or a nominal just before the figure: (metric, start, end, own_loss)."""
    index = first - 1
    while index >= 0 and (
        tokens[index].low in DETERMINERS or tokens[index].low in ("only", "another", "an")
    ):
        index -= 1
    if index < 0:
        return None
    low = tokens[index].low
    if low == "of" and index >= 1:
        noun = tokens[index - 1].low
        if noun in METRIC_OF_NOUNS:
            return METRIC_OF_NOUNS[noun], index - 1, index, False
        return None
    if low in ("to", "at") and index >= 1:
        # "the toll rose to 60", "revised the death toll for X to 81"
        window = _words(tokens, index - 8, index)
        stops = [k for k in range(max(0, index - 8), index) if _clause_break(tokens, k)]
        if stops:  # "The toll was unclear; arrests rose to 40": another clause's toll
            window = _words(tokens, stops[-1] + 1, index)
        if any(w in TOLL_WORDS for w in window):
            return "killed", index, index, False
        for k in range(index - 2, max(-1, index - 2 - TOLL_RISE_REACH), -1):
            if tokens[k].kind == "punct" and tokens[k].text in ",;:()[]":
                break
            if tokens[k].low == "number" and _words(tokens, k + 1, k + 2) == ["of"]:
                # "bringing the total number of internally displaced persons to 1.4 million"
                j = k - 1
                while j >= 0 and tokens[j].low in ("the", "total", "overall", "cumulative"):
                    j -= 1
                if j < 0 or tokens[j].low not in TOLL_BRING_VERBS:
                    break
                metric = _metric_counted(tokens, k + 2, index)
                if metric is not None:
                    return metric, index, index, False
                break
        if tokens[index - 1].low in TOLL_RISE_VERBS:
            for k in range(index - 2, max(-1, index - 2 - TOLL_RISE_REACH), -1):
                if tokens[k].kind == "punct" and tokens[k].text in ",;:()[]":
                    break  # another clause, or a figure's aside: "the toll, 58, rose to"
                if tokens[k].low in TOLL_WORDS:
                    return "killed", index, index, False
                if tokens[k].low == "number" and _words(tokens, k + 1, k + 2) == ["of"]:
                    # "the number of internally displaced persons now stands at 1.2 million"
                    metric = _metric_counted(tokens, k + 2, index)
                    if metric is not None:
                        return metric, index, index, False
                    break
        return None
    if low in TOLL_LINKS and index >= 1 and tokens[index - 1].low in TOLL_WORDS:
        return "killed", index - 1, index, False
    if low in TOLL_REACH_VERBS:
        # "the number of people killed in the province since January has reached 640"
        for k in range(index - 1, max(-1, index - 1 - TOLL_RISE_REACH), -1):
            if tokens[k].kind == "punct" and tokens[k].text in ",;:()[]":
                break
            if tokens[k].low == "number" and _words(tokens, k + 1, k + 2) == ["of"]:
                metric = _metric_counted(tokens, k + 2, index, verbs=True)
                if metric is not None:
                    return metric, index, index, False
                break
    if low in OWN_LOSS_VERBS:
        return "killed", index, index, True
    if index >= 1 and (tokens[index - 1].low, low) in METRIC_PHRASES:
        return METRIC_PHRASES[(tokens[index - 1].low, low)], index - 1, index, False  # "shot dead"
    if low in METRIC_VERBS and not (
        index >= 1
        and tokens[index - 1].low in AUXILIARIES
        and low.endswith("ed")
        and tokens[index - 1].low in ("was", "were", "is", "are", "been", "be")
    ):
        metric = METRIC_VERBS[low]
        return metric, index, index, False
    if low in ("taken", "took", "taking", "holding", "held", "seized", "seizing"):
        return "captive", index, index, False
    return None


def _population_of(
    words: list[str], raw: list[Token], actors: ActorIndex
) -> tuple[str | None, str | None, str | None, str | None, bool]:
    """(population, side, nationality, subgroup, mixed) from a noun phrase's words."""
    nouns: list[str] = []
    adjectives: list[str] = []
    side = None
    nationality = None
    subgroup = None
    for k, word in enumerate(words):
        if word in POPULATION_NOUNS:
            nouns.append(POPULATION_NOUNS[word])
        elif word in POPULATION_ADJECTIVES:
            adjectives.append(POPULATION_ADJECTIVES[word])
        if word in SUBGROUP_NOUNS and subgroup is None:
            subgroup = SUBGROUP_NOUNS[word]
        if k + 1 < len(words) and (word, words[k + 1]) in SUBGROUP_PHRASES:
            subgroup = SUBGROUP_PHRASES[(word, words[k + 1])]
    for token in raw:
        actor = actors.actor_of_word(token.text)
        if actor is not None and side is None:
            side = actor
        if (
            token.kind == "word"
            and token.text[:1].isupper()
            and (token.low in actors.demonyms or token.low in ("foreign", "western"))
        ):
            nationality = nationality or _nationality_word(token.text)
        if token.low in ("foreigners", "foreign", "westerners", "expatriates"):
            nationality = nationality or ("Western" if "west" in token.low else "foreign")
    real = [n for n in nouns if n != "all"]
    if len(set(real)) > 1:
        return "all", None, nationality, subgroup, True
    if real:
        population = real[0]
    elif adjectives:
        population = adjectives[0]
    elif nouns:
        population = "all"
    elif side is not None:
        population = KIND_POPULATION.get(actors.kind.get(side, "other"), "unknown")
    else:
        population = None
    # a capitalised plural that names a people ("40 Tuaregs", "several Liberians")
    if population is None:
        for token in raw:
            if (
                token.kind == "word"
                and token.text[:1].isupper()
                and token.low.endswith("s")
                and (actors.actor_of_word(token.text) is None and token.low not in METRIC_NOUNS)
            ):
                population = "civilians"
                break
    if population == "peacekeepers" and side is None:
        side = actors.un_actor
    if population in ("civilians", "all"):
        side = None
    return population, side, nationality, subgroup, False


def _people_of_household(before: list[str]) -> bool:
    """Whether the words before a household noun count its people ("9 members of one family").

    "Hundreds of families" counts families: no person noun comes before the "of".
    """
    for k, word in enumerate(before):
        if word in ("of", "from"):
            return any(w in POPULATION_NOUNS or w in GENERIC_PERSON_NOUNS for w in before[:k])
    return False


def _nationality_word(word: str) -> str:
    if word.lower() in ("foreign",):
        return "foreign"
    return word.rstrip("s") if word.endswith("ians") or word.endswith("ans") else word


# ---------------------------------------------------------------------------------------------
# Actors and claimants
# ---------------------------------------------------------------------------------------------


@dataclass
class ActorIndex:
    """Words that name each actor of actors.csv: acronyms, ids, country names and demonyms."""

    aliases: dict[str, str]  # lower-case alias -> actor_id
    kind: dict[str, str]
    demonyms: frozenset[str]
    un_actor: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    country_words: frozenset[str] = frozenset()  # aliases that are country names or demonyms
    phrases: tuple[tuple[str, str], ...] = ()  # full names: ("ansar dine", "ansar-dine")

    @classmethod
    def from_frame(cls, actors: pd.DataFrame | None) -> ActorIndex:
        """Aliases of every actor in an actors.csv frame (empty when there is none)."""
        aliases: dict[str, str] = {}
        kinds: dict[str, str] = {}
        names: dict[str, str] = {}
        un_actor = None
        demonyms = {d.lower() for values in COUNTRY_ALIASES.values() for d in values}
        if actors is None or actors.empty:
            return cls(aliases, kinds, frozenset(demonyms))
        for actor_id, name, kind in zip(
            actors["actor_id"], actors["name"], actors["kind"], strict=True
        ):
            actor_id, name, kind = str(actor_id), str(name), str(kind)
            kinds[actor_id] = kind
            names[actor_id] = name
            if kind == "un" and un_actor is None:
                un_actor = actor_id
            words = {actor_id}
            # acronyms (FAMa, MNLA); two letters ("UN", "US") name too much to stand alone
            words.update(re.findall(r"\b[A-Z][A-Za-z]*[A-Z][a-z]?\b(?<=\w{3})", name))
            for inside in re.findall(r"\(([^()]+)\)", name):  # "(M23)", "(JNIM/GSIM)"
                words.update(w.strip() for w in inside.split("/") if len(w.strip()) <= 12)
            for acronym in re.findall(r"\b[A-Z]{2,}(?:/[A-Z]{2,})+\b", name):
                words.update(acronym.split("/"))
            for country, country_words in COUNTRY_ALIASES.items():
                if (
                    re.search(rf"\b{re.escape(country)}\b", name)
                    or any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", name) for w in country_words)
                ) and kind in ("state", "foreign_force"):
                    words.update((country, *country_words))
            if kind == "foreign_force":  # "Wagner Group" -> "Wagner"
                first = name.split()[0]
                if first[:1].isupper() and first.lower() not in ("the", "self-defence"):
                    words.add(first.rstrip(","))
            for word in words:
                aliases.setdefault(word.lower().replace(". ", "."), actor_id)
        country_words = {
            w.lower().replace(". ", ".")
            for country, words in COUNTRY_ALIASES.items()
            for w in (country, *words)
        }
        phrases = []
        for actor_id, name in names.items():
            for part in re.split(r"\s*/\s*", re.sub(r"\([^()]*\)", " ", name)):
                part = re.sub(r"\s+", " ", part).strip(" ,")
                if len(part.split()) >= 2:
                    phrases.append((part.lower(), actor_id))
        return cls(
            aliases,
            kinds,
            frozenset(demonyms),
            un_actor,
            names,
            frozenset(country_words),
            tuple(sorted(phrases, key=lambda p: -len(p[0]))),
        )

    def actors_named(self, text: str) -> list[str]:
        """Actors a text names by their full name ("the Permanent Strategic Framework")."""
        low = text.lower()
        return [actor for phrase, actor in self.phrases if phrase in low]

    def actor_of_word(self, word: str) -> str | None:
        """The actor a single word names ("MNLA", "Chadian"), if any."""
        low = word.lower().replace(". ", ".")
        if low in self.aliases:
            return self.aliases[low]
        for part in re.split(r"[-/]", low):
            if part in self.aliases and part.upper() == part.upper() and len(part) > 2:
                return self.aliases[part]
        return None

    def actor_in(self, text: str) -> str | None:
        """The first actor named in a phrase ("Mali's army" -> fama)."""
        return self.alias_in(text)[0]

    def alias_in(self, text: str) -> tuple[str | None, str | None]:
        """The first actor named in a phrase and the word that named it."""
        low = text.lower()
        for phrase, actor in self.phrases:
            if phrase in low:
                return actor, phrase
        for match in re.finditer(r"(?:[A-Z]\.\s?){2,}|[\w'’-]+", text):
            word = match.group().replace("’", "'")
            actor = self.actor_of_word(word)
            if actor is not None:
                return actor, word.lower().replace(". ", ".")
        return None, None


@dataclass
class Claimant:
    """Who asserts a figure, as written, and the actor it names."""

    name: str
    actor: str | None
    how: str  # attribution | quote | publisher | context


_CLAIMANT_STOP = frozenset(
    {
        ",",
        ";",
        ":",
        "(",
        ")",
        "that",
        "and",
        "but",
        "while",
        "whereas",
        "which",
        "who",
        "as",
        "after",
        "before",
        "when",
        "if",
        "because",
        "since",
        "although",
        "though",
        "also",
        "later",
        "initially",
        "meanwhile",
        "then",
        "had",
        "has",
        "have",
        "did",
        "does",
        "do",
        "for",
        "their",
        "its",
        "part",
        "was",
        "were",
        "is",
        "are",
        "further",
        "previously",
        "earlier",
        "yesterday",
        "today",
        "officially",
        "publicly",
    }
)


def _subject_before(tokens: list[Token], verb: int) -> tuple[int, int] | None:
    """The noun phrase that is the subject of the verb at ``verb`` (token range)."""
    end = verb - 1
    # skip adverbs, auxiliaries and a date between subject and verb ("MSA 15 April said")
    while end >= 0 and (
        tokens[end].low in ADVERBS
        or tokens[end].low in AUXILIARIES
        or tokens[end].low in MONTHS
        or tokens[end].kind == "number"
        or tokens[end].low in ("for", "their", "its", "part", "his", "her")
    ):
        end -= 1
    if end >= 0 and tokens[end].text == ",":  # "The Malian army, meanwhile, claimed"
        end -= 1
        while end >= 0 and tokens[end].low in ADVERBS:
            end -= 1
        if end >= 0 and tokens[end].text == ",":
            end -= 1
    start = end
    while (
        start - 1 >= 0
        and tokens[start - 1].text not in _CLAIMANT_STOP
        and tokens[start - 1].low not in _CLAIMANT_STOP
        and tokens[start - 1].low not in METRIC_VERBS
        and not tokens[start].after_quote
    ):
        start -= 1
    if end < 0 or start > end:
        return None
    # drop a leading prepositional phrase or date: "In February 2020, HRW", "On 5 May the army"
    while start <= end and (
        tokens[start].low in PREPOSITIONS
        or tokens[start].low in MONTHS
        or tokens[start].kind == "number"
    ):
        start += 1
    if start > end:
        return None
    if tokens[end].low in (
        "it",
        "they",
        "he",
        "she",
        "we",
        "one",
        "statement",
        "report",
        "statements",
        "communique",
        "spokesman",
        "spokesperson",
    ):
        return (start, end)
    if tokens[end].kind not in ("word", "abbr", "number", "code"):
        return None
    return start, end


def _clause_subject(tokens: list[Token], verb: int) -> tuple[int, int] | None:
    """The first noun phrase of the sentence, after an opening phrase ("In 2020, HRW ...")."""
    start = 0
    if any(t.text == "," for t in tokens[:verb]) and (
        tokens[0].low in PREPOSITIONS or tokens[0].low in MONTHS or tokens[0].kind == "number"
    ):
        start = next(k for k in range(verb) if tokens[k].text == ",") + 1
    end = start
    while (
        end + 1 < verb
        and tokens[end + 1].kind in ("word", "abbr")
        and tokens[end + 1].low not in ATTRIBUTION_VERBS
        and tokens[end + 1].low not in AUXILIARIES
        and (
            tokens[end + 1].text[:1].isupper()
            or tokens[end + 1].low in POPULATION_NOUNS
            or tokens[end + 1].low in GENERIC_STATE_CLAIMANTS
            or tokens[end + 1].low in ("'s",)
        )
    ):
        end += 1
    if start >= verb or tokens[start].kind not in ("word", "abbr"):
        return None
    if tokens[start].low in ("the", "a", "an") and end == start:
        return None
    return start, end


def _clean_claimant(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    return text.strip(" ,;:")


_PRONOUNS = frozenset({"it", "they", "he", "she", "we", "one"})
_STATEMENT_NOUNS = frozenset(
    {"statement", "statements", "report", "communique", "communiqué", "release", "footage"}
)


@dataclass
class Attribution:
    """An attribution found in a sentence: who, and the token range it governs."""

    claimant: str
    start: int  # token index where the attribution phrase begins
    end: int  # token index where it ends
    position: str  # before | after
    anaphoric: bool = False


# Verb forms that are nouns as often as verbs: read as verbs only after a modal or before "that".
_NOUN_LIKE_VERBS = frozenset(
    [
        "state",
        "states",
        "claim",
        "claims",
        "report",
        "reports",
        "estimate",
        "estimates",
        "count",
        "put",
        "mention",
    ]
)
_MODALS = frozenset(
    ["did", "do", "does", "to", "would", "will", "could", "can", "may", "might", "also"]
)


_PUT_NOUNS = frozenset({"toll", "tally", "number", "figure", "total", "count"})


def find_attributions(sentence: Sentence) -> list[Attribution]:
    """'X said (that)', 'according to X', 'reported by X', 'X told', 'reports from X suggest'."""
    tokens = sentence.tokens
    found: list[Attribution] = []
    for index, token in enumerate(tokens):
        low = token.low
        if low == "according" and index + 1 < len(tokens) and tokens[index + 1].low == "to":
            stop = index + 2
            while (
                stop < len(tokens)
                and tokens[stop].text not in (",", ".", ";", ":")
                and tokens[stop].low not in ("that",)
            ):
                stop += 1
            name = _span_text(tokens, index + 2, stop - 1)
            if name:
                found.append(Attribution(_clean_claimant(name), index, stop - 1, "either"))
            continue
        if (
            low == "by"
            and index >= 1
            and tokens[index - 1].low in ("reported", "stated", "claimed", "announced", "described")
        ):
            stop = index + 1
            while (
                stop < len(tokens)
                and tokens[stop].low not in ("to", "that", "as", ",", ".")
                and (tokens[stop].text not in (",", ".", ";"))
            ):
                stop += 1
            name = _span_text(tokens, index + 1, stop - 1)
            if name:
                found.append(Attribution(_clean_claimant(name), index - 1, stop - 1, "before"))
            continue
        if low == "reports" and index + 1 < len(tokens) and tokens[index + 1].low == "from":
            stop = index + 2
            while (
                stop < len(tokens)
                and tokens[stop].low not in ATTRIBUTION_VERBS
                and tokens[stop].text not in (",", ".")
            ):
                stop += 1
            name = _span_text(tokens, index + 2, stop - 1)
            if name:
                found.append(Attribution(_clean_claimant(name), index, stop, "before"))
            continue
        if low in _NOUN_LIKE_VERBS and not (
            (index >= 1 and tokens[index - 1].low in _MODALS)
            or (index + 1 < len(tokens) and tokens[index + 1].low == "that")
            or (  # "The ministry put the number of dead at 18", "put the toll at"
                low == "put" and any(w in _PUT_NOUNS for w in _words(tokens, index + 1, index + 5))
            )
        ):
            continue  # "state television", "the report on", "their claims"
        if (low in ATTRIBUTION_VERBS or low in PERCEPTION_VERBS) and token.text == low:
            if low in ("described", "describes") and "as" not in _words(
                tokens, index + 1, index + 8
            ):
                continue  # "the attack described in the report": no one speaks
            if (
                low == "claimed"
                and index + 1 < len(tokens)
                and tokens[index + 1].low in ("responsibility", "control")
            ):
                continue
            if (
                low in ("reported", "confirmed", "said", "described")
                and index >= 1
                and tokens[index - 1].low
                in ("was", "were", "been", "is", "are", "be", "reportedly")
            ):
                continue  # "it was reported": no claimant named
            if low in ("reported", "described") and _words(tokens, index + 1, index + 2) == ["by"]:
                continue
            # "said X" after a quote or a figure: ", said Ilaria Allegrozzi, ..."
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            # the quote closed just before, its comma inside ('…," said') or after ('…», said')
            after_quote = token.after_quote or (
                index >= 1 and tokens[index - 1].text == "," and tokens[index - 1].after_quote
            )
            if (
                index >= 1
                and (tokens[index - 1].text == "," or token.after_quote)
                and following is not None
                and (
                    following.text[:1].isupper()
                    or (  # '"Nine died," said a nurse': a speaker after a quote
                        after_quote
                        and (
                            following.low in ("a", "an", "the", "one") or _is_number_word(following)
                        )
                    )
                )
            ):
                stop = index + 1
                while stop < len(tokens) and (
                    tokens[stop].text not in (".", ";", ":", ",")
                    or (tokens[stop].text == "." and tokens[stop - 1].low in _TITLE_WORDS)
                ):
                    stop += 1
                name = _span_text(tokens, index + 1, stop - 1)
                if name:
                    found.append(Attribution(_clean_claimant(name), index, stop - 1, "after"))
                continue
            subject = _subject_before(tokens, index)
            if index >= 1 and tokens[index - 1].low == "and":
                subject = _clause_subject(tokens, index)  # "HRW documented ... and said that"
            if subject is None:
                continue
            start, end = subject
            if all(
                tokens[k].low in ("a", "an", "the", "this", "that") for k in range(start, end + 1)
            ):
                continue
            if all(
                tokens[k].low in PREPOSITIONS or tokens[k].low in ADVERBS or tokens[k].low == "up"
                for k in range(start, end + 1)
            ):
                continue  # "..., up from 41 reported in ...": no one is named before "reported"
            name = _span_text(tokens, start, end)
            anaphoric = tokens[end].low in _PRONOUNS or (
                tokens[end].low in _STATEMENT_NOUNS
                and tokens[start].low in ("the", "this", "that", "its", "their", "his", "her")
            )  # "The statement said" looks back; "A 2022 report counted" does not
            position = "before"
            # a trailing "..., Human Rights Watch said today." governs what came before
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if (
                start >= 1
                and tokens[start - 1].text == ","
                and (
                    following is None
                    or following.low in ("today", "yesterday", "on", "in", ".")
                    or following.text in (".", ",")
                )
            ):
                position = "after"
            found.append(Attribution(_clean_claimant(name), start, index, position, anaphoric))
    return found


def _span_text(tokens: list[Token], start: int, end: int) -> str:
    if start > end or start < 0 or end >= len(tokens):
        return ""
    parts = []
    for k in range(start, end + 1):
        token = tokens[k]
        if k > start and token.start > tokens[k - 1].end:
            parts.append(" ")
        parts.append(token.text)
    return "".join(parts)


# Speech verbs that tie a quote to its speaker, after it ('"We lost 14 men," the commander said',
# '..., said a nurse') or before it ('The commander said: "..."').
QUOTE_SPEECH_VERBS = wordlist(
    "said says added told explained recalled stated announced declared insisted wrote "
    "recounted continued noted claimed confirmed warned replied"
)
# A quote this long is speech whatever it says; a shorter one ('"Nine died," said a nurse') is
# tied to its speaker when it holds a figure, so that scare quotes and titles stay out.
QUOTE_MIN_CHARS = 20
_QUOTE_FIGURE_WORDS = frozenset(
    wordlist("dozen dozens scores hundreds thousands millions several handful few")
)


def _quote_holds_figure(passage: str) -> bool:
    """Whether a quoted passage holds a figure: digits, a number word or a vague amount."""
    return any(
        token.kind == "number" or _is_number_word(token) or token.low in _QUOTE_FIGURE_WORDS
        for token in tokenize(passage)
    )


def _quoted_passages(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quoted passage, marks included, paired as ``QUOTE_PAIRS`` says.

    Double marks pair with the next closing mark of their kind (straight and curly marks mix:
    '"…”'); a single mark only where ``_pair_single_quotes`` pairs it on its line, so an
    apostrophe opens nothing.
    """
    openers: dict[str, str] = {}  # closing marks -> the double marks they close
    for mark, closing in QUOTE_PAIRS.items():
        if mark not in SINGLE_QUOTE_CHARS:
            openers[closing] = openers.get(closing, "") + mark
    doubles = "|".join(
        f"[{re.escape(marks)}][^{re.escape(closing)}]+?[{re.escape(closing)}]"
        for closing, marks in openers.items()
    )
    passages = [(match.start(), match.end()) for match in re.finditer(doubles, text)]
    opening: Token | None = None
    for token in tokenize(text):
        if token.kind != "quote" or token.text not in SINGLE_QUOTE_CHARS:
            continue
        if opening is None:
            opening = token
        elif token.text in QUOTE_PAIRS[opening.text]:
            passages.append((opening.start, token.end))
            opening = None
        else:
            opening = token
    return sorted(passages)


# A title's stop, which does not end a speaker's name: "said Col. Arat", "Dr. Lema said".
_TITLE = r"\b(?:" + "|".join(w.capitalize() for w in sorted(_TITLE_WORDS)) + r")\.\s"

# Marks that end a speaker's name in ``find_quotes``: any double one (a single one may be an
# apostrophe, "the group's spokesman").
_SPEAKER_STOP = re.escape("".join(m for m in QUOTE_PAIRS if m not in SINGLE_QUOTE_CHARS) + "”“")


# Between a quote and the next, the clause naming the speaker only: the next one goes on.
_CONTINUED_QUOTE = re.compile(
    rf"[ \t]*,?[ \t]*[^\n.;:{_SPEAKER_STOP}]{{0,60}}\b(?:{'|'.join(QUOTE_SPEECH_VERBS)})\b"
    rf"[^\n.;:{_SPEAKER_STOP}]{{0,30}}[.,:][ \t]*"
)


def find_quotes(text: str) -> list[tuple[int, int, str]]:
    """Quoted passages followed or preceded by their speaker: (start, end, speaker).

    Every pair of ``QUOTE_PAIRS`` counts the same ('"…," said X', '«…», said X', "X said:
    '…'"); one shorter than ``QUOTE_MIN_CHARS`` counts only when it holds a figure.
    """
    verbs = "|".join(QUOTE_SPEECH_VERBS)
    quotes: list[tuple[int, int, str]] = []
    previous_end = 0  # a speaker before a quote is sought after the quote before it
    previous_quote: tuple[int, str] | None = None  # where the last quote with a speaker ended
    for start, end in _quoted_passages(text):
        passage = text[start + 1 : end - 1]
        before = text[max(0, previous_end, start - 160) : start]
        previous_end = max(previous_end, end)
        if len(passage) < QUOTE_MIN_CHARS and not _quote_holds_figure(passage):
            continue
        after = text[end : end + 160]
        verb_first = re.match(
            rf"\s*,?\s*(?:said|says|added|told \w+)\s+((?:{_TITLE}|[^,.;])+)", after
        )
        subject_first = re.match(
            rf"\s*,?\s*((?:[Tt]he |[Aa]n? |[Oo]ne )?(?:{_TITLE}|[A-Za-z])"
            rf"(?:{_TITLE}|[^,.;{_SPEAKER_STOP}]){{1,60}}?)"
            # an aside may stand before the verb: ', who asked not to be named,'
            rf"(?:,[^,.;{_SPEAKER_STOP}]{{1,60}},)?\s+(?:{verbs})\b",
            after,
        )
        said_before = re.search(
            rf"((?:{_TITLE}|[A-Z])(?:{_TITLE}|[^.;:{_SPEAKER_STOP}]){{1,80}}?)\s+"
            r"(?:said|says|stated|announced"
            r"|declared|told \w+)(?: that)?\s*[:,]?\s*$",
            before,
        )
        found = (verb_first, subject_first, said_before)
        if passage.rstrip()[-1:] == ".":
            # a quote closed by a full stop ends its sentence, and what follows is a new one
            # ('X told reporters: "... 9 rebels." He added ...'): its speaker is sought before
            # it, and after it only as a sentence of its own ('"..." the commander said.')
            if subject_first and not re.match(r"\s*[.,;]", after[subject_first.end() :]):
                subject_first = None
            found = (said_before, verb_first, subject_first)
        speaker = next((match.group(1) for match in found if match), None)
        gap = text[previous_quote[0] : start] if previous_quote else ""
        if speaker is None and previous_quote and _CONTINUED_QUOTE.fullmatch(gap):
            speaker = previous_quote[1]  # '"We lost 14 men," he said. "Six more are missing."'
        previous_quote = (end, speaker) if speaker else None
        if speaker:
            quotes.append((start, end, _clean_claimant(speaker)))
    return quotes


# ---------------------------------------------------------------------------------------------
# The extractor
# ---------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One proposed claim with its offsets and what the analyst must check."""

    mention: Mention
    claimant: Claimant
    role: str
    certainty: str
    evidence: str
    claim_id: str = ""


@dataclass
class ExtractContext:
    """What the extractor knows besides the text: source, publisher, actors, vocabulary."""

    source_id: str
    publisher: str | None
    actors: ActorIndex
    lexicon: dict[str, tuple[int, int]]
    event_id: str | None = None
    known_names: tuple[str, ...] = ()


class Extractor:
    """Runs the rules over one document's sentences (see the module docstring)."""

    def __init__(
        self, text: str, context: ExtractContext, tables: Iterable[TextTable] = ()
    ) -> None:
        self.text = text
        self.context = context
        self.tables = list(tables)
        self.tokens = tokenize(text)
        # a table row is one line, but its cells are read apart: a delimiter ends a sentence
        delimiters = {
            row.start + k
            for table in self.tables
            for row in table.rows
            for k, char in enumerate(text[row.start : row.end])
            if char == "|" and not any(cell.start <= row.start + k < cell.end for cell in row.cells)
        }
        for k, token in enumerate(self.tokens):
            if token.start in delimiters:
                self.tokens[k] = Token("\n", token.start, token.end, "newline")
        self.sentences = split_sentences(text, self.tokens)
        self.token_starts = [token.start for token in self.tokens]
        self.line_starts = [0] + [k + 1 for k, char in enumerate(text) if char == "\n"]
        # without a lexicon, vague words are still found (and flagged as unreadable)
        self.lexicon_phrases = _lexicon_phrases(
            context.lexicon or dict.fromkeys(FALLBACK_VAGUE_TERMS, (0, 0))
        )
        self.quotes = find_quotes(text)
        self.home_state = self._home_state()
        # a ministry's, an armed group's or an agency's own document speaks for its actor
        self.publisher_actor = (
            self._actor_named(context.publisher, []) if context.publisher else None
        )
        self.last_sentence: list[Candidate] = []
        self.named_claimants: list[str] = []  # attributions of several words, in text order
        self.last_period: tuple[ProsePeriod, int] | None = None  # the last as_of read, its line
        self.speaker_tokens: set[int] = set()

    def _home_state(self) -> str | None:
        """The state actor this document names most: what 'the army' or 'the junta' means."""
        counts: dict[str, int] = {}
        for token in self.tokens:
            actor = self.context.actors.actor_of_word(token.text)
            if actor is not None and self.context.actors.kind.get(actor) == "state":
                counts[actor] = counts.get(actor, 0) + 1
        if counts:
            return max(counts, key=counts.get)
        # a project with one state actor: "the army" and "the ministry" are that state's
        states = [a for a, kind in self.context.actors.kind.items() if kind == "state"]
        return states[0] if len(states) == 1 else None

    def run(self) -> list[Candidate]:
        """Every candidate of the document, in text order, with claim ids."""
        candidates: list[Candidate] = []
        from_tables = [c for table in self.tables for c in _TableReader(self, table).read()]
        cells = sorted((c.mention.sentence.start, c.mention.sentence.end) for c in from_tables)
        cell_starts = [start for start, _ in cells]

        def in_table_cell(offset: int) -> bool:
            k = bisect.bisect_right(cell_starts, offset) - 1
            return k >= 0 and offset < cells[k][1]

        previous_claimant: Claimant | None = None
        recent_actors: list[str] = []
        for number, sentence in enumerate(self.sentences):
            attributions = find_attributions(sentence)
            # the people who speak are not counted: ", said two residents", "a nurse said"
            speaking = {k for a in attributions for k in range(a.start, a.end + 1)}
            found = find_mentions(sentence, self.lexicon_phrases)
            mentions = [m for m in found if not in_table_cell(m.start) and m.first not in speaking]
            # a year that is also a figure ("killed by 2000 rebels") dates nothing
            periods = [
                p
                for p in prose_periods(self.text, sentence.start, sentence.end)
                if len(p.iso or "") != 4
                or not any(
                    p.start < m.end
                    and m.start < p.end
                    and not _is_date_or_year(m.tokens, m.core, m.last)
                    for m in found
                )
            ]
            kept: list[Mention] = []
            for mention in mentions:
                if self._bind(mention, kept):
                    kept.append(mention)
            _link_casualty_parts(kept)
            self.speaker_tokens = {
                k for a in attributions if a.position == "before" for k in range(a.start, a.end + 1)
            }
            sentence_claimant = None
            in_sentence: list[Candidate] = []
            for mention in kept:
                if not self._describe(mention, kept, candidates):
                    continue
                self._prose_period(mention, periods)
                claimant = self._claimant(mention, attributions, previous_claimant, recent_actors)
                role = self._role(mention, claimant)
                candidate = Candidate(
                    mention,
                    claimant,
                    role,
                    self._certainty(mention),
                    self._evidence(mention),
                )
                candidates.append(candidate)
                in_sentence.append(candidate)
                sentence_claimant = claimant
            if in_sentence:
                self.last_sentence = in_sentence
            named = [a for a in attributions if not a.anaphoric]
            self.named_claimants.extend(a.claimant for a in named if " " in a.claimant)
            if named:
                actor = self._claimant_actor(named[-1].claimant, recent_actors)
                previous_claimant = Claimant(named[-1].claimant, actor, "attribution")
            elif sentence_claimant is not None and sentence_claimant.how != "publisher":
                previous_claimant = sentence_claimant
            elif sentence.line != (
                self.sentences[number + 1].line if number + 1 < len(self.sentences) else -1
            ):
                previous_claimant = None  # a new paragraph forgets the last speaker
            for token in sentence.tokens:
                actor = self.context.actors.actor_of_word(token.text)
                if actor is not None and token.text[:1].isupper():
                    recent_actors.append(actor)
            recent_actors.extend(
                self.context.actors.actors_named(self.text[sentence.start : sentence.end])
            )
            recent_actors = recent_actors[-12:]
        candidates = sorted([*candidates, *from_tables], key=lambda c: c.mention.start)
        self._link_displacement_totals(candidates)
        self._assign_ids(candidates)
        return candidates

    def _prose_period(self, m: Mention, periods: list[ProsePeriod]) -> None:
        """The figure's as_of from the period its clause names (``prose_periods``).

        A clause ends at ';'. "Since ..." gives none; a date without its year asks for one. Of
        several periods in the clause, the figure takes the one right after it ("500 as of 30
        June", nothing but words between), else the last one before it, else the first.
        """
        if m.as_of or m.earlier:
            return
        clause = self.text.count(";", m.sentence.start, m.start)
        named = [
            p
            for p in periods
            if p.kind != "since" and self.text.count(";", m.sentence.start, p.start) == clause
        ]
        words = self.text[m.sentence.start : m.sentence.end].split(";")[clause]
        if not named and _SAME_PERIOD.search(words) and self.last_period is not None:
            period, line = self.last_period
            if line == m.sentence.line:  # "A further 2,377 were injured over the same period."
                m.as_of = period.iso
                m.review.append(
                    f"as_of read from the sentence before's {period.phrase!r} ('the same period')"
                )
            return
        if not named and m.whole is not None and m.whole.as_of:
            # "As of 30 April 2025, ... 5,104 killed. Of those killed, 412 were children."
            m.as_of = m.whole.as_of
            m.review.append("as_of of the figure it breaks down")
            return
        if not named:
            return
        period = named[0]
        if len({p.iso for p in named}) > 1:
            after = [
                p
                for p in named
                if p.start >= m.end and not re.search(r"[,;:()\d]", self.text[m.end : p.start])
            ]
            before = [p for p in named if p.end <= m.start]
            period = after[0] if after else before[-1] if before else named[0]
        if period.iso is None:
            m.review.append(f"the sentence's {period.phrase!r} names no year: set as_of")
            return
        m.as_of = period.iso
        self.last_period = (period, m.sentence.line)
        m.review.append(
            f"as_of read from the sentence's {period.phrase!r}"
            + (", the end of the period the figure counts" if period.kind == "range" else "")
        )

    def _link_displacement_totals(self, candidates: list[Candidate]) -> None:
        """A 'Total: N' displaced line after refugee and IDP lines is their whole (infoboxes)."""
        for k, candidate in enumerate(candidates):
            total = candidate.mention
            if total.metric != "displaced" or total.label_population != "all":
                continue
            j = k - 1
            while (
                j >= 0
                and candidates[j].mention.metric in ("refugees", "idps")
                and (total.sentence.line - candidates[j].mention.sentence.line <= k - j)
            ):
                if candidates[j].mention.whole is None:
                    candidates[j].mention.whole = total
                j -= 1

    # -- metric -----------------------------------------------------------------------------

    def _bind(self, m: Mention, earlier: list[Mention]) -> bool:
        """Decide whether the figure counts people harmed, held or displaced; set its metric."""
        tokens = m.tokens
        core = tokens[m.core]
        if core.kind == "number" and _is_date_or_year(tokens, m.core, m.last):
            return False
        before = tokens[m.first - 1] if m.first >= 1 else None
        if before is not None and (before.low in TRAP_BEFORE or before.text in "$€£#"):
            return False
        # "France 24", "Mirage 2000": a number right after a capitalised name is part of it
        if (
            core.kind == "number"
            and before is not None
            and before.kind == "word"
            and (
                before.text[:1].isupper()
                and m.first >= 1
                and m.first == m.core
                and not _sentence_initial(tokens, m.first - 1)
                and before.low not in ("total", "killed", "dead")
            )
        ):
            named_number = True  # unless people are counted: "In Gaza 12 people died"
        else:
            named_number = False
        after_index = m.last + 1
        after = tokens[after_index] if after_index < len(tokens) else None
        if after is not None and (after.text in ("%",) or after.low in ("percent",)):
            return False
        if after is not None and after.text == ":" and core.kind == "number":
            return False  # a time or a ratio, 10:30
        # ages: "son, 20, and daughter", "ages 20 to 60", "aged 12"
        if before is not None and before.low in ("aged", "ages", "age"):
            return False
        if (
            before is not None
            and before.text == ","
            and after is not None
            and after.text == ","
            and m.first >= 2
            and tokens[m.first - 2].low in POPULATION_NOUNS
            and m.kind == "number"
        ):
            return False
        if m.kind == "ordinal":
            np_end = _noun_phrase_end(tokens, m.last + 1)
            rest = _words(tokens, np_end + 1, np_end + 5)
            if rest[:2] == ["to", "die"] or rest[:3] == ["to", "be", "killed"]:
                m.metric, m.anchor, m.np_end = "killed", (np_end + 1, np_end + 2), np_end
                return True
            return False
        np_start = m.last + 1
        of_them = _words(tokens, m.first - 2, m.first) in BREAKDOWN_LEADS
        if _words(tokens, np_start, np_start + 2) in (["of", "them"], ["of", "whom"]) and (
            before is None
            or before.text in (",", ";", "(", "–", "—")
            or before.low in ("with", "including", "and", "among")
        ):
            of_them = True
            np_start += 2
        fronted = self._fronted_whole(m, earlier)
        fronted_before = None if fronted is not None else self._fronted_whole_before(m, earlier)
        if fronted_before is not None:
            fronted, fronted_anchor = fronted_before
        sibling = bool(  # "12 were children and 9 were women": a second part of one whole
            earlier and earlier[-1].whole is not None and before is not None and before.low == "and"
        )
        if (of_them or sibling or fronted is not None) and _is_copula(tokens, np_start):
            np_start += 1  # "of whom 12 were children": the group follows the copula
        np_end = _noun_phrase_end(tokens, np_start)
        np_words = _words(tokens, np_start, np_end + 1)
        m.np_end = np_end
        if named_number and not any(w in POPULATION_NOUNS or w in METRIC_NOUNS for w in np_words):
            return False
        # "has risen to at least 58, up from 41 last week": the earlier figure of the same count
        if (
            _words(tokens, m.first - 2, m.first) in (["up", "from"], ["down", "from"])
            and earlier
            and earlier[-1].metric is not None
            and not (np_words and np_words[0] in TRAP_NOUNS)  # "up from 40 trucks"
        ):
            prior = earlier[-1]
            m.metric, m.anchor, m.np_end = prior.metric, prior.anchor, min(np_end, m.last)
            m.earlier = True
            m.review.append(
                "an earlier figure of the same count ('up from'): paste it with the source that "
                "gave it, and set supersedes on the newer claim"
            )
            return True
        # "Some 3,400 households, or about 20,000 people, fled": the same count, other units
        if (
            m.first >= 2
            and tokens[m.first - 1].low == "or"
            and tokens[m.first - 2].text == ","
            and earlier
            and earlier[-1].metric is not None
            and earlier[-1].np_end == m.first - 3
            and any(w in POPULATION_NOUNS for w in np_words)
        ):
            prior = earlier[-1]
            m.metric, m.anchor = prior.metric, prior.anchor
            m.review.append(
                "the figure before in other words ('or'): claim one of the two, in people"
            )
            return True
        trap = next((k for k, w in enumerate(np_words[:3]) if w in TRAP_NOUNS), None)
        if trap is not None and not any(
            (w in POPULATION_NOUNS or w in METRIC_NOUNS)
            and w not in POPULATION_ADJECTIVES
            and w not in ("police", "militia")
            for w in np_words[:trap]
        ):
            return False  # "19 civilian vehicles", "five military pickup trucks"
        if m.kind == "article":
            # "a"/"an"/"both" count one or two people only with a person noun after them
            if not any(w in POPULATION_NOUNS for w in np_words):
                return False
            if any(
                t.kind == "number" or _is_number_word(t) for t in tokens[m.last + 1 : np_end + 1]
            ):
                return False  # "a further forty-one people": the figure is the number's
            named = tokens[m.first - 2] if m.first >= 2 else None
            if (
                before is not None
                and before.text == ","
                and named is not None
                and (
                    named.low in POPULATION_NOUNS
                    or (
                        named.kind == "word"
                        and named.text[:1].isupper()
                        and named.low not in MONTHS
                        and not _sentence_initial(tokens, m.first - 2)
                    )
                )
            ):
                return False  # an appositive describes someone already named: "X, a sergeant,"
            if core.low in ("a", "an") and np_words and np_words[0] in ("few", "couple", "dozen"):
                return False
        if m.kind == "vague" and not np_words and after is not None and after.low == "of":
            return False
        # people let go are no longer held: "troops freed 5 kidnapped girls"
        if before is not None and before.low in RELEASE_VERBS:
            return False
        # interviews and witnesses are informants, not victims
        if before is not None and before.low in INTERVIEW_VERBS:
            return False
        if (
            m.first >= 2
            and tokens[m.first - 2].low in INTERVIEW_VERBS
            and before.low in ("with", "to")
        ):
            return False
        # "killed 13 people, 9 of them children": a part of the figure just before
        if of_them and earlier and earlier[-1].metric is not None:
            m.metric, m.anchor, m.whole = earlier[-1].metric, earlier[-1].anchor, earlier[-1]
            return True
        if fronted is not None:  # "Of the 40 people killed, 12 were children"
            m.metric, m.anchor, m.whole = fronted.metric, fronted.anchor, fronted
            if fronted_before is not None:  # "... 5,104 killed. Of those killed, 412 were"
                m.anchor = fronted_anchor
            return True
        # 1. the noun names what happened: "25 civilian deaths", "13 injured", "~144,000 refugees"
        noun_metric = None
        for k, word in enumerate(np_words):
            if word in METRIC_NOUNS:
                if (word == "displaced" and k >= 1 and np_words[k - 1] == "internally") or (
                    word == "internally" and k + 1 < len(np_words)
                ):
                    noun_metric = "idps"
                else:
                    noun_metric = METRIC_NOUNS[word]
                m.anchor = (np_start + k, np_start + k)
                break
            if (word, *np_words[k + 1 : k + 2]) == IDP_PHRASE:
                noun_metric = "idps"
                m.anchor = (np_start + k, np_start + k + 1)
                break
        if noun_metric is None and len(np_words) > 1 and np_words[0] in METRIC_VERBS:
            noun_metric = METRIC_VERBS[np_words[0]]  # "11 captured soldiers"
            m.anchor = (np_start, np_start)
        verb_after = self._verb_after(tokens, np_end + 1)
        if verb_after is not None and verb_after[0] == "released":
            return False
        if verb_after is not None and _words(tokens, verb_after[1] - 2, verb_after[1]) == [
            "of",
            "the",
        ]:  # "Eleven of the abducted were killed" (or "were freed"): what happened next
            then = _metric_after(tokens, verb_after[2] + 1)
            if then is not None and then[0] == "released":
                return False
            verb_after = then or verb_after
        verb_before = _metric_before(tokens, m.first)
        if m.kind == "article" and verb_before is not None and tokens[verb_before[2]].low == "of":
            return False  # "the death of a leader" names a person, it does not count victims
        if (
            noun_metric in STATUS_METRICS
            and verb_before is not None
            and not verb_before[3]
            and (verb_before[0] not in ("captive",))
        ):
            noun_metric = None  # "executed a French hostage": the verb says what happened
        if verb_after is not None and verb_after[0] == "captive":
            verb_after = None
        if (
            noun_metric is not None
            and verb_after is not None
            and m.anchor is not None
            and (_words(tokens, m.anchor[0] - 2, m.anchor[0]) == ["of", "the"])
        ):
            noun_metric = None  # "three of the wounded died": the verb says what happened
        if noun_metric is not None and (noun_metric not in STATUS_METRICS or verb_after is None):
            if noun_metric == "hostages" and verb_after is None:
                pass
            m.metric = noun_metric
            if noun_metric == "killed" and np_words and np_words[0] in ("losses",):
                m.own_loss = True
            self._own_loss_before(m)
            return True
        # "holding 41 foreign nationals hostage", "taken five prisoner"
        tail = _words(tokens, np_end + 1, np_end + 2)
        if tail and tail[0] in ("hostage", "hostages", "prisoner", "prisoners", "captive"):
            m.metric = "hostages" if tail[0].startswith("hostage") else "captured"
            m.anchor = (np_end + 1, np_end + 1)
            return True
        # 2. a verb before the figure: "killing at least 34", "detained 17", "the deaths of"
        if verb_before is not None and verb_before[0] != "captive":
            metric, start, end, own = verb_before
            m.metric, m.anchor, m.own_loss = metric, (start, end), own
            if own:
                self._sufferer(m, start)
            if own and noun_metric is None and not np_words:
                m.metric = "killed"
            return True
        # 3. a passive or intransitive verb after the counted people: "24 soldiers were killed"
        if verb_after is not None:
            m.metric, m.anchor = verb_after[0], (verb_after[1], verb_after[2])
            return True
        # 4. coordination with an earlier figure: "killed 31 civilians and 9 soldiers"
        if before is not None and before.low in ("her", "his", "their", "its") and m.first >= 2:
            before = tokens[m.first - 2]  # "a woman and her two sons"
        if (
            earlier
            and before is not None
            and (
                before.low in ("and", "plus", ",", "for")
                or _words(tokens, m.first - 2, m.first)
                in (["as", "well"], ["along", "with"], ["together", "with"])
                or _words(tokens, m.first - 3, m.first) == ["as", "well", "as"]
            )
        ):
            prior = earlier[-1]
            between = tokens[
                prior.np_end + 1 if prior.np_end is not None else prior.last + 1 : m.first
            ]
            if (
                not any(t.low in METRIC_VERBS or t.low in AUXILIARIES for t in between)
                and (prior.metric is not None)
                and (before.low != "for" or prior.own_loss)
                and np_words
            ):
                m.metric, m.anchor, m.whole = prior.metric, prior.anchor, prior.whole
                m.part_hint = prior.part_hint
                if before.low == "for":
                    m.enemy_hint = True
                return True
        # "killed the group's leader ... and four other fighters"
        if (
            before is not None
            and before.low == "and"
            and any(w in ("other", "others") for w in np_words[:2])
        ):
            for k in range(m.first - 2, -1, -1):
                if tokens[k].text in (";", ":"):
                    break
                if (tokens[k].low in METRIC_VERBS and not tokens[k].low.endswith("ing")) or (
                    tokens[k].low in ("killing", "injuring", "wounding")
                ):
                    m.metric, m.anchor = METRIC_VERBS[tokens[k].low], (k, k)
                    return True
        # "X was killed and so were 20 militants"
        if (
            earlier
            and _words(tokens, m.first - 2, m.first)
            in (["so", "were"], ["so", "was"], ["as", "were"], ["as", "was"], ["so", "did"])
            and earlier[-1].metric is not None
        ):
            m.metric, m.anchor = earlier[-1].metric, earlier[-1].anchor
            return True
        # "had been killed ... along with about 40 of his followers"
        if _words(tokens, m.first - 2, m.first) in (["along", "with"], ["together", "with"]):
            for k in range(m.first - 3, -1, -1):
                if tokens[k].low in METRIC_VERBS:
                    m.metric, m.anchor = METRIC_VERBS[tokens[k].low], (k, k)
                    return True
        # 5. a breakdown: "The injured included 20 Malian nationals", "including 3 fighters"
        if before is not None and before.low in ("including", "included", "include", "includes"):
            whole = self._whole_in_sentence(m, earlier)
            if whole is not None:
                m.metric, m.anchor, m.whole = whole.metric, whole.anchor, whole
                return True
            subject_metric = self._subject_metric(tokens, m.first - 1)
            if subject_metric is not None:
                m.metric, m.anchor = subject_metric[0], subject_metric[1]
                m.part_hint = subject_metric[0]
                return True
        # 6. a labelled line: "Total killed: 13,105", or a figure under a "Displaced:" heading
        label = self._label_metric(m)
        if label is not None:
            m.metric = label
            m.anchor = (m.first, m.last)
            self._heading_period(m)
            if any(t.low == "total" for t in tokens[: m.first]):
                m.label_population = "all"  # "Total killed: 13,105", "Total: ≈374,000"
            return True
        return False

    def _fronted_whole(self, m: Mention, earlier: list[Mention]) -> Mention | None:
        """The whole of a figure after a fronted 'Of the 40 people killed, 12 were children'."""
        tokens = m.tokens
        if not earlier or earlier[-1].metric is None or m.first < 2:
            return None
        prior = earlier[-1]
        if tokens[m.first - 1].text != "," or not _is_copula(tokens, m.last + 1):
            return None
        opening = next((k for k in range(prior.first - 1, -1, -1) if tokens[k].low == "of"), None)
        if opening is None or any(t.text in ",;:" for t in tokens[opening : m.first - 1]):
            return None
        if opening > 0 and not (tokens[opening - 1].text in ",;:(" or opening == 0):
            return None
        return prior.whole or prior

    def _fronted_whole_before(
        self, m: Mention, earlier: list[Mention]
    ) -> tuple[Mention, tuple[int, int]] | None:
        """The whole, a sentence before, of 'Of those killed, 412 were children' (and its anchor).

        The sentence opens with 'Of the / those / these [people] killed|dead|injured|...,' (or
        'Of them,', 'Of these,': the last figure) and the figure is followed by its copula; the
        whole is the last figure of that metric in the paragraph's sentence before.
        """
        tokens = m.tokens
        if earlier or m.first < 3 or tokens[m.first - 1].text != ",":
            return None
        if not _is_copula(tokens, m.last + 1) or not self.last_sentence:
            return None
        lead = _words(tokens, 0, m.first - 1)
        if lead[:1] != ["of"] or lead[1:2] not in (["the"], ["those"], ["these"], ["them"]):
            return None
        if any(t.text in ",;:" or t.kind in ("number", "quote") for t in tokens[: m.first - 1]):
            return None
        named = [
            (k, metric)
            for k, w in enumerate(lead)
            if (metric := METRIC_VERBS.get(w) or METRIC_NOUNS.get(w))
        ]
        if not named and len(lead) != 2:
            return None  # "Of the vehicles, 12 were burnt"
        for candidate in reversed(self.last_sentence):
            prior = candidate.mention
            if prior.sentence.line != m.sentence.line:
                return None  # another paragraph
            if not named or prior.metric == named[-1][1]:
                anchor = (named[-1][0], named[-1][0]) if named else (1, 1)
                return prior, anchor
        return None

    def _verb_after(self, tokens: list[Token], index: int) -> tuple[str, int, int] | None:
        """The verb after a noun phrase, skipping a coordinated one or an appositive."""
        found = _metric_after(tokens, index)
        if found is not None:
            return found
        # ", a sergeant," appositive; ", including 600 children," a breakdown aside (its own
        # figure is read as a part of this one)
        if index < len(tokens) and tokens[index].text == ",":
            close = next(
                (k for k in range(index + 1, min(len(tokens), index + 8)) if tokens[k].text == ","),
                None,
            )
            lead = _words(tokens, index + 1, index + 3)
            if index + 1 < len(tokens) and tokens[index + 1].kind == "number":
                lead = _words(tokens, index + 2, index + 4)  # ", 12 of whom were children,"
            # ", or about 20,000 people,": the same count in other words, its figure allowed
            breakdown_aside = lead[:1] in (["including"], ["or"]) or lead in BREAKDOWN_LEADS
            if close is not None and not any(
                (tokens[k].low in AUXILIARIES and not breakdown_aside)
                or tokens[k].low in METRIC_VERBS
                or (tokens[k].kind == "number" and not breakdown_aside)
                for k in range(index + 1, close)
            ):
                found = _metric_after(tokens, close + 1)
                if found is not None:
                    return found
        # "7 fighters along with the bomber were killed", "50 soldiers including 20 Wagner ..."
        skip = 0
        if _words(tokens, index, index + 2) in (["along", "with"], ["together", "with"]):
            skip = 2
        elif _words(tokens, index, index + 3) == ["as", "well", "as"]:
            skip = 3
        elif index < len(tokens) and tokens[index].low == "including":
            skip = 1
        if skip:
            k = index + skip
            while k < len(tokens) and (
                tokens[k].kind == "number"
                or _is_number_word(tokens[k])
                or tokens[k].low in ("a", "an", "the", "at", "least")
            ):
                k += 1
            end = _noun_phrase_end(tokens, k)
            if end >= k:
                return _metric_after(tokens, end + 1)
        # "13 Chadian soldiers and 65 Islamists were killed"
        if index < len(tokens) and tokens[index].low in ("and", "or"):
            k = index + 1
            while k < len(tokens) and (
                tokens[k].kind == "number"
                or tokens[k].low
                in (
                    "at",
                    "least",
                    "more",
                    "than",
                    "about",
                    "around",
                    "some",
                    "over",
                    "unknown",
                    "number",
                    "of",
                    "an",
                    "a",
                    "several",
                    "dozens",
                )
                or _is_number_word(tokens[k])
            ):
                k += 1
            end = _noun_phrase_end(tokens, k)
            if end >= index:
                return _metric_after(tokens, max(end + 1, k))
        return None

    def _own_loss_before(self, m: Mention) -> None:
        tokens = m.tokens
        k = m.first - 1
        while k >= 0 and (tokens[k].low in DETERMINERS or tokens[k].low in ("only",)):
            k -= 1
        if k >= 0 and tokens[k].low in OWN_LOSS_VERBS:
            m.own_loss = True
            m.anchor = (k, m.anchor[1] if m.anchor else m.last)
            self._sufferer(m, k)

    def _sufferer(self, m: Mention, verb: int) -> None:
        """Whose loss: a pronoun means the claimant's own; a named group is that group's."""
        tokens = m.tokens
        k = verb - 1
        while k >= 0 and (tokens[k].low in AUXILIARIES or tokens[k].low in ADVERBS):
            k -= 1
        if k < 0 or tokens[k].low in ("it", "they", "we", "i"):
            return
        if tokens[k].low == "and":
            # a second predicate of the sentence's subject: "Security forces repelled the
            # attackers, killing 62 rebels, and lost nine of their own men"
            subject = _clause_subject(tokens, k)
            if subject is None:
                return
            k = subject[1]
        if tokens[k].low in POPULATION_NOUNS:
            m.own_loss = False  # "the Islamists suffered only one dead"
            m.subject_population = POPULATION_NOUNS[tokens[k].low]

    def _whole_in_sentence(self, m: Mention, earlier: list[Mention]) -> Mention | None:
        for prior in reversed(earlier):
            if prior.metric is not None:
                return prior.whole or prior
        return None

    def _subject_metric(self, tokens: list[Token], verb: int) -> tuple[str, tuple[int, int]] | None:
        """The metric word of the subject before 'included': 'The civilians killed in ...'."""
        for k in range(verb - 1, -1, -1):
            if tokens[k].text in (",", ";", ":"):
                break
            low = tokens[k].low
            if low in METRIC_NOUNS:
                return METRIC_NOUNS[low], (k, k)
            if low in METRIC_VERBS:
                return METRIC_VERBS[low], (k, k)
        return None

    def _heading_period(self, m: Mention) -> None:
        """A labelled line's as_of from the heading over its block, read as a caption is.

        "Key figures, as of 30 June 2025" above "Killed: 212" (``period_of``). The block is
        the labelled lines ("Injured: 540") and short headings ("Displaced:") right above the
        figure's line; the heading is the first other line, of at most 20 words and without a
        full stop. A blank line ends the search.
        """
        end = self.text.rfind("\n", 0, m.sentence.start)
        while end > 0:
            start = self.text.rfind("\n", 0, end) + 1
            line = self.text[start:end].strip()
            end = start - 1
            if not line:
                return
            labelled = re.fullmatch(r"[^:]{1,60}:\s*\S.{0,40}", line) and len(line.split()) <= 8
            if labelled or (line.endswith(":") and len(line.split()) <= 4):
                continue
            period = period_of(line) if len(line.split()) <= 20 and line[-1] not in ".!?" else None
            if period:
                m.as_of = period
                m.review.append(f"as_of read from the heading {line!r}")
            return

    def _label_metric(self, m: Mention) -> str | None:
        tokens = m.tokens
        words = [t for t in tokens if t.kind in ("word", "number")]
        if len(words) > 6:
            return None
        for k in range(m.first - 1, -1, -1):
            low = tokens[k].low
            phrased = _metric_phrase_ending(tokens, k)  # "Internally displaced: 45,000"
            if phrased is not None:
                return phrased
            if low in METRIC_NOUNS:
                return METRIC_NOUNS[low]
            if low in METRIC_VERBS:
                return METRIC_VERBS[low]
        if not (m.first >= 2 and tokens[m.first - 1].text == ":"):
            return None
        # a heading line of the form "Displaced:" a few lines up
        index = self.sentences.index(m.sentence)
        for back in range(index - 1, max(-1, index - 4), -1):
            sentence = self.sentences[back]
            if sentence.tokens[-1].text == ":" and len(sentence.tokens) <= 4:
                for token in sentence.tokens:
                    if token.low in METRIC_NOUNS:
                        return METRIC_NOUNS[token.low]
                    if token.low in METRIC_VERBS:
                        return METRIC_VERBS[token.low]
                return None
        return None

    # -- population -------------------------------------------------------------------------

    def _describe(self, m: Mention, kept: list[Mention], done: list[Candidate]) -> bool:
        """Set population, side, subgroup, group and value; False if the value cannot be read."""
        tokens = m.tokens
        np_start = m.last + 1
        if _words(tokens, np_start, np_start + 2) in (["of", "them"], ["of", "whom"]):
            np_start += 2
        if m.whole is not None and _is_copula(tokens, np_start):
            np_start += 1  # "of whom 12 were children"
        np_end = m.np_end if m.np_end is not None else m.last
        raw = [t for t in tokens[np_start : np_end + 1] if t.kind in ("word", "abbr")]
        words = [t.low for t in raw]
        population, side, nationality, subgroup, _mixed = _population_of(
            words, raw, self.context.actors
        )
        if m.kind == "ordinal":
            population = population or "unknown"
        generic = not words or all(w in GENERIC_PERSON_NOUNS or w in METRIC_NOUNS for w in words)
        if population is None and m.subject_population is not None:
            population = m.subject_population
        # an own loss never takes the people of an earlier figure, which usually counts the
        # enemy ("killing 62 rebels, and lost nine of their own men"): the claimant says whose
        if not m.own_loss and (population is None or (generic and population in ("all", None))):
            inherited = self._population_from_context(m, kept)
            if inherited is not None:
                population, side, inherited_subgroup = inherited
                if population == "unknown" and m.metric in DISPLACEMENT_METRICS:
                    population = "all"
                subgroup = subgroup or inherited_subgroup
                m.population_guessed = not ("others" in words or "other" in words)
        if population is None and m.own_loss:
            population = None  # set from the claimant in _role
        if population is None:
            population = m.label_population or m.subject_population
        if population is None:
            population = "all" if m.metric in DISPLACEMENT_METRICS else None
        if subgroup == "men" and (m.own_loss or population not in (None, "civilians", "all")):
            subgroup = None  # "lost nine men", "20 of its men": a party's members, not adult men
        m.population = population
        m.side = side
        m.nationality = nationality
        m.subgroup = subgroup
        group_start = np_start + 1 if _words(tokens, np_start, np_start + 1) == ["of"] else np_start
        m.group = _span_text(tokens, group_start, np_end) or None  # "dozens of mercenaries"
        if m.group and m.group.lower() in ("others", "other"):
            m.group = None
        household = next((k for k, w in enumerate(words) if w in HOUSEHOLD_NOUNS), None)
        if household is not None and not _people_of_household(words[:household]):
            m.review.append("counts families or households, not people")
        m.value = self.text[m.start : m.end]
        if m.kind == "article" and tokens[m.core].low in ("a", "an"):
            m.value = tokens[m.core].text
        try:
            parse_quantity(m.value, self.context.lexicon)
        except QuantityError as error:
            m.review.append(
                f"value not readable by casrec's grammar ({error.reason or 'form'}): reword it, "
                "or add the term to vague_quantities.csv"
            )
        if m.whole is None and m.part_hint:
            whole = self._whole_before(m, done)
            if whole is not None:
                m.whole = whole
        return True

    def _population_from_context(
        self, m: Mention, kept: list[Mention]
    ) -> tuple[str, str | None, str | None] | None:
        """Population of an earlier figure in the sentence, else the nearest person noun."""
        for prior in reversed(kept):
            if prior is m or prior.first > m.first:
                continue
            if prior.whole is not None and prior.whole.population is not None:
                # "47 civilians killed, including 11 children, and 93 injured": the 93 are
                # people like the whole's, not the breakdown's subgroup
                whole = prior.whole
                return whole.population, whole.side, whole.subgroup
            if prior.population is not None:
                return prior.population, prior.side, prior.subgroup
        tokens = m.tokens
        follows = _words(tokens, m.last + 1, (m.np_end or m.last) + 1)
        if ("others" in follows or "other" in follows) and self.last_sentence:
            # "A French paratrooper was killed ... Two others were seriously injured."
            prior = self.last_sentence[-1].mention
            if prior.sentence.line == m.sentence.line and prior.population is not None:
                return prior.population, prior.side, prior.subgroup
        agent = set()
        if (
            m.anchor is not None
            and m.anchor[1] < m.first
            and tokens[m.anchor[0]].low in (METRIC_VERBS)
        ):
            # "Gunmen kill dozens": the subject of an active verb did it, it is not counted
            k = m.anchor[0] - 1
            while k >= 0 and (tokens[k].low in ADVERBS or tokens[k].low in AUXILIARIES):
                k -= 1
            while (
                k >= 0
                and tokens[k].kind in ("word", "abbr")
                and tokens[k].low not in (CONJUNCTIONS | PREPOSITIONS)
            ):
                agent.add(k)
                k -= 1
        for k in range(m.first - 1, -1, -1):
            low = tokens[k].low
            if k in self.speaker_tokens or k in agent:
                continue  # the claimant ("one local resident counted ...") is not the counted
            if (low in POPULATION_NOUNS and POPULATION_NOUNS[low] != "all") or (
                low in POPULATION_NOUNS and low in ("people", "persons")
            ):
                raw = [t for t in tokens[max(0, k - 3) : k + 1] if t.kind in ("word", "abbr")]
                population, side, _, subgroup, _ = _population_of(
                    [t.low for t in raw], raw, self.context.actors
                )
                if population is not None:
                    return population, side, subgroup
            actor = self.context.actors.actor_of_word(tokens[k].text)
            if (
                actor is not None
                and tokens[k].text.isupper()
                and k + 1 < len(tokens)
                and (tokens[k + 1].low not in ATTRIBUTION_VERBS)
            ):
                kind = self.context.actors.kind.get(actor, "other")
                return KIND_POPULATION.get(kind, "unknown"), actor, None
        return None

    def _whole_before(self, m: Mention, done: list[Candidate]) -> Mention | None:
        for candidate in reversed(done):
            prior = candidate.mention
            if prior.part_hint and prior.sentence is m.sentence:
                continue  # "The dead included 3 children and 2 women": a sibling, not the whole
            if prior.metric == m.metric and prior.whole is None:
                return prior
        return None

    # -- claimant ---------------------------------------------------------------------------

    def _claimant(
        self,
        m: Mention,
        attributions: list[Attribution],
        previous: Claimant | None,
        recent_actors: list[str],
    ) -> Claimant:
        for start, end, speaker in self.quotes:
            if start <= m.start and m.end <= end:
                if speaker.lower() in _PRONOUNS and previous is not None:
                    # 'It said "..."' speaks for the claimant named before
                    return Claimant(previous.name, previous.actor, "context")
                return Claimant(speaker, self._claimant_actor(speaker, recent_actors), "quote")
        # clause boundaries: a ';' separates what an attribution governs
        tokens = m.tokens
        clause_start = max([k + 1 for k in range(0, m.first) if tokens[k].text == ";"], default=0)
        clause_end = min(
            [k for k in range(m.last, len(tokens)) if tokens[k].text == ";"], default=len(tokens)
        )
        before = [a for a in attributions if clause_start <= a.start and a.end < m.first]
        if before:
            chosen = before[-1]
            if chosen.anaphoric:
                named = [a for a in attributions if not a.anaphoric and a.end < chosen.start]
                if named:
                    return self._named(named[-1].claimant, recent_actors)
            if chosen.anaphoric and previous is not None:
                return Claimant(previous.name, previous.actor, "context")
            if not chosen.anaphoric:
                return self._named(chosen.claimant, recent_actors)
        after = [
            a
            for a in attributions
            if a.start > m.last and a.end < clause_end and a.position in ("after", "either")
        ]
        if after:
            chosen = after[0]
            if chosen.anaphoric and previous is not None:
                return Claimant(previous.name, previous.actor, "context")
            if not chosen.anaphoric:
                return self._named(chosen.claimant, recent_actors)
        anaphoric = [a for a in attributions if a.anaphoric and a.start < m.first]
        if anaphoric and previous is not None:
            return Claimant(previous.name, previous.actor, "context")
        return self._publisher()

    def _publisher(self) -> Claimant:
        """The document's publisher as claimant, with its actor when actors.csv names it."""
        return Claimant(self.context.publisher or "", self.publisher_actor, "publisher")

    def _named(self, name: str, recent_actors: list[str]) -> Claimant:
        if self.context.publisher and re.match(r"(?:our|we|us)\b", name, re.IGNORECASE):
            # "Our teams documented ...", "We counted ...": outside a quote, the first person
            # of a document is its publisher
            return self._publisher()
        name = self._expand_acronym(name)
        name = self._full_name(name)
        return Claimant(name, self._claimant_actor(name, recent_actors), "attribution")

    def _full_name(self, name: str) -> str:
        """'The network said' names the claimant called so before: 'Darro Medical Network'.

        A one-word claimant is the last named claimant (or the publisher) whose head word it is,
        the word before any 'of' / 'in' ('Mission' of 'Human Rights Mission in Veloria').
        """
        if not re.fullmatch(r"[^\W\d_]+", name) or name.lower() in _PRONOUNS:
            return name
        generic = PARTY_VOICE_WORDS | GENERIC_GROUP_CLAIMANTS
        if name.lower() in generic or self.context.actors.actor_of_word(name):
            return name  # "the rebels", "the army": read from actors.csv (_actor_named)
        for known in reversed([self.context.publisher or "", *self.named_claimants]):
            head = re.split(r"\s+(?:of|in|for|on|at)\s+|\s*\(", known)[0].split()
            if len(head) > 1 and head[-1].lower() == name.lower():
                return known
        return name

    def _expand_acronym(self, name: str) -> str:
        if re.fullmatch(r"[A-Z]{2,6}", name) and self.context.actors.actor_of_word(name) is None:
            phrases = re.findall(r"[A-Z][a-z]+(?:\s+(?:of|for|the|and|[A-Z][a-z]+))+", self.text)
            for known in (*self.context.known_names, *phrases):
                initials = "".join(w[0] for w in known.split() if w[:1].isupper())
                if initials == name:
                    return known
        return name

    def _claimant_actor(self, name: str, recent_actors: list[str]) -> str | None:
        if self.context.publisher and name.lower() == self.context.publisher.lower():
            return self.publisher_actor
        return self._actor_named(name, recent_actors)

    def _actor_named(self, name: str, recent_actors: list[str]) -> str | None:
        actors = self.context.actors
        words = set(re.findall(r"[a-z]+", name.lower()))
        actor, alias = actors.alias_in(name)
        if actor is not None and (alias not in actors.country_words or words & STATE_VOICE_WORDS):
            return actor  # "Sudan Doctors Network" names a country, not its state
        if words & GENERIC_STATE_CLAIMANTS:
            return self.home_state
        if len(words) == 1:
            # "the brigades said", once "the Rapid Sahel Brigades" were named: the head noun of
            # exactly one actor's name
            heads = [
                actor
                for actor, full in actors.names.items()
                if re.sub(r"\([^()]*\)", " ", full).lower().split()[-1:] == [*words]
                and actors.kind.get(actor) in ("state", "armed_group", "militia", "foreign_force")
            ]
            if len(heads) == 1:
                return heads[0]
        if words & GENERIC_GROUP_CLAIMANTS:
            for candidate in reversed(recent_actors):
                if actors.kind.get(candidate) in ("armed_group", "militia"):
                    return candidate
        return None

    def _role(self, m: Mention, claimant: Claimant) -> str:
        actor = claimant.actor
        kinds = self.context.actors.kind
        if m.own_loss and actor is not None:
            m.side = m.side or actor
            if m.population is None:
                m.population = KIND_POPULATION.get(kinds.get(actor, "other"), "unknown")
        if m.population is None:
            m.population = "unknown"
        tokens = m.tokens
        possessive = _words(tokens, max(0, m.first - 2), m.first) + _words(
            tokens, m.last + 1, (m.np_end or m.last) + 1
        )
        if actor is None:
            return "independent"
        if kinds.get(actor) == "un" or (
            claimant.how == "publisher" and kinds.get(actor) not in FIGHTING_KINDS
        ):
            # the UN is no party to the fighting (METHODOLOGY, claimant roles), nor is an NGO
            # publishing its own count: linked to its actor, drafted independent
            return "independent"
        if m.population == "civilians":
            return "party_other"
        if (
            m.own_loss
            or m.side == actor
            or any(w in ("own", "its", "our", "their") for w in possessive)
        ):
            m.side = actor if m.side is None else m.side
            if m.population in ("security_forces", "militants", "combatants", "unknown", "all"):
                # "one of its officers": the party's own members, whatever it calls them
                m.population = KIND_POPULATION.get(kinds.get(actor, "other"), m.population)
            return "party_own"
        if m.enemy_hint or m.side is None or m.side != actor:
            return "party_enemy"
        return "party_other"

    def _certainty(self, m: Mention) -> str:
        tokens = m.tokens
        reach = max(m.np_end or m.last, m.anchor[1] if m.anchor else m.last)
        window = _words(tokens, m.first - 6, reach + 3)
        if any(w in FEARED_WORDS for w in window) and any(
            w in ("dead", "killed", "reports", "report", "died", "lost", "missing") for w in window
        ):
            return "feared"
        for k, word in enumerate(window):
            if word in CONFIRMED_WORDS and not any(
                n in NEGATIONS for n in window[max(0, k - 3) : k]
            ):
                return "confirmed"
        return ""

    # -- evidence ---------------------------------------------------------------------------

    def _evidence(self, m: Mention) -> str:
        """A verbatim window of at most 30 words around the figure and what binds it."""
        sentence = m.sentence
        text = self.text[sentence.start : sentence.end]
        words = list(re.finditer(r"\S+", text))
        if len(words) <= MAX_EVIDENCE_WORDS:
            return text.strip()
        low = min(m.start, m.tokens[m.anchor[0]].start if m.anchor else m.start)
        high = max(m.end, m.tokens[m.anchor[1]].end if m.anchor else m.end)
        if m.np_end is not None and m.np_end < len(m.tokens):
            high = max(high, m.tokens[m.np_end].end)
        inside = [
            k
            for k, w in enumerate(words)
            if w.end() + sentence.start > low and w.start() + sentence.start < high
        ]
        first, last = (inside[0], inside[-1]) if inside else (0, 0)
        first = (
            max(0, last - MAX_EVIDENCE_WORDS + 1)
            if last - first + 1 > MAX_EVIDENCE_WORDS
            else first
        )
        while last - first + 1 < MAX_EVIDENCE_WORDS and (first > 0 or last < len(words) - 1):
            if last < len(words) - 1:
                last += 1
            if last - first + 1 < MAX_EVIDENCE_WORDS and first > 0:
                first -= 1
        return text[words[first].start() : words[last].end()]

    # -- ids --------------------------------------------------------------------------------

    def _assign_ids(self, candidates: list[Candidate]) -> None:
        for number, candidate in enumerate(candidates, start=1):
            m = candidate.mention
            candidate.claim_id = f"{self.context.source_id}-x{number:03d}-{m.metric}-{m.population}"
            candidate.claim_id = re.sub(r"[^a-z0-9-]+", "-", candidate.claim_id.lower())


# ---------------------------------------------------------------------------------------------
# Tables: a figure per cell, its metric from the column header, its breakdown from the row
# ---------------------------------------------------------------------------------------------

# A row label that names the table's aggregate, not a place or group: "Total", "Grand total",
# "Overall", "All states".
_TOTAL_LABEL = re.compile(
    r"(?:grand\s+|sub-?\s*)?totals?\b|overall\b|sum\b|all\s+(?:states|regions|provinces|"
    r"districts|areas|locations|countries|sites|governorates|counties|localities|camps)\b",
    re.IGNORECASE,
)
_SUBTOTAL_LABEL = re.compile(r"sub-?\s*totals?\b", re.IGNORECASE)
# A row label that breaks down the row above: "of which children", "including women", "o/w".
_BREAKDOWN_LABEL = re.compile(
    r"(?:of\s+which|of\s+whom|including|incl\.?|among\s+them|thereof|o/w)\b", re.IGNORECASE
)
# Headers of shares and rates, whose cells are not counts of people: "%", "Share", "CFR".
SHARE_HEADER_WORDS = frozenset(
    wordlist("% percent percentage per cent share rate rates ratio proportion cfr")
)
# A column naming who reported each row's figures is its claimant: "Source", "Reported by".
SOURCE_HEADERS = frozenset(
    {"source", "sources", "reported by", "according to", "claimant", "reporting organisation",
     "reporting organization", "reporting agency"}
)  # fmt: skip
# Cells that say no figure was reported: no candidate, and nothing to review.
_NO_FIGURE_CELL = re.compile(
    r"[-–—.‒…]*|n/?a|n\.a\.|nil|none|unknown|not available|not reported|tbc|tbd|\?+",
    re.IGNORECASE,
)
# A footnote mark written after a figure: "1,200*", "1,200†", "1,200¹", "1,200 [a]", "1,200 (b)".
_FOOTNOTE_MARK = re.compile(
    r"\s*(?:[*†‡§¶#]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\[[^\]\s]{1,4}\]|\((?:[a-z]|\d{1,2}|[ivx]{1,4})\))\s*"
)
# A header or row label naming a change, not a stock or total: "Change", "+/-", "Δ",
# "Difference", "New since last report", "Increase", "Week-on-week". Its cells are no claims.
_CHANGE_HEADER = re.compile(
    r"\bchanges?\b|\bdiff(?:erence)?s?\b|\bdeltas?\b|Δ|\+\s*/\s*[-−–]|±|\bvariations?\b"
    r"|\b(?:increases?|decreases?|net\s+(?:gain|loss))\b"
    r"|\bsince\s+(?:the\s+)?(?:last|previous|prior|preceding)\b"
    r"|\b(?:day|week|month|year)[-\s]on[-\s](?:day|week|month|year)\b",
    re.IGNORECASE,
)
# A sign before a cell's figure makes it a change: "+15", "−300", "▲ 40".
_CHANGE_SIGN = re.compile(r"\s*([+\-−▲▼△▽↑↓])\s?(?=\d)")
# Dates written in a cell: "12/03/2025", "2025-03-12", "12.03.2025".
_DATE_CELL = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}")


# Periods a header, row label, section row or caption gives its figures, as ISO dates at the
# precision written: "2024", "March 2024", "31 Mar. 2024", "March 31, 2024", "2024-03-31".
_MONTH_NUMBERS = {
    month: number
    for number, names in enumerate(
        wordlist("jan feb mar apr may jun jul aug sep oct nov dec"), start=1
    )
    for month in (names, *[m for m in MONTHS if m.startswith(names)])
}
_MONTH = r"(?P<month{n}>" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year{n}>(?:1[89]|20)\d\d)"
_DAY = r"(?P<day{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_PERIOD = re.compile(
    "|".join(
        form.format(n=n)
        for n, form in enumerate(
            [
                rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b",  # 31 March 2024
                rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b",  # March 31, 2024
                rf"\b{_MONTH},?\s+{_YEAR}\b",  # March 2024
                r"\b(?P<year{n}>(?:1[89]|20)\d\d)-(?P<monthnumber{n}>[01]\d)"
                r"(?:-(?P<daynumber{n}>[0-3]\d))?(?![\d-])",  # 2024-03, 2024-03-31
                rf"\b{_YEAR}\b(?![-–—/]\d|\s*(?:[-–—]|to)\s*\d)",  # 2024, but no range
            ]
        )
    ),
    re.IGNORECASE,
)
# Words before a date that make it where a count starts or a range's end, not its date.
_PERIOD_START = re.compile(
    r"(?:\b(?:since|from|between|after|before|until|till|to|through|and)|[-–—/])\s*$",
    re.IGNORECASE,
)


def period_of(text: str) -> str | None:
    """The one period a table's header or label names, as an ISO date at its precision.

    None when it names none, several, a range ("2013–2022") or a start ("since 2012"): the
    figure's as_of is then not read from it.
    """
    periods = set()
    for match in _PERIOD.finditer(text):
        if _PERIOD_START.search(text[: match.start()]):
            return None
        parts = {name[:-1]: value for name, value in match.groupdict().items() if value}
        year = parts["year"]
        month = parts.get("monthnumber") or parts.get("month")
        if month is not None and not month.isdigit():
            month = str(_MONTH_NUMBERS[month.lower().rstrip(".")])
        iso = iso_date(year, month, parts.get("daynumber") or parts.get("day"))
        if iso is None:  # "2024-02-30" is no date
            return None
        periods.add(iso)
    return periods.pop() if len(periods) == 1 else None


# Periods in prose. A sentence's figures take the date that bounds their count: "As of 30 April
# 2025, at least 45 ...", "By the end of March 2025, the toll stood at 120", "Between 1 January
# and 31 March 2024, OHCHR recorded 310 ..." (the end of the period, as the count runs over it),
# "In 2023, 1,200 people were displaced", "during March 2024". A date without such a lead is
# an event's date ("On 7 February, gunmen killed 34"; "In July 2024, militants killed dozens"):
# it stays in the event, not in as_of. "Since 1 January", "so far this year" and "to date" give
# none: such a count runs to the day of publication, which is what an empty as_of means.
_FULL_MONTHS = [m.capitalize() for m in sorted(MONTHS, key=len, reverse=True) if len(m) > 4]
_FULL_MONTHS += ["June", "July", "May"]
_PROSE_MONTH = (  # capitalised ("may" is no month); an abbreviation may have its stop
    "(?:" + "|".join(_FULL_MONTHS) + ")\\b|(?:"
    + "|".join(m.capitalize() for m in sorted(MONTHS, key=len, reverse=True)
               if m.capitalize() not in _FULL_MONTHS)
    + ")\\b\\.?"
)  # fmt: skip
_PROSE_YEAR = r"(?:19|20)\d\d"


def _prose_date(n: str) -> str:
    """A date at any precision, its parts in groups named with ``n`` (day, month, year)."""
    month, year = rf"(?P<month{n}>{_PROSE_MONTH})", rf"(?P<year{n}>{_PROSE_YEAR})\b"
    day = rf"(?P<day{n}>[0-3]?\d)(?:st|nd|rd|th)?\b"
    part = r"(?:(?:the\s+)?(?i:end|close|middle)\s+of\s+|(?i:mid|end)-\s*|(?i:mid)\s*)?"
    # a year alone is no time ("By 2000 hours") nor, outside a range, one of two years ("Over
    # 2024 and 2025")
    lone = r"(?![-–—/]\d)(?!\s*(?:hours|hrs|GMT|UTC)\b)"
    if n != "s":
        lone += r"(?!\s+(?:and|or|to)\s+\d)"
    return (
        rf"(?:{day}\s+(?:of\s+)?{month}(?:,?\s+{year})?"  # 30 April (2025)
        rf"|{month.replace('month', 'monthb')}\s+{day.replace('day', 'dayb')}"
        rf"(?:,?\s+{year.replace('year', 'yearb')})?"  # April 30(, 2025)
        rf"|{part}{month.replace('month', 'monthc')}(?:,?\s+{year.replace('year', 'yearc')})?"
        rf"|{part}{year.replace('year', 'yeard')}{lone}"  # (the end of) 2023
        rf"|(?P<yeare{n}>{_PROSE_YEAR})-(?P<monthe{n}>[01]\d)(?:-(?P<daye{n}>[0-3]\d))?\b)"
    )


# How a sentence dates its count. "asof": the date it is counted to ("as of", "as at", "by",
# "at the end of", "through"); "range": a period, whose end is the as_of ("between ... and ...",
# "from ... to/until ...", "during 1–31 March 2024", "in the first quarter of 2024"); "during": a
# period the count covers ("during", "throughout", "over", a year opening its clause: "In
# 2023,"); "since": a start, giving none.
_PROSE_PERIOD = re.compile(
    r"(?P<range>(?i:\b(?:between|from)\s+)(?:" + _prose_date("s") + r"|[0-3]?\d(?:st|nd|rd|th)?)"
    r"\s*(?:(?i:and|to|until|till"
    r"|through)\b|[-–—])\s*" + _prose_date("e") + r")"
    r"|(?P<compact>(?i:\b(?:during|throughout|over|in|for|from|between|covering)\s+)"
    r"(?:[0-3]?\d|(?P<cmonth>" + _PROSE_MONTH + r"))\s*[-–—]\s*" + _prose_date("c") + r")"
    r"|(?P<since>(?i:\bsince\s+)" + _prose_date("x") + r")"
    r"|(?P<portion>(?i:\b(?:(?:in|during|over|throughout|for)\s+)?the\s+"
    r"(?P<ordinal>first|second|third|fourth|last|final)\s+(?P<share>quarter|half)\s+of)\s+"
    r"(?P<yearp>" + _PROSE_YEAR + r")\b)"
    r"|(?P<asof>(?i:\b(?:as\s+(?:of|at|on)|by|through|at(?=\s+the\s+(?:end|close)\b))\s+)"
    + _prose_date("a")
    + r")"
    r"|(?P<during>(?i:\b(?:during|throughout|over|in\s+the\s+course\s+of|in)\s+)"
    r"(?:the\s+(?:year|month)\s+(?:of\s+)?)?" + _prose_date("d") + r")"
)
# A clause that refers to the period of the sentence before: "over the same period".
_SAME_PERIOD = re.compile(
    r"(?i)\b(?:over|during|in|for|within|across|throughout)\s+(?:the\s+same|that)\s+period\b"
)
# Words that may open a clause before its period: "And in 2023, ...".
_CLAUSE_OPENING = re.compile(r"[\s\"“”'‘’«»„(]*(?:(?i:and|but|yet|so|also)\s+)?$")
# An as_of lead that says so whatever follows: without a year, the analyst is asked for one.
_EXPLICIT_AS_OF = re.compile(r"(?i)\s*(?:as\s+(?:of|at|on)|(?:by|at)\s+the\s+(?:end|close))\b")


@dataclass
class ProsePeriod:
    """A period a sentence's clause gives its figures: the phrase, its kind and its ISO date."""

    start: int  # character offsets of the phrase in the text
    end: int
    phrase: str
    kind: str  # asof | range | during | since
    iso: str | None  # None: no year written ("By the end of March") or no as_of (since)


def _date_parts(match: re.Match, n: str) -> tuple[str | None, str | None, str | None]:
    """The year, month number and day a ``_prose_date(n)`` matched (None where not written)."""
    parts = {key[:-1]: value for key, value in match.groupdict().items() if value and key[-1] == n}
    year = next((v for k, v in parts.items() if k.startswith("year")), None)
    month = next((v for k, v in parts.items() if k.startswith("month")), None)
    day = next((v for k, v in parts.items() if k.startswith("day")), None)
    if month is not None and not month.isdigit():
        month = str(_MONTH_NUMBERS[month.lower().rstrip(".")])
    return year, month, day


def prose_periods(text: str, start: int, end: int) -> list[ProsePeriod]:
    """The periods the sentence at ``text[start:end]`` gives its counts (``_PROSE_PERIOD``)."""
    found = []
    sentence = text[start:end]
    for match in _PROSE_PERIOD.finditer(sentence):
        outer = next(
            g for g in ("range", "compact", "since", "portion", "asof", "during") if match.group(g)
        )
        kind = "range" if outer in ("compact", "portion") else outer
        n = {"range": "e", "compact": "c", "since": "x", "asof": "a", "during": "d"}.get(outer, "p")
        year, month, day = _date_parts(match, n)
        if outer == "portion":  # "the first quarter of 2024" ends on 31 March 2024
            order = {"first": 1, "second": 2, "third": 3, "fourth": 4}
            share = 3 if match.group("share").lower() == "quarter" else 6
            number = order.get(match.group("ordinal").lower(), 12 // share)
            month, day = str(number * share), "31" if number * share in (3, 12) else "30"
        if kind == "range" and year is None:
            # a range's end takes its start's year: "from January 2019 until November"
            year, start_month, _ = _date_parts(match, "s")
            if year is not None and month and start_month and int(month) < int(start_month):
                year = str(int(year) + 1)  # "from November 2019 until February"
            if year is None and (start_month or match.group("cmonth")) is None:
                continue  # days of one month ("Between 8 and 10 February"): an event's dates
        iso = None if kind == "since" else iso_date(year, month, day)
        if kind == "during":
            if day is not None:
                continue  # "during the night of 11 January": the event's date
            clause = sentence[: match.start()].rsplit(";", 1)[-1]
            alone = re.match(r"\s+alone\b", sentence[match.end() :])  # "In May 2025 alone"
            if match.group(outer).split()[0].lower() == "in" and (
                (month is not None and not alone) or not _CLAUSE_OPENING.fullmatch(clause)
            ):
                continue  # "In July 2024, ...", "... was in 2015, when": an event's date
        if kind == "asof" and iso is None and not _EXPLICIT_AS_OF.match(match.group(outer)):
            continue  # "attacked by March 23 Movement fighters": no date
        phrase = match.group(outer).strip()
        found.append(
            ProsePeriod(start + match.start(outer), start + match.end(outer), phrase, kind, iso)
        )
    return found


def _unmarked(label: str) -> str:
    """A label without the emphasis marks around it ("**Total**", "_Total:_")."""
    return label.strip(" *_~:#'\"()[]")


def _is_total_label(label: str) -> bool:
    """Whether a row or column label names the table's aggregate ("Total", "Grand total")."""
    return bool(_TOTAL_LABEL.match(_unmarked(label)))


def _metric_phrase_ending(tokens: list[Token], k: int) -> str | None:
    """The metric of a phrase of several words that ends at token ``k`` ('internally displaced')."""
    for phrase, metric in METRIC_PHRASES.items():
        start = k + 1 - len(phrase)
        if len(phrase) > 1 and start >= 0 and tuple(t.low for t in tokens[start : k + 1]) == phrase:
            return metric
    return None


def _metric_of_header(words: list[str]) -> str | None:
    """The metric a header names, read with the prose rules' vocabulary ("IDPs", "Killed")."""
    for k, word in enumerate(words):
        for phrase, metric in METRIC_PHRASES.items():
            if tuple(words[k : k + len(phrase)]) == phrase and phrase != ("to", "death"):
                return metric
        if word in METRIC_NOUNS:
            return METRIC_NOUNS[word]
        if word in METRIC_VERBS:
            return METRIC_VERBS[word]
    return None


@dataclass
class _CellFigure:
    """A table cell that holds one figure: its mention and what the cell says besides."""

    mention: Mention
    footnote: str = ""
    aside: str = ""
    signed: bool = False  # "+15", "−300": a change, whatever its column says


@dataclass
class _ChangeCell:
    """A table cell holding a change, not a stock or total: named on the figure it changes."""

    r: int
    c: int
    figure: _CellFigure
    metric: str | None
    metric_from: str
    name: str  # "column 'Change'", "row 'Change since last week'"
    along: str  # where its stock is: "row" (a change column) or "column" (a change row)
    section: str = ""  # the section row above it, if any


class _TableReader:
    """One data table of the text: its grid, its headers, and a candidate per figure cell."""

    def __init__(self, extractor: Extractor, table: TextTable):
        self.x = extractor
        self.table = table
        self.text = extractor.text
        rows = table.rows
        # grid[r][c] = (row of the cell's origin, the cell): colspan and rowspan repeat it
        self.grid: list[dict[int, tuple[int, TableCell]]] = [{} for _ in rows]
        for r, row in enumerate(rows):
            c = 0
            for cell in row.cells:
                while c in self.grid[r]:
                    c += 1
                for dr in range(min(cell.rowspan, len(rows) - r)):
                    for dc in range(cell.colspan):
                        self.grid[r + dr].setdefault(c + dc, (r, cell))
                c += cell.colspan
        self.columns = max((max(g, default=-1) + 1 for g in self.grid), default=0)
        self.figures: dict[int, _CellFigure | None] = {}
        self.header_rows = self._header_rows()

    def cell_text(self, cell: TableCell) -> str:
        return self.text[cell.start : cell.end]

    def figure(self, cell: TableCell) -> _CellFigure | None:
        """The figure a cell holds, or None (a label, a date, a share, no figure at all)."""
        key = id(cell)
        if key not in self.figures:
            self.figures[key] = self._read_figure(cell)
        return self.figures[key]

    def _read_figure(self, cell: TableCell) -> _CellFigure | None:
        text = self.cell_text(cell)
        if not text or _NO_FIGURE_CELL.fullmatch(text.strip()) or _DATE_CELL.search(text):
            return None
        tokens = without_quote_marks(self.tokens_in(cell.start, cell.end))
        if not tokens or any(t.low in MONTHS for t in tokens):
            return None  # no figure, or a date ("12 March")
        line = bisect.bisect_right(self.x.line_starts, cell.start) - 1
        sentence = Sentence(tokens, cell.start, cell.end, line)
        mentions = [
            m
            for m in find_mentions(sentence, self.x.lexicon_phrases)
            if m.kind in ("number", "words", "vague")
        ]
        signed = bool(_CHANGE_SIGN.match(text)) and len(mentions) >= 1 and mentions[0].first == 1
        if signed:
            mentions[0].first = 0  # the sign is part of the change as written
        if not mentions or mentions[0].first != 0:
            return None
        m = mentions[0]
        rest = text[m.end - cell.start :]
        if re.match(r"\s*(?:%|percent\b|per\s?cent\b)", rest, re.IGNORECASE):
            return None  # a share, not a count
        footnote = ""
        mark = _FOOTNOTE_MARK.match(rest)
        if mark and mark.group().strip():
            footnote = mark.group().strip()
            rest = rest[mark.end() :]
        aside = rest.strip()
        if aside and not re.fullmatch(r"\([^()]*\)", aside):
            return None  # the cell says more than a figure: the prose rules read it
        try:
            quantity = parse_quantity(self.text[m.start : m.end], self.x.context.lexicon)
        except QuantityError:
            quantity = None
        if quantity is not None and quantity.high == 0:
            return None  # "0": nothing was reported for this row
        return _CellFigure(m, footnote, aside, signed)

    def _header_rows(self) -> int:
        """How many leading rows are headers: <th> rows or <thead>, else a first row of labels."""
        count = 0
        for row in self.table.rows:
            if row.in_head or all(cell.header for cell in row.cells if cell.end > cell.start):
                count += 1
            else:
                break
        if count == 0 and len(self.table.rows) > 1:
            first = self.table.rows[0]
            if not any(
                self.figure(cell) and period_of(self.cell_text(cell)) is None
                for cell in first.cells
            ):
                count = 1  # a table without <th>: its first row names the columns (or periods)
        return count

    @functools.cache  # noqa: B019 -- a reader lives for one table
    def header_cells(self, column: int) -> list[TableCell]:
        """The header cells above a column, top first, a spanning cell once."""
        cells: list[TableCell] = []
        for r in range(self.header_rows):
            origin = self.grid[r].get(column)
            if origin is not None and origin[1] not in cells and origin[1].end > origin[1].start:
                cells.append(origin[1])
        return cells

    @functools.cache  # noqa: B019 -- a reader lives for one table
    def label_cells(self, r: int, column: int) -> list[TableCell]:
        """The cells that label a row left of a column: its place, group, or the metric."""
        cells: list[TableCell] = []
        for c in range(column):
            origin = self.grid[r].get(c)
            if origin is None:
                continue
            cell = origin[1]
            if cell in cells or cell.end <= cell.start or self.column_metric(c) is not None:
                continue  # empty, or a cell of a figures' column
            if self.figure(cell) is not None and c > 0:
                continue  # another figure of the row ("Killed | 12 | 30")
            cells.append(cell)  # a place, a group, a metric, a year or zone number first
        return cells

    @functools.cache  # noqa: B019 -- a reader lives for one table
    def column_metric(self, column: int) -> str | None:
        for cell in reversed(self.header_cells(column)):
            words = self.words(cell)
            if words & SHARE_HEADER_WORDS or "%" in self.cell_text(cell):
                return None
            metric = _metric_of_header(self.word_list(cell))
            if metric is not None:
                return metric
        return None

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """The document's tokens that start between two offsets (a cell, the caption)."""
        starts = self.x.token_starts
        return self.x.tokens[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]

    def word_list(self, cell: TableCell) -> list[str]:
        return [t.low for t in self.tokens_in(cell.start, cell.end)]

    def words(self, cell: TableCell) -> set[str]:
        return set(self.word_list(cell))

    def is_total(self, cells: list[TableCell]) -> bool:
        return any(_is_total_label(self.cell_text(cell)) for cell in cells)

    def source_column(self) -> int | None:
        for c in range(self.columns):
            headers = self.header_cells(c)
            if headers and self.cell_text(headers[-1]).strip(" :").lower() in SOURCE_HEADERS:
                return c
        return None

    def read(self) -> list[Candidate]:
        """A candidate per figure cell under (or beside) a header naming a metric."""
        rows = self.table.rows
        caption_words: list[str] = []
        if self.table.caption is not None:
            start, end = self.table.caption
            caption_words = [t.low for t in self.tokens_in(start, end)]
        source = self.source_column()
        found: dict[tuple[int, int], Candidate] = {}
        changes: list[_ChangeCell] = []
        total_rows: list[int] = []
        total_columns: set[int] = set()
        section = ""
        for r in range(self.header_rows, len(rows)):
            filled = [cell for cell in rows[r].cells if cell.end > cell.start]
            if (
                len(filled) == 1
                and filled[0].colspan > 1
                and filled[0].colspan >= self.columns - 1
                and self.figure(filled[0]) is None
            ):
                section = self.cell_text(filled[0])  # a row heading the rows below: "Darfur"
                continue
            labels_all = self.label_cells(r, self.columns)
            if self.is_total(labels_all):
                total_rows.append(r)
            for c in range(self.columns):
                origin = self.grid[r].get(c)
                if origin is None or origin[0] != r:
                    continue  # empty, or a cell spanning down from a row above
                cell = origin[1]
                if c > 0 and self.grid[r].get(c - 1, (None, None))[1] is cell:
                    continue  # a cell spanning columns counts once
                figure = self.figure(cell)
                if figure is None:
                    continue
                headers = self.header_cells(c)
                labels = self.label_cells(r, c)
                metric = self.column_metric(c)
                metric_from = "column"
                if metric is None and not any(self.words(h) & SHARE_HEADER_WORDS for h in headers):
                    for label in reversed(labels):  # a table with one row per metric
                        metric = _metric_of_header(self.word_list(label))
                        if metric is not None:
                            metric_from = "row"
                            break
                if metric is None and caption_words and not headers:
                    metric, metric_from = _metric_of_header(caption_words), "caption"
                change = self._change_of(figure, headers, labels)
                if change is not None:
                    changes.append(_ChangeCell(r, c, figure, metric, metric_from, *change, section))
                    continue  # a change is no stock or total: named on the figure it changes
                if metric is None:
                    continue
                if headers and _is_total_label(self.cell_text(headers[-1])):
                    total_columns.add(c)
                source_cell = self.grid[r].get(source)[1] if source is not None else None
                found[(r, c)] = self._candidate(
                    figure, metric, metric_from, headers, labels, caption_words, r, source_cell,
                    section,
                )  # fmt: skip
        self._link_wholes(found, total_rows, total_columns)
        for change in self._name_changes(changes, found):
            candidate = self._change_alone(change, caption_words)
            if candidate is not None:
                found[(change.r, change.c)] = candidate
        return list(found.values())

    def _change_of(
        self, figure: _CellFigure, headers: list[TableCell], labels: list[TableCell]
    ) -> tuple[str, str] | None:
        """How a change cell is named and where its stock sits, or None for a stock or total.

        A change is a cell under a header naming one ("Change", "+/-", "Δ", "New since last
        report"): its stock is in its row; beside a row label naming one ("Change since last
        week"): its stock is above it, in its column; or a figure written with a sign ("+15").
        """
        header_text = " / ".join(self.cell_text(h) for h in headers)
        column = f"column {header_text!r}" if header_text else "a column without a header"
        if any(_CHANGE_HEADER.search(self.cell_text(h)) for h in headers):
            return column, "row"
        change_labels = [cell for cell in labels if _CHANGE_HEADER.search(self.cell_text(cell))]
        if change_labels:
            return f"row {', '.join(self.cell_text(cell) for cell in change_labels)!r}", "column"
        if figure.signed:
            return column, "row"
        return None

    def _name_changes(
        self, changes: list[_ChangeCell], found: dict[tuple[int, int], Candidate]
    ) -> list[_ChangeCell]:
        """Name each change on the figure it changes; return those with none to carry them.

        The figure is in the change's row for a change column, above it in its column for a
        change row: the same metric first, then the nearest.
        """
        alone = []
        for change in changes:
            r, c = change.r, change.c
            if change.along == "row":
                near = [
                    (abs(col - c) + (0.5 if col > c else 0), candidate)
                    for (row, col), candidate in found.items()
                    if row == r
                ]
            else:
                near = [
                    (r - row, candidate)
                    for (row, col), candidate in found.items()
                    if col == c and row < r
                ]
            if not near:
                alone.append(change)
                continue
            _, carrier = min(
                near,
                key=lambda item: (
                    change.metric is not None and item[1].mention.metric != change.metric,
                    item[0],
                ),
            )
            m = carrier.mention
            value = self.text[change.figure.mention.start : change.figure.mention.end]
            m.notes.append(f"{change.name} gives {value!r}")
            m.review.append(
                f"{change.name} gives {value!r}, a change since an earlier figure, not a stock "
                "or total: not drafted (compare it with the earlier report)"
            )
        return alone

    def _change_alone(self, change: _ChangeCell, caption_words: list[str]) -> Candidate | None:
        """A change with no figure to carry it: drafted, flagged as no claim as it stands.

        Its metric is its own, else that of the nearest figures' column before it; it is
        never a total nor a breakdown of one.
        """
        r, c = change.r, change.c
        metric, metric_from = change.metric, change.metric_from
        if metric is None:
            metric = next(
                (self.column_metric(k) for k in range(c - 1, -1, -1) if self.column_metric(k)),
                None,
            )
            metric_from = "column"
        if metric is None:
            return None  # like any figure whose table says nothing of people harmed
        headers, labels = self.header_cells(c), self.label_cells(r, c)
        candidate = self._candidate(
            change.figure, metric, metric_from, headers, labels, caption_words, r, None,
            change.section,
        )  # fmt: skip
        m = candidate.mention
        m.notes[-1] += ": a change"
        m.review.insert(
            0,
            f"not a claim as it stands: a change since an earlier figure ({change.name}), not a "
            "stock or total; delete the row, or claim it only as its own period's count",
        )
        return candidate

    def _set_period(
        self, m: Mention, headers: list[TableCell], labels: list[TableCell], section: str
    ) -> None:
        """The figure's as_of from the period its column, row, section or caption names.

        The cell's own headers and labels come first (the most precise of them, when they
        agree); the caption's date applies to cells that name none.
        """
        named = [
            *(("column header", self.cell_text(h)) for h in headers),
            *(("row label", self.cell_text(cell)) for cell in labels),
            *((("table section", section),) if section else ()),
        ]
        periods = [(origin, text, period_of(text)) for origin, text in named]
        periods = [(origin, text, period) for origin, text, period in periods if period]
        if not periods and self.table.caption is not None:
            caption = self.text[slice(*self.table.caption)]
            if period_of(caption):
                periods = [("table's caption", caption, period_of(caption))]
        if not periods:
            return
        origin, text, finest = max(periods, key=lambda item: len(item[2]))
        if any(not finest.startswith(period) for _, _, period in periods):
            listed = ", ".join(f"{text!r}" for _, text, _ in periods)
            m.review.append(
                f"the table names several periods for this figure ({listed}): set as_of"
            )
            return
        m.as_of = finest
        m.review.append(f"as_of read from the {origin} {text!r}")

    def _candidate(
        self,
        figure: _CellFigure,
        metric: str,
        metric_from: str,
        headers: list[TableCell],
        labels: list[TableCell],
        caption_words: list[str],
        r: int,
        source_cell: TableCell | None,
        section: str = "",
    ) -> Candidate:
        m = figure.mention
        m.metric = metric
        m.anchor = (m.first, m.last)
        m.np_end = m.last
        header_text = " / ".join(self.cell_text(h) for h in headers)
        label_text = ", ".join(self.cell_text(cell) for cell in labels)
        total = self.is_total(labels)
        people_labels = [
            cell for cell in labels if not _is_total_label(self.cell_text(cell))
            and self._names_people(cell)
        ]  # fmt: skip
        place_labels = [
            cell for cell in (headers if metric_from == "row" else labels)
            if cell not in people_labels
            and period_of(self.cell_text(cell)) is None
            and not _CHANGE_HEADER.search(self.cell_text(cell))
            and not _is_total_label(self.cell_text(cell))
            and _metric_of_header(self.word_list(cell)) is None
        ]  # fmt: skip
        counted = [*headers, *people_labels]
        raw = [t for cell in counted for t in self.tokens_in(cell.start, cell.end)]
        words = [t.low for t in raw]
        population, side, nationality, subgroup, _ = _population_of(
            words, raw, self.x.context.actors
        )
        if population == "civilians" and not any(
            w in POPULATION_NOUNS or w in POPULATION_ADJECTIVES for w in words
        ):
            population = None  # a capitalised plural of a header is not a people
        if population is None and caption_words:
            caption_raw = self.tokens_in(*self.table.caption) if self.table.caption else []
            population, side, nationality, subgroup, _ = _population_of(
                caption_words, caption_raw, self.x.context.actors
            )
            if population is not None:
                m.population_guessed = True
        if population is None and metric in DISPLACEMENT_METRICS:
            population = "all"
        if subgroup == "men" and population not in (None, "civilians", "all"):
            subgroup = None
        m.population, m.side, m.nationality, m.subgroup = population, side, nationality, subgroup
        if people_labels:
            m.group = ", ".join(self.cell_text(cell) for cell in people_labels)
        m.value = self.text[m.start : m.end]
        try:
            parse_quantity(m.value, self.x.context.lexicon)
        except QuantityError as error:
            m.review.append(
                f"value not readable by casrec's grammar ({error.reason or 'form'}): reword it, "
                "or add the term to vague_quantities.csv"
            )
        described = []
        if label_text:
            described.append(f"row {label_text!r}")
        if header_text:
            described.append(f"column {header_text!r}")
        if section:
            described.insert(0, f"section {section!r}")
        m.notes.append("table " + ", ".join(described) if described else "table cell")
        self._set_period(m, headers, labels, section)
        where = {"column": "column header", "row": "row label", "caption": "table's caption"}
        m.review.append(f"from a table: metric read from the {where[metric_from]}")
        if any(w in HOUSEHOLD_NOUNS for w in [*words, *caption_words]):
            m.review.append("counts families or households, not people")
        if place_labels and not total:
            place = ", ".join(self.cell_text(cell) for cell in place_labels)
            m.review.append(
                f"a figure for {place!r} (its row): claim it under that place's event, part_of "
                "the figure it breaks down"
            )
        if figure.footnote:
            m.review.append(
                f"footnote mark {figure.footnote!r} after the figure left out of the value: read "
                "the table's note"
            )
        if figure.aside:
            m.review.append(f"the cell also says {figure.aside!r}: check the value")
        claimant = self.x._publisher()
        if source_cell is not None and source_cell.end > source_cell.start:
            claimant = self.x._named(_clean_claimant(self.cell_text(source_cell)), [])
        role = self.x._role(m, claimant)
        header_words = {w for h in headers for w in self.words(h)}
        certainty = ""
        if header_words & FEARED_WORDS:
            certainty = "feared"
        elif header_words & CONFIRMED_WORDS:
            certainty = "confirmed"
        evidence = self._evidence(m, labels, r)
        return Candidate(m, claimant, role, certainty, evidence)

    def _names_people(self, cell: TableCell) -> bool:
        raw = self.tokens_in(cell.start, cell.end)
        return any(
            t.low in POPULATION_NOUNS
            or t.low in POPULATION_ADJECTIVES
            or t.low in SUBGROUP_NOUNS
            or self.x.context.actors.actor_of_word(t.text) is not None
            for t in raw
        )

    def _evidence(self, m: Mention, labels: list[TableCell], r: int) -> str:
        """The row's line; past 30 words, the stretch from its label to the figure, or a window."""
        row = self.table.rows[r]
        line = self.text[row.start : row.end]
        if len(line.split()) <= MAX_EVIDENCE_WORDS:
            return line
        own = [cell for cell in labels if row.start <= cell.start < row.end]
        if own:
            stretch = self.text[min(own[0].start, m.start) : m.end]
            if len(stretch.split()) <= MAX_EVIDENCE_WORDS:
                m.review.append(
                    "the row is longer than 30 words: the evidence runs from its label to the "
                    "figure"
                )
                return stretch
        words = list(re.finditer(r"\S+", line))
        at = next(k for k, w in enumerate(words) if w.end() + row.start > m.start)
        first = max(0, min(at - MAX_EVIDENCE_WORDS // 2, len(words) - MAX_EVIDENCE_WORDS))
        last = min(len(words), first + MAX_EVIDENCE_WORDS) - 1
        m.review.append("the row is longer than 30 words: the evidence is the 30 words around it")
        return line[words[first].start() : words[last].end()]

    def _link_wholes(
        self,
        found: dict[tuple[int, int], Candidate],
        total_rows: list[int],
        total_columns: set[int],
    ) -> None:
        """Rows point to their total row (part_of), cells to their row's total column.

        A row labelled "of which children" breaks down the row above it.
        """
        for (r, c), candidate in found.items():
            m = candidate.mention
            wholes = []
            if self._breakdown_row(r):
                above = [k for k in range(r - 1, self.header_rows - 1, -1) if (k, c) in found]
                above = [k for k in above if not self._breakdown_row(k)][:1]
                wholes += [found[(k, c)] for k in above]
            if c not in total_columns:  # "Women | Children | Total" under "IDPs"
                wholes += [found.get((r, t)) for t in sorted(total_columns)]
            whole_row = self._total_row_of(r, total_rows)
            if whole_row is not None:
                wholes.append(found.get((whole_row, c)))
            whole = next(
                (w for w in wholes if w is not None and w.mention.metric == m.metric), None
            )
            if whole is not None and whole is not candidate:
                m.whole = whole.mention

    def _breakdown_row(self, r: int) -> bool:
        return any(
            _BREAKDOWN_LABEL.match(_unmarked(self.cell_text(cell)))
            for cell in self.label_cells(r, self.columns)
        )

    def _total_row_of(self, r: int, total_rows: list[int]) -> int | None:
        """The total a row adds up to: the first after it (a subtotal), else the last before."""
        labels = self.label_cells(r, self.columns)
        if r in total_rows:
            if not any(_SUBTOTAL_LABEL.match(_unmarked(self.cell_text(cell))) for cell in labels):
                return None
            later = [
                t
                for t in total_rows
                if t > r
                and not any(
                    _SUBTOTAL_LABEL.match(_unmarked(self.cell_text(cell)))
                    for cell in self.label_cells(t, self.columns)
                )
            ]
            return later[0] if later else None
        after = [t for t in total_rows if t > r]
        if after:
            return after[0]
        before = [t for t in total_rows if t < r]
        return before[-1] if before else None


def _link_casualty_parts(kept: list[Mention]) -> None:
    """The killed and injured listed after a casualty figure are its parts.

    "14,212 civilian casualties: 5,104 killed and 9,108 injured", "(5,104 killed and 9,108
    injured)": up to the end of the list (a ')' or ';').
    """
    for k, whole in enumerate(kept):
        if whole.metric != "casualties" or whole.np_end is None:
            continue
        tokens = whole.tokens
        opening = whole.np_end + 1
        if opening >= len(tokens) or tokens[opening].text not in (":", "("):
            continue
        for part in kept[k + 1 :]:
            between = tokens[opening + 1 : part.first]
            if any(t.text in (";", ")") for t in between) or part.metric not in (
                "killed",
                "injured",
            ):
                break
            if part.whole is None:
                part.whole = whole


def _is_copula(tokens: list[Token], index: int) -> bool:
    """A 'were' / 'was' / 'are' / 'is' at ``index`` ("of whom 12 were children")."""
    return index < len(tokens) and tokens[index].low in ("were", "was", "are", "is")


def _sentence_initial(tokens: list[Token], index: int) -> bool:
    return index == 0 or tokens[index].after_quote or tokens[index - 1].text in "(•-–—:"


# ---------------------------------------------------------------------------------------------
# Public API: text -> drafts table
# ---------------------------------------------------------------------------------------------

EXTRA_COLUMNS = ["span_start", "span_end", "review"]


def draft_columns() -> list[str]:
    """claims.csv's columns (with subgroup and certainty) plus span_start, span_end, review."""
    columns = list(TABLES["claims"].column_names)
    if "subgroup" not in columns:
        columns.insert(columns.index("nationality") + 1, "subgroup")
    if "certainty" not in columns:
        columns.insert(columns.index("evidence"), "certainty")
    return columns + EXTRA_COLUMNS


def extract_claims(
    text: str,
    source_id: str,
    *,
    publisher: str | None = None,
    actors: pd.DataFrame | None = None,
    lexicon: Mapping[str, tuple[int, int]] | None = None,
    event_id: str | None = None,
    known_names: Iterable[str] = (),
    tables: Iterable[TextTable] | None = None,
) -> pd.DataFrame:
    """Every candidate claim in ``text`` as a drafts table (one row per figure, text order).

    ``tables`` are the text's data tables (``read_layout``): a figure per cell, its metric from
    the column header and its row's label in ``notes``. Without them, tables written with
    pipes (``text_tables``, also the rows of ``read_document``'s HTML text) are read.
    """
    context = ExtractContext(
        source_id=source_id,
        publisher=publisher,
        actors=ActorIndex.from_frame(actors),
        lexicon=dict(lexicon or {}),
        event_id=event_id,
        known_names=tuple(known_names),
    )
    candidates = Extractor(text, context, text_tables(text) if tables is None else tables).run()
    ids = {id(c.mention): c.claim_id for c in candidates}
    rows = []
    for candidate in candidates:
        m = candidate.mention
        review = list(m.review)
        claimant = candidate.claimant
        if claimant.how == "publisher":
            if not claimant.name:
                review.append("claimant unclear: no attribution and the publisher is unknown")
        elif claimant.how == "context":
            review.append("claimant taken from the previous sentence")
        if m.population_guessed or m.population == "unknown":
            review.append(
                "population guessed" if m.population != "unknown" else "population unclear"
            )
        if claimant.how == "publisher" and claimant.actor:
            review.append(f"claimant is the publisher, actor {claimant.actor!r} in actors.csv")
        if candidate.role != "independent":
            review.append(f"role guessed from actors.csv: {candidate.role}")
        elif claimant.actor and claimant.how != "publisher":
            review.append(
                f"claimant_actor guessed from actors.csv: {claimant.actor} (a UN actor, drafted "
                "independent)"
            )
        elif set(re.findall(r"[a-z]+", claimant.name.lower())) & PARTY_VOICE_WORDS:
            review.append(
                f"claimant {claimant.name!r} sounds like a party to the fighting but matches no "
                "actor in actors.csv: set claimant_actor and claimant_role"
            )
        part_of = ""
        if m.whole is not None and id(m.whole) in ids:
            part_of = ids[id(m.whole)]
            review.append(f"could be a breakdown of {part_of}")
        if not event_id:
            review.append("event_id to choose")
        row = dict.fromkeys(draft_columns(), "")
        row.update(
            claim_id=candidate.claim_id,
            event_id=event_id or "",
            source_id=source_id,
            claimant=claimant.name,
            claimant_role=candidate.role,
            claimant_actor=claimant.actor or "",
            metric=m.metric,
            population=m.population,
            side=m.side or "",
            group=m.group or "",
            nationality=m.nationality or "",
            subgroup=m.subgroup or "",
            value=m.value,
            as_of=m.as_of or "",
            part_of=part_of,
            certainty=candidate.certainty,
            evidence=candidate.evidence,
            notes="; ".join(m.notes),
            span_start=m.start,
            span_end=m.end,
            review="; ".join(review),
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=draft_columns())
    frame["span_start"] = frame["span_start"].astype("int64")
    frame["span_end"] = frame["span_end"].astype("int64")
    return frame


def _read_optional_csv(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ExtractError(f"{path}: cannot be read as UTF-8 CSV ({error})") from error


def load_context(data_dir: str | Path, source_id: str) -> dict:
    """Publisher, actors and vague-quantity lexicon from a data folder (each optional)."""
    data_dir = Path(data_dir)
    sources = _read_optional_csv(data_dir / TABLES["sources"].file)
    actors = _read_optional_csv(data_dir / TABLES["actors"].file)
    lexicon_frame = _read_optional_csv(data_dir / TABLES["lexicon"].file)
    publisher = None
    known: list[str] = []
    if sources is not None:
        missing = {"source_id", "publisher"} - set(sources.columns)
        if missing:
            raise ExtractError(
                f"{data_dir / 'sources.csv'}, row 1: missing column(s) {', '.join(sorted(missing))}"
            )
        known = [p for p in sources["publisher"] if p]
        match = sources[sources["source_id"] == source_id]
        if not match.empty:
            publisher = match["publisher"].iloc[0]
    if actors is not None:
        missing = {"actor_id", "name", "kind"} - set(actors.columns)
        if missing:
            raise ExtractError(
                f"{data_dir / 'actors.csv'}, row 1: missing column(s) {', '.join(sorted(missing))}"
            )
    lexicon: dict[str, tuple[int, int]] = {}
    if lexicon_frame is not None:
        for position, (term, low, high) in enumerate(
            zip(lexicon_frame["term"], lexicon_frame["low"], lexicon_frame["high"], strict=True)
        ):
            if not (str(low).isdigit() and str(high).isdigit()):
                raise ExtractError(
                    f"{data_dir / 'vague_quantities.csv'}, row {position + 2} ({term}): "
                    "low and high must be whole numbers"
                )
            lexicon[str(term).lower()] = (int(low), int(high))
    return {"publisher": publisher, "actors": actors, "lexicon": lexicon, "known_names": known}


def extract_file(
    path: str | Path,
    source_id: str,
    data_dir: str | Path = "data",
    event_id: str | None = None,
    publisher: str | None = None,
) -> tuple[str, pd.DataFrame]:
    """Read a document and a data folder; return the text and its drafts table."""
    layout = read_layout(path)
    context = load_context(data_dir, source_id)
    if publisher:
        context["publisher"] = publisher
    drafts = extract_claims(
        layout.text, source_id, event_id=event_id, tables=layout.tables, **context
    )
    return layout.text, drafts


def write_drafts(drafts: pd.DataFrame, out: str | Path) -> Path:
    """Write the drafts CSV (UTF-8, one header row) and return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    drafts.to_csv(out, index=False, encoding="utf-8")
    return out


def highlight_html(text: str, drafts: pd.DataFrame) -> str:
    """The document as escaped HTML with every candidate figure marked and titled."""
    import html as html_lib

    pieces = []
    cursor = 0
    for row in drafts.sort_values("span_start").itertuples(index=False):
        start, end = int(row.span_start), int(row.span_end)
        if start < cursor:
            continue
        title = f"{row.claim_id}: {row.metric}, {row.population}; {row.claimant}"
        pieces.append(html_lib.escape(text[cursor:start]))
        pieces.append(
            f'<mark title="{html_lib.escape(title)}">{html_lib.escape(text[start:end])}</mark>'
        )
        cursor = end
    pieces.append(html_lib.escape(text[cursor:]))
    body = "".join(pieces).replace("\n", "<br>\n")
    return f'<div style="white-space: normal; line-height: 1.5">{body}</div>'
