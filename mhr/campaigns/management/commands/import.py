"""`mhr import roster|training|encounters FILE --agency ORI [--commit]`: the same preview and errors
as the web import, for agencies that automate. A dry run unless --commit; exits non-zero on errors.

Encounters take `--format native|seattle` (native: columns mapped by --mapping, the agency's saved
mapping or suggestions; seattle: the Seattle Police Department's Crisis Data columns)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhr.accounts.models import Agency, User
from mhr.campaigns.imports.rows import field_label
from mhr.campaigns.services.imports import ImportResult, import_run


class Command(BaseCommand):
    help = (
        "Import an agency's roster, training records or crisis encounters from a CSV or XLSX "
        "file. Prints what "
        "would change and any errors; nothing is changed unless --commit is given and the file "
        "has no errors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["roster", "training", "encounters"])
        parser.add_argument("file", help="Path to a .csv or .xlsx file.")
        parser.add_argument("--agency", required=True, help="The agency's ORI, e.g. WA0170000.")
        parser.add_argument(
            "--commit", action="store_true", help="Apply the changes (default: dry run)."
        )
        mapping = parser.add_mutually_exclusive_group()
        mapping.add_argument(
            "--mapping",
            help='Column mapping as JSON, e.g. \'{"employee_id": "Badge #", "last_name": '
            '"Surname"}\'. Unnamed fields use the saved mapping or suggestions.',
        )
        mapping.add_argument("--mapping-file", help="Path to a JSON file with the column mapping.")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Roster only: the file lists some people, not the full roster; do not mark "
            "people missing from it as separated.",
        )
        parser.add_argument("--user", help="Email of the person the import is recorded against.")
        parser.add_argument(
            "--format",
            choices=["native", "seattle"],
            default="native",
            help="Encounters only: native (MHR columns, mapped) or seattle (SPD Crisis Data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ori = options["agency"].strip().upper()
        agency = Agency.objects.filter(ori=ori).first()
        if agency is None:
            raise CommandError(f"No agency has the ORI {ori}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        actor = None
        if options["user"]:
            actor = User.objects.filter(email__iexact=options["user"].strip()).first()
            if actor is None:
                raise CommandError(f"No user has the email {options['user']}.")
        if options["kind"] == "encounters":
            self._encounters(agency, path, actor, options)
            return
        result = import_run(
            agency=agency,
            kind=options["kind"],
            file=path,
            actor=actor,
            mapping=self._mapping(options),
            full_roster=not options["partial"],
            commit=options["commit"],
        )
        self._print(result, agency, options)
        if not result.ok:
            raise CommandError(
                f"{result.errors.total:,} error{'s' if result.errors.total != 1 else ''}: "
                "nothing was imported."
            )

    def _mapping(self, options: dict[str, Any]) -> dict[str, str | None] | None:
        text = options["mapping"]
        if options["mapping_file"]:
            try:
                text = Path(options["mapping_file"]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read the mapping file: {exc}.") from exc
        if not text:
            return None
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"The mapping is not valid JSON: {exc}.") from exc
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in mapping.items()
        ):
            raise CommandError(
                "The mapping must be a JSON object of field names to column headers."
            )
        return mapping

    def _print(self, result: ImportResult, agency: Agency, options: dict[str, Any]) -> None:
        out = self.stdout.write
        kind = options["kind"]
        batch = result.batch
        counts = result.counts
        out(
            f"{'Roster' if kind == 'roster' else 'Training'} import for {agency.name} "
            f"({agency.ori}) from {batch.original_filename}: {counts.get('rows', 0):,} rows"
        )
        if result.mapping:
            out("Columns:")
            for name, header in result.mapping.items():
                out(f"  {field_label(kind, name)} ← “{header}”")
        out(f"  New:       {counts.get('new', 0):>8,}")
        out(f"  Updated:   {counts.get('updated', 0):>8,}")
        if kind == "roster":
            note = "" if counts.get("full_roster") else " (partial file: nobody is separated)"
            out(f"  Separated: {counts.get('separated', 0):>8,}{note}")
        out(f"  Unchanged: {counts.get('unchanged', 0):>8,}")
        if options["verbosity"] >= 2:
            self._print_samples(result)
        for title, issues in (("Errors", result.errors), ("Warnings", result.warnings)):
            if not issues:
                continue
            shown = len(issues.items)
            more = f", first {shown} shown" if issues.total > shown else ""
            out(f"{title} ({issues.total:,}{more}):")
            for issue in issues.items:
                out(f"  {issue}")
        if result.committed:
            out(self.style.SUCCESS(f"Committed (import #{batch.pk})."))
        elif result.ok:
            out("Dry run: nothing was changed. Run again with --commit to apply.")

    def _print_samples(self, result: ImportResult) -> None:
        """With -v 2: who is new, what changed and who is separated (the first of each)."""
        for title, key in (("New", "new"), ("Updated", "updated"), ("Separated", "separated")):
            samples = result.samples.get(key) or []
            if not samples:
                continue
            self.stdout.write(f"{title} (first {len(samples):,}):")
            for sample in samples:
                who = sample.get("name") or sample.get("course", "")
                line = f"  {sample['employee_id']} {who}"
                if sample.get("completed_on"):
                    line += f" {sample['completed_on']}"
                for name, (old, new) in (sample.get("changes") or {}).items():
                    line += f"; {name}: {old} → {new}"
                self.stdout.write(line)

    def _encounters(self, agency: Agency, path: Path, actor: Any, options: dict[str, Any]) -> None:
        from mhr.encounters.import_services import encounter_import_run
        from mhr.encounters.schema import BY_NAME

        outcome = encounter_import_run(
            agency=agency,
            file=path,
            actor=actor,
            format=options["format"],
            mapping=self._mapping(options),
            commit=options["commit"],
        )
        out = self.stdout.write
        counts = outcome.counts
        out(
            f"Encounter import ({options['format']}) for {agency.name} ({agency.ori}) from "
            f"{outcome.batch.original_filename}: {counts.get('rows', 0):,} records"
        )
        if outcome.mapping:
            out("Columns:")
            for name, header in outcome.mapping.items():
                out(f"  {BY_NAME[name].label} ← “{header}”")
        for key in ("new", "updated", "unchanged"):
            out(f"  {key.title() + ':':<10} {counts.get(key, 0):>9,}")
        for title, issues in (("Errors", outcome.errors), ("Warnings", outcome.warnings)):
            if not issues:
                continue
            shown = len(issues.items)
            more = f", first {shown} shown" if issues.total > shown else ""
            out(f"{title} ({issues.total:,}{more}):")
            for issue in issues.items:
                out(f"  {issue}")
        if outcome.committed:
            out(self.style.SUCCESS(f"Committed (import #{outcome.batch.pk})."))
        elif outcome.ok:
            out("Dry run: nothing was changed. Run again with --commit to apply.")
        if not outcome.ok:
            total = outcome.errors.total
            raise CommandError(f"{total:,} error{'s' if total != 1 else ''}: nothing was imported.")
