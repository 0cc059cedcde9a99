from django.apps import AppConfig
from django.db.backends.signals import connection_created


class DeciderConfig(AppConfig):
    name = "decider"

    def ready(self) -> None:
        from decider.aggregates import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="decider-sqlite")
