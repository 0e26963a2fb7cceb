from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from roadmaps.seed import (
    DEMO_PASSWORD,
    DEMO_USERS,
    create_demo_users,
    load_demo_school_roadmap,
    load_seed_roadmaps,
)


class Command(BaseCommand):
    help = "Загрузить пять дорожных карт из fixtures/seeds и демо-пользователей (повторный запуск ничего не меняет)."

    def handle(self, *args, **options) -> None:
        for roadmap, created in load_seed_roadmaps():
            state = "загружена" if created else "уже есть"
            rows = roadmap.activities.top_level().count()
            self.stdout.write(f"{state}: {roadmap.title[:70]}… — {rows} мероприятий")
        created_users = create_demo_users()
        roadmap, created = load_demo_school_roadmap(timezone.localdate())
        state = "загружена" if created else "уже есть"
        self.stdout.write(f"{state}: {roadmap.title[:70]}… (демо, текущий учебный год)")
        self.stdout.write(f"Новых пользователей: {len(created_users)}")
        self.stdout.write(f"Демо-пользователи (пароль {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<12} {demo.description}")
