"""Kazakh date, time and number formats (Django ships none for ``kk``).

Dates are written as in Kazakh official documents, "2026 жылғы 1 желтоқсан": the year with
"жылғы", the day, then the month name in the nominative (``E``, whose Kazakh names — lowercase,
as the month is written inside a date — come from the project's catalogue). Times are 24-hour,
so no "Т.Қ./Т.Д." markers ever appear. A sentence that carries such a date is worded as
"Күшіне ену күні: 2026 жылғы 1 желтоқсан", because the nominative form cannot take a case ending.
"""

DATE_FORMAT = "Y жылғы j E"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y жылғы j E, H:i"
YEAR_MONTH_FORMAT = "Y жылғы E"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
# As CLDR writes Kazakh numbers: 12 990,5.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
