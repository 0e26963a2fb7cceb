from __future__ import annotations

from django.urls import path

from roadmaps.views import activities, editing, roadmaps

app_name = "roadmaps"

urlpatterns = [
    path("", roadmaps.roadmap_list, name="roadmap_list"),
    path("new/", roadmaps.roadmap_create, name="roadmap_create"),
    path("<int:pk>/", roadmaps.roadmap_detail, name="roadmap_detail"),
    path("<int:pk>/edit/", roadmaps.roadmap_edit, name="roadmap_edit"),
    path("<int:pk>/copy/", roadmaps.roadmap_copy_view, name="roadmap_copy"),
    path("<int:pk>/approve/", roadmaps.roadmap_approve_view, name="roadmap_approve"),
    path("<int:pk>/renumber/", roadmaps.roadmap_renumber_view, name="roadmap_renumber"),
    path("<int:pk>/deadline-preview/", editing.deadline_preview, name="deadline_preview"),
    path("<int:pk>/sections/new/", editing.section_create_view, name="section_create"),
    path("<int:pk>/activities/new/", editing.activity_create_view, name="activity_create"),
    path("sections/<int:pk>/edit/", editing.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", editing.section_delete_view, name="section_delete"),
    path("sections/<int:pk>/move/<str:direction>/", editing.section_move_view, name="section_move"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", editing.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/row/", editing.activity_row, name="activity_row"),
    path("activities/<int:pk>/delete/", editing.activity_delete_view, name="activity_delete"),
    path("activities/<int:pk>/move/<str:direction>/", editing.activity_move_view, name="activity_move"),
    path("activities/<int:pk>/date/", editing.activity_set_date, name="activity_set_date"),
    path("activities/<int:pk>/mark/", activities.mark_submit_view, name="mark_submit"),
    path("activities/<int:pk>/comments/", activities.comment_add_view, name="comment_add"),
    path("marks/<int:pk>/review/", activities.mark_review_view, name="mark_review"),
    path("evidence/<int:pk>/", activities.evidence_download, name="evidence_download"),
]
