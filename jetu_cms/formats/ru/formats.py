"""Russian formats: Django's own, with a comma between the date and the time.

The date ends in the abbreviation "г." ("1 декабря 2026 г."). A sentence that ends with a date
must not add its own full stop after it (that would print "г.."): such messages end with the
date, whose "г." closes the sentence, as Russian typography requires.
"""

DATE_FORMAT = "j E Y г."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y г., H:i"
