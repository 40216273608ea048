from werkplaats.imports.management.commands.import_records import Command as ImportRecords
from werkplaats.imports.models import ImportKind


class Command(ImportRecords):
    help = "Import trajectories from a CSV or XLSX file (see import_records)."
    kind = ImportKind.TRAJECTORIES
