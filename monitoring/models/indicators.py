"""Values of a roadmap's target indicators («Важнейшие целевые индикаторы»), per school and date."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from roadmaps.models import TargetIndicator
from schools.limits import TEXT_LIMIT
from schools.models import Organisation


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        TargetIndicator, models.CASCADE, related_name="values", verbose_name="целевой показатель"
    )
    # Empty for a value of the roadmap as a whole (the municipality's figure).
    school = models.ForeignKey(
        Organisation,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_values",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="школа",
    )
    as_of = models.DateField("по состоянию на")
    value = models.DecimalField("значение", max_digits=12, decimal_places=2, null=True, blank=True)
    # A value the documents write in words («достигнуто», «не ниже среднего по району»).
    text = models.CharField("значение словами", max_length=300, blank=True)
    comment = models.TextField("комментарий", max_length=TEXT_LIMIT, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто внёс",
    )
    entered_at = models.DateTimeField("когда внесено", auto_now=True)

    class Meta:
        verbose_name = "значение целевого показателя"
        verbose_name_plural = "значения целевых показателей"
        ordering = ["indicator", "school", "as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "school", "as_of"],
                condition=Q(school__isnull=False),
                name="indicator_value_one_per_school_date",
            ),
            models.UniqueConstraint(
                fields=["indicator", "as_of"],
                condition=Q(school__isnull=True),
                name="indicator_value_one_per_roadmap_date",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""), name="indicator_value_not_empty"
            ),
        ]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else self.text
        return f"{self.indicator}: {shown} на {self.as_of:%d.%m.%Y}"
