import pytest

# Deletion tests check the reports with the reports' own fixtures.
from tests.reports.conftest import analysis_quiz, staff_client  # noqa: F401


@pytest.fixture
def db_session_client(client, student, settings):
    """The student's client with sessions in the database, so query counts match with or without Redis."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(student)
    return client
