"""`who` finds people by the spellings readers actually use, and nobody for unrelated words."""

from __future__ import annotations

import pytest

import iranaz_cli as api
from iranaz_cli.ask.names import fold
from iranaz_cli.errors import NotFound

QUERIES = {
    # spelling variants, folded by rule
    "Baghaei": "baghaei",
    "Baghaie": "baghaei",
    "Baqaei": "baghaei",
    "Rouhani": "rouhani",
    "Rowhani": "rouhani",
    "Ruhani": "rouhani",
    "Ahmadinejad": "ahmadinejad",
    "Ahmadinezhad": "ahmadinejad",
    "Pezeshkian": "pezeshkian",
    "Pezeshkyan": "pezeshkian",
    "Aliyev": "aliyev",
    "Aliev": "aliyev",
    "Əliyev": "aliyev",
    "İlham Aliev": "aliyev",  # ("İlham" alone is only a given name: test_answers)
    "Ilham Aliyev": "aliyev",
    "Sanai": "sanaei",
    "Sanaee": "sanaei",
    "Paknejad": "paknejad",
    "Paknezhad": "paknejad",
    "Ansari": "ansari",
    "Sheena Ansari": "ansari",
    "Khamenei": "khamenei",
    "Khamene'i": "khamenei",
    "Raeisi": "raisi",
    "Hashemi Rafsanjani": "rafsanjani",
    "Mohammad Khatami": "khatami",
    "Muhammad Khatami": "khatami",
    "Masood Pezeshkian": "pezeshkian",
    "Esmaeil Baghaei": "baghaei",
    # roles
    "foreign ministry spokesperson": "baghaei",
    "spokesperson": "baghaei",
    "president of azerbaijan": "aliyev",
    "oil minister": "paknejad",
    "supreme leader": "khamenei",
    "political advisor": "sanaei",
    "state news agency": "irna",
    # Persian and Azerbaijani script, with and without the zero-width non-joiner, Arabic letter forms
    "مسعود پزشکیان": "pezeshkian",
    "پزشکیان": "pezeshkian",
    "علی خامنه‌ای": "khamenei",
    "علي خامنه‌اي": "khamenei",
    "محمود احمدی‌نژاد": "ahmadinejad",
    "محمود احمدینژاد": "ahmadinejad",
    "پاک‌نژاد": "paknejad",
    "بقائی": "baghaei",
    "İlham Əliyev": "aliyev",
    # one-letter typos
    "Rafsanjan": "rafsanjani",
    "Ahmadinejd": "ahmadinejad",
    "Paknejas": "paknejad",
    "Khatamu": "khatami",
    "Pezeshkan": "pezeshkian",
    "Rouhanj": "rouhani",
    # honorifics and titles that are not part of a name (issue 14)
    "Seyed Ebrahim Raisi": "raisi",
    "Seyyed Ali Khamenei": "khamenei",
    "Sayyid Ali Khamenei": "khamenei",
    "Hojatoleslam Hassan Rouhani": "rouhani",
    "Ayatollah Khamenei": "khamenei",
    "Dr Pezeshkian": "pezeshkian",
    "Dr. Masoud Pezeshkian": "pezeshkian",
    "Mr Baghaei": "baghaei",
    "Mrs Ansari": "ansari",
    "Ms Shina Ansari": "ansari",
    "President Pezeshkian": "pezeshkian",
    "President Aliyev": "aliyev",
    "Sheikh Hassan Rouhani": "rouhani",
    "Haj Mohsen Paknejad": "paknejad",
    "Agha Mohammad Khatami": "khatami",
    # extra given names of a known person
    "Ali Akbar Hashemi Rafsanjani": "rafsanjani",
    "Mohammad Hassan Rouhani": "rouhani",
    # compound names joined or split by a space, hyphen or ZWNJ, Latin and Persian script
    "Ahmadi Nejad": "ahmadinejad",
    "Ahmadi-Nejad": "ahmadinejad",
    "Ahmadi\u200cnejad": "ahmadinejad",
    "احمدی نژاد": "ahmadinejad",
    "احمدی-نژاد": "ahmadinejad",
    "Pak Nejad": "paknejad",
    "Pak-Nejad": "paknejad",
    "پاک نژاد": "paknejad",
    # invisible format characters (zero-width space, soft hyphen, direction marks, byte-order mark)
    "Pezesh\u200bkian": "pezeshkian",
    "Ahma\u00addinejad": "ahmadinejad",
    "\u200fRouhani\u200e": "rouhani",
    "\ufeffKhatami": "khatami",
    "Ali\u2060yev": "aliyev",
    # more of our own: titles in Persian, titles with spelling variants, several at once
    "دکتر پزشکیان": "pezeshkian",
    "سید ابراهیم رئیسی": "raisi",
    "Seyed Mohammad Khatami": "khatami",
    "Ayatullah Sayed Ali Khamenei": "khamenei",
    "Hojjatoleslam Rowhani": "rouhani",
    "Dr Mahmoud Ahmadi-Nezhad": "ahmadinejad",
    "Mr. Ilham Aliyev": "aliyev",
    "President Ilham Əliyev": "aliyev",
    "Ebrahim Raeisi": "raisi",
}

NOBODY = ["banana", "Putin", "Erdogan", "Tehran", "xyzzy", "Nakhchivan", "president of france", "Astara", "zzz",
          "President Putin", "Dr Who", "Mr", "Seyed", "Hassan Ahmadinejad"]  # fmt: skip


@pytest.mark.parametrize("query", QUERIES)
def test_query_finds_the_person_first(base, query):
    assert api.people(base, query)[0]["id"] == QUERIES[query]


@pytest.mark.parametrize("query", NOBODY)
def test_unrelated_words_find_nobody(base, query):
    with pytest.raises(NotFound, match=f"no one matches '{query}'"):
        api.people(base, query)


def test_near_miss_suggests_names(base):
    with pytest.raises(NotFound) as e:
        api.people(base, "Rafs")
    assert "did you mean" in str(e.value) and "Akbar Hashemi Rafsanjani" in str(e.value)


def test_several_people_only_when_equally_good_and_limit(base):
    presidents = api.people(base, "president of iran")
    assert {p["id"] for p in presidents} >= {"pezeshkian", "rouhani", "khatami"}
    assert len(api.people(base, "president of iran", limit=2)) == 2
    assert len(api.people(base, "Sanaei")) == 1


def test_the_same_matcher_serves_visits_and_quotes(base):
    assert [v["id"] for v in api.visits(base, president="Ahmadinezhad")] == ["ahmadinejad-2007", "ahmadinejad-2010"]
    assert {q["speaker_id"] for q in api.quotes(base, speaker="Baghaie")} == {"baghaei"}
    with pytest.raises(NotFound):
        api.visits(base, president="Putin")


@pytest.mark.parametrize(
    ("a", "b"),
    [("Baghaei", "Baqai"), ("Rouhani", "Rowhani"), ("Zhaleh", "Jaleh"), ("Khatami", "Xatami"), ("Şahin", "Shahin"),
     ("Çelik", "Chelik"), ("Göy", "Goy"), ("Ağa", "Agha"), ("Pezeshkian", "Pezeshkyan"), ("Hassan", "Hasan"),
     ("Masoud", "Masood"), ("Sheena", "Shina")],
)  # fmt: skip
def test_fold_rules(a, b):
    assert fold(a) == fold(b)
