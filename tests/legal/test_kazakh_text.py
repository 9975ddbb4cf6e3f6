"""The corrected Kazakh clauses are what readers of /kk/legal/privacy/ see."""

import pytest

from tests.shop.shop_helpers import text_of

CORRECTED = [
    # 1.1 in the words of Art. 1 of the Law's Kazakh text
    (
        "1.1",
        "мәліметтер негізінде айқындалған немесе айқындалатын дербес деректер субъектісіне "
        "қатысты, электрондық, қағаз және (немесе) өзге де материалдық жеткізгіште тіркелген сол "
        "мәліметтер",
    ),
    ("1.10", "кірген сайттардан алынған деректерді жазатын"),
    ("1.10", "Егер cookie файлдары пайдаланылмаса"),
    ("1.10", "бұл тауар себетте сақталмай қалады"),
    (
        "1.11",
        "түйіннің бірегей желілік мекенжайы, ол Сатып алушының орналасқан жерін анықтауға "
        "мүмкіндік береді",
    ),
    ("3.4", "логині мен құпиясөзі"),
    ("4.2.1", "дербес деректер туралы ақпаратқа қол жеткізуге және оны өзгертуге"),
    ("4.3.3", "осындай ақпаратты қорғау үшін"),
    ("5.9", "Күлтөбе көшесі, 4, пошта индексі 050070"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("clause", "wording"), CORRECTED)
def test_corrected_clause_is_on_the_kazakh_policy(client, policy, clause, wording):
    page = text_of(client.get("/kk/legal/privacy/"))
    assert f"{clause}. " in page
    assert wording in page


@pytest.mark.django_db
def test_the_open_question_of_4_4_keeps_the_faithful_rendering(client, policy):
    page = text_of(client.get("/kk/legal/privacy/"))
    assert page.count("шағын деректер") == 2
