"""The residents' knowledge survey (criterion 5.3): see ``kg.survey.survey``."""
