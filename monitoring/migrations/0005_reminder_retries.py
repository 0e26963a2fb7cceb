from django.db import migrations, models
from django.db.models import F


def retry_where_the_countdown_was(apps, schema_editor):
    """Rows that waited for a Celery countdown retry: their lock was the retry's time."""
    Reminder = apps.get_model("monitoring", "Reminder")
    Reminder.objects.filter(status="claimed", attempts__gt=0, locked_until__isnull=False).update(
        next_try_at=F("locked_until"), locked_until=None
    )


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0004_reminder_counts_from_the_window_end'),
    ]

    operations = [
        migrations.AddField(
            model_name='reminder',
            name='next_try_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='следующая попытка'),
        ),
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(condition=models.Q(('status', 'claimed')), fields=['next_try_at'], name='reminder_retry_due_idx'),
        ),
        migrations.RunPython(retry_where_the_countdown_was, migrations.RunPython.noop),
    ]
