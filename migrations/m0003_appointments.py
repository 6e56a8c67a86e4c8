"""Appointments: slots with their seats, appointments and their printed slips."""

import models

ONE_ACTIVE_PER_SERVICE = (
    "CREATE UNIQUE INDEX IF NOT EXISTS appointment_one_active_per_service "
    "ON appointment (user_id, service_id) WHERE status = 'confirmed'"
)


def upgrade(database, migrator):
    database.create_tables(models.APPOINTMENT_MODELS, safe=True)
    # One confirmed appointment per person and service, held by the database.
    database.execute_sql(ONE_ACTIVE_PER_SERVICE)
