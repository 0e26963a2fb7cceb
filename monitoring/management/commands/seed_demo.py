from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitoring.demo.dashboards import load_demo_dashboards
from monitoring.demo.indicators import load_demo_indicators
from monitoring.demo.profile import load_demo_profiles
from monitoring.demo.publishing import load_demo_public_pages
from monitoring.demo.results import load_demo_results
from monitoring.demo.seed import (
    DEMO_PASSWORD,
    DEMO_USERS,
    create_demo_users,
    load_demo_school_roadmap,
    load_seed_roadmaps,
)

DEMO_WARNING = f"""
!!! ВНИМАНИЕ: на этом портале есть демо-логины (admin, uo, coordinator, principal, mentor,
!!! region, region_staff, uo_kozelsk) с общим паролем «{DEMO_PASSWORD}», admin — суперпользователь.
!!! Это демонстрационный портал. Для работы с настоящими данными используйте новую базу
!!! без --demo и создайте своего администратора: manage.py createsuperuser.
"""


# Every floor's demo: the seed roadmaps and users (schools, roadmaps), then monitoring's.
class Command(BaseCommand):
    help = "Загрузить пять дорожных карт из fixtures/seeds и демо-пользователей (повторный запуск ничего не меняет)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Загрузить и вне режима разработки (DEBUG): создаёт логины с общим известным паролем.",
        )
        parser.add_argument(
            "--without-monitoring",
            action="store_true",
            help="Без демо-данных мониторинга (отметок, результатов, сведений о школах); для тестов.",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["demo"]:
            raise CommandError(
                "Демо-данные создают пользователей с общим паролем "
                f"«{DEMO_PASSWORD}», в том числе суперпользователя admin. На рабочем портале "
                "их быть не должно. Если это демонстрационный портал, запустите "
                "«manage.py seed_demo --demo»."
            )
        for roadmap, created in load_seed_roadmaps():
            state = "загружена" if created else "уже есть"
            rows = roadmap.activities.top_level().count()
            self.stdout.write(f"{state}: {roadmap.title[:70]}… — {rows} мероприятий")
        created_users = create_demo_users()
        roadmap, created = load_demo_school_roadmap(timezone.localdate())
        state = "загружена" if created else "уже есть"
        self.stdout.write(f"{state}: {roadmap.title[:70]}… (демо, текущий учебный год)")
        if not options["without_monitoring"]:
            self._load_monitoring_demo()
        self.stdout.write(f"Новых пользователей: {len(created_users)}")
        self.stdout.write(f"Демо-пользователи (пароль {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<12} {demo.description}")
        if not settings.DEBUG:
            self.stderr.write(self.style.WARNING(DEMO_WARNING))

    def _load_monitoring_demo(self) -> None:
        """Monitoring demo data: marks on the Таганрог roadmap, school profiles and risk levels,
        exam results, indicator values, and the Таганрог roadmap's public page."""
        marks = load_demo_dashboards()
        profiles = load_demo_profiles()
        results = load_demo_results()
        indicators = load_demo_indicators()
        page = load_demo_public_pages()
        self.stdout.write(
            f"Мониторинг: новых отметок {marks}, сведений о школах {profiles['profiles']}, "
            f"уровней рисков {profiles['risks']}, мероприятий с факторами риска {profiles['tags']}, "
            f"результатов {results}, значений показателей {indicators}"
        )
        if page is not None:
            self.stdout.write(f"Публичная страница: /public/{page.token}/")
