from django.apps import AppConfig


class BenchmarkingConfig(AppConfig):
    name = "benchmarking"

    def ready(self) -> None:
        from audit.formatters import register_code_labels
        from benchmarking.toolkit import AREAS, Rating

        # Audit pages and CSVs show these codes by their labels (audit sits below benchmarking).
        documents = [
            ("self_assessment", "Prevent duty toolkit self-assessment"),
            ("assurance_statement", "Channel assurance statement"),
        ]
        register_code_labels("document", labels=documents)
        register_code_labels("area", labels=[(area.code, area.title) for area in AREAS])
        register_code_labels("rating", labels=Rating.choices)
        formats = [("html", "a web page"), ("csv", "a CSV file"), ("xlsx", "an Excel workbook")]
        formats.append(("json", "a JSON file"))
        register_code_labels("format", labels=formats)
        register_code_labels("via", labels=[("page", "from its page"), ("command", "by an operator command")])
