"""Value sets whose meaning the measures depend on; they are fixed in code on purpose.

Lists that programs extend (presenting problems, dispositions, settings...) are rows of
`common.Code` instead.
"""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Another sex / X"
    UNKNOWN = "unknown", "Unknown"


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    AGE_18_24 = "18_24", "18–24"
    AGE_25_34 = "25_34", "25–34"
    AGE_35_44 = "35_44", "35–44"
    AGE_45_54 = "45_54", "45–54"
    AGE_55_64 = "55_64", "55–64"
    AGE_65_74 = "65_74", "65–74"
    AGE_75_PLUS = "75_plus", "75 and over"
    UNKNOWN = "unknown", "Unknown"


class Race(models.TextChoices):
    AMERICAN_INDIAN = "american_indian", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black or African American"
    PACIFIC_ISLANDER = "pacific_islander", "Native Hawaiian or Pacific Islander"
    WHITE = "white", "White"
    MULTIRACIAL = "multiracial", "More than one race"
    OTHER = "other", "Another race"
    UNKNOWN = "unknown", "Unknown"


class Ethnicity(models.TextChoices):
    HISPANIC = "hispanic", "Hispanic or Latino"
    NOT_HISPANIC = "not_hispanic", "Not Hispanic or Latino"
    UNKNOWN = "unknown", "Unknown"


class Veteran(models.TextChoices):
    YES = "yes", "Veteran"
    NO = "no", "Not a veteran"
    UNKNOWN = "unknown", "Unknown"


class HousingStatus(models.TextChoices):
    HOUSED = "housed", "Housed"
    UNSTABLE = "unstable", "Unstably housed"
    SHELTERED = "sheltered", "Homeless, sheltered"
    UNSHELTERED = "unsheltered", "Homeless, unsheltered"
    UNKNOWN = "unknown", "Unknown"


def age_band_for(age_years: int | None) -> str:
    """Map an age in whole years to its band."""
    if age_years is None or age_years < 0:
        return AgeBand.UNKNOWN
    bounds = [
        (18, AgeBand.UNDER_18),
        (25, AgeBand.AGE_18_24),
        (35, AgeBand.AGE_25_34),
        (45, AgeBand.AGE_35_44),
        (55, AgeBand.AGE_45_54),
        (65, AgeBand.AGE_55_64),
        (75, AgeBand.AGE_65_74),
    ]
    for upper, band in bounds:
        if age_years < upper:
            return band
    return AgeBand.AGE_75_PLUS
