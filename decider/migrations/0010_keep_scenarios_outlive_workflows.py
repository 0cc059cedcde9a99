"""Saved scenarios outlive their workflow: the link may be emptied by a deletion, and each
scenario keeps its workflow's and repository's names to show once the workflow is gone."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.deletion import SET_NULL


def keep_names(apps, schema_editor):
    Scenario = apps.get_model("decider", "Scenario")
    Workflow = apps.get_model("decider", "Workflow")
    workflow = Workflow.objects.filter(pk=OuterRef("workflow_id"))
    Scenario.objects.filter(workflow__isnull=False).update(
        workflow_name=Subquery(workflow.values("name")[:1]),
        workflow_path=Subquery(workflow.values("path")[:1]),
        repository_name=Subquery(workflow.values("repository__name")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("decider", "0009_price_book"),
    ]

    operations = [
        migrations.AddField(
            model_name="scenario",
            name="workflow_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="scenario",
            name="workflow_path",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="scenario",
            name="repository_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="scenario",
            name="workflow_deleted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="scenario",
            name="workflow",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=SET_NULL,
                related_name="scenarios",
                to="decider.workflow",
            ),
        ),
        migrations.RunPython(keep_names, migrations.RunPython.noop),
    ]
